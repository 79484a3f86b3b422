#!/usr/bin/env perl
# tests/layers/check-layers.t - scripts/check-layers passes on the tree and
# fails, naming file and line, on each kind of wrong include planted in a
# copy of the sources.
use strict;
use warnings;
use File::Basename qw(dirname);
use File::Copy qw(copy);
use File::Find qw(find);
use File::Path qw(make_path);
use File::Temp qw(tempdir);
use Test::More;

my $root = dirname(__FILE__) . '/../..';
my $check = "$root/scripts/check-layers";

# Runs the check on dir; its exit status and output.
sub check {
    my ($dir) = @_;
    my $out = qx{"$check" "$dir" 2>&1};
    return ($? >> 8, $out);
}

# A fresh copy of the .c and .h files the check reads.
sub copy_tree {
    my $dir = tempdir(CLEANUP => 1);
    find({ no_chdir => 1, wanted => sub {
        return unless -f && /\.[ch]$/;
        (my $rel = $_) =~ s{^\Q$root\E/}{};
        make_path(dirname("$dir/$rel"));
        copy($_, "$dir/$rel") or die "copy $_: $!";
    } }, map { "$root/$_" } qw(app services aws tests));
    return $dir;
}

# Appends lines to file in dir; the line number of the first.
sub plant {
    my ($dir, $file, @lines) = @_;
    open my $in, '<', "$dir/$file" or die "$file: $!";
    my $n = () = <$in>;
    close $in;
    open my $out, '>>', "$dir/$file" or die "$file: $!";
    print $out "$_\n" for @lines;
    close $out;
    return $n + 1;
}

my ($rc, $out) = check($root);
is($rc, 0, 'the tree passes') or diag($out);
like($out, qr/all point down/, 'and says so');

my $dir = copy_tree();
my $line = plant($dir, 'app/core/buf.c', '#include "services/services.h"');
($rc, $out) = check($dir);
is($rc, 1, 'core including a service fails');
like($out, qr{^app/core/buf\.c:$line: includes services/services\.h: app/core may not use services}m,
     'naming the file, the line and the layers') or diag($out);

$dir = copy_tree();
$line = plant($dir, 'aws/cognito/jwk.c', '#include "app/db/db.h"');
($rc, $out) = check($dir);
is($rc, 1, 'a sibling include fails');
like($out, qr{^aws/cognito/jwk\.c:$line: .*siblings}m, 'as siblings') or diag($out);

$dir = copy_tree();
$line = plant($dir, 'app/programs/cruddur-load/main_cruddur-load.c',
              '#include "app/programs/cruddur-aws/tool.h"');
($rc, $out) = check($dir);
is($rc, 1, 'one program including another fails');
like($out, qr{^app/programs/cruddur-load/main_cruddur-load\.c:$line: .*siblings}m,
     'each program is a folder of its own') or diag($out);

$dir = copy_tree();
plant($dir, 'app/core/buf.h', '#include "app/core/log.h"');
$line = plant($dir, 'app/core/log.h', '#include "app/core/buf.h"');
($rc, $out) = check($dir);
is($rc, 1, 'a circle inside one folder fails');
like($out, qr{^app/core/\w+\.h:\d+: closes a circle of includes: app/core/(buf|log) -> app/core/(log|buf) -> app/core/\1}m,
     'naming the circle') or diag($out);

$dir = copy_tree();
$line = plant($dir, 'services/service.c', '#include "app/core/nothing.h"');
($rc, $out) = check($dir);
is($rc, 1, 'an include of no file fails');
like($out, qr{^services/service\.c:$line: includes "app/core/nothing\.h", which is no file}m,
     'naming it') or diag($out);

$dir = copy_tree();
open my $fh, '>', "$dir/aws/stray.c" or die;
print $fh "int stray;\n";
close $fh;
($rc, $out) = check($dir);
is($rc, 1, 'a source file outside every layer fails');
like($out, qr{^aws/stray\.c:1: in no layer}m, 'naming it') or diag($out);

done_testing();
