# The operator's DynamoDB and Cognito listings (scripts/ddb/list-tables,
# scripts/ddb/scan, scripts/cognito/list-users) against the local stack:
# every page read, everything printed once.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use JSON::PP qw(decode_json);
use CruddurTest;
use CruddurHard qw(ddb_count);

my $root  = repo_root();
my $table = $ENV{DDB_MESSAGES_TABLE} || 'cruddur-messages';

my @tables = `"$root/scripts/ddb/list-tables" 2>&1`;
is $?, 0, 'scripts/ddb/list-tables exits 0';
chomp @tables;
ok((grep { $_ eq $table } @tables), "it lists $table");

my $before = ddb_count();
my @items = `"$root/scripts/ddb/scan" 2>&1`;
is $?, 0, 'scripts/ddb/scan exits 0';
my @decoded = grep { defined } map { eval { decode_json($_) } } @items;
is scalar(@decoded), scalar(@items), 'one JSON item a line';
cmp_ok scalar(@items), '>=', $before, "every item of the table ($before counted before)";
my %keys;
$keys{ ($_->{pk}{S} // '') . ' ' . ($_->{sk}{S} // '') }++ for @decoded;
is scalar(grep { $_ > 1 } values %keys), 0, 'no item printed twice';
ok((grep { ($_->{pk}{S} // '') =~ /^MSG#/ } @decoded), 'messages among them');
ok((grep { ($_->{pk}{S} // '') =~ /^GRP#/ } @decoded), 'conversation rows among them');

my @users = `"$root/scripts/cognito/list-users" 2>&1`;
is $?, 0, 'scripts/cognito/list-users exits 0';
for my $h (qw(andrewbrown bayko londo)) {
    ok((grep { /^\S+\s+\Q$h\E\s/ } @users), "lists seed user $h");
}

done_testing;
