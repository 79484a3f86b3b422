# The workers survive what happens around them: a worker killed outright is
# replaced by lighttpd, and PostgreSQL going away answers 503 until it is
# back, then the same workers serve again with no restart.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use Time::HiRes qw(sleep time);
use CruddurTest;

my $state = $ENV{CRUDDUR_STATE} or die "CRUDDUR_STATE is not set\n";
my $root = repo_root();

sub pid_of {
    my ($part) = @_;
    open(my $fh, '<', "$state/$part.pid") or return;
    my $pid = <$fh>;
    chomp $pid;
    return $pid;
}

sub workers {
    my $lpid = pid_of('lighttpd') or return ();
    my @pids = split ' ', `pgrep -P $lpid 2>/dev/null`;
    return sort { $a <=> $b } grep { (`cat /proc/$_/cmdline 2>/dev/null` // '') =~ /cruddur/ } @pids;
}

sub wait_until {
    my ($what, $seconds) = @_;
    my $end = time + $seconds;
    while (time < $end) { return 1 if $what->(); sleep 0.1 }
    return 0;
}

# Enough requests that every worker answers some of them.
sub statuses {
    my ($path, $n) = @_;
    my %seen;
    $seen{ api(GET => $path)->{status} }++ for 1 .. $n;
    return \%seen;
}

my $want = $ENV{CRUDDUR_WORKERS} || 4;

subtest 'a worker killed with SIGKILL is replaced' => sub {
    my @before = workers();
    is scalar @before, $want, "$want workers run";
    kill 'KILL', $before[0];
    ok wait_until(sub { my @w = workers(); @w == $want && !grep { $_ == $before[0] } @w }, 10),
        'lighttpd spawned a new one';
    # lighttpd may need a request to notice the dead socket; after that all answer.
    api(GET => '/api/health-check') for 1 .. $want;
    is_deeply statuses('/api/activities/home', 4 * $want), { 200 => 4 * $want },
        'every following request succeeds';
};

subtest 'PostgreSQL down answers 503, back answers 200, no restart' => sub {
    my @workers = workers();
    my $lpid = pid_of('lighttpd');
    my $pg = pid_of('postgres');
    ok $pg, 'PostgreSQL pid known';
    kill 'INT', $pg;    # fast shutdown: drops the workers' connections
    ok wait_until(sub { !kill(0, $pg) }, 30), 'PostgreSQL stopped';

    my $r = api(GET => '/api/activities/home');
    is $r->{status}, 503, 'home is 503';
    is_deeply $r->{json}, { errors => ['database_unavailable'] }, 'database_unavailable';
    is_deeply statuses('/api/activities/home', 4 * $want), { 503 => 4 * $want },
        'every worker answers 503, none 500';
    is api(POST => '/api/activities', token => 'bayko',
           json => { message => 'while down', ttl => '1-hour' })->{status}, 503,
        'a write is 503 too';
    is api(GET => '/api/health-check')->{status}, 200, 'health check needs no backend';

    system("$root/scripts/dev/up >/dev/null 2>&1") == 0 or diag 'scripts/dev/up failed';
    ok wait_until(sub { api(GET => '/api/activities/home')->{status} == 200 }, 30),
        'served again';
    is_deeply statuses('/api/activities/home', 4 * $want), { 200 => 4 * $want },
        'by every worker';
    is pid_of('lighttpd'), $lpid, 'lighttpd was not restarted';
    is_deeply [ workers() ], \@workers, 'nor any worker';
};

done_testing;
