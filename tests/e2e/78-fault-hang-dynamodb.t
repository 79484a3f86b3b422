# Fault: DynamoDB Local hangs - its java stopped (SIGSTOP) for longer than
# the request budget, then resumed (SIGCONT), while clients post and list
# messages and read PostgreSQL routes. Message requests get 503
# messages_unavailable within the budget + 10 % (retries only while time
# remains); PostgreSQL routes and the health check never fail and stay
# quick once the first budget has passed; callers are served again within
# about a second of the resume; every message answered 200 is listed.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use CruddurTest;
use CruddurLoad;
use CruddurFault;
use CruddurHard qw(worker_pids pid_of);

my @pairs = ([qw(andrewbrown bayko)], [qw(bayko londo)], [qw(londo andrewbrown)]);
token($_) for qw(andrewbrown bayko londo);
my $tag = "fault-hang-ddb-$$";
my $workers = worker_pids();
# Every worker knows each caller (cached), so messages need only DynamoDB.
api(GET => '/api/message_groups', token => $_->[0]) for (@pairs) x 8;

my $log_from = worker_log_offset();
my $f = fault_run(
    name    => 'DynamoDB Local frozen',
    clients => 4,
    pause   => 0.02,
    request => sub {
        my ($c, $n) = @_;
        my ($me, $them) = @{ $pairs[$c % 3] };
        return (GET => '/api/activities/home', tag => 'free') if $n % 3 == 1;
        return (GET => '/api/users/@londo/short', tag => 'free') if $n % 3 == 2;
        return (GET => '/api/message_groups', token => $me, tag => 'needs') if $n % 2;
        return (POST => '/api/messages', token => $me, tag => 'needs',
                json => { message => "$tag $c.$n", handle => $them });
    },
    break   => sub { freeze(pid_of('dynamodb') // die "no dynamodb pid\n") },
    outage  => $ENV{CRUDDUR_HANG_SECONDS} || 8,
    restore => sub { thaw() },
    allowed => { 503 => qr/^messages_unavailable$/ },
    max_latency  => budget_s() * 1.1 + 1,
    max_recovery => 2,
);
fault_checks($f);
hang_checks($f, free_p99 => $ENV{CRUDDUR_HANG_P99_S} || 1, log_from => $log_from);
my @r = @{ $f->{results} };
is worker_pids(), $workers, 'the same workers throughout';

# Every acknowledged message is listed in its conversation.
my @acked = grep { $_->{method} eq 'POST' && $_->{status} == 200 } @r;
my (%texts, @lost);
for my $m (@acked) {
    my ($me) = @{ $pairs[ $m->{client} % 3 ] };
    $texts{ $m->{group} } //= do {
        my (%t, $before);
        for (;;) {
            my $path = "/api/messages/$m->{group}?limit=100";
            if (defined $before) { (my $b = $before) =~ s/\+/%2B/g; $path .= "&before=$b" }
            my $res = api(GET => $path, token => $me);
            last unless $res->{status} == 200;
            $t{ $_->{message} } = 1 for @{ $res->{json} };
            last if @{ $res->{json} } < 100;
            $before = $res->{json}[0]{created_at};
        }
        \%t;
    };
    push @lost, $m unless $texts{ $m->{group} }{ $m->{message} };
}
is scalar(@lost), 0, scalar(@acked) . ' acknowledged messages, all listed';
fault_report($f, acked_writes => scalar @acked, lost => scalar @lost);

done_testing;
