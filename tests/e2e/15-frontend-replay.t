# The requests the Cruddur React frontend (week 5) sends, replayed exactly:
# the same methods, headers, bodies and CORS preflights from origin
# http://localhost:3000, signed out and signed in, then as the frontend
# will send them once its three token-less places send the token too.
# Every answer is checked for its status, CORS headers, WWW-Authenticate,
# every field the UI reads (times with an explicit UTC offset), and at the
# end against the OpenAPI document (etc/openapi.yaml): an answer that
# drifts from the document fails here.
#
# Two users of this run's own talk to each other, so the data is new on
# every run and no other test's lists change.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use CruddurTest;
use CruddurUsers;
use CruddurOpenAPI;

my $ORIGIN = 'http://localhost:3000';
my $TIME_RE = qr/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?\+00:00$/;
my %READS = (   # what the UI reads of each kind of answer
    activity => [qw(uuid display_name handle message replies_count reposts_count likes_count
                    reply_to_activity_uuid expires_at created_at)],
    group    => [qw(uuid display_name handle message created_at)],
    message  => [qw(uuid display_name handle message created_at)],
    short    => [qw(uuid handle display_name)],
    created  => [qw(message_group_uuid)],
);
my %TIMES = map { $_ => 1 } qw(expires_at created_at);
my @answers;    # every answer, for the OpenAPI check at the end
my $phase = '';  # names them uniquely across the subtests

# A JSON object with its keys in the given order, as JSON.stringify writes it.
sub js_body {
    my @kv = @_;
    my @parts;
    while (my ($k, $v) = splice @kv, 0, 2) { push @parts, json_text($k) . ':' . json_text($v) }
    return '{' . join(',', @parts) . '}';
}

# The preflight a browser sends before a request with these headers.
sub preflight {
    my ($name, $method, $path, @headers) = @_;
    my $r = api(OPTIONS => $path, headers => {
        origin => $ORIGIN, 'access-control-request-method' => $method,
        (@headers ? ('access-control-request-headers' => join(',', @headers)) : ()) });
    is $r->{status}, 204, "$name: preflight 204";
    my $h = $r->{headers};
    is $h->{'access-control-allow-origin'}, $ORIGIN, "$name: preflight allows the origin";
    like $h->{'access-control-allow-methods'} // '', qr/\b$method\b/, "$name: preflight allows $method";
    my %allowed = map { lc($_) => 1 } split /\s*,\s*/, $h->{'access-control-allow-headers'} // '';
    ok !(grep { !$allowed{$_} } @headers), "$name: preflight allows " . (join(', ', @headers) || 'no extra header');
    ok $h->{'access-control-max-age'}, "$name: preflight may be cached";
    push @answers, answer("$name (preflight)", OPTIONS => $path, $r, undef);
}

sub answer {
    my ($name, $method, $path, $r, $request) = @_;
    my %h = map { $_ => ref $r->{headers}{$_} ? join(', ', @{ $r->{headers}{$_} }) : $r->{headers}{$_} }
            keys %{ $r->{headers} };
    return { name => "$phase: $name", method => $method, path => $path, status => $r->{status},
             headers => \%h, body => $r->{content} // '', (defined $request ? (request => $request) : ()) };
}

# send(NAME, METHOD, PATH, STATUS, headers => {...}, body => TEXT): the
# request as the UI sends it (after its preflight), checked for status and
# CORS; returns the decoded answer.
sub send_as_ui {
    my ($name, $method, $path, $status, %opt) = @_;
    my %headers = (origin => $ORIGIN, %{ $opt{headers} || {} });
    my @extra = grep { $_ ne 'origin' && $_ ne 'accept' } sort keys %headers;
    preflight($name, $method, $path, @extra);
    my $r = api($method => $path, headers => \%headers,
                (defined $opt{body} ? (body => $opt{body}) : ()));
    is $r->{status}, $status, "$name: $status" or diag $r->{content};
    my $h = $r->{headers};
    is $h->{'access-control-allow-origin'}, $ORIGIN, "$name: the browser may read it";
    like $h->{'access-control-expose-headers'} // '', qr/\bWWW-Authenticate\b/i, "$name: WWW-Authenticate exposed";
    like $h->{vary} // '', qr/\bOrigin\b/, "$name: Vary: Origin";
    push @answers, answer($name, $method, $path, $r, $opt{body});
    return $r;
}

sub unauthorized {
    my ($name, $r, $why) = @_;
    is_deeply $r->{json}, { errors => ['unauthorized', $why] }, "$name: unauthorized, $why";
    is $r->{headers}{'www-authenticate'},
       $why eq 'token_missing' ? 'Bearer realm="cruddur"' : 'Bearer realm="cruddur", error="invalid_token"',
       "$name: WWW-Authenticate";
}

# Every field the UI reads is there; times carry an explicit UTC offset.
sub reads {
    my ($name, $kind, @items) = @_;
    ok scalar(@items), "$name: something to read" or return;
    my @missing;
    for my $item (@items) {
        for my $f (@{ $READS{$kind} }) {
            push @missing, "$f missing" unless exists $item->{$f};
            push @missing, "$f undefined" if $f ne 'reply_to_activity_uuid' && exists $item->{$f} && !defined $item->{$f};
            push @missing, "$f=$item->{$f} is no UTC time" if $TIMES{$f} && defined $item->{$f} && $item->{$f} !~ $TIME_RE;
        }
    }
    is_deeply \@missing, [], "$name: every $kind has " . join(', ', @{ $READS{$kind} });
}

sub bearer { return { authorization => "Bearer $_[0]" } }
my %json_post = (accept => 'application/json', 'content-type' => 'application/json');

my $ana = new_user('ana', 'Ana Replay');
my $ben = new_user('ben', 'Ben Replay');
my $SEED_POST = '68f126b0-1ceb-4a33-88be-d90fa7109eee';
my $NO_GROUP = '00000000-0000-4000-8000-000000000000';

subtest 'signed out (the token store holds null)' => sub {
    $phase = 'signed out';
    my $r = send_as_ui('home', GET => '/api/activities/home', 200, headers => { authorization => 'Bearer null' });
    reads('home', activity => @{ $r->{json} || [] });

    $r = send_as_ui('crud form', POST => '/api/activities', 401, headers => \%json_post,
                    body => js_body(user_handle => 'andrewbrown', message => 'signed out crud', ttl => '7-days'));
    unauthorized('crud form', $r, 'token_missing');

    $r = send_as_ui('reply form', POST => "/api/activities/$SEED_POST/reply", 401, headers => \%json_post,
                    body => js_body(message => 'signed out reply'));
    unauthorized('reply form', $r, 'token_missing');

    $r = send_as_ui('notifications', GET => '/api/activities/notifications', 401);
    unauthorized('notifications', $r, 'token_missing');

    for my $v ('Bearer null', 'Bearer undefined', 'Bearer ') {
        $r = send_as_ui("message groups, $v", GET => '/api/message_groups', 401, headers => { authorization => $v });
        unauthorized("message groups, $v", $r, 'token_missing');
    }
    $r = send_as_ui('messages', GET => "/api/messages/$NO_GROUP", 401, headers => { authorization => 'Bearer null' });
    unauthorized('messages', $r, 'token_missing');
    $r = send_as_ui('message form', POST => '/api/messages', 401, headers => { %json_post, authorization => 'Bearer null' },
                    body => js_body(message => 'hi', handle => $ben->{handle}));
    unauthorized('message form', $r, 'token_missing');

    $r = send_as_ui('new conversation page', GET => "/api/users/\@$ben->{handle}/short", 200);
    reads('new conversation page', short => $r->{json});
    is $r->{json}{display_name}, 'Ben Replay', 'new conversation page: the user asked for';
};

subtest 'signed in, as the frontend is' => sub {
    $phase = 'signed in';
    my $r = send_as_ui('home', GET => '/api/activities/home', 200, headers => bearer($ana->{token}));
    reads('home', activity => @{ $r->{json} || [] });

    # The three places that send no token yet.
    $r = send_as_ui('crud form', POST => '/api/activities', 401, headers => \%json_post,
                    body => js_body(user_handle => $ana->{handle}, message => 'no token', ttl => '7-days'));
    unauthorized('crud form', $r, 'token_missing');
    $r = send_as_ui('reply form', POST => "/api/activities/$SEED_POST/reply", 401, headers => \%json_post,
                    body => js_body(message => 'no token'));
    unauthorized('reply form', $r, 'token_missing');
    $r = send_as_ui('notifications', GET => '/api/activities/notifications', 401);
    unauthorized('notifications', $r, 'token_missing');

    # The message pages, which do.
    $r = send_as_ui('new conversation page', GET => "/api/users/\@$ben->{handle}/short", 200);
    reads('new conversation page', short => $r->{json});
    $r = send_as_ui('message form, new conversation', POST => '/api/messages', 200,
                    headers => { %json_post, %{ bearer($ana->{token}) } },
                    body => js_body(message => 'Hello Ben', handle => $ben->{handle}));
    reads('message form, new conversation', created => $r->{json});
    my $group = $r->{json}{message_group_uuid} or return;

    $r = send_as_ui('conversation page', GET => "/api/messages/$group", 200, headers => bearer($ana->{token}));
    reads('conversation page', message => @{ $r->{json} || [] });
    is_deeply [ map { $_->{message} } @{ $r->{json} } ], ['Hello Ben'], 'conversation page: the message';

    $r = send_as_ui('message form, in the conversation', POST => '/api/messages', 200,
                    headers => { %json_post, %{ bearer($ana->{token}) } },
                    body => js_body(message => 'Are you there?', message_group_uuid => $group));
    reads('message form, in the conversation', created => $r->{json});
    is $r->{json}{message_group_uuid}, $group, 'message form: the same conversation';
    reads('message form, in the conversation', message => $r->{json});

    for my $who ($ana, $ben) {
        my $other = $who == $ana ? $ben : $ana;
        $r = send_as_ui("conversations page of $who->{display_name}", GET => '/api/message_groups', 200,
                        headers => bearer($who->{token}));
        reads("conversations page of $who->{display_name}", group => @{ $r->{json} || [] });
        my ($g) = grep { $_->{uuid} eq $group } @{ $r->{json} || [] };
        ok $g, "$who->{display_name} lists the conversation" or next;
        is $g->{handle}, $other->{handle}, "$who->{display_name}: named by the other participant";
        $r = send_as_ui("conversation page of $who->{display_name}", GET => "/api/messages/$group", 200,
                        headers => bearer($who->{token}));
        is_deeply [ map { $_->{message} } @{ $r->{json} || [] } ], ['Hello Ben', 'Are you there?'],
            "$who->{display_name} reads both messages, oldest first";
    }

    # A token the store kept past its time, or tampered with: sign in again.
    # (Not the last character: its low bits are padding.)
    my $bad = $ana->{token};
    substr($bad, -20, 1) = substr($bad, -20, 1) eq 'A' ? 'B' : 'A';
    $r = send_as_ui('conversations page, refused token', GET => '/api/message_groups', 401, headers => bearer($bad));
    unauthorized('conversations page, refused token', $r, 'token_invalid');
};

subtest 'signed in, once the three places send the token' => sub {
    $phase = 'fixed frontend';
    my $r = send_as_ui('crud form', POST => '/api/activities', 200,
                       headers => { %json_post, %{ bearer($ana->{token}) } },
                       body => js_body(user_handle => 'andrewbrown', message => 'Ana was here', ttl => '7-days'));
    reads('crud form', activity => $r->{json});
    is $r->{json}{handle}, $ana->{handle}, 'crud form: the author is the caller, not user_handle';
    my $crud = $r->{json}{uuid} or return;

    $r = send_as_ui('reply form', POST => "/api/activities/$crud/reply", 200,
                    headers => { %json_post, %{ bearer($ben->{token}) } },
                    body => js_body(message => 'Hi Ana'));
    reads('reply form', activity => $r->{json});
    is $r->{json}{reply_to_activity_uuid}, $crud, 'reply form: under the crud';

    $r = send_as_ui('notifications', GET => '/api/activities/notifications', 200, headers => bearer($ana->{token}));
    reads('notifications', activity => @{ $r->{json} || [] });
    is_deeply [ map { $_->{message} } @{ $r->{json} || [] } ], ['Hi Ana'], 'notifications: Ben\'s reply';

    $r = send_as_ui('home', GET => '/api/activities/home', 200, headers => bearer($ben->{token}));
    ok((grep { $_->{uuid} eq $crud } @{ $r->{json} || [] }), 'home: Ana\'s crud');
};

# ---- every answer against the OpenAPI document ----
my %seen;
$seen{ $_->{name} }++ and die "two answers named $_->{name}\n" for @answers;
my $checked = openapi_check(\@answers);
for my $a (@answers) {
    my $errors = $checked->{ $a->{name} } // ['not checked'];
    is_deeply $errors, [], "OpenAPI: $a->{name} ($a->{method} $a->{status})"
        or diag join("\n", @$errors) . "\n" . substr($a->{body}, 0, 400);
}
cmp_ok scalar(@answers), '>=', 50, scalar(@answers) . ' answers checked against the document';

done_testing;
