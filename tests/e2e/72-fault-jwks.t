# Fault: the JWKS endpoint (cognito-local) down while signed-in clients
# post and read. Workers that hold the pool's keys keep verifying tokens
# (200); a worker that has none (here: one killed and respawned during the
# outage) answers 503 auth_unavailable - never 401 for a good token, never
# a 500 or a hang; once the endpoint is back it fetches the keys and serves
# (it retries a failed fetch after JWKS_RETRY_SECS, then a pause that
# doubles with each failure in a row). Every post answered 200
# is stored.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use Time::HiRes qw(time sleep);
use CruddurTest;
use CruddurLoad;
use CruddurFault;
use CruddurHard qw(worker_pids wait_until);

my $want = $ENV{CRUDDUR_WORKERS} || 4;
my @who = qw(andrewbrown bayko);
token($_) for @who;   # cognito-local issues them: before it goes
my $tag = "fault-jwks-$$";
# Every worker has its keys before the outage.
api(GET => '/api/activities/notifications', token => 'andrewbrown') for 1 .. 4 * $want;

# The worker that answered the most of the last requests in lighttpd's log
# (the workers' own lines, "cruddur[PID]: ...").
sub busiest_worker {
    my @pids = @_;
    my %n = map { $_ => 0 } @pids;
    open(my $fh, '<', "$ENV{CRUDDUR_STATE}/lighttpd.log") or return $pids[0];
    my @lines = <$fh>;
    for (@lines[($#lines > 400 ? $#lines - 400 : 0) .. $#lines]) {
        $n{$1}++ if /^cruddur\[(\d+)\]:/ && exists $n{$1};
    }
    my ($top) = sort { $n{$b} <=> $n{$a} || $a <=> $b } @pids;
    return $top;
}

my $clients = 4;
my ($fresh, @fresh_answers);
my $f = fault_run(
    name    => 'JWKS endpoint down',
    clients => $clients,
    request => sub {
        my ($c, $n) = @_;
        my $who = $who[$c % 2];
        return $n % 2
            ? (POST => '/api/activities', token => $who, json => { message => "$tag $c.$n", ttl => '1-hour' })
            : (GET => '/api/activities/notifications', token => $who);
    },
    break   => sub { stack('cr_stop cognito "$CR_TEXT_cognito" >/dev/null') or die "stop failed\n" },
    outage  => 2,
    during  => sub {
        # A worker with an empty key cache: kill one (lighttpd respawns it
        # in the same place). lighttpd hands a request to the first free
        # worker of its list, so the busiest one is killed: its successor
        # surely takes requests, whatever earlier runs did to the list.
        my @before = split /,/, worker_pids();
        my $victim = busiest_worker(@before);
        kill 'KILL', $victim;
        wait_until(sub { my @w = split /,/, worker_pids(); @w == $want && !grep { $_ == $victim } @w }, 10);
        ($fresh) = grep { my $p = $_; !grep { $_ == $p } @before } split /,/, worker_pids();
        sleep 4;   # so the respawned worker takes some of the load while keys are unreachable
    },
    restore => sub { stack('cr_start_cognito >/dev/null') or die "start failed\n" },
    # The killed worker's in-flight request gets lighttpd's own 500 (see 73).
    allowed => { 503 => qr/^auth_unavailable$/, 500 => qr/^not_json$/ },
    max_recovery => 15,
);
fault_checks($f);
my @r = @{ $f->{results} };
ok $fresh, "a worker with no keys ($fresh) ran during the outage";
ok((grep { $_->{status} == 503 } @r), '503 auth_unavailable was seen (from the worker with no keys)');
# The kill fails what the busiest worker held: the request it was serving
# and those lighttpd had queued on its socket (see 73) - at most one a
# client, as each client has one request in flight.
cmp_ok scalar(grep { $_->{status} == 500 } @r), '<=', $clients,
    'only requests in flight at the kill failed otherwise (one a client at most)';
is scalar(grep { $_->{status} == 401 } @r), 0, 'no good token was refused as unauthorized';
my @during = grep { $_->{t1} > $f->{t_broken} && $_->{t0} < $f->{t_restore} } @r;
ok((grep { $_->{status} == 200 } @during), 'workers with cached keys served during the outage');

my @acked = grep { $_->{method} eq 'POST' && $_->{status} == 200 } @r;
my %stored = map { $_ => 1 } split /\n/, sql_value("SELECT uuid FROM activities WHERE message LIKE '$tag %'");
my @lost = grep { !$stored{ $_->{uuid} } } @acked;
is scalar(@lost), 0, scalar(@acked) . ' acknowledged posts, all stored';
fault_report($f, acked_writes => scalar @acked, lost => scalar @lost);

done_testing;
