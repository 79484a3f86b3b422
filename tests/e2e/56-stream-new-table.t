# The table dropped and made again while the poller runs: its old stream
# ends, and the poller must move on to the new table's stream by itself.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use Time::HiRes qw(time sleep);
use CruddurTest;

my $root  = repo_root();
my $state = $ENV{CRUDDUR_STATE} or die "CRUDDUR_STATE is not set: run through scripts/test\n";
my $SEED_GROUP = '5c0a3e1b-8d2f-4e6a-9b71-2f4c8d9e0a13';   # andrewbrown <-> bayko

sub poller_pid {
    open(my $fh, '<', "$state/stream.pid") or return;
    my $pid = <$fh>;
    chomp $pid if defined $pid;
    return ($pid && kill(0, $pid)) ? $pid : undef;
}
plan skip_all => 'the stream poller is not running' unless poller_pid();
my $pid = poller_pid();

for my $step (qw(drop schema-load seed)) {
    is system("$root/scripts/ddb/$step >/dev/null 2>&1"), 0, "scripts/ddb/$step";
}

my $text = "after the table came back $$";
my $r = api(POST => '/api/messages', token => 'andrewbrown',
            json => { message_group_uuid => $SEED_GROUP, message => $text });
is $r->{status}, 200, 'posted into the new table';

my $end = time + 15;
my $seen;
while (time < $end) {
    my $l = api(GET => '/api/message_groups', token => 'bayko');
    my ($g) = grep { $_->{uuid} eq $SEED_GROUP } @{ $l->{json} || [] };
    if ($g && $g->{message} eq $text) { $seen = 1; last }
    sleep 0.2;
}
ok $seen, "the other side's conversation list shows it: the poller follows the new stream";
is poller_pid(), $pid, 'the same poller process';

done_testing;
