# Fault: workers SIGKILLed mid-request, one after another, while clients
# post activities and messages and read. The requests a killed worker held
# (the one it was serving, and any lighttpd had already queued on that
# worker's socket) cannot be answered by it: lighttpd answers them with its
# own 500 (text/html; lighttpd 1.4 has no setting to make that a 502). Every
# failure comes right after a kill, a few per kill at most; never a
# worker's JSON 500, never a hang. lighttpd spawns replacements; every post
# answered 200 is stored and listed.
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
token($_) for @who;
my $tag = "fault-kill-$$";
my ($group) = map { $_->{uuid} } grep { $_->{handle} eq 'bayko' }
    @{ api(GET => '/api/message_groups', token => 'andrewbrown')->{json} || [] };
$group //= api(POST => '/api/messages', token => 'andrewbrown',
               json => { message => "$tag start", handle => 'bayko' })->{json}{message_group_uuid};
ok $group, 'a conversation to post into' or BAIL_OUT('no conversation');

# A worker is "busy" when it is running, not sleeping in accept().
sub busy_worker {
    for my $pid (split /,/, worker_pids()) {
        open(my $fh, '<', "/proc/$pid/stat") or next;
        my ($state) = (<$fh> // '') =~ /\)\s+(\S)/;
        return $pid if defined $state && $state eq 'R';
        open(my $wc, '<', "/proc/$pid/wchan") or next;
        my $wchan = <$wc> // '';
        return $pid if $wchan !~ /accept|^0$/;   # waiting on a backend, i.e. mid-request
    }
    return;
}

my $kills = 6;
# A kill's effect lasts longer than the kill: until the kernel has torn the
# process down (long for a sanitizer build, with its huge shadow mappings)
# its socket still takes connections, which then fail; and until lighttpd
# has noticed the death and spawned a replacement (its check runs about
# once a second), requests it sends to that worker's socket fail too. So
# each kill's window runs from kill() to the moment the process is gone
# and lighttpd has its full set of workers again without it.
sub gone {
    my ($pid) = @_;
    open(my $fh, '<', "/proc/$pid/stat") or return 1;
    my ($state) = (<$fh> // '') =~ /\)\s+(\S)/;
    return !defined $state || $state eq 'Z' || $state eq 'X';
}
sub replaced {
    my ($pid) = @_;
    my @w = split /,/, worker_pids();
    return @w == $want && !grep { $_ == $pid } @w;
}

my (@killed, @kill_times, @kill_ends);
my $f = fault_run(
    name    => 'workers SIGKILLed mid-request',
    clients => 6,
    request => sub {
        my ($c, $n) = @_;
        my $who = $who[$c % 2];
        return (POST => '/api/activities', token => $who, json => { message => "$tag $c.$n", ttl => '1-hour' })
            if $n % 3 == 0;
        return (POST => '/api/messages', token => $who, json => { message => "$tag $c.$n", message_group_uuid => $group })
            if $n % 3 == 1;
        return (GET => '/api/activities/notifications', token => $who);
    },
    break   => sub {
        for (1 .. $kills) {
            my $pid;
            wait_until(sub { $pid = busy_worker() }, 3);
            $pid //= (split /,/, worker_pids())[0] or die "no worker to kill\n";
            kill 'KILL', $pid;
            push @killed, $pid;
            push @kill_times, time;
            my $give_up = time + 10;
            sleep 0.005 until (gone($pid) && replaced($pid)) || time > $give_up;
            push @kill_ends, time;
            sleep 0.7;
        }
    },
    outage  => 0,
    restore => sub {
        wait_until(sub { my @w = split /,/, worker_pids(); @w == $want && !grep { my $p = $_; grep { $_ == $p } @killed } @w }, 20)
            or die "lighttpd did not replace the workers\n";
    },
    # lighttpd's own answer for a request whose worker died (not JSON).
    allowed => { 502 => qr/^not_json$/, 503 => qr/^not_json$/, 500 => qr/^not_json$/ },
);
fault_checks($f);
my @r = @{ $f->{results} };
my @failed = grep { $_->{status} != 200 } @r;
my @unexplained = grep {
    my $x = $_;
    !grep { $x->{t0} <= $kill_ends[$_] + 0.05 && $x->{t1} >= $kill_times[$_] - 0.05 } 0 .. $#kill_times
} @failed;
diag sprintf('killed workers took %.3f s at most to be gone and replaced', (sort { $b <=> $a } map { $kill_ends[$_] - $kill_times[$_] } 0 .. $#kill_times)[0] // 0);
is scalar(@unexplained), 0, 'every failed request was in flight at a kill'
    or diag join "\n", map {
        my $x = $_;
        my ($k) = sort { abs($a - $x->{t0}) <=> abs($b - $x->{t0}) } @kill_times;
        sprintf('%s %s %d: started %+.3f s, ended %+.3f s from the nearest kill',
                $x->{method}, $x->{path}, $x->{status}, $x->{t0} - $k, $x->{t1} - $k)
    } @unexplained;
cmp_ok scalar(@failed), '<=', 3 * $kills, scalar(@failed) . " requests failed for $kills kills";
my @w = split /,/, worker_pids();
is scalar(@w), $want, "$want workers again";

my @acts = grep { $_->{method} eq 'POST' && $_->{path} eq '/api/activities' && $_->{status} == 200 } @r;
my %stored = map { $_ => 1 } split /\n/, sql_value("SELECT uuid FROM activities WHERE message LIKE '$tag %'");
is scalar(grep { !$stored{ $_->{uuid} } } @acts), 0, scalar(@acts) . ' acknowledged activities, all stored';
my @msgs = grep { $_->{path} eq '/api/messages' && $_->{status} == 200 } @r;
my %listed;
my $before;
for (;;) {
    my $path = "/api/messages/$group?limit=100" . (defined $before ? '&before=' . ($before =~ s/\+/%2B/gr) : '');
    my $page = api(GET => $path, token => 'andrewbrown')->{json};
    last unless ref $page eq 'ARRAY';
    $listed{ $_->{uuid} } = 1 for @$page;
    last if @$page < 100 || !grep { !$listed{ $_->{uuid} } } @msgs;
    $before = $page->[0]{created_at};
}
is scalar(grep { !$listed{ $_->{uuid} } } @msgs), 0, scalar(@msgs) . ' acknowledged messages, all listed';
fault_report($f, kills => $kills, failed_per_kill => sprintf('%.1f', @failed / $kills), acked_writes => @acts + @msgs, lost => 0 + grep({ !$stored{ $_->{uuid} } } @acts));

done_testing;
