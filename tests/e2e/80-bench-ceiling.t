# build/cruddur-load, the ceiling scripts/bench compares the routes with:
# every mode really talks to this stack's PostgreSQL and DynamoDB Local,
# does some requests without a failed one, and what it writes lands there.
# Throughput is not judged here (scripts/bench does that, on demand).
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use CruddurTest;

my $root  = repo_root();
my $build = $ENV{CRUDDUR_BUILD} || "$root/build";
my $load  = "$build/cruddur-load";
plan skip_all => "no $load: run make" unless -x $load;

my $group = '5c0a3e1b-8d2f-4e6a-9b71-2f4c8d9e0a13';

sub run_load {
    my (@args) = @_;
    my $out = `"$load" @args 2>&1`;
    return ($? >> 8, $out);
}

sub field { my ($out, $k) = @_; return $out =~ /(?:^| )\Q$k\E=(\S+)/ ? $1 : undef }

my $acts = sql_value('SELECT count(*) FROM activities');
for my $mode (qw(pg-home pg-create-activity ddb-message-groups ddb-messages
                 ddb-create-message)) {
    my ($rc, $out) = run_load('-c', 2, '-d', 1, '-g', $group, $mode);
    is $rc, 0, "$mode: exits 0" or diag $out;
    cmp_ok field($out, 'requests') // 0, '>', 0, "$mode: made requests";
    is field($out, 'errors'), 0, "$mode: none failed";
    is field($out, 'threads'), 2, "$mode: on 2 threads";
    like field($out, 'p99_us') // '', qr/^\d+$/, "$mode: reports p99";
    # Its own CPU while the threads ran: some, and no more than two
    # threads can use in a second (its clock starts after connecting).
    my $cpu = field($out, 'cpu_us') // '';
    like $cpu, qr/^\d+$/, "$mode: reports its CPU";
    cmp_ok $cpu || 0, '>', 0, "$mode: some CPU went into the calls";
    cmp_ok $cpu || 0, '<=', 2 * 1.2e6, "$mode: CPU within what 2 threads use in 1 s";
}
cmp_ok sql_value('SELECT count(*) FROM activities'), '>', $acts,
    'pg-create-activity inserted activities into PostgreSQL';

# A pause between requests (-w) is not part of a request's time.
my ($rc, $out) = run_load('-c', 1, '-d', 1, '-w', 20000, 'pg-home');
is $rc, 0, '-w 20000: exits 0' or diag $out;
cmp_ok field($out, 'requests') // 1e9, '<=', 51, '-w 20000: at most one request per 20 ms';
cmp_ok field($out, 'p50_us') // 1e9, '<', 20000, '-w 20000: the pause is not timed';

for my $bad (['nope'], ['-c', 0, 'pg-home'], ['-w', -1, 'pg-home'],
             ['-g', 'not-a-uuid', 'ddb-messages'], []) {
    my ($code) = run_load(@$bad);
    is $code, 2, "cruddur-load @$bad: usage error";
}

done_testing;
