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

my $before = pg_pid();
like $before, qr/^\d+$/, "postmaster.pid names the postmaster ($before)";
ok stack('base=$(cr_pg_base) && "${CR_AS_PG[@]}" "$CR_PG_BIN/pg_ctl" -D "$base/data" -m fast -w -t 60 restart >/dev/null'),
    'pg_ctl restart';
my $after = pg_pid();
isnt $after, $before, "a new postmaster ($after)";

my $status = `bash -c '"\$0/scripts/dev/status"' '$root' 2>&1`;
like $status, qr/^postgres\s+up\s+pid\s+$after\b/m, 'status reports it up with its new pid' or diag $status;
ok stack("cr_running postgres \"\$CR_TEXT_postgres\" | grep -qx $after"), 'down would find it (cr_running)';

ok wait_until(sub { api(GET => '/api/activities/home')->{status} == 200 }, 20),
    'the workers serve the home feed again';

done_testing;
