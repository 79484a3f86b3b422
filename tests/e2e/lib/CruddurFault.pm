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
# Times: t_down (break called), t_back (restore returned), t_end (load
# stopped). recovery = how long after t_back callers still saw a failure.
package CruddurFault;

use strict;
use warnings;
use Exporter 'import';
use JSON::PP;
use List::Util qw(max);
use Test::More;
use Time::HiRes qw(time sleep);
use CruddurTest;
use CruddurLoad;

our @EXPORT = qw(fault_run fault_checks fault_report);

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
        %extra,
    );
    open(my $fh, '>>', $file) or return;
    print $fh JSON::PP->new->canonical->encode(\%line), "\n";
    close $fh;
}

1;
