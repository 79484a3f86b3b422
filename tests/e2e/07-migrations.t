# Schema migrations (scripts/db/migrate, sql/migrations/) on databases of
# their own in the stack's PostgreSQL: a database migrated from empty has
# the very schema scripts/db/schema-load makes (pg_dump --schema-only, and
# schema-load run twice over a seeded one, so sql/reset.sql must drop all
# the migrations make); each file applies once, in order, all or nothing;
# a database from before migrations is taken at 0001.
use strict;
use warnings;
use File::Copy qw(copy);
use File::Temp qw(tempdir);
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use CruddurTest;

my $root = repo_root();
my $port = $ENV{CRUDDUR_PG_PORT} or die "CRUDDUR_PG_PORT is not set: run through scripts/test\n";
my @dbs  = map { "cruddur_migrate_$_" } qw(a b c d);
my %url  = map { $_ => "postgresql://postgres\@127.0.0.1:$port/$_" } @dbs, 'postgres';
my ($A, $B, $C, $D) = @dbs;

# Output and status of a command (stderr too), list form: no shell.
sub run {
    my (%env) = %{ shift() };
    local @ENV{ keys %env } = values %env;
    open(my $ph, '-|', @_, ) or die "$_[0]: $!\n";
    my $out = do { local $/; <$ph> } // '';
    close $ph;
    return ($? >> 8, $out);
}
sub psql {
    my ($db, $sql) = @_;
    return run({}, 'sh', '-c', 'exec psql -X -q -At -v ON_ERROR_STOP=1 "$1" -c "$2" 2>&1',
               'psql', $url{$db}, $sql);
}
# scripts/db/NAME aimed at db (its `prod` form takes PROD_CONNECTION_URL).
sub script {
    my ($name, $db, $sql_dir) = @_;
    my %env = (PROD_CONNECTION_URL => $url{$db});
    $env{CRUDDUR_SQL_DIR} = $sql_dir if $sql_dir;
    return run(\%env, 'sh', '-c', 'exec "$@" 2>&1', 'sh', "$root/scripts/db/$name", 'prod');
}
sub schema {
    my ($db) = @_;
    my ($rc, $out) = run({}, 'pg_dump', '--schema-only', $url{$db});
    die "pg_dump $db failed\n" if $rc;
    $out =~ s/^\\(un)?restrict .*\n//mg;   # a random key per dump
    return $out;
}
sub versions { return (psql($_[0], 'SELECT string_agg(version, \' \' ORDER BY version) FROM schema_migrations'))[1] =~ s/\n\z//r }
sub fresh {
    for my $db (@_) {
        psql('postgres', qq{DROP DATABASE IF EXISTS "$db" WITH (FORCE)});
        my ($rc, $out) = psql('postgres', qq{CREATE DATABASE "$db"});
        die "CREATE DATABASE $db: $out" if $rc;
    }
}

my @files = sort map { s{.*/}{}r } glob("$root/sql/migrations/*.sql");
my $all = join ' ', map { /^(\d{4})/ } @files;
ok @files >= 1 && $files[0] =~ /^0001-/, "the migrations start at 0001 (@files)";

fresh(@dbs);

# From empty: every file, in order, once.
my ($rc, $out) = script('migrate', $A);
is $rc, 0, 'migrate on an empty database' or diag $out;
my $first = $files[0] =~ s/\.sql\z//r;
like $out, qr/^applied migration \Q$first\E$/m, '... applies 0001';
is versions($A), $all, '... and records each file';
($rc, $out) = script('migrate', $A);
is $rc, 0, 'migrate again';
unlike $out, qr/applied/, '... applies nothing';

# schema-load, over a seeded database too: the same schema.
for my $step (qw(schema-load seed schema-load)) {
    ($rc, $out) = script($step, $B);
    is $rc, 0, "scripts/db/$step" or diag $out;
}
is versions($B), $all, 'schema-load records every migration';
is schema($B), schema($A), 'schema-load gives the schema of a database migrated from empty';

# A database from before migrations: at 0001, recorded without running it.
($rc, $out) = run({}, 'psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', $url{$C},
                  '-f', "$root/sql/migrations/$files[0]");
is $rc, 0, 'a database made by the schema of 0001 alone' or diag $out;
($rc, $out) = script('migrate', $C);
is $rc, 0, 'migrate on it' or diag $out;
unlike $out, qr/applied migration 0001/, '... does not run 0001 again';
is versions($C), $all, '... records it';
is schema($C), schema($A), '... and it has the same schema';

# Older than 0001: refused, nothing changed.
psql($D, 'CREATE TABLE public.users (uuid uuid)');
($rc, $out) = script('migrate', $D);
isnt $rc, 0, 'a database older than 0001 is refused';
like $out, qr/predates migration 0001/, '... saying so';
is((psql($D, "SELECT to_regclass('public.schema_migrations')"))[1], "\n", '... and left as it was');

# A later migration: all or nothing, then once.
my $dir = tempdir(CLEANUP => 1);
mkdir "$dir/migrations" or die "$dir/migrations: $!\n";
copy("$root/sql/migrations/$_", "$dir/migrations/$_") or die "copy $_: $!\n" for @files;
my $next = sprintf '%04d', (sort { $b <=> $a } map { /^(\d{4})/ } @files)[0] + 1;
sub put { open(my $fh, '>', "$dir/migrations/$_[0]") or die "$_[0]: $!\n"; print $fh $_[1]; close $fh }
put("$next-broken.sql", "CREATE TABLE public.half_done (x int);\nSELECT 1 / 0;\n");
($rc, $out) = script('migrate', $A, $dir);
isnt $rc, 0, "a failing migration $next fails the run";
is((psql($A, "SELECT to_regclass('public.half_done')"))[1], "\n", '... and leaves nothing of it');
is versions($A), $all, '... nor its record';
unlink "$dir/migrations/$next-broken.sql";
put("$next-user-bio.sql", "ALTER TABLE public.users ADD COLUMN bio text;\n");
put("$next-other.sql", "SELECT 1;\n");
($rc, $out) = script('migrate', $A, $dir);
isnt $rc, 0, 'two migrations with one number are refused';
like $out, qr/two migrations numbered $next/, '... saying so';
is versions($A), $all, '... before running either';
unlink "$dir/migrations/$next-other.sql";
($rc, $out) = script('migrate', $A, $dir);
is $rc, 0, "migration $next applies" or diag $out;
like $out, qr/^applied migration $next-user-bio$/m, '... said';
is versions($A), "$all $next", '... recorded';
is((psql($A, "SELECT count(*) FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'bio'"))[1],
   "1\n", '... its change made');
($rc, $out) = script('migrate', $A, $dir);
unlike $out, qr/applied/, '... and only once';

psql('postgres', qq{DROP DATABASE IF EXISTS "$_" WITH (FORCE)}) for @dbs;
done_testing;
