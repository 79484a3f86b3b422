# An operator restarts the stack's PostgreSQL by hand (pg_ctl restart): the
# postmaster gets a new pid that our pid file does not know. status still
# reports it up, with the pid PostgreSQL wrote in its own postmaster.pid,
# down would stop it (scripts/test fails a run whose stack survives down),
# and the workers serve again by themselves.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use CruddurTest;
use CruddurLoad qw(stack);
use CruddurHard qw(wait_until);

my $root = repo_root();
sub pg_pid {
    my $pid = `bash -c '. "\$0/scripts/lib.sh" && cr_pg_postmaster_pid' '$root'`;
    chomp $pid;
    return $pid;
}

# Every worker remembers the caller (so a post's first statement is its
# insert) and holds a kept connection.
api(GET => '/api/activities/notifications', token => 'andrewbrown') for 1 .. 4 * ($ENV{CRUDDUR_WORKERS} || 4);

my $before = pg_pid();
like $before, qr/^\d+$/, "postmaster.pid names the postmaster ($before)";
ok stack('base=$(cr_pg_base) && "${CR_AS_PG[@]}" "$CR_PG_BIN/pg_ctl" -D "$base/data" -m fast -w -t 60 restart >/dev/null'),
    'pg_ctl restart';
my $after = pg_pid();
isnt $after, $before, "a new postmaster ($after)";

my $status = `bash -c '"\$0/scripts/dev/status"' '$root' 2>&1`;
like $status, qr/^postgres\s+up\s+pid\s+$after\b/m, 'status reports it up with its new pid' or diag $status;
ok stack("cr_running postgres \"\$CR_TEXT_postgres\" | grep -qx $after"), 'down would find it (cr_running)';

# Every worker's kept connection died with the old server. A write may not
# be retried on a new connection once sent, so a worker must notice the
# death before it sends: each post below, whichever worker takes it, is
# stored at once.
my $n = 2 * ($ENV{CRUDDUR_WORKERS} || 4);
my @status = map {
    api(POST => '/api/activities', token => 'andrewbrown',
        json => { message => "after pg_ctl restart $$ $_", ttl => '1-hour' })->{status}
} 1 .. $n;
is_deeply \@status, [ (200) x $n ], "$n posts right after the restart all answered 200";
is sql_value("SELECT count(*) FROM activities WHERE message LIKE 'after pg_ctl restart $$ %'"), $n,
    '... and stored';
ok wait_until(sub { api(GET => '/api/activities/home')->{status} == 200 }, 20),
    'the workers serve the home feed again';

done_testing;
