# Public activity routes over HTTP through lighttpd, on the seed data.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use CruddurTest;

my $SEED_POST  = '68f126b0-1ceb-4a33-88be-d90fa7109eee';   # andrewbrown, 1 reply
my $SEED_REPLY = '5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a804';   # bayko's reply
my $EXPIRED    = '9d4a6c1e-2f3b-4d5e-8f6a-7b8c9d0e1f03';   # londo's, expired

subtest 'health check' => sub {
    my $r = api(GET => '/api/health-check');
    is $r->{status}, 200, 'status 200';
    is_deeply $r->{json}, { success => JSON::PP::true, ver => 1 }, 'body';
    like $r->{headers}{'content-type'}, qr{^application/json; charset=utf-8$}, 'content type';
};

subtest 'home feed' => sub {
    my $r = api(GET => '/api/activities/home');
    is $r->{status}, 200, 'status 200';
    my @acts = @{ $r->{json} };
    ok @acts >= 3, 'seed activities are there';
    my %by_uuid = map { $_->{uuid} => $_ } @acts;
    ok $by_uuid{$SEED_POST}, 'seed post listed';
    ok !$by_uuid{$EXPIRED}, 'expired activity hidden';
    ok !$by_uuid{$SEED_REPLY}, 'replies are not in the feed';
    my @times = map { $_->{created_at} } @acts;
    is_deeply \@times, [ sort { $b cmp $a } @times ], 'newest first';
    my $a = $by_uuid{$SEED_POST};
    is_deeply [ sort keys %$a ],
        [ sort qw(uuid display_name handle message replies_count reposts_count
                  likes_count reply_to_activity_uuid expires_at created_at) ],
        'activity fields';
    is $a->{handle}, 'andrewbrown', 'author handle';
    is $a->{display_name}, 'Andrew Brown', 'author name';
    cmp_ok $a->{replies_count}, '>=', 1, 'replies counted';
    like $a->{created_at}, qr/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+00:00$/, 'ISO-8601 UTC';
    my $h = api(HEAD => '/api/activities/home');
    is $h->{status}, 200, 'HEAD answers';
    is length($h->{content} // ''), 0, 'HEAD has no body';
};

subtest 'user activities' => sub {
    my $r = api(GET => '/api/activities/@londo');
    is $r->{status}, 200, 'status 200';
    ok @{ $r->{json} } >= 1, 'londo has posts';
    ok !(grep { $_->{handle} ne 'londo' } @{ $r->{json} }), 'only londo';
    ok !(grep { $_->{uuid} eq $EXPIRED } @{ $r->{json} }), 'expired hidden';
    is api(GET => '/api/activities/%40londo')->{status}, 200, 'encoded @';
    for my $h ('@nobody', '@..', '@a%2F..%2Fb', '@' . ('x' x 40)) {
        my $n = api(GET => "/api/activities/$h");
        is $n->{status}, 404, "$h is 404";
        is_deeply $n->{json}, { errors => ['user_not_found'] }, "$h error code";
    }
};

subtest 'show activity' => sub {
    my $r = api(GET => "/api/activities/$SEED_POST");
    is $r->{status}, 200, 'status 200';
    is $r->{json}{uuid}, $SEED_POST, 'the activity';
    is ref $r->{json}{replies}, 'ARRAY', 'replies listed';
    ok((grep { $_->{uuid} eq $SEED_REPLY } @{ $r->{json}{replies} }), 'seed reply among them');
    my @times = map { $_->{created_at} } @{ $r->{json}{replies} };
    is_deeply \@times, [ sort @times ], 'replies oldest first';
    is api(GET => "/api/activities/$EXPIRED")->{status}, 404, 'expired is 404';
    my $n = api(GET => '/api/activities/00000000-0000-4000-8000-000000000000');
    is $n->{status}, 404, 'absent is 404';
    is_deeply $n->{json}, { errors => ['activity_not_found'] }, 'error code';
    my $b = api(GET => '/api/activities/not-a-uuid');
    is $b->{status}, 400, 'bad uuid is 400';
    is_deeply $b->{json}, { errors => ['invalid_uuid'] }, 'error code';
};

subtest 'search' => sub {
    my $r = api(GET => '/api/activities/search?term=SEED+data');
    is $r->{status}, 200, 'status 200';
    ok((grep { $_->{uuid} eq $SEED_POST } @{ $r->{json} }), 'case-insensitive match');
    is_deeply api(GET => '/api/activities/search?term=expired')->{json}, [],
        'expired activities are not found';
    # As LIKE patterns these would match everything; as text they match
    # only messages that hold them.
    for my $t (['%25', '%'], ['_', '_'], ['%25%25', '%%'], ['%5C', '\\']) {
        my $found = api(GET => "/api/activities/search?term=$t->[0]")->{json};
        ok !(grep { index($_->{message}, $t->[1]) < 0 } @$found),
            "'$t->[1]' is text, not a pattern";
        ok !(grep { $_->{uuid} eq $SEED_POST } @$found), "'$t->[1]' does not match the seed post";
    }
    for my $q ('', '?term=', '?term=+++', '?other=1') {
        my $b = api(GET => "/api/activities/search$q");
        is $b->{status}, 422, "blank term '$q' is 422";
        is_deeply $b->{json}, { errors => ['search_term_blank'] }, 'error code';
    }
    is api(GET => '/api/activities/search?term=%zz')->{status}, 400, 'bad escape is 400';
    is api(GET => '/api/activities/search?term=%ff')->{status}, 400, 'bad UTF-8 is 400';
};

subtest 'users short' => sub {
    my $r = api(GET => '/api/users/@bayko/short');
    is $r->{status}, 200, 'status 200';
    is_deeply [ sort keys %{ $r->{json} } ], [qw(display_name handle uuid)], 'fields';
    is $r->{json}{display_name}, 'Andrew Bayko', 'display name';
    my $n = api(GET => '/api/users/@nobody/short');
    is $n->{status}, 404, 'unknown is 404';
    is_deeply $n->{json}, { errors => ['user_not_found'] }, 'error code';
};

subtest 'routing errors' => sub {
    my $r = api(GET => '/api/nothing');
    is $r->{status}, 404, 'unknown path 404';
    is_deeply $r->{json}, { errors => ['not_found'] }, 'JSON error';
    $r = api(DELETE => '/api/activities/home');
    is $r->{status}, 405, 'wrong method 405';
    is $r->{headers}{allow}, 'GET, HEAD, OPTIONS', 'Allow header';
    is_deeply $r->{json}, { errors => ['method_not_allowed'] }, 'JSON error';
    $r = api(GET => '/api/activities');
    is $r->{status}, 405, 'GET on a POST route 405';
    is $r->{headers}{allow}, 'POST, OPTIONS', 'Allow header';
    is api(GET => '/api/activities/%zz')->{status}, 400, 'bad escape in path';
};

subtest 'CORS' => sub {
    my $ok = api(GET => '/api/health-check', headers => { origin => 'http://localhost:3000' });
    is $ok->{headers}{'access-control-allow-origin'}, 'http://localhost:3000', 'frontend echoed';
    is $ok->{headers}{'access-control-expose-headers'}, 'Authorization, WWW-Authenticate, X-Request-Id',
        'Authorization, WWW-Authenticate and X-Request-Id exposed';
    my $be = api(GET => '/api/health-check', headers => { origin => $ENV{BACKEND_URL} });
    is $be->{headers}{'access-control-allow-origin'}, $ENV{BACKEND_URL}, 'backend echoed';
    my $bad = api(GET => '/api/health-check', headers => { origin => 'https://evil.example' });
    ok !exists $bad->{headers}{'access-control-allow-origin'}, 'foreign origin not echoed';
    my $pre = api(OPTIONS => '/api/activities', headers => {
        origin => 'http://localhost:3000',
        'access-control-request-method' => 'POST',
        'access-control-request-headers' => 'content-type, authorization' });
    is $pre->{status}, 204, 'preflight 204';
    is $pre->{headers}{'access-control-allow-origin'}, 'http://localhost:3000', 'preflight origin';
    is $pre->{headers}{'access-control-allow-methods'}, 'OPTIONS, GET, HEAD, POST', 'methods';
    is $pre->{headers}{'access-control-allow-headers'}, 'Content-Type, Authorization', 'headers';
    my $pre_bad = api(OPTIONS => '/api/activities', headers => { origin => 'https://evil.example' });
    ok !exists $pre_bad->{headers}{'access-control-allow-origin'}, 'foreign preflight refused';
};

done_testing;
