# Fault: cognito-local hangs - its node stopped (SIGSTOP) for longer than
# the request budget, then resumed (SIGCONT), while clients read public
# routes and post and read as signed-in users. One worker is replaced at the
# start of the freeze, so it has no keys yet: its signed-in requests get
# 503 auth_unavailable within the budget + 10 % (the JWKS fetch keeps the
# request's deadline), then at once while its breaker cools down; workers
# holding the keys keep verifying tokens; public routes never fail; the
# new worker fetches the keys within about a second of the resume; every
# post answered 200 is stored.
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

my ($fresh, $killed);
my $f = fault_run(
    name    => 'cognito-local frozen',
    clients => 4,
    pause   => 0.02,
    request => sub {
        my ($c, $n) = @_;
        my $who = $who[$c % 2];
        return (GET => '/api/health-check', tag => 'free') if $n % 4 == 1;
        return (GET => '/api/activities/home', tag => 'free') if $n % 4 == 2;
        return (POST => '/api/activities', token => $who, tag => 'needs',
                json => { message => "$tag $c.$n", ttl => '1-hour' }) if $n % 4 == 3;
        return (GET => '/api/activities/notifications', token => $who, tag => 'needs');
    },
    break   => sub {
        freeze(pid_of('cognito') // die "no cognito pid\n");
        # A worker with an empty key cache: kill one, lighttpd respawns it.
        my @before = split /,/, worker_pids();
        $killed = $before[0];
        kill 'KILL', $killed;
        wait_until(sub { my @w = split /,/, worker_pids(); @w == $want && !grep { $_ == $killed } @w }, 10)
            or die "no worker respawned\n";
        ($fresh) = grep { my $p = $_; !grep { $_ == $p } @before } split /,/, worker_pids();
    },
    outage  => $ENV{CRUDDUR_HANG_SECONDS} || 8,
    restore => sub { thaw() },
    # The killed worker's in-flight request gets lighttpd's own 500 (see 73).
    allowed => { 503 => qr/^auth_unavailable$/, 500 => qr/^not_json$/ },
    max_latency  => budget_s() * 1.1 + 1,
    max_recovery => 1.5,
);
fault_checks($f);
my @r = @{ $f->{results} };
# The kill's lighttpd 500 is the kill's, not the hang's: leave it out.
my $g = { %$f, results => [ grep { $_->{status} != 500 } @r ] };
$f->{hang} = hang_checks($g, free_p99 => 0.5);
ok $fresh, "a worker with no keys ($fresh) ran during the freeze";
cmp_ok scalar(grep { $_->{status} == 500 } @r), '<=', 1, 'at most the killed worker\'s in-flight request failed otherwise';
is scalar(grep { $_->{status} == 401 } @r), 0, 'no good token was refused as unauthorized';
my @signed = grep { $_->{tag} eq 'needs' && $_->{t1} > $f->{t_broken} + budget_s() * 1.1 && $_->{t0} < $f->{t_restore} } @r;
ok((grep { $_->{status} == 200 } @signed), 'workers holding the keys verified tokens during the freeze (' . summarize(@signed) . ')');

my @acked = grep { $_->{method} eq 'POST' && $_->{status} == 200 } @r;
my %stored = map { $_ => 1 } split /\n/, sql_value("SELECT uuid FROM activities WHERE message LIKE '$tag %'");
my @lost = grep { !$stored{ $_->{uuid} } } @acked;
is scalar(@lost), 0, scalar(@acked) . ' acknowledged posts, all stored';
fault_report($f, acked_writes => scalar @acked, lost => scalar @lost);

done_testing;
