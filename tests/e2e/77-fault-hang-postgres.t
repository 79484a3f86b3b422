# Fault: PostgreSQL hangs - the postmaster and every backend of the
# cluster stopped (SIGSTOP) for longer than lighttpd's 30 s timeout, then
# resumed (SIGCONT), while clients post activities, read the home feed and
# ask the health check. Requests needing PostgreSQL get 503
# database_unavailable (or outcome_unknown for a post already sent) within
# the request budget + 10 %, never lighttpd's 504; the health check, which
# needs no backend, keeps answering 200 quickly once the first budget has
# passed; callers are served again within about a second of the resume;
# every post answered 200 is stored.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use CruddurTest;
use CruddurLoad;
use CruddurFault;
use CruddurHard qw(worker_pids pid_of);

my @who = qw(andrewbrown bayko londo);
token($_) for @who;
my $tag = "fault-hang-pg-$$";
my $workers = worker_pids();
my $outage = $ENV{CRUDDUR_HANG_PG_SECONDS} || 32;   # > lighttpd's 30 s

my $f = hang_run(
    name    => 'PostgreSQL frozen',
    request => sub {
        my ($c, $n) = @_;
        return (GET => '/api/health-check', tag => 'free') if $n % 2;
        return (POST => '/api/activities', token => $who[$c % 3], tag => 'needs',
                headers => { 'Idempotency-Key' => "$tag-$c.$n" },
                json => { message => "$tag $c.$n", ttl => '1-hour' }) if $n % 4 == 0;
        return (GET => '/api/activities/home', tag => 'needs');
    },
    free    => sub { (GET => '/api/health-check', tag => 'free') },
    # The postmaster first, so it forks no backend the list would miss.
    break   => sub { my $pm = pid_of('postgres') or die "no postgres pid\n"; freeze($pm); freeze(pids_of_tree($pm)) },
    outage  => $outage,
    allowed => { 503 => qr/^(database_unavailable|outcome_unknown)$/ },
);
my @r = @{ $f->{results} };
is worker_pids(), $workers, 'the same workers throughout';

my @acked = grep { $_->{method} eq 'POST' && $_->{status} == 200 } @r;
my %stored = map { $_ => 1 } split /\n/,
    sql_value("SELECT uuid FROM activities WHERE message LIKE '$tag %'");
my @lost = grep { !$stored{ $_->{uuid} // '' } } @acked;
is scalar(@lost), 0, scalar(@acked) . ' acknowledged posts, all stored';
my $unknown = grep { ($_->{code} // '') eq 'outcome_unknown' } @r;
my $unacked = keys(%stored) - @acked;
diag "posts answered outcome_unknown: $unknown; posts not acknowledged that landed: $unacked";

# Posts that failed, retried with their keys (every outcome_unknown, and
# the first 50 others): each answers 200 and is stored exactly once, those
# that had landed answering their first result.
my @failed = grep { $_->{method} eq 'POST' && $_->{status} != 200 } @r;
my @unknown = grep { ($_->{code} // '') eq 'outcome_unknown' } @failed;
my @other = grep { ($_->{code} // '') ne 'outcome_unknown' } @failed;
my @retried = (@unknown, @other[0 .. ($#other < 49 ? $#other : 49)]);
my @retry_failed = grep {
    api(POST => '/api/activities', token => $who[$_->{client} % 3],
        headers => { 'Idempotency-Key' => "$tag-$_->{client}.$_->{n}" },
        json => { message => $_->{message}, ttl => '1-hour' })->{status} != 200
} @retried;
is scalar(@retry_failed), 0, scalar(@retried) . ' failed posts retried with their Idempotency-Key: all 200';
my %count = map { split /\|/ } split /\n/,
    sql_value("SELECT message || '|' || count(*) FROM activities WHERE message LIKE '$tag %' GROUP BY message");
my @not_once = grep { ($count{ $_->{message} } // 0) != 1 } @retried;
is scalar(@not_once), 0, 'each stored exactly once';
fault_report($f, acked_writes => scalar @acked, lost => scalar @lost, outcome_unknown => $unknown);

done_testing;
