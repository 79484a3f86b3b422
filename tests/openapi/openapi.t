#!/usr/bin/env perl
# The OpenAPI document (etc/openapi.yaml): valid by swagger-parser and our
# stricter checks, naming exactly the routes of services/routes.c, and a
# checker that fails answers drifting from it. No stack needed: the real
# answers are checked by tests/e2e/*-frontend-replay.t.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../e2e/lib";
use File::Temp qw(tempdir);
use Test::More;
use CruddurOpenAPI;

my $root = "$FindBin::Bin/../..";
my $doc = openapi_doc();

# ---- the document as committed ----
my ($rc, @out) = openapi_run(lint => $doc);
for (@out) {
    if (/^(not ok|ok) - (.*)$/) { ok $1 eq 'ok', $2 }
    else { diag $_ }
}
is $rc, 0, 'openapi-check.js lint exits 0';

# ---- every route of the worker, no other ----
open(my $fh, '<', "$root/services/routes.c") or die "routes.c: $!\n";
my %worker;
while (<$fh>) {
    next unless /\{\s*"(GET|POST)",\s*"([^"]+)"/;
    my ($m, $p) = ($1, $2);
    $p =~ s/:\w+/{}/g;
    $worker{"$m $p"} = 1;
}
close $fh;
cmp_ok scalar(keys %worker), '>=', 12, scalar(keys %worker) . ' routes in services/routes.c';
($rc, @out) = openapi_run(routes => $doc);
is $rc, 0, 'openapi-check.js routes';
my (%documented, %preflight);
for (@out) {
    my ($m, $p) = split / /;
    $p =~ s/\{\w+\}/{}/g;
    if ($m eq 'OPTIONS') { $preflight{$p} = 1 } else { $documented{"$m $p"} = 1 }
}
is_deeply [ sort keys %documented ], [ sort keys %worker ], 'the document has exactly the worker\'s routes';
is_deeply [ sort keys %preflight ], [ sort { $a cmp $b } keys %{{ map { (split / /)[1] => 1 } keys %worker }} ],
    'and the preflight of each path';

# ---- the checks can fail ----
my $tmp = tempdir(CLEANUP => 1);
sub planted {
    my ($name, $from, $to) = @_;
    open(my $in, '<', $doc) or die;
    my $text = do { local $/; <$in> };
    close $in;
    my $n = ($text =~ s/\Q$from\E/$to/);
    die "planted $name: '$from' not in the document\n" unless $n;
    my $file = "$tmp/$name.yaml";
    open(my $out, '>', $file) or die;
    print $out $text;
    close $out;
    return $file;
}
my %wrong = (
    'a ref to no schema'          => [ '$ref: "#/components/schemas/Activity" }', '$ref: "#/components/schemas/Activty" }' ],
    'an undeclared path parameter' => [ "  /api/users/\@{handle}/short:\n    parameters:\n      - \$ref: \"#/components/parameters/handle\"\n",
                                        "  /api/users/\@{handle}/short:\n" ],
    'a duplicate operationId'      => [ 'operationId: usersShort', 'operationId: healthCheck' ],
    'a keyword JSON Schema lacks'  => [ 'maxItems: 20', 'maxItem: 20' ],
    'a response without description' => [ "description: the conversations\n", '' ],
);
for my $name (sort keys %wrong) {
    my ($code, @lines) = openapi_run(lint => planted($name, @{ $wrong{$name} }));
    isnt $code, 0, "lint refuses $name" or diag join "\n", @lines;
}

# ---- answers against the document ----
my $t = '2026-01-02T03:04:05.123456+00:00';
my %activity = (uuid => '68f126b0-1ceb-4a33-88be-d90fa7109eee', display_name => 'Andrew Brown',
                handle => 'andrewbrown', message => 'hi', replies_count => 0, reposts_count => 0,
                likes_count => 0, reply_to_activity_uuid => undef, expires_at => $t, created_at => $t);
my $j = JSON::PP->new->canonical;
my @answers = (
    [ 'an activity list',         1, GET => '/api/activities/home', 200, {}, [ \%activity ] ],
    [ 'a time without offset',    0, GET => '/api/activities/home', 200, {}, [ { %activity, created_at => '2026-01-02T03:04:05.123456' } ] ],
    [ 'a time in another zone',   0, GET => '/api/activities/home', 200, {}, [ { %activity, created_at => '2026-01-02T03:04:05+02:00' } ] ],
    [ 'a field the UI reads gone', 0, GET => '/api/activities/home', 200, {}, [ { %activity, handle => undef } ] ],
    [ 'an unknown field',         0, GET => '/api/activities/@andrewbrown', 200, {}, [ { %activity, extra => 1 } ] ],
    [ 'an undocumented status',   0, GET => '/api/activities/home', 401, {}, { errors => ['unauthorized', 'token_missing'] } ],
    [ 'a 401 with its challenge', 1, GET => '/api/message_groups', 401, { 'www-authenticate' => 'Bearer realm="cruddur"' },
      { errors => ['unauthorized', 'token_missing'] } ],
    [ 'a 401 without challenge',  0, GET => '/api/message_groups', 401, {}, { errors => ['unauthorized', 'token_missing'] } ],
    [ 'a 401 with one code',      0, GET => '/api/message_groups', 401, { 'www-authenticate' => 'Bearer realm="cruddur"' },
      { errors => ['unauthorized'] } ],
    [ 'an error code of another route', 0, GET => '/api/users/@nobody/short', 404, {}, { errors => ['activity_not_found'] } ],
    [ 'a started conversation',   1, POST => '/api/messages', 200, {}, { message_group_uuid => $activity{uuid} } ],
    [ 'a preflight',              1, OPTIONS => '/api/messages', 204, { 'access-control-max-age' => '600' }, undef ],
    [ 'a path of no route',       0, GET => '/api/nothing', 200, {}, [] ],
);
my @in = map {
    my ($name, $good, $m, $p, $st, $h, $body) = @$_;
    { name => $name, method => $m, path => $p, status => $st, headers => $h,
      body => defined $body ? $j->encode($body) : '' }
} @answers;
my $res = openapi_check(\@in);
for (@answers) {
    my ($name, $good) = @$_;
    my $errors = $res->{$name};
    ok $errors, "$name: checked" or next;
    if ($good) { is_deeply $errors, [], "$name: matches" }
    else { ok scalar(@$errors), "$name: refused (@$errors)" }
}

done_testing;
