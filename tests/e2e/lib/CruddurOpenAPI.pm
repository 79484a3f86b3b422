# CruddurOpenAPI - the OpenAPI document (etc/openapi.yaml) from the tests:
# tests/openapi/openapi-check.js run under node with the modules that
# scripts/install put in $CRUDDUR_CACHE/openapi (npm ci of
# tests/openapi/package-lock.json).
package CruddurOpenAPI;

use strict;
use warnings;
use Exporter 'import';
use File::Temp qw(tempfile);
use FindBin;
use IPC::Open2 qw(open2);
use JSON::PP;

our @EXPORT = qw(openapi_doc openapi_run openapi_check);

my $root = "$FindBin::Bin/../..";
my $json = JSON::PP->new->utf8->canonical;

sub openapi_doc { return "$root/etc/openapi.yaml" }

sub node_env {
    my $cache = $ENV{CRUDDUR_CACHE} || "$ENV{HOME}/.cache/cruddur";
    my $mods = "$cache/openapi/node_modules";
    -d "$mods/\@apidevtools/swagger-parser"
        or die "no OpenAPI checker in $mods: run scripts/install\n";
    $ENV{NODE_PATH} = $mods;
}

# openapi_run(COMMAND, DOC) -> (exit status, output lines)
sub openapi_run {
    my ($cmd, $doc) = @_;
    node_env();
    open(my $ph, '-|', 'node', "$root/tests/openapi/openapi-check.js", $cmd, $doc // openapi_doc())
        or die "node: $!\n";
    my @lines = <$ph>;
    close $ph;
    chomp @lines;
    return ($? >> 8, @lines);
}

# openapi_check(ANSWERS, DOC) -> { name => [errors] } for a list of
# { name, method, path, status, headers => {lower-case => value}, body,
# request }: every answer against the document, in one node run.
sub openapi_check {
    my ($answers, $doc) = @_;
    node_env();
    my ($fh, $file) = tempfile('cruddur-openapi-XXXXXX', TMPDIR => 1, UNLINK => 1);
    print $fh $json->encode($_), "\n" for @$answers;
    close $fh;
    open(my $in, '<', $file) or die "$file: $!\n";
    my $pid = open2(my $out, '<&' . fileno($in), 'node', "$root/tests/openapi/openapi-check.js",
                    'check', $doc // openapi_doc());
    my %result;
    while (my $line = <$out>) {
        my $r = eval { $json->decode($line) } or die "openapi-check.js said: $line";
        $result{ $r->{name} } = $r->{errors};
    }
    waitpid $pid, 0;
    die "openapi-check.js check exited with status " . ($? >> 8) . "\n" if $?;
    return \%result;
}

1;
