# The Lambda zips (make lambda / scripts/lambda-package), one per function:
# unzipped into an empty folder, each bootstrap runs in an empty environment
# (env -i, plus only what Lambda and the template set), loads no library
# from the host, and serves the Runtime API loop against the stand-in Lambda
# service of the unit tests (tests/unit/lambda_fake.h). The sign-up
# function's also makes a users row in the test stack's PostgreSQL, once.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use File::Temp qw(tempdir);
use CruddurTest;

my $root  = repo_root();
my $build = $ENV{CRUDDUR_BUILD} || "$root/build";
# function => [its program in the build, the unit test that drives the
# zip's bootstrap, the variable naming that bootstrap, the test names]
my %functions = (
    'cruddur-messaging-stream' => ['bootstrap', 'test_lambda_runtime',
                                   'LAMBDA_BOOTSTRAP', qr/test_bootstrap_binary/],
    'cruddur-post-confirmation' => ['cruddur-post-confirmation', 'test_signup_lambda',
                                    'LAMBDA_SIGNUP_BOOTSTRAP', qr/OK \] test_program_live/],
);
for my $f (values %functions) {
    for my $need ("$build/$f->[0]", "$build/$f->[1]") {
        plan skip_all => "no $need: run make" unless -x $need;
    }
}
plan skip_all => 'zip/unzip not installed' if system('command -v zip >/dev/null && command -v unzip >/dev/null');

is system("$root/scripts/lambda-package", $build), 0, 'scripts/lambda-package builds the zips';

for my $name (sort keys %functions) {
    my ($prog, $test, $var, $ran) = @{ $functions{$name} };
    my $zip = "$build/$name.zip";
    ok -s $zip, "$name: zip written";

    my $dir = tempdir('cruddur-lambda-XXXXXX', TMPDIR => 1, CLEANUP => 1);
    is system('unzip', '-q', $zip, '-d', $dir), 0, "$name: unzips";
    ok -x "$dir/bootstrap", "$name: bootstrap at the root, executable";
    ok -x "$dir/bin/$name", "$name: the binary";
    my @loader = glob("$dir/lib/ld-linux*");
    is scalar(@loader), 1, "$name: the dynamic loader is in lib/";

    # The bundled loader lists what it maps for the binary, run the way
    # bootstrap runs it: every library must come from the zip's lib/.
    my $boot = do { local (@ARGV, $/) = "$dir/bootstrap"; <> };
    like $boot, qr{^#!/bin/sh\n}, "$name: bootstrap is a sh script";
    like $boot, qr{exec "\$here/lib/ld-linux[^"]*" --library-path "\$here/lib" "\$here/bin/\Q$name\E"},
        "$name: bootstrap execs the bundled loader with --library-path";
    my @trace = `env -i "$loader[0]" --library-path "$dir/lib" --list "$dir/bin/$name" 2>&1`;
    is $?, 0, "$name: the bundled loader resolves the binary in an empty environment";
    my @libs = grep { m{=>} } @trace;
    ok @libs >= 3, "$name: libraries listed";
    my @outside = grep { !m{=> \Q$dir\E/lib/} } @libs;
    is_deeply \@outside, [], "$name: no library comes from the host" or diag @trace;

    # The Runtime API loop and the init error, run by the zip's bootstrap
    # with only the variables Lambda sets (the unit test execve()s it).
    my $live = $name eq 'cruddur-post-confirmation'
        ? qq{SIGNUP_LIVE_CONNECTION_URL="$ENV{CONNECTION_URL}"} : '';
    my $out = `env -i $var="$dir/bootstrap" $live "$build/$test" 2>&1`;
    is $?, 0, "$name: the zip's bootstrap serves the Runtime API" or diag $out;
    like $out, $ran, "$name: the bootstrap tests ran";
}

done_testing;
