# Fault: PostgreSQL stopped (fast shutdown, every connection dropped) and
# started again while clients post activities and read. Callers see 200 or
# 503 database_unavailable, never a 500 or a hang; the same workers serve
# again once it is back; every post answered 200 is stored and shown.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use CruddurTest;
use CruddurLoad;
use CruddurFault;
use CruddurHard qw(worker_pids);

my @who = qw(andrewbrown bayko londo);
token($_) for @who;
my $tag = "fault-pg-$$";
my $workers = worker_pids();

my $f = fault_run(
    name    => 'PostgreSQL restarted',
    clients => 4,
    request => sub {
        my ($c, $n) = @_;
        return $n % 2
            ? (POST => '/api/activities', token => $who[$c % 3],
               json => { message => "$tag $c.$n", ttl => '1-hour' })
            : (GET => '/api/users/@bayko/short');
    },
    break   => sub { stack('cr_stop postgres "$CR_TEXT_postgres" INT >/dev/null') or die "stop failed\n" },
    outage  => 3,
    restore => sub { stack('cr_start_postgres >/dev/null') or die "start failed\n" },
    allowed => { 503 => qr/^database_unavailable$/ },
);
fault_checks($f);

my @r = @{ $f->{results} };
ok((grep { $_->{status} == 503 } @r), 'the outage was seen (503s)');
is worker_pids(), $workers, 'the same workers throughout';

my @acked = grep { $_->{method} eq 'POST' && $_->{status} == 200 } @r;
my %stored = map { $_ => 1 } split /\n/,
    sql_value("SELECT uuid FROM activities WHERE message LIKE '$tag %'");
my @lost = grep { !$stored{ $_->{uuid} // '' } } @acked;
is scalar(@lost), 0, scalar(@acked) . ' acknowledged posts, all stored';
my @unshown = grep { api(GET => "/api/activities/$_->{uuid}")->{status} != 200 } @acked;
is scalar(@unshown), 0, 'and each one shown by GET /api/activities/UUID';
my $unacked = keys(%stored) - @acked;
diag "posts that failed but landed anyway: $unacked" if $unacked;
fault_report($f, acked_writes => scalar @acked, lost => scalar @lost);

done_testing;
