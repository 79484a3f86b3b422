# Fault: lighttpd stopped (SIGTERM: it ends its workers too) and started
# again while clients post and read. While it is gone callers cannot
# connect (refused at once, no hang); requests in flight when it stops may
# be cut (no answer). No 500; served again as soon as it is back, by new
# workers; every post answered 200 is stored.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use CruddurTest;
use CruddurLoad;
use CruddurFault;
use CruddurHard qw(worker_pids);

my $want = $ENV{CRUDDUR_WORKERS} || 4;
my @who = qw(andrewbrown londo);
token($_) for @who;
my $tag = "fault-lighttpd-$$";
my $workers = worker_pids();

my $f = fault_run(
    name    => 'lighttpd restarted',
    clients => 4,
    request => sub {
        my ($c, $n) = @_;
        return $n % 2
            ? (POST => '/api/activities', token => $who[$c % 2], json => { message => "$tag $c.$n", ttl => '1-hour' })
            : (GET => '/api/activities/@andrewbrown');
    },
    break   => sub { stack('cr_stop_lighttpd >/dev/null') or die "stop failed\n" },
    outage  => 2,
    restore => sub { stack('cr_start_lighttpd >/dev/null') or die "start failed\n" },
    # 599 = HTTP::Tiny's own: connection refused, or cut in flight.
    allowed => { 599 => qr/^(refused|cut)$/ },
);
fault_checks($f);
my @r = @{ $f->{results} };
ok((grep { $_->{status} == 599 } @r), 'the outage was seen (connections refused)');
my @w = split /,/, worker_pids();
is scalar(@w), $want, "$want workers again";
isnt worker_pids(), $workers, 'new ones';

my @acked = grep { $_->{method} eq 'POST' && $_->{status} == 200 } @r;
my %stored = map { $_ => 1 } split /\n/, sql_value("SELECT uuid FROM activities WHERE message LIKE '$tag %'");
my @lost = grep { !$stored{ $_->{uuid} } } @acked;
is scalar(@lost), 0, scalar(@acked) . ' acknowledged posts, all stored';
my $cut = grep { $_->{method} eq 'POST' && $_->{status} == 599 } @r;
diag "posts cut without an answer: $cut, of which landed: " . (keys(%stored) - @acked);
fault_report($f, acked_writes => scalar @acked, lost => scalar @lost);

done_testing;
