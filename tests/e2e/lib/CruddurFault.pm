# CruddurFault - one fault under load, and the verdict on what callers saw.
#
#   my $f = fault_run(
#       name    => 'postgres restart',
#       clients => 4, request => sub { ... },        # as CruddurLoad
#       break   => sub { ... },                      # take the part away
#       outage  => 3,                                # seconds it stays away
#       restore => sub { ... },                      # bring it back (blocks until it answers)
#       allowed => { 503 => qr/^database_unavailable$/ },   # failures callers may see meanwhile
#       max_latency => 20,                           # no request may hang longer
#   );
#   fault_checks($f);   # the common assertions
#
#   my $f = hang_run(name => ..., request => ..., free => sub { ... },
#                    break => sub { freeze(...) },
#                    allowed => { 503 => qr/^..._unavailable$/ });
#       # a part frozen (SIGSTOP) and resumed by thaw(): fault_run with the
#       # hang tests' defaults, then fault_checks and hang_checks
#
# Times: t_down (break called), t_back (restore returned), t_end (load
# stopped). recovery = how long after t_back callers still saw a failure.
package CruddurFault;

use strict;
use warnings;
use Exporter 'import';
use JSON::PP;
use List::Util qw(max);
use Test::More;
use File::Spec;
use Time::HiRes qw(time sleep);
use CruddurTest;
use CruddurLoad;

our @EXPORT = qw(fault_run fault_checks fault_report freeze thaw pids_of_tree budget_s hang_checks p99
                 worker_log_offset hang_run);

sub fault_run {
    my (%o) = @_;
    my $load = load_start(clients => $o{clients} // 4, request => $o{request}, pause => $o{pause});
    sleep($o{warm} // 2);
    my $t_down = time;
    $o{break}->();
    my $t_broken = time;
    sleep($o{outage} // 3);
    $o{during}->() if $o{during};
    my $t_restore = time;
    $o{restore}->();
    my $t_back = time;
    # Run on until every client has had a clean stretch after the return
    # (or give up after `patience` seconds: the verdict will say so).
    my $deadline = $t_back + ($o{patience} // 60);
    my $settle = $o{settle} // 3;
    while (time < $deadline) {
        sleep 0.5;
        my @r = CruddurLoad::peek($load);
        my @after = grep { $_->{t0} > $t_back } @r;
        my @bad = grep { $_->{status} != 200 } @after;
        my $last_bad = @bad ? max(map { $_->{t1} } @bad) : $t_back;
        last if time - $last_bad >= $settle && @after;
    }
    my @results = load_stop($load);
    return { %o, results => \@results, t_start => $load->{started}, t_down => $t_down,
             t_broken => $t_broken, t_restore => $t_restore, t_back => $t_back, t_end => time };
}

# The common verdict: nothing 500, nothing outside `allowed`, nothing
# hung, all well before the fault and after recovery. Returns the recovery
# time (s).
sub fault_checks {
    my ($f) = @_;
    my @r = @{ $f->{results} };
    my @before = grep { $_->{t1} < $f->{t_down} } @r;
    my @during = grep { $_->{t1} >= $f->{t_down} && $_->{t0} <= $f->{t_back} } @r;
    my @after = grep { $_->{t0} > $f->{t_back} } @r;
    my @bad_after = grep { $_->{status} != 200 } @after;
    my $clean_from = @bad_after ? max(map { $_->{t1} } @bad_after) : $f->{t_back};
    my $recovery = $clean_from - $f->{t_back};
    my @clean = grep { $_->{t0} > $clean_from } @after;

    diag sprintf('%s: %d requests; before %s | during %s | after %s; down %.1f s, recovery %.2f s',
                 $f->{name}, scalar @r, summarize(@before), summarize(@during), summarize(@after),
                 $f->{t_back} - $f->{t_down}, $recovery);
    ok @before > 0 && !(grep { $_->{status} != 200 } @before), "$f->{name}: all well before the fault ("
        . summarize(@before) . ')';
    # A worker's 500 is JSON; lighttpd's own (a worker that died mid-request)
    # is not, and is only allowed where the fault says so.
    is scalar(grep { $_->{status} == 500 && ($_->{code} // '') ne 'not_json' } @r), 0,
        "$f->{name}: no 500 from a worker";
    my @odd = grep {
        my $x = $_;
        $x->{status} != 200 && !grep { $x->{status} == $_ && ($x->{code} // '') =~ $f->{allowed}{$_} } keys %{ $f->{allowed} }
    } @r;
    is scalar(@odd), 0, "$f->{name}: every failure is one the fault explains"
        or diag join "\n", map { "  $_->{method} $_->{path}: $_->{status} " . ($_->{code} // '') } @odd[0 .. ($#odd < 9 ? $#odd : 9)];
    my ($slow) = sort { $b <=> $a } map { $_->{t1} - $_->{t0} } @r;
    cmp_ok $slow, '<', $f->{max_latency} // 20, sprintf('%s: no request hung (slowest %.2f s)', $f->{name}, $slow);
    ok @clean >= 4, "$f->{name}: served again after recovery (" . scalar(@clean) . ' clean answers)';
    ok $recovery <= ($f->{max_recovery} // 30), sprintf('%s: recovered %.2f s after the part returned', $f->{name}, $recovery);
    $f->{recovery} = $recovery;
    $f->{summary} = { before => summarize(@before), during => summarize(@during), after => summarize(@after) };
    $f->{slowest} = $slow;
    return $recovery;
}

# ---- hangs: a part frozen with SIGSTOP, resumed with SIGCONT ----

# Every pid this test stopped; resumed whatever happens (END below), so a
# failed test never leaves a frozen backend behind.
my %frozen;
my $owner = $$;

sub freeze {
    my @pids = grep { defined && /^\d+$/ } @_;
    die "nothing to freeze\n" unless @pids;
    $frozen{$_} = 1 for @pids;
    kill 'STOP', @pids;
    return @pids;
}

sub thaw {
    my @pids = keys %frozen;
    kill 'CONT', @pids if @pids;
    %frozen = ();
    return @pids;
}

END { thaw() if $$ == $owner }
$SIG{$_} = sub { thaw(); exit 130 } for qw(INT TERM HUP);

# pid and all its descendants (read from /proc), e.g. PostgreSQL's
# postmaster and its backends.
sub pids_of_tree {
    my ($root) = @_;
    my %kids;
    opendir(my $dh, '/proc') or return ($root);
    for my $pid (grep { /^\d+$/ } readdir $dh) {
        open(my $sh, '<', "/proc/$pid/stat") or next;
        my ($ppid) = (<$sh> // '') =~ /\)\s+\S\s+(\d+)/ or next;
        push @{ $kids{$ppid} }, $pid;
    }
    closedir $dh;
    my @all = ($root);
    for (my $i = 0; $i < @all; $i++) { push @all, @{ $kids{ $all[$i] } // [] } }
    return @all;
}

# The worker's request budget, in seconds (README, configuration).
sub budget_s { return ($ENV{CRUDDUR_REQUEST_BUDGET_MS} || 2500) / 1000 }

sub p99 {
    my @l = sort { $a <=> $b } @_;
    return @l ? $l[ int(0.99 * $#l + 0.5) ] : 0;
}

# The workers' access lines (lighttpd.log) start here: pass it to
# hang_checks as log_from.
sub worker_log_offset { return -s "$ENV{CRUDDUR_STATE}/lighttpd.log" // 0 }

# The workers' 503s since byte `from` of their log: the longest time (s) one
# took; how many took at least `long` s (a full budget paid) and in how many
# workers; how many took 50 ms or more but less than that (the probes).
sub worker_503s {
    my ($from, $long) = @_;
    my ($max, $paid, $probes, %pids) = (0, 0, 0);
    open(my $fh, '<', "$ENV{CRUDDUR_STATE}/lighttpd.log") or return (0, 0, 0, 0);
    seek $fh, $from, 0;
    while (<$fh>) {
        # "cruddur[PID]: GET /path 503 2500.123ms request_id=..."
        my ($pid, $ms) = /^\S*?\[(\d+)\]: \S+ \S+ 503 ([\d.]+)ms(?: |$)/ or next;
        $max = $ms / 1000 if $ms / 1000 > $max;
        $probes++ if $ms >= 50 && $ms / 1000 < $long;
        next if $ms / 1000 < $long;
        $paid++;
        $pids{$pid} = 1;
    }
    return ($max, $paid, scalar keys %pids, $probes);
}

# The verdict on a hang, beside fault_checks: answers tagged 'needs' (they
# need the frozen part) end in 200 or 503, each worker answering its 503
# within the budget + 10 % (from its log, log_from) and the caller within
# that + `queue` s (default 0.25: lighttpd's queue and a loaded machine are
# outside the worker's budget); after the first 503, none waits a budget
# and the workers probe at most once a cool-down (the breaker is the
# server's); those tagged 'free' never fail and, once the first budget has
# passed, keep p99 under free_p99 s; no 504 at all. Adds the figures to $f
# for fault_report.
sub hang_checks {
    my ($f, %o) = @_;
    my @r = @{ $f->{results} };
    my $limit = budget_s() * 1.1;
    my @frozen = grep { $_->{t1} > $f->{t_broken} && $_->{t0} < $f->{t_restore} } @r;
    my @needs = grep { $_->{tag} eq 'needs' } @frozen;
    my @failed = grep { $_->{status} == 503 } @needs;
    my ($slow503) = sort { $b <=> $a } map { $_->{t1} - $_->{t0} } @failed;
    my ($worker503, $paid, $payers, $probes) = worker_503s($o{log_from} // 0, budget_s() * 0.9);
    ok @failed > 0, "$f->{name}: requests needing it answered 503 (" . summarize(@needs) . ')';
    cmp_ok $worker503, '<=', $limit, sprintf('%s: every 503 within the budget + 10 %% in the worker (slowest %.3f s)', $f->{name}, $worker503);
    cmp_ok $slow503 // 0, '<=', $limit + ($o{queue} // 0.25),
        sprintf('%s: and at the caller (slowest %.3f s)', $f->{name}, $slow503 // 0);
    # The breaker is the host's: once the first 503 has come back, further
    # requests needing the part fail at once on every worker (hang_run
    # keeps the others away from it until then), not after a budget of
    # each worker's own; only the probe, one at a time across the workers,
    # waits (at most 100 ms), so at most one a cool-down (750 ms). Counted
    # once the requests already under way at the break have answered too:
    # sent before anyone could know, one may still hold its worker, and
    # lighttpd may queue a request behind it.
    my ($first) = sort { $a <=> $b } map { $_->{t1} } @failed;
    my ($from) = sort { $b <=> $a } ($first // 9e9), map { $_->{t1} } grep { $_->{t0} < $f->{t_down} } @frozen;
    my @fast = grep { $_->{t0} > $from } @failed;
    my @fast_s = map { $_->{t1} - $_->{t0} } @fast;
    my ($fast_max) = sort { $b <=> $a } @fast_s;
    my $fast_p50 = (sort { $a <=> $b } @fast_s)[ int($#fast_s / 2) ] // 0;
    my $probes_max = int(($f->{t_restore} - ($first // $f->{t_restore})) / 0.75) + 2;
    ok @fast >= 10, "$f->{name}: " . scalar(@fast) . ' of those 503s after the first one';
    cmp_ok $fast_max // 0, '<', 0.1 + ($o{queue} // 0.25),
        sprintf('%s: none of them waited a budget: slowest %.1f ms, p99 %.1f ms, median %.1f ms (%d 503s paid a full budget in %d workers)',
                $f->{name}, ($fast_max // 0) * 1000, p99(@fast_s) * 1000, $fast_p50 * 1000, $paid, $payers);
    cmp_ok $probes, '<=', $probes_max, "$f->{name}: $probes probes in the workers (503s after 50 ms, short of a budget), one a cool-down at most ($probes_max)";
    my @free = grep { $_->{tag} eq 'free' } @frozen;
    my @free_bad = grep { $_->{status} != 200 } @free;
    is scalar(@free_bad), 0, "$f->{name}: requests not needing it never failed (" . summarize(@free) . ')';
    my @settled = grep { $_->{t0} > $f->{t_broken} + $limit } @free;
    my $p99 = p99(map { $_->{t1} - $_->{t0} } @settled);
    # The same requests before the fault: what the machine gives anyway.
    my $p99_before = p99(map { $_->{t1} - $_->{t0} } grep { $_->{tag} eq 'free' && $_->{t1} < $f->{t_down} } @r);
    ok @settled >= 10, "$f->{name}: " . scalar(@settled) . ' of them after the first budget';
    cmp_ok $p99, '<', $o{free_p99} // 0.5, sprintf('%s: their p99 after the first budget %.1f ms (before the fault %.1f ms)',
                                                   $f->{name}, $p99 * 1000, $p99_before * 1000);
    is scalar(grep { $_->{status} == 504 } @r), 0, "$f->{name}: no 504";
    $f->{hang} = { needs_503 => scalar @failed, slowest_503_s => sprintf('%.3f', $slow503 // 0),
                   worker_slowest_503_s => sprintf('%.3f', $worker503),
                   free_p99_ms => sprintf('%.1f', $p99 * 1000), free_p99_before_ms => sprintf('%.1f', $p99_before * 1000),
                   free_failed => scalar @free_bad, budget_paid => $paid, budget_payers => $payers, probes => $probes,
                   after_first_503_p99_ms => sprintf('%.1f', p99(@fast_s) * 1000),
                   after_first_503_slowest_ms => sprintf('%.1f', ($fast_max // 0) * 1000) };
    return $f->{hang};
}

# One hang under load, judged as every hang test judges it: fault_run with
# 4 clients, a request each every 20 ms, the part frozen for
# CRUDDUR_HANG_SECONDS (8; `outage` overrides) and resumed by thaw(), no
# request longer than the budget + 10 % + 1 s, recovery within 2 s; then
# fault_checks, and hang_checks with the free requests' p99 under
# CRUDDUR_HANG_P99_S (1 s), 503s timed from the workers' log lines written
# since the load began. Any of fault_run's options may be given in %o;
# `free` (a request sub like `request`'s, tagged 'free') is what clients
# other than the first send instead of a 'needs' request during the first
# budget after the break: until the first 503, one worker alone has met
# the frozen part.
sub hang_run {
    my (%o) = @_;
    my $log_from = worker_log_offset();
    my ($request, $break, $free) = delete @o{qw(request break free)};
    my $broken_at = File::Spec->catfile(File::Spec->tmpdir, "cruddur-hang-$$");
    unlink $broken_at;
    my $quiet_until;    # each client's own copy, read once
    my $f = fault_run(
        clients      => 4,
        pause        => 0.02,
        outage       => $ENV{CRUDDUR_HANG_SECONDS} || 8,
        restore      => sub { thaw() },
        max_latency  => budget_s() * 1.1 + 1,
        max_recovery => 2,
        %o,
        request => sub {
            my ($c, $n) = @_;
            my ($method, $path, %opt) = $request->($c, $n);
            return ($method, $path, %opt) if $c == 1 || $opt{tag} ne 'needs';
            # The file is empty while the break is under way, then holds
            # the time it was done.
            if (!defined $quiet_until && open(my $fh, '<', $broken_at)) {
                my $t = <$fh>;
                return $free->($c, $n) unless $t;
                $quiet_until = $t + budget_s() * 1.1 + 0.25;
            }
            return $free->($c, $n) if time < ($quiet_until // 0);
            return ($method, $path, %opt);
        },
        break => sub {
            hang_mark($broken_at, '');
            $break->();
            hang_mark($broken_at, time);
        },
    );
    unlink $broken_at;
    fault_checks($f);
    hang_checks($f, free_p99 => $ENV{CRUDDUR_HANG_P99_S} || 1, log_from => $log_from);
    return $f;
}

# Writes text into file at once (a reader sees the old text or the new).
sub hang_mark {
    my ($file, $text) = @_;
    open(my $fh, '>', "$file.new") or die "$file: $!\n";
    print $fh $text;
    close $fh;
    rename "$file.new", $file or die "$file: $!\n";
}

# One JSON line per fault for the README figures, when CRUDDUR_FAULT_REPORT
# names a file.
sub fault_report {
    my ($f, %extra) = @_;
    my $file = $ENV{CRUDDUR_FAULT_REPORT} or return;
    my @r = @{ $f->{results} };
    my %line = (
        fault => $f->{name}, requests => scalar @r,
        ok => scalar(grep { $_->{status} == 200 } @r),
        failed => summarize(grep { $_->{status} != 200 } @r),
        worker_500 => scalar(grep { $_->{status} == 500 && ($_->{code} // '') ne 'not_json' } @r),
        down_s => sprintf('%.1f', $f->{t_back} - $f->{t_down}),
        recovery_s => sprintf('%.2f', $f->{recovery} // -1),
        slowest_s => sprintf('%.2f', $f->{slowest} // -1),
        %{ $f->{hang} // {} },
        %extra,
    );
    open(my $fh, '>>', $file) or return;
    print $fh JSON::PP->new->canonical->encode(\%line), "\n";
    close $fh;
}

1;
