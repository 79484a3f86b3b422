# The bad-input catalogue: hostile requests, each with the answer it must
# get. For every one: the expected status and error code (a worker's 4xx
# JSON; where lighttpd itself refuses the request first, any 4xx of its own
# or a closed connection), the same worker processes before and after, and
# nothing written (users, activities, reply counts in PostgreSQL; items in
# the DynamoDB table). Requests go over raw sockets so framing can lie.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use JSON::PP;
use MIME::Base64 qw(encode_base64url decode_base64url);
use CruddurTest;
use CruddurHard;

my $NOBODY = '00000000-0000-4000-8000-000000000000';
my $SEED_POST = '68f126b0-1ceb-4a33-88be-d90fa7109eee';

# ---- the callers and conversations the cases aim at ----

my %tok = map { $_ => token($_) } qw(andrewbrown bayko londo);

sub group_of {
    my ($who, $handle) = @_;
    my ($g) = grep { $_->{handle} eq $handle } @{ api(GET => '/api/message_groups', token => $who)->{json} || [] };
    return $g ? $g->{uuid} : undef;
}
# andrewbrown <-> bayko (the seed) and bayko <-> londo: made here if absent,
# before anything is counted.
my %grp;
for my $pair ([qw(andrewbrown bayko)], [qw(bayko londo)]) {
    my ($a, $b) = @$pair;
    $grp{"$a-$b"} = group_of($a, $b) // do {
        my $r = api(POST => '/api/messages', token => $a, json => { message => 'set-up', handle => $b });
        $r->{json}{message_group_uuid};
    };
}
ok $grp{'andrewbrown-bayko'} && $grp{'bayko-londo'}, 'two conversations to attack'
    or BAIL_OUT('no conversations');

# ---- forged tokens (tests/e2e/lib/forge-tokens.js) ----

my $claims = decode_json(decode_base64url((split /\./, $tok{andrewbrown})[1]));
my $now = time;
my %base = (%$claims, iat => $now, auth_time => $now, exp => $now + 3600);
my $hdr = { alg => 'RS256', typ => 'JWT', kid => 'CognitoLocal' };
my @forge = (
    # name, header, claims, signing
    [ control     => $hdr, {%base}, 'pool' ],
    [ expired     => $hdr, { %base, exp => $now - 120 }, 'pool' ],
    [ nbf_future  => $hdr, { %base, nbf => $now + 600 }, 'pool' ],
    [ iat_future  => $hdr, { %base, iat => $now + 600 }, 'pool' ],
    [ exp_string  => $hdr, { %base, exp => "" . ($now + 3600) }, 'pool' ],
    [ no_exp      => $hdr, { map { $_ eq 'exp' ? () : ($_ => $base{$_}) } keys %base }, 'pool' ],
    [ wrong_iss   => $hdr, { %base, iss => "$base{iss}x" }, 'pool' ],
    [ iss_slash   => $hdr, { %base, iss => "$base{iss}/" }, 'pool' ],
    [ id_token    => $hdr, { %base, token_use => 'id', aud => $base{client_id} }, 'pool' ],
    [ wrong_client=> $hdr, { %base, client_id => 'someoneelsesclient' }, 'pool' ],
    [ no_client   => $hdr, { map { $_ eq 'client_id' ? () : ($_ => $base{$_}) } keys %base }, 'pool' ],
    [ unknown_kid => { %$hdr, kid => 'rotated-away' }, {%base}, 'pool' ],
    [ kid_path    => { %$hdr, kid => '../../../../etc/passwd' }, {%base}, 'pool' ],
    [ no_kid      => { alg => 'RS256', typ => 'JWT' }, {%base}, 'pool' ],
    [ rs384       => { %$hdr, alg => 'RS384' }, {%base}, 'pool' ],
    [ rs512       => { %$hdr, alg => 'RS512' }, {%base}, 'pool' ],
    [ ps256       => { %$hdr, alg => 'PS256' }, {%base}, 'pool' ],
    [ attacker    => $hdr, {%base}, 'attacker' ],
    [ attacker_jku=> { %$hdr, jku => 'http://127.0.0.1:9/jwks.json', kid => 'evil' }, {%base}, 'attacker' ],
    [ hs256_pub   => { %$hdr, alg => 'HS256' }, {%base}, 'hs-pub' ],
    [ alg_none    => { alg => 'none', typ => 'JWT' }, {%base}, 'none' ],
    [ alg_None    => { alg => 'None', typ => 'JWT', kid => 'CognitoLocal' }, {%base}, 'none' ],
    [ rs256_nosig => $hdr, {%base}, 'none' ],
    [ stranger    => $hdr, { %base, sub => '11111111-2222-4333-8444-555555555555' }, 'pool' ],
    [ sub_sql     => $hdr, { %base, sub => "' OR '1'='1" }, 'pool' ],
    [ sub_long    => $hdr, { %base, sub => 'x' x 5000 }, 'pool' ],
);
my %forged;
{
    my $key = "$ENV{CRUDDUR_CACHE}/cognito-local/node_modules/cognito-local/lib/keys/cognitoLocal.private.json";
    my $in = json_text([ map { { header => $_->[1], claims => $_->[2], sign => $_->[3] } } @forge ]);
    my $tmp = "/tmp/cruddur-forge-$$.json";
    open(my $fh, '>', $tmp) or die "$tmp: $!\n";
    print $fh $in;
    close $fh;
    my @t = split /\n/, `node "$FindBin::Bin/lib/forge-tokens.js" "$key" < "$tmp"`;
    unlink $tmp;
    @forged{ map { $_->[0] } @forge } = @t;
}
is scalar(keys %forged), scalar(@forge), 'tokens forged';
# The forgeries mean something only if the pool's key really is trusted.
is api(GET => '/api/message_groups', bearer => "Bearer $forged{control}")->{status}, 200,
    'control: a token signed with the pool key and right claims is accepted';

# ---- building requests ----

# req(METHOD, PATH, body => BYTES, type => CT, auth => HANDLE | bearer => RAW,
#     headers => "Name: v\r\n...", cl => N | no_cl => 1)
sub req {
    my ($method, $path, %o) = @_;
    my $h = "$method $path HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n";
    $h .= "Authorization: Bearer $tok{$o{auth}}\r\n" if $o{auth};
    $h .= "Authorization: $o{bearer}\r\n" if defined $o{bearer};
    my $type = exists $o{type} ? $o{type} : defined $o{body} ? 'application/json' : undef;
    $h .= "Content-Type: $type\r\n" if defined $type;
    if (defined $o{cl}) {
        $h .= "Content-Length: $o{cl}\r\n";
    } elsif (defined $o{body} && !$o{no_cl}) {
        $h .= 'Content-Length: ' . length($o{body}) . "\r\n";
    }
    $h .= $o{headers} // '';
    return $h . "\r\n" . ($o{body} // '');
}
sub post_act { req(POST => '/api/activities', auth => 'andrewbrown', body => $_[0], @_[1 .. $#_]) }
sub post_msg { req(POST => '/api/messages', auth => 'londo', body => json_text($_[0])) }
sub chunked {
    my $body = shift;
    my $out = '';
    $out .= sprintf("%x\r\n%s\r\n", length $1, $1) while $body =~ /(.{1,7})/gs;
    return $out . "0\r\n\r\n";
}
sub act { json_text({ message => $_[0], ttl => $_[1] // '1-day' }) }

my $huge_keys = '{' . join(',', map { qq("k$_":$_) } 1 .. 4000) . '}';   # under 64 KiB
my $tenmb = 'a' x (10 * 1024 * 1024);
my $g_ab = $grp{'andrewbrown-bayko'};
my $g_bl = $grp{'bayko-londo'};

# ---- the catalogue: name, raw request, expected answer ----
# Expected: [STATUS, CODE...] from a worker, or [proxy => STATUS...] where
# lighttpd refuses first (0 = it closed without an answer).
my @cases = (
    # framing
    [ 'Content-Length larger than the body (half-close)',
      req(POST => '/api/activities', auth => 'andrewbrown', body => act('x'), cl => 500), [proxy => 0, 400], shutdown => 1 ],
    [ 'Content-Length shorter than the body', post_act(act('short'), cl => 10), [400, 'invalid_json'] ],
    [ 'Content-Length negative', post_act('{}', cl => -1), [proxy => 400] ],
    [ 'Content-Length not a number', post_act('{}', cl => 'abc'), [proxy => 400] ],
    [ 'Content-Length 10^23', post_act('{}', cl => '99999999999999999999999'), [proxy => 400, 413] ],
    [ 'Content-Length 2 MiB, no body', post_act('', cl => 2097152), [proxy => 413] ],
    [ 'Content-Length twice, different', post_act('{}', headers => "Content-Length: 3\r\n"), [proxy => 400] ],
    [ 'Content-Length and chunked', post_act(chunked('{}'), headers => "Transfer-Encoding: chunked\r\n"), [proxy => 400] ],
    [ 'POST without a length', post_act('', no_cl => 1), [proxy => 411] ],
    [ 'body of 70000 bytes', post_act(act('x' x 69970)), [413, 'payload_too_large'] ],
    [ 'body of 1 MB', post_act('[' . ('1,' x 500000) . '1]'), [413, 'payload_too_large'] ],
    [ 'body over 64 KiB, no token', req(POST => '/api/activities', body => act('y' x 70000)), [413, 'payload_too_large'] ],
    [ 'chunked body, invalid inside', post_act(chunked(act('x' x 281)), no_cl => 1, headers => "Transfer-Encoding: chunked\r\n"),
      [422, 'message_exceed_max_chars'] ],
    [ 'chunked body over 64 KiB', post_act(chunked(act('z' x 70000)), no_cl => 1, headers => "Transfer-Encoding: chunked\r\n"),
      [413, 'payload_too_large'] ],
    [ 'chunked, bad chunk size', post_act("zz\r\n{}\r\n0\r\n\r\n", no_cl => 1, headers => "Transfer-Encoding: chunked\r\n"),
      [proxy => 400] ],
    [ 'chunked, never finished (half-close)', post_act("5\r\n{\"mes\r\n", no_cl => 1, headers => "Transfer-Encoding: chunked\r\n"),
      [proxy => 0, 400], shutdown => 1 ],
    [ 'truncated JSON body', post_act('{"message":"hi","tt'), [400, 'invalid_json'] ],
    [ 'header line of 10 MB', req(GET => '/api/health-check', headers => "X-Big: $tenmb\r\n"), [proxy => 0, 400, 413, 431] ],
    [ '10 MB of headers', req(GET => '/api/health-check', headers => "X-A: b\r\n" x (10 * 1024 * 1024 / 8)),
      [proxy => 0, 400, 413, 431] ],
    [ 'Authorization of 20 KB', req(GET => '/api/message_groups', bearer => 'Bearer ' . ('A' x 20000)), [proxy => 431] ],
    [ 'NUL in a header', req(GET => '/api/health-check', headers => "X-A: a\0b\r\n"), [proxy => 400] ],
    [ 'NUL in the request line', "GET /api/activities/\0 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", [proxy => 400] ],
    [ 'garbage request line', "HELLO\r\n\r\n", [proxy => 400] ],
    [ 'bare LF line ends', "POST /api/activities HTTP/1.1\nHost: x\nContent-Length: 2\n\n{}", [proxy => 400] ],
    [ 'absolute-form target', "GET http://evil.example/api/health-check HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", [proxy => 400] ],
    [ 'target of 9000 bytes', req(GET => '/api/activities/search?term=' . ('a' x 9000)), [400, 'bad_request'] ],
    [ 'DELETE on a POST route', req(DELETE => '/api/activities', auth => 'andrewbrown'), [405, 'method_not_allowed'] ],
    [ 'PUT on a GET route', req(PUT => "/api/messages/$g_ab", auth => 'andrewbrown', body => '{}'), [405, 'method_not_allowed'] ],

    # JSON bodies
    [ 'deep JSON, 20000 arrays', post_act(('[' x 20000) . (']' x 20000)), [400, 'invalid_json'] ],
    [ 'deep JSON object as message', post_act('{"ttl":"1-day","message":' . ('{"a":' x 1000) . '1' . ('}' x 1000) . '}'),
      [422, 'message_invalid'] ],
    [ 'huge JSON, 4000 keys', post_act($huge_keys), [422, 'message_blank', 'ttl_blank'] ],
    [ 'duplicate keys', post_act('{"message":"a","ttl":"1-day","message":"b"}'), [400, 'invalid_json'] ],
    [ 'duplicate keys, escaped twin', post_act('{"message":"a","ttl":"1-day","mess\u0061ge":"b"}'), [400, 'invalid_json'] ],
    [ 'number for message', post_act('{"message":12345,"ttl":"1-day"}'), [422, 'message_invalid'] ],
    [ 'number for ttl', post_act('{"message":"hi","ttl":1}'), [422, 'ttl_invalid'] ],
    [ 'bool for message', post_act('{"message":true,"ttl":"1-day"}'), [422, 'message_invalid'] ],
    [ 'array for message', post_act('{"message":["hi"],"ttl":"1-day"}'), [422, 'message_invalid'] ],
    [ 'null message', post_act('{"message":null,"ttl":"1-day"}'), [422, 'message_blank'] ],
    [ '1e999', post_act('{"message":1e999,"ttl":"1-day"}'), [400, 'invalid_json'] ],
    [ 'NaN', post_act('{"message":NaN,"ttl":"1-day"}'), [400, 'invalid_json'] ],
    [ 'trailing garbage', post_act(act('hi') . ' x'), [400, 'invalid_json'] ],
    [ 'two objects', post_act(act('hi') . act('ho')), [400, 'invalid_json'] ],
    [ 'byte-order mark', post_act("\xef\xbb\xbf" . act('hi')), [400, 'invalid_json'] ],
    [ 'array body', post_act('[' . act('hi') . ']'), [400, 'body_not_object'] ],
    [ 'string body', post_act('"hi"'), [400, 'body_not_object'] ],
    # A raw NUL is refused with the UTF-8 check: no C string may hold one.
    [ 'raw NUL in a string', post_act(qq({"message":"a\0b","ttl":"1-day"})), [400, 'invalid_utf8'] ],
    [ 'escaped NUL', post_act('{"message":"a\u0000b","ttl":"1-day"}'), [400, 'invalid_json'] ],
    [ 'NUL in a key', post_act('{"message\u0000x":"a","message":"hi","ttl":"1-day"}'), [400, 'invalid_json'] ],
    [ 'overlong "/" (C0 AF)', post_act(qq({"message":"\xc0\xaf","ttl":"1-day"})), [400, 'invalid_utf8'] ],
    [ 'overlong 3 bytes (E0 80 AF)', post_act(qq({"message":"\xe0\x80\xaf","ttl":"1-day"})), [400, 'invalid_utf8'] ],
    [ 'overlong NUL (C0 80)', post_act(qq({"message":"a\xc0\x80","ttl":"1-day"})), [400, 'invalid_utf8'] ],
    [ 'UTF-8 encoded surrogate', post_act(qq({"message":"\xed\xa0\x80","ttl":"1-day"})), [400, 'invalid_utf8'] ],
    [ 'beyond U+10FFFF', post_act(qq({"message":"\xf4\x90\x80\x80","ttl":"1-day"})), [400, 'invalid_utf8'] ],
    [ 'Latin-1 byte', post_act(qq({"message":"caf\xe9","ttl":"1-day"})), [400, 'invalid_utf8'] ],
    [ 'truncated sequence', post_act(qq({"message":"\xe2\x82","ttl":"1-day"})), [400, 'invalid_utf8'] ],
    [ 'escaped lone high surrogate', post_act('{"message":"\ud800","ttl":"1-day"}'), [400, 'invalid_json'] ],
    [ 'escaped lone low surrogate', post_act('{"message":"\udc00x","ttl":"1-day"}'), [400, 'invalid_json'] ],
    [ 'escaped reversed pair', post_act('{"message":"\udc00\ud800","ttl":"1-day"}'), [400, 'invalid_json'] ],
    [ '281 combining marks', post_act(json_text({ message => "\x{301}" x 281, ttl => '1-day' })),
      [422, 'message_exceed_max_chars'] ],
    [ 'message of 60000 characters', post_act(act('m' x 60000)), [422, 'message_exceed_max_chars'] ],
    [ 'form body', post_act('message=hi&ttl=1-day', type => 'application/x-www-form-urlencoded'), [415, 'unsupported_media_type'] ],
    [ 'application/jsonx', post_act(act('hi'), type => 'application/jsonx'), [415, 'unsupported_media_type'] ],
    [ 'no content type', post_act(act('hi'), type => undef), [415, 'unsupported_media_type'] ],
    [ 'reply: invalid UTF-8', req(POST => "/api/activities/$SEED_POST/reply", auth => 'bayko',
                                  body => qq({"message":"\xff"})), [400, 'invalid_utf8'] ],
    [ 'reply: 1025 characters', req(POST => "/api/activities/$SEED_POST/reply", auth => 'bayko',
                                    body => json_text({ message => 'r' x 1025 })), [422, 'message_exceed_max_chars'] ],
    [ 'reply: parent is ../', req(POST => '/api/activities/..%2F/reply', auth => 'bayko', body => act('x')),
      [400, 'invalid_uuid'] ],

    # paths and handles
    [ 'dot segments out of /api/', req(GET => '/api/activities/%2e%2e/%2e%2e/%2e%2e/etc/passwd'), [proxy => 404] ],
    [ 'plain ../ out of /api/', req(GET => '/api/../../etc/passwd'), [proxy => 404] ],
    [ 'encoded ../ out of /api/', req(GET => '/api/activities/..%2f..%2f..%2fetc%2fpasswd'), [proxy => 404] ],
    [ 'encoded slash in an id', req(GET => '/api/activities/a%2f..%2fb'), [400, 'invalid_uuid'] ],
    [ 'encoded .. as a group', req(GET => '/api/messages/%2e%2e', auth => 'andrewbrown'), [400, 'invalid_uuid'] ],
    [ '.. as a handle', req(GET => '/api/activities/@..'), [404, 'user_not_found'] ],
    [ '../ handle with encoded slashes', req(GET => '/api/activities/@..%2f..%2fetc%2fpasswd'), [404, 'user_not_found'] ],
    [ '.. handle, users short', req(GET => '/api/users/@../short'), [404, 'user_not_found'] ],
    [ 'handle with a quote', req(GET => q{/api/users/@andrewbrown'--/short}), [404, 'user_not_found'] ],
    [ 'encoded NUL in a handle', req(GET => '/api/users/@andrewbrown%00/short'), [proxy => 400] ],
    [ 'overlong UTF-8 in the path', req(GET => '/api/activities/@%c0%ae%c0%ae'), [proxy => 400] ],
    [ 'bad escape in the path', req(GET => '/api/activities/%zz'), [400, 'bad_path'] ],
    [ 'empty segment', req(GET => '/api//activities/home'), [404, 'not_found'] ],
    [ 'too many segments', req(GET => '/api' . ('/a' x 50)), [404, 'not_found'] ],
    [ 'search: invalid UTF-8 term', req(GET => '/api/activities/search?term=%ff'), [proxy => 400] ],
    [ 'search: bad escape in term', req(GET => '/api/activities/search?term=%4'), [400, 'search_term_invalid'] ],
    [ 'search: blank term', req(GET => '/api/activities/search?term=+++'), [422, 'search_term_blank'] ],
    [ 'messages: limit 10^20', req(GET => "/api/messages/$g_ab?limit=100000000000000000000", auth => 'andrewbrown'),
      [422, 'limit_invalid'] ],
    [ 'messages: SQL in before', req(GET => "/api/messages/$g_ab?before=%27%20OR%201%3D1--", auth => 'andrewbrown'),
      [400, 'invalid_before'] ],
    [ 'start with handle ../londo', post_msg({ message => 'hi', handle => '../londo' }), [404, 'user_not_found'] ],
    [ 'start with handle of 10000 chars', post_msg({ message => 'hi', handle => 'h' x 10000 }), [404, 'user_not_found'] ],
    [ 'start with a number handle', post_msg({ message => 'hi', handle => 42 }), [422, 'user_receiver_handle_invalid'] ],
    [ 'group uuid ../../', post_msg({ message => 'hi', message_group_uuid => '../../' }), [400, 'invalid_uuid'] ],
    [ 'group uuid with SQL', post_msg({ message => 'hi', message_group_uuid => "$g_ab' OR 1=1" }), [400, 'invalid_uuid'] ],

    # cross-user reads and writes of conversations
    [ 'read someone else\'s conversation', req(GET => "/api/messages/$g_ab", auth => 'londo'),
      [404, 'message_group_not_found'] ],
    [ 'read it paging back', req(GET => "/api/messages/$g_ab?before=2999-01-01T00%3A00%3A00.000000%2B00%3A00&limit=100",
                                 auth => 'londo'), [404, 'message_group_not_found'] ],
    [ 'post into someone else\'s conversation', post_msg({ message => 'let me in', message_group_uuid => $g_ab }),
      [404, 'message_group_not_found'] ],
    [ 'post into it with a handle too', post_msg({ message => 'in', message_group_uuid => $g_ab, handle => 'bayko' }),
      [422, 'message_target_ambiguous'] ],
    [ 'andrewbrown reads bayko<->londo', req(GET => "/api/messages/$g_bl", auth => 'andrewbrown'),
      [404, 'message_group_not_found'] ],
    [ 'andrewbrown posts into bayko<->londo',
      req(POST => '/api/messages', auth => 'andrewbrown', body => json_text({ message => 'x', message_group_uuid => $g_bl })),
      [404, 'message_group_not_found'] ],
    [ 'read a conversation with no token', req(GET => "/api/messages/$g_ab"), [401, 'unauthorized', 'token_missing'] ],
    [ 'read it with an unregistered user', req(GET => "/api/messages/$g_ab", bearer => "Bearer $forged{stranger}"),
      [401, 'unauthorized', 'user_not_registered'] ],
    [ 'post into it as an unregistered user',
      req(POST => '/api/messages', bearer => "Bearer $forged{stranger}", body => json_text({ message => 'x', message_group_uuid => $g_ab })),
      [401, 'unauthorized', 'user_not_registered'] ],
);

# forged and broken tokens: half try a PostgreSQL write, half a DynamoDB one
my ($h, $p, $s) = split /\./, $tok{andrewbrown};
my $flip = $s;
substr($flip, 20, 1) = substr($flip, 20, 1) eq 'A' ? 'B' : 'A';
my %bad_bearer = (
    'no Authorization'         => undef,
    'Basic scheme'             => "Basic $tok{andrewbrown}",
    'Bearer and nothing'       => 'Bearer',
    'Bearer, two spaces'       => "Bearer  $tok{andrewbrown}",
    'token then junk'          => "Bearer $tok{andrewbrown} junk",
    'two parts'                => "Bearer $h.$p",
    'four parts'               => "Bearer $h.$p.$s.$s",
    'bad base64 (+/=)'         => "Bearer $h+/=.$p.$s",
    'header not JSON'          => 'Bearer ' . encode_base64url('{alg:RS256') . ".$p.$s",
    'empty parts'              => 'Bearer ..',
    '8 KB of junk'             => 'Bearer ' . ('x' x 8000),
    'tampered payload'         => 'Bearer ' . join('.', $h, encode_base64url(json_text({ %$claims, sub => 'other' })), $s),
    'tampered signature'       => "Bearer $h.$p.$flip",
    'signature of another token' => 'Bearer ' . join('.', $h, $p, (split /\./, $tok{bayko})[2]),
    (map { ("forged: $_" => "Bearer $forged{$_}") } grep { !/^(control|stranger|sub_)/ } keys %forged),
);
my $i = 0;
for my $name (sort keys %bad_bearer) {
    my %auth = defined $bad_bearer{$name} ? (bearer => $bad_bearer{$name}) : ();
    my $r = $i++ % 2
        ? req(POST => '/api/activities', %auth, body => act("forged $i"))
        : req(POST => '/api/messages', %auth, body => json_text({ message => "forged $i", message_group_uuid => $g_ab }));
    # No header, another scheme or no token after the scheme: no token.
    my $why = $name =~ /^(no Authorization|Basic scheme|Bearer and nothing)$/ ? 'token_missing' : 'token_invalid';
    push @cases, [ "token: $name", $r, [401, 'unauthorized', $why] ];
}
push @cases, [ 'token: forged, SQL in sub', req(POST => '/api/activities', bearer => "Bearer $forged{sub_sql}", body => act('x')),
               [401, 'unauthorized', 'user_not_registered'] ];
# A sub longer than any Cognito sub is refused by the verifier itself.
push @cases, [ 'token: forged, 5000-char sub', req(POST => '/api/activities', bearer => "Bearer $forged{sub_long}", body => act('x')),
               [401, 'unauthorized', 'token_invalid'] ];

# ---- run them ----

my $workers = worker_pids();
ok $workers, "workers $workers";
my $counts = db_counts();
like $counts, qr{^\d+/\d+/\d+/\d+$}, "users/activities/replies/items before: $counts";
my %seen;
for my $c (@cases) {
    my ($name, $bytes, $want, %opt) = @$c;
    die "duplicate case $name\n" if $seen{$name}++;
    my $r = raw_request($bytes, timeout => 30, %opt);
    if ($want->[0] eq 'proxy') {
        my @ok = @$want[1 .. $#$want];
        ok((grep { $_ == $r->{status} } @ok), "$name: lighttpd refuses ($r->{status}, want " . join('/', @ok) . ')');
        ok !$r->{json}, "$name: no worker answered"
            or diag $r->{body};
    } else {
        my ($status, @codes) = @$want;
        is $r->{status}, $status, "$name: $status";
        is_deeply $r->{json}, { errors => \@codes }, "$name: " . join(',', @codes)
            or diag substr($r->{raw}, 0, 300);
        # RFC 6750: a challenge on every 401, an error only for a token sent.
        if ($status == 401) {
            my $want = $codes[1] eq 'token_missing' ? 'Bearer realm="cruddur"'
                                                    : 'Bearer realm="cruddur", error="invalid_token"';
            is $r->{headers}{'www-authenticate'}, $want, "$name: WWW-Authenticate";
        }
    }
    my $now_workers = worker_pids();
    my $now_counts = db_counts();
    ok $now_workers eq $workers && $now_counts eq $counts, "$name: workers alive, nothing written"
        or diag "workers $workers -> $now_workers; counts $counts -> $now_counts";
    ($workers, $counts) = ($now_workers, $now_counts);
}
cmp_ok scalar(@cases), '>=', 60, scalar(@cases) . ' hostile requests';

# Still serving, every worker, after all that.
my %st;
$st{ api(GET => '/api/activities/home')->{status} }++ for 1 .. 12;
is_deeply \%st, { 200 => 12 }, 'the workers still serve';
is api(GET => '/api/message_groups', token => 'andrewbrown')->{status}, 200, 'and read messages';

done_testing;
