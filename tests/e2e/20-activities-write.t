# The routes that need a caller: posting, replying, notifications; and every
# way a body or a token can be wrong, each changing nothing.
use strict;
use warnings;
use utf8;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use MIME::Base64 qw(encode_base64url decode_base64url);
use CruddurTest;

my $SEED_POST = '68f126b0-1ceb-4a33-88be-d90fa7109eee';
sub activities { sql_value('SELECT count(*) FROM activities') }

# A real Cognito user of the pool who has no row in PostgreSQL.
sub stranger_token {
    my $name = "stranger$$";
    my $tool = "$ENV{CRUDDUR_BUILD}/cruddur-aws";
    my $pool = $ENV{AWS_COGNITO_USER_POOL_ID};
    for my $call (
        [ AdminCreateUser => { UserPoolId => $pool, Username => "$name\@example.com",
                               MessageAction => 'SUPPRESS',
                               UserAttributes => [ { Name => 'email', Value => "$name\@example.com" },
                                                   { Name => 'preferred_username', Value => $name } ] } ],
        [ AdminSetUserPassword => { UserPoolId => $pool, Username => "$name\@example.com",
                                    Password => 'Cruddur-local-1', Permanent => JSON::PP::true } ]) {
        system($tool, 'call', 'cognito-idp', $call->[0], json_text($call->[1])) == 0
            or die "$call->[0] failed\n";
    }
    return token($name);
}

subtest 'a valid token for an unregistered user' => sub {
    my $r = api(GET => '/api/activities/notifications', bearer => 'Bearer ' . stranger_token());
    is $r->{status}, 401, '401';
    is_deeply $r->{json}, { errors => ['unauthorized', 'user_not_registered'] }, 'user_not_registered';
    is $r->{headers}{'www-authenticate'}, 'Bearer realm="cruddur", error="invalid_token"', 'invalid_token challenge';
};

subtest 'post an activity' => sub {
    my $r = api(POST => '/api/activities', token => 'andrewbrown',
                json => { message => 'hello from the tests', ttl => '7-days',
                          handle => 'bayko', user_uuid => '00000000-0000-4000-8000-000000000000' });
    is $r->{status}, 200, 'status 200';
    is $r->{json}{handle}, 'andrewbrown', 'author is the caller, not the body';
    is $r->{json}{message}, 'hello from the tests', 'message';
    is $r->{json}{replies_count}, 0, 'no replies';
    my $home = api(GET => '/api/activities/home');
    is $home->{json}[0]{uuid}, $r->{json}{uuid}, 'first in the home feed';
    my $days = sql_value("SELECT round(extract(epoch FROM expires_at - created_at) / 86400)
                          FROM activities WHERE uuid = '$r->{json}{uuid}'");
    is $days, 7, 'expires in 7 days';
};

subtest 'text is stored verbatim' => sub {
    my $evil = q{'); DROP TABLE users; -- 50%_off \\ "quoted"};
    my $users = sql_value('SELECT count(*) FROM users');   # other tests add theirs
    my $r = api(POST => '/api/activities', token => 'bayko',
                json => { message => $evil, ttl => '1-hour' });
    is $r->{status}, 200, 'stored';
    is $r->{json}{message}, $evil, 'returned verbatim';
    is sql_value('SELECT count(*) FROM users'), $users, 'users table intact';
    my $s = api(GET => '/api/activities/search?term=50%25_off');
    ok scalar @{ $s->{json} } >= 1, "'%' and '_' found as text";
    is $s->{json}[0]{message}, $evil, 'the newest one with them is ours';
    ok !(grep { index($_->{message}, '50%_off') < 0 } @{ $s->{json} }), 'and only such';
    my $e = api(POST => '/api/activities', token => 'bayko',
                json => { message => '😀' x 280, ttl => '1-day' });
    is $e->{status}, 200, '280 emoji are 280 characters';
    is $e->{json}{message}, '😀' x 280, 'emoji round trip';
};

subtest 'validation' => sub {
    my $before = activities();
    my @cases = (
        [ { ttl => '7-days' }, ['message_blank'] ],
        [ { message => '   ', ttl => '7-days' }, ['message_blank'] ],
        [ { message => 'x' x 281, ttl => '7-days' }, ['message_exceed_max_chars'] ],
        [ { message => 42, ttl => '7-days' }, ['message_invalid'] ],
        [ { message => ['x'], ttl => '7-days' }, ['message_invalid'] ],
        [ { message => 'hi' }, ['ttl_blank'] ],
        [ { message => 'hi', ttl => '2-weeks' }, ['ttl_invalid'] ],
        [ { message => 'hi', ttl => 7 }, ['ttl_invalid'] ],
        [ {}, ['message_blank', 'ttl_blank'] ],
    );
    for my $c (@cases) {
        my $r = api(POST => '/api/activities', token => 'andrewbrown', json => $c->[0]);
        is $r->{status}, 422, 'status 422 for ' . json_text($c->[0]);
        is_deeply $r->{json}{errors}, $c->[1], 'codes ' . join(',', @{ $c->[1] });
    }
    my %bodies = (
        'bad JSON'       => [ '{"message": "hi",', 'application/json', 400, 'invalid_json' ],
        'not an object'  => [ '["hi"]', 'application/json', 400, 'body_not_object' ],
        'duplicate keys' => [ '{"message":"a","message":"b","ttl":"1-day"}', 'application/json', 400, 'invalid_json' ],
        'bad UTF-8'      => [ qq({"message":"\xff\xfe","ttl":"1-day"}), 'application/json', 400, 'invalid_utf8' ],
        'overlong UTF-8' => [ qq({"message":"\xc0\xaf","ttl":"1-day"}), 'application/json', 400, 'invalid_utf8' ],
        'NUL escape'     => [ '{"message":"a\u0000b","ttl":"1-day"}', 'application/json', 400, 'invalid_json' ],
        'lone surrogate' => [ '{"message":"\ud800","ttl":"1-day"}', 'application/json', 400, 'invalid_json' ],
        'form body'      => [ 'message=hi&ttl=1-day', 'application/x-www-form-urlencoded', 415, 'unsupported_media_type' ],
        'no type'        => [ '{"message":"hi","ttl":"1-day"}', undef, 415, 'unsupported_media_type' ],
        'too large'      => [ '{"message":"' . ('x' x 70000) . '","ttl":"1-day"}', 'application/json', 413, 'payload_too_large' ],
    );
    for my $name (sort keys %bodies) {
        my ($body, $type, $status, $code) = @{ $bodies{$name} };
        my $r = api(POST => '/api/activities', token => 'andrewbrown', body => $body,
                    headers => { defined $type ? ('content-type' => $type) : () });
        is $r->{status}, $status, "$name: $status";
        is_deeply $r->{json}, { errors => [$code] }, "$name: $code";
    }
    is activities(), $before, 'nothing was written';
};

subtest 'replies and notifications' => sub {
    my $count = sql_value("SELECT replies_count FROM activities WHERE uuid = '$SEED_POST'");
    my $r = api(POST => "/api/activities/$SEED_POST/reply", token => 'londo',
                json => { message => 'A reply from Londo' });
    is $r->{status}, 200, 'reply stored';
    is $r->{json}{reply_to_activity_uuid}, $SEED_POST, 'points at its parent';
    is $r->{json}{handle}, 'londo', 'by the caller';
    is sql_value("SELECT replies_count FROM activities WHERE uuid = '$SEED_POST'"),
        $count + 1, 'parent counts it';
    my $show = api(GET => "/api/activities/$SEED_POST");
    is $show->{json}{replies}[-1]{uuid}, $r->{json}{uuid}, 'shown last under the parent';
    my $n = api(GET => '/api/activities/notifications', token => 'andrewbrown');
    is $n->{status}, 200, 'notifications 200';
    is $n->{json}[0]{uuid}, $r->{json}{uuid}, 'newest reply first';
    ok !(grep { $_->{handle} eq 'andrewbrown' } @{ $n->{json} }), 'not one\'s own replies';
    is_deeply api(GET => '/api/activities/notifications', token => 'londo')->{json}, [],
        'londo has none';

    my $before = activities();
    my $u = api(POST => '/api/activities/00000000-0000-4000-8000-000000000000/reply',
                token => 'londo', json => { message => 'to nothing' });
    is $u->{status}, 404, 'unknown parent 404';
    is_deeply $u->{json}, { errors => ['activity_not_found'] }, 'error code';
    is api(POST => '/api/activities/nope/reply', token => 'londo',
           json => { message => 'x' })->{status}, 400, 'bad uuid 400';
    is api(POST => "/api/activities/$SEED_POST/reply", token => 'londo',
           json => { message => 'x' x 1025 })->{status}, 422, '1025 characters 422';
    is api(POST => "/api/activities/$SEED_POST/reply", token => 'londo',
           json => { message => '' })->{status}, 422, 'blank 422';
    is activities(), $before, 'nothing was written';
    is sql_value("SELECT replies_count FROM activities WHERE uuid = '$SEED_POST'"),
        $count + 1, 'count unchanged by the failures';
};

subtest 'tokens' => sub {
    my $good = token('andrewbrown');
    my ($h, $p, $s) = split /\./, $good;
    my $claims = JSON::PP->new->decode(decode_base64url($p));
    my $flip = $s; substr($flip, 10, 1) = substr($flip, 10, 1) eq 'A' ? 'B' : 'A';
    my %other = (%$claims, sub => 'someone-else');
    my %forged = (
        'no header'        => undef,
        'empty bearer'     => 'Bearer ',
        'Bearer null'      => 'Bearer null',         # a signed-out browser's
        'Bearer undefined' => 'Bearer undefined',
        'other scheme'     => "Basic $good",
        'two spaces'       => "Bearer  $good",
        'trailing junk'    => "Bearer $good x",
        'two parts'        => "Bearer $h.$p",
        'garbage'          => 'Bearer not.a.token',
        'tampered payload' => 'Bearer ' . join('.', $h, encode_base64url(JSON::PP->new->encode(\%other)), $s),
        'tampered sig'     => "Bearer $h.$p.$flip",
        'alg none'         => 'Bearer ' . join('.', encode_base64url('{"alg":"none","typ":"JWT"}'), $p, ''),
        'alg HS256'        => 'Bearer ' . join('.', encode_base64url('{"alg":"HS256","kid":"CognitoLocal"}'), $p, $s),
    );
    my $before = activities();
    for my $name (sort keys %forged) {
        my $r = api(POST => '/api/activities', bearer => $forged{$name},
                    json => { message => "forged: $name", ttl => '1-day' });
        # No header, another scheme, nothing after Bearer: no token at all.
        my $missing = $name =~ /^(no header|empty bearer|other scheme|Bearer null|Bearer undefined)$/;
        is $r->{status}, 401, "$name: 401";
        is_deeply $r->{json}, { errors => ['unauthorized', $missing ? 'token_missing' : 'token_invalid'] },
            "$name: " . ($missing ? 'token_missing' : 'token_invalid');
        is $r->{headers}{'www-authenticate'},
            $missing ? 'Bearer realm="cruddur"' : 'Bearer realm="cruddur", error="invalid_token"',
            "$name: WWW-Authenticate";
    }
    is activities(), $before, 'nothing was written';
    is api(GET => '/api/activities/notifications')->{status}, 401, 'notifications need a token';
    is api(GET => '/api/activities/home', bearer => 'Bearer garbage')->{status}, 200,
        'optional route ignores a bad token';
    is api(POST => '/api/activities', bearer => "bearer $good",
           json => { message => 'lower-case scheme', ttl => '1-hour' })->{status}, 200,
        'scheme is case-insensitive';
};

done_testing;
