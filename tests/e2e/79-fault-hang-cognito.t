# Fault: cognito-local hangs - its node stopped (SIGSTOP) for longer than
# the request budget, then resumed (SIGCONT), while clients read public
# routes and post and read as signed-in users. The workers are replaced at
# the start of the freeze (SIGTERM), so none
# has the keys yet (72 covers workers that hold them): signed-in requests
# get 503 auth_unavailable within the budget + 10 % (the JWKS fetch keeps
# the request's deadline), then at once while the breaker cools down;
# public routes never fail; the keys are fetched within about a second of
# the resume; every post answered 200 is stored.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use CruddurTest;
use CruddurLoad;
use CruddurFault;
use CruddurHard qw(worker_pids pid_of wait_until);

my $want = $ENV{CRUDDUR_WORKERS} || 4;
my @who = qw(andrewbrown bayko);
token($_) for @who;   # cognito-local issues them: before it hangs
my $tag = "fault-hang-jwks-$$";
# Every worker has the keys and the callers before the freeze.
api(GET => '/api/activities/notifications', token => $_) for (@who) x (4 * $want);

my @fresh;
my $f = hang_run(
    name    => 'cognito-local frozen',
    request => sub {
        my ($c, $n) = @_;
        my $who = $who[$c % 2];
        return (GET => '/api/health-check', tag => 'free') if $n % 4 == 1;
        return (GET => '/api/activities/home', tag => 'free') if $n % 4 == 2;
        return (POST => '/api/activities', token => $who, tag => 'needs',
                json => { message => "$tag $c.$n", ttl => '1-hour' }) if $n % 4 == 3;
        return (GET => '/api/activities/notifications', token => $who, tag => 'needs');
    },
    free    => sub { (GET => '/api/health-check', tag => 'free') },
    break   => sub {
        freeze(pid_of('cognito') // die "no cognito pid\n");
        # Workers with an empty key cache: lighttpd respawns those that end.
        my @before = split /,/, worker_pids();
        kill 'TERM', @before;
        wait_until(sub {
            my @w = split /,/, worker_pids();
            @w == $want && !grep { my $p = $_; grep { $_ == $p } @before } @w
        }, 10) or die "the workers were not respawned\n";
        @fresh = split /,/, worker_pids();
    },
    # A request lighttpd handed a worker as it ended gets lighttpd's own
    # 500 (see 73): at most one a replaced worker, checked below.
    allowed => { 503 => qr/^auth_unavailable$/, 500 => qr/^not_json$/ },
);
my @r = @{ $f->{results} };
is scalar(@fresh), $want, "workers with no keys (@fresh) served during the freeze";
cmp_ok scalar(grep { $_->{status} == 500 } @r), '<=', $want, 'lighttpd\'s 500 at most once a replaced worker';
is scalar(grep { $_->{status} == 401 } @r), 0, 'no good token was refused as unauthorized';

my @acked = grep { $_->{method} eq 'POST' && $_->{status} == 200 } @r;
my %stored = map { $_ => 1 } split /\n/, sql_value("SELECT uuid FROM activities WHERE message LIKE '$tag %'");
my @lost = grep { !$stored{ $_->{uuid} } } @acked;
is scalar(@lost), 0, scalar(@acked) . ' acknowledged posts, all stored';
fault_report($f, acked_writes => scalar @acked, lost => scalar @lost);

done_testing;
