# Fault: the stream poller SIGKILLed and started again while two users post
# into their conversation. Callers never notice (the poller is not on the
# request path: all 200); once it is back it catches up from its checkpoint,
# both participants' group rows converge on the last message, and every
# message answered 200 is listed.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use Time::HiRes qw(time sleep);
use CruddurTest;
use CruddurLoad;
use CruddurFault;
use CruddurHard qw(pid_of wait_until);

plan skip_all => 'the stream poller is not running' unless pid_of('stream') && kill 0, pid_of('stream');
my @who = qw(andrewbrown bayko);
token($_) for @who;
my $tag = "fault-stream-$$";
my $group = api(POST => '/api/messages', token => 'andrewbrown',
                json => { message => "$tag start", handle => 'bayko' })->{json}{message_group_uuid};
ok $group, 'the conversation' or BAIL_OUT('no conversation');

sub row_of {
    my ($who) = @_;
    my ($g) = grep { $_->{uuid} eq $group } @{ api(GET => '/api/message_groups', token => $who)->{json} || [] };
    return $g;
}

my ($row_at_kill, $row_before_back, $catchup);
my $f = fault_run(
    name    => 'stream poller killed',
    clients => 2,
    request => sub {
        my ($c, $n) = @_;
        return (POST => '/api/messages', token => $who[$c % 2],
                json => { message => "$tag $c.$n", message_group_uuid => $group });
    },
    break   => sub {
        stack('cr_stop stream "$CR_TEXT_stream" KILL >/dev/null') or die "kill failed\n";
        $row_at_kill = row_of('bayko');
    },
    outage  => 3,
    during  => sub { $row_before_back = row_of('bayko') },
    restore => sub {
        stack('cr_start_stream >/dev/null') or die "start failed\n";
        # Caught up: the group row moves again, past where it stood.
        my $t = time;
        wait_until(sub { my $g = row_of('bayko'); $g && $g->{created_at} gt $row_before_back->{created_at} }, 30)
            and $catchup = time - $t;
    },
    allowed => {},
);
fault_checks($f);
ok defined $catchup, sprintf('back, the poller moved the group rows again after %.2f s', $catchup // -1);
my @r = @{ $f->{results} };
ok $row_at_kill && $row_before_back, 'group row read during the outage';
is $row_before_back->{created_at}, $row_at_kill->{created_at}, 'while the poller was down the group row stood still'
    if $row_at_kill && $row_before_back;

# Both group rows must end on the newest message.
my $msgs = api(GET => "/api/messages/$group?limit=1", token => 'andrewbrown')->{json};
my $newest = $msgs->[-1];
my $t0 = time;
my $converged = wait_until(sub {
    my ($a, $b) = map { row_of($_) } @who;
    $a && $b && $a->{created_at} eq $newest->{created_at} && $b->{created_at} eq $newest->{created_at}
        && $a->{message} eq $newest->{message} && $b->{message} eq $newest->{message};
}, 30);
my $lag = time - $t0;
ok $converged, sprintf('both group rows converged on the last message (%.2f s after the load stopped)', $lag);

# Every acknowledged message is listed.
my %listed;
my $before;
for (;;) {
    my $path = "/api/messages/$group?limit=100" . (defined $before ? '&before=' . ($before =~ s/\+/%2B/gr) : '');
    my $page = api(GET => $path, token => 'bayko')->{json};
    last unless ref $page eq 'ARRAY';
    $listed{ $_->{message} } = 1 for @$page;
    last if @$page < 100;
    $before = $page->[0]{created_at};
}
my @acked = grep { $_->{status} == 200 } @r;
my @lost = grep { !$listed{ $_->{message} } } @acked;
is scalar(@lost), 0, scalar(@acked) . ' acknowledged messages, all listed';
fault_report($f, acked_writes => scalar @acked, lost => scalar @lost,
             catch_up_s => sprintf('%.2f', $catchup // -1), converged_s => sprintf('%.2f', $lag));

done_testing;
