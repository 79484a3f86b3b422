# tests/soak/soak.pl - the soak run on the stack scripts/soak started: wrk
# with tests/soak/mixed.lua at SOAK_CONNECTIONS connections for at least
# SOAK_SECONDS and at least SOAK_REQUESTS requests, then the verdict:
#   - zero failed requests (wrk errors, any status but 200);
#   - zero worker crashes (the same worker pids before and after);
#   - every acknowledged write present afterwards (activities in
#     PostgreSQL, messages listed by GET /api/messages);
#   - both group rows of each conversation converged on its last message;
#   - each worker's RSS after SOAK_REQUESTS requests within SOAK_RSS_SLACK_KB
#     of its RSS after the first 1,000.
# Prints the figures; exits non-zero when a check fails.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../e2e/lib";
use File::Temp qw(tempdir);
use List::Util qw(sum max);
use POSIX ();
use Time::HiRes qw(time sleep);
use CruddurTest;
use CruddurHard qw(worker_pids wait_until);

my $seconds  = $ENV{SOAK_SECONDS} // 60;
my $want_req = $ENV{SOAK_REQUESTS} // 100_000;
my $conns    = $ENV{SOAK_CONNECTIONS} // 64;
my $slack_kb = $ENV{SOAK_RSS_SLACK_KB} // 1024;
my $limit    = $ENV{SOAK_MAX_SECONDS} // 900;
my $state    = $ENV{CRUDDUR_STATE};
my $root     = repo_root();
my $tmp      = tempdir('cruddur-soak.XXXXXX', TMPDIR => 1, CLEANUP => 1);
my ($fails, @report) = (0);

sub check {
    my ($ok, $what) = @_;
    printf "%s %s\n", $ok ? 'ok  ' : 'FAIL', $what;
    push @report, ($ok ? '' : 'FAIL: ') . $what;
    $fails++ unless $ok;
    return $ok;
}

sub rss_kb {
    my ($pid) = @_;
    open(my $fh, '<', "/proc/$pid/status") or return;
    while (my $l = <$fh>) { return $1 if $l =~ /^VmRSS:\s+(\d+)/ }
    return;
}

# ---- set-up: tokens and the two conversations ----
my %tok = map { $_ => token($_) } qw(andrewbrown bayko londo);
my ($g_ab) = map { $_->{uuid} } grep { $_->{handle} eq 'bayko' }
    @{ api(GET => '/api/message_groups', token => 'andrewbrown')->{json} || [] };
my $g_bl = api(POST => '/api/messages', token => 'bayko',
               json => { message => 'soak set-up', handle => 'londo' })->{json}{message_group_uuid};
die "soak: no conversations to post into\n" unless $g_ab && $g_bl;
my $tag = "soak-$$-" . time;
$tag =~ s/\.//g;

my $workers = worker_pids();
my @wpids = split /,/, $workers;
die "soak: no workers\n" unless @wpids;

# ---- the run ----
my $log = "$state/access.log";
open(my $acc, '<', $log) or die "soak: $log: $!\n";
seek $acc, 0, 2;   # count only what this run adds

local $ENV{SOAK_TOKEN_ANDREWBROWN} = $tok{andrewbrown};
local $ENV{SOAK_TOKEN_BAYKO} = $tok{bayko};
local $ENV{SOAK_TOKEN_LONDO} = $tok{londo};
local $ENV{SOAK_GROUP_AB} = $g_ab;
local $ENV{SOAK_GROUP_BL} = $g_bl;
local $ENV{SOAK_TAG} = $tag;
local $ENV{SOAK_OUT} = "$tmp/wrk.out";
my $threads = $conns < 2 ? 1 : 2;
my @wrk = ('wrk', "-t$threads", "-c$conns", "-d${limit}s", '--timeout', '10s', '--latency',
           '-s', "$root/tests/soak/mixed.lua", base_url());
print "soak: @wrk[0 .. 5] (until >= $seconds s and >= $want_req requests)\n";
my $t0 = time;
my $wrk = fork() // die "fork: $!\n";
if ($wrk == 0) {
    open(STDOUT, '>', "$tmp/wrk.txt") or POSIX::_exit(1);
    exec @wrk or POSIX::_exit(127);
}

my ($count, %rss_1k, %rss_end, $t_1k) = (0);
my $partial = '';
while (1) {
    sleep 0.2;
    while (defined(my $n = sysread($acc, my $buf, 1 << 20))) {
        last if $n == 0;
        $count += ($buf =~ tr/\n//);
    }
    if (!%rss_1k && $count >= 1000) {
        %rss_1k = map { $_ => rss_kb($_) } @wpids;
        $t_1k = time;
    }
    my $done = waitpid($wrk, POSIX::WNOHANG()) == $wrk;
    if ($done) {
        check(0, 'wrk ended on its own before the goal') if time - $t0 < $limit - 1;
        last;
    }
    if (time - $t0 >= $seconds && $count >= $want_req) {
        %rss_end = map { $_ => rss_kb($_) } @wpids;
        kill 'INT', $wrk;   # wrk stops, reports and calls done()
        waitpid $wrk, 0;
        last;
    }
}
my $elapsed = time - $t0;
%rss_end = map { $_ => rss_kb($_) } @wpids unless %rss_end;
print "soak: wrk ran ", sprintf('%.1f', $elapsed), " s; lighttpd logged $count requests\n";
system('cat', "$tmp/wrk.txt");

# ---- what wrk saw ----
my (%status, @acks, $requests, @errors, @lat);
if (open(my $out, '<', "$tmp/wrk.out")) {
    while (<$out>) {
        chomp;
        if (/^status (\d+) (\d+)$/) { $status{$1} += $2 }
        elsif (/^ack (\S) (\S+) (\S+) (.*)$/) { push @acks, { kind => $1, group => $2, uuid => $3, text => $4 } }
        elsif (/^requests (\d+)$/) { $requests = $1 }
        elsif (/^errors (.*)$/) { @errors = split ' ', $1 }
        elsif (/^latency (.*)$/) { @lat = split ' ', $1 }
    }
}
check(defined $requests, 'wrk reported its summary') or exit 1;
my $non200 = sum(0, map { $status{$_} } grep { $_ != 200 } keys %status);
check($requests >= $want_req, "$requests requests at $conns connections in " . sprintf('%.1f', $elapsed) . ' s ('
      . sprintf('%.0f', $requests / $elapsed) . ' req/s)');
check(sum(0, @errors) == 0, 'zero wrk errors (connect/read/write/status/timeout: ' . join('/', @errors) . ')');
check($non200 == 0, 'zero failed requests (statuses: ' . join(' ', map { "$_:$status{$_}" } sort keys %status) . ')');
printf "latency: mean %.1f ms, p50 %.1f ms, p99 %.1f ms, max %.1f ms\n", map { $_ / 1000 } @lat if @lat;

# ---- crashes ----
check(worker_pids() eq $workers, "zero worker crashes (the same $workers)");

# ---- every acknowledged write ----
my @acts = grep { $_->{kind} eq 'A' } @acks;
my @msgs = grep { $_->{kind} eq 'M' } @acks;
{
    open(my $fh, '>', "$tmp/acts") or die;
    print $fh "$_->{uuid}\n" for @acts;
    close $fh;
    my $missing = `psql -X -q -At -v ON_ERROR_STOP=1 "$ENV{CONNECTION_URL}" -c "CREATE TEMP TABLE acked (uuid uuid)" -c "\\copy acked FROM '$tmp/acts'" -c "SELECT count(*) FROM acked LEFT JOIN activities a USING (uuid) WHERE a.uuid IS NULL"`;
    chomp $missing;
    check($? == 0 && $missing eq '0', scalar(@acts) . " acknowledged activities, missing: $missing");
}
my %listed;   # group -> { uuid -> [text, created_at] }
for my $g ($g_ab, $g_bl) {
    my $before;
    for (;;) {
        my $path = "/api/messages/$g?limit=100" . (defined $before ? '&before=' . ($before =~ s/\+/%2B/gr) : '');
        my $r = api(GET => $path, token => 'bayko');
        last unless $r->{status} == 200;
        $listed{$g}{ $_->{uuid} } = [ $_->{message}, $_->{created_at} ] for @{ $r->{json} };
        last if @{ $r->{json} } < 100;
        $before = $r->{json}[0]{created_at};
    }
}
my @lost = grep { !$listed{ $_->{group} }{ $_->{uuid} } || $listed{ $_->{group} }{ $_->{uuid} }[0] ne $_->{text} } @msgs;
check(@msgs > 0 && !@lost, scalar(@msgs) . ' acknowledged messages, all listed with their text (lost: ' . scalar(@lost) . ')');

# ---- group rows ----
my %pair = ($g_ab => [qw(andrewbrown bayko)], $g_bl => [qw(bayko londo)]);
for my $g ($g_ab, $g_bl) {
    my ($last) = sort { $b->[1] cmp $a->[1] } values %{ $listed{$g} };
    my $t = time;
    my $ok = wait_until(sub {
        for my $who (@{ $pair{$g} }) {
            my ($row) = grep { $_->{uuid} eq $g } @{ api(GET => '/api/message_groups', token => $who)->{json} || [] };
            return 0 unless $row && $row->{created_at} eq $last->[1] && $row->{message} eq $last->[0];
        }
        return 1;
    }, 60);
    check($ok, "group rows of @{ $pair{$g} } converged on the last message ("
          . sprintf('%.1f', time - $t) . ' s after the load)');
}

# ---- memory ----
for my $pid (@wpids) {
    my ($a, $b) = ($rss_1k{$pid}, $rss_end{$pid});
    check(defined $a && defined $b && $b - $a <= $slack_kb,
          sprintf('worker %d RSS %s kB after 1,000 requests, %s kB after %d: %+d kB', $pid, $a // '?', $b // '?',
                  $count, ($b // 0) - ($a // 0)));
}

if (my $file = $ENV{SOAK_REPORT}) {
    open(my $fh, '>', $file) or die "$file: $!\n";
    print $fh "$_\n" for @report;
    printf $fh "latency: mean %.1f ms, p50 %.1f ms, p99 %.1f ms, max %.1f ms\n", map { $_ / 1000 } @lat if @lat;
    close $fh;
}
print $fails ? "soak: $fails check(s) failed\n" : "soak: all checks passed\n";
exit($fails ? 1 : 0);
