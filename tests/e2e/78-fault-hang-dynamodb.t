# Fault: DynamoDB Local hangs - its java stopped (SIGSTOP) for longer than
# the request budget, then resumed (SIGCONT), while clients post and list
# messages and read PostgreSQL routes. Message requests get 503
# messages_unavailable within the budget + 10 % (retries only while time
# remains), or outcome_unknown for a post whose write went out unanswered
# (it may have landed); PostgreSQL routes and the health check never fail
# and stay quick once the first budget has passed; callers are served
# again within about a second of the resume; every message answered 200 is
# listed, and the failed posts retried with their Idempotency-Key answer
# 200 and are stored once.
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

my $f = hang_run(
    name    => 'DynamoDB Local frozen',
    request => sub {
        my ($c, $n) = @_;
        my ($me, $them) = @{ $pairs[$c % 3] };
        return (GET => '/api/activities/home', tag => 'free') if $n % 3 == 1;
        return (GET => '/api/users/@londo/short', tag => 'free') if $n % 3 == 2;
        return (GET => '/api/message_groups', token => $me, tag => 'needs') if $n % 2;
        return (POST => '/api/messages', token => $me, tag => 'needs',
                headers => { 'Idempotency-Key' => "$tag-$c.$n" },
                json => { message => "$tag $c.$n", handle => $them });
    },
    free    => sub { (GET => '/api/activities/home', tag => 'free') },
    break   => sub { freeze(pid_of('dynamodb') // die "no dynamodb pid\n") },
    allowed => { 503 => qr/^(messages_unavailable|outcome_unknown)$/ },
);
my @r = @{ $f->{results} };
is worker_pids(), $workers, 'the same workers throughout';
my @unknown = grep { ($_->{code} // '') eq 'outcome_unknown' } @r;
is scalar(grep { $_->{method} ne 'POST' } @unknown), 0, 'only writes answered outcome_unknown';
# A post reads before it writes, so the freeze rarely finds its write in
# flight: tests/unit/test_aws_outcome.c checks that case every time.
diag scalar(@unknown) . ' posts answered outcome_unknown (their write went out unanswered)';

# Failed posts retried with their keys (every outcome_unknown, and the
# first 50 others): each answers 200 once DynamoDB is back.
my @failed = grep { $_->{method} eq 'POST' && $_->{status} != 200 } @r;
my @other = grep { ($_->{code} // '') ne 'outcome_unknown' } @failed;
my @retried = (@unknown, @other[0 .. ($#other < 49 ? $#other : 49)]);
for my $m (@retried) {
    my ($me, $them) = @{ $pairs[ $m->{client} % 3 ] };
    my $res = api(POST => '/api/messages', token => $me,
                  headers => { 'Idempotency-Key' => "$tag-$m->{client}.$m->{n}" },
                  json => { message => $m->{message}, handle => $them });
    $m->{retry} = $res->{status};
    $m->{group} = $res->{json}{message_group_uuid};
}
my @retry_failed = grep { $_->{retry} != 200 } @retried;
is scalar(@retry_failed), 0, scalar(@retried) . ' failed posts retried with their Idempotency-Key: all 200';

# Every acknowledged message is listed in its conversation, and every
# retried one exactly once.
my @acked = grep { $_->{method} eq 'POST' && $_->{status} == 200 } @r;
my (%texts, @lost);
sub listed {
    my ($m) = @_;
    my ($me) = @{ $pairs[ $m->{client} % 3 ] };
    return $texts{ $m->{group} } //= do {
        my (%t, $before);
        for (;;) {
            my $path = "/api/messages/$m->{group}?limit=100";
            if (defined $before) { (my $b = $before) =~ s/\+/%2B/g; $path .= "&before=$b" }
            my $res = api(GET => $path, token => $me);
            last unless $res->{status} == 200;
            $t{ $_->{message} }++ for @{ $res->{json} };
            last if @{ $res->{json} } < 100;
            $before = $res->{json}[0]{created_at};
        }
        \%t;
    };
}
push @lost, grep { !listed($_)->{ $_->{message} } } @acked;
is scalar(@lost), 0, scalar(@acked) . ' acknowledged messages, all listed';
my @not_once = grep { $_->{group} && (listed($_)->{ $_->{message} } // 0) != 1 } @retried;
is scalar(@not_once), 0, 'each retried message stored exactly once';
fault_report($f, acked_writes => scalar @acked, lost => scalar @lost, outcome_unknown => scalar @unknown);

done_testing;
