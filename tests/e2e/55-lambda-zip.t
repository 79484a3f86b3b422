# The Lambda zip (make lambda / scripts/lambda-package): unzipped into an
# empty folder, its bootstrap runs in an empty environment (env -i, plus only
# what Lambda sets), loads no library from the host, and serves the Runtime
# API loop against the stand-in Lambda service of build/test_lambda_runtime.
# Needs no stack; it lives here so the end-to-end run builds and checks it.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use File::Temp qw(tempdir);
use CruddurTest;

my $root  = repo_root();
my $build = $ENV{CRUDDUR_BUILD} || "$root/build";
for my $need ("$build/bootstrap", "$build/test_lambda_runtime") {
    plan skip_all => "no $need: run make" unless -x $need;
}
plan skip_all => 'zip/unzip not installed' if system('command -v zip >/dev/null && command -v unzip >/dev/null');

is system("$root/scripts/lambda-package", $build), 0, 'scripts/lambda-package builds the zip';
my $zip = "$build/cruddur-messaging-stream.zip";
ok -s $zip, 'zip written';

my $dir = tempdir('cruddur-lambda-XXXXXX', TMPDIR => 1, CLEANUP => 1);
is system('unzip', '-q', $zip, '-d', $dir), 0, 'unzips';
ok -x "$dir/bootstrap", 'bootstrap at the root, executable';
ok -x "$dir/bin/cruddur-messaging-stream", 'the binary';
my @loader = glob("$dir/lib/ld-linux*");
is scalar(@loader), 1, 'the dynamic loader is in lib/';

# The bundled loader lists what it maps for the binary, run the way
# bootstrap runs it: every library must come from the zip's lib/.
my $boot = do { local (@ARGV, $/) = "$dir/bootstrap"; <> };
like $boot, qr{^#!/bin/sh\n}, 'bootstrap is a sh script';
like $boot, qr{exec "\$here/lib/ld-linux[^"]*" --library-path "\$here/lib" "\$here/bin/cruddur-messaging-stream"},
    'bootstrap execs the bundled loader with --library-path';
my @trace = `env -i "$loader[0]" --library-path "$dir/lib" --list "$dir/bin/cruddur-messaging-stream" 2>&1`;
is $?, 0, 'the bundled loader resolves the binary in an empty environment';
my @libs = grep { m{=>} } @trace;
ok @libs >= 3, 'libraries listed';
my @outside = grep { !m{=> \Q$dir\E/lib/} } @libs;
is_deeply \@outside, [], 'no library comes from the host' or diag @trace;

# The Runtime API loop and the init error, run by the zip's bootstrap with
# only the variables Lambda sets (test_lambda_runtime execve()s it).
my $out = `env -i LAMBDA_BOOTSTRAP="$dir/bootstrap" "$build/test_lambda_runtime" 2>&1`;
is $?, 0, 'the zip bootstrap serves the Runtime API' or diag $out;
like $out, qr/test_bootstrap_binary/, 'the bootstrap tests ran';

done_testing;
