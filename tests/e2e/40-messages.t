# Direct messages on DynamoDB: listing, reading, starting and posting to
# conversations, the participant rule, validation, and concurrent posts.
# Runs on the seed (andrewbrown <-> bayko) as scripts/test loads it.
use strict;
use warnings;
use utf8;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use POSIX ();
use CruddurTest;

my $UUID_RE = qr/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
my $TIME_RE = qr/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$/;
my $NOBODY  = '00000000-0000-4000-8000-000000000000';

sub groups { api(GET => '/api/message_groups', token => $_[0]) }

sub group_with {
    my ($who, $handle) = @_;
    my @g = grep { $_->{handle} eq $handle } @{ groups($who)->{json} || [] };
    return $g[0];
}

# A query value: '+' would read as a space.
sub qv { my $s = shift; $s =~ s/([^A-Za-z0-9._~:-])/sprintf('%%%02X', ord $1)/ge; $s }

# Every message of a conversation, oldest first, by paging back 100 at a time.
sub all_messages {
    my ($group, $who) = @_;
    my (@all, $before);
    for (;;) {
        my $path = "/api/messages/$group?limit=100" . (defined $before ? '&before=' . qv($before) : '');
        my $r = api(GET => $path, token => $who);
        die "GET $path: $r->{status}\n" unless $r->{status} == 200;
        unshift @all, @{ $r->{json} };
        last if @{ $r->{json} } < 100;
        $before = $r->{json}[0]{created_at};
    }
    return \@all;
}

sub ascending {
    my @t = map { $_->{created_at} } @_;
    for my $i (1 .. $#t) { return 0 unless $t[$i - 1] lt $t[$i] }
    return 1;
}

my $seed;   # the seeded conversation's uuid

subtest 'signed in only' => sub {
    for my $r (api(GET => '/api/message_groups'),
               api(GET => "/api/messages/$NOBODY"),
               api(POST => '/api/messages', json => { message => 'hi', handle => 'bayko' })) {
        is $r->{status}, 401, 'status 401';
        is_deeply $r->{json}, { errors => ['unauthorized', 'token_missing'] }, 'unauthorized, token_missing';
        is $r->{headers}{'www-authenticate'}, 'Bearer realm="cruddur"', 'challenge without an error';
    }
};

subtest 'list conversations' => sub {
    my $r = groups('andrewbrown');
    is $r->{status}, 200, 'status 200';
    my $g = group_with('andrewbrown', 'bayko');
    ok $g, 'the seeded conversation with bayko' or return;
    $seed = $g->{uuid};
    is_deeply [ sort keys %$g ], [ sort qw(uuid display_name handle message created_at) ], 'fields';
    like $g->{uuid}, $UUID_RE, 'uuid is the group\'s';
    is $g->{display_name}, 'Andrew Bayko', 'the other participant\'s name';
    like $g->{created_at}, $TIME_RE, 'time in the table\'s format';
    my $b = group_with('bayko', 'andrewbrown');
    ok $b, 'bayko sees it too, naming andrewbrown';
    is $b->{uuid}, $seed, 'same group';
    is $b->{display_name}, 'Andrew Brown', 'other participant for bayko';
    my @l = @{ groups('londo')->{json} };
    ok !(grep { $_->{uuid} eq $seed } @l), 'londo does not see it';
    my $msgs = api(GET => "/api/messages/$seed", token => 'andrewbrown')->{json};
    is $g->{message}, $msgs->[-1]{message}, 'last message text';
    is $g->{created_at}, $msgs->[-1]{created_at}, 'created_at is the last message time';
};

subtest 'read a conversation' => sub {
    plan skip_all => 'no seeded conversation' unless $seed;
    my $r = api(GET => "/api/messages/$seed", token => 'bayko');
    is $r->{status}, 200, 'status 200';
    my @page = @{ $r->{json} };
    is scalar @page, 20, '20 by default';
    ok ascending(@page), 'oldest first';
    my $m = $page[0];
    is_deeply [ sort keys %$m ], [ sort qw(uuid display_name handle message created_at) ], 'fields';
    like $m->{uuid}, $UUID_RE, 'message uuid';
    ok $m->{uuid} ne $seed, 'the message\'s own uuid';
    like $m->{created_at}, $TIME_RE, 'time format';
    my %senders = map { $_->{handle} => $_->{display_name} } @page;
    is_deeply \%senders, { andrewbrown => 'Andrew Brown', bayko => 'Andrew Bayko' }, 'senders';

    my $all = all_messages($seed, 'andrewbrown');
    ok @$all >= 40, 'the whole seed: ' . scalar @$all;
    ok ascending(@$all), 'strictly ascending, no duplicates across pages';
    is_deeply [ map { $_->{uuid} } @page ], [ map { $_->{uuid} } @$all[-20 .. -1] ],
        'default page is the last 20';

    my $p2 = api(GET => "/api/messages/$seed?before=" . qv($page[0]{created_at}), token => 'bayko')->{json};
    is scalar @$p2, 20, 'page back: 20';
    is_deeply [ map { $_->{uuid} } @$p2 ], [ map { $_->{uuid} } @$all[-40 .. -21] ],
        'the 20 before, strictly older';
    my $oldest = api(GET => "/api/messages/$seed?before=" . qv($all->[0]{created_at}), token => 'bayko');
    is $oldest->{status}, 200, 'before the first message';
    is_deeply $oldest->{json}, [], 'nothing older';
    my $five = api(GET => "/api/messages/$seed?limit=5&before=" . qv($all->[10]{created_at}), token => 'bayko')->{json};
    is_deeply [ map { $_->{uuid} } @$five ], [ map { $_->{uuid} } @$all[5 .. 9] ], 'limit and before together';

    for my $bad ('yesterday', '2023-02-30T00:00:00.000000+00:00', '2023-01-01T00:00:00+00:00',
                 '2023-01-01T00:00:00.000000Z') {
        my $b = api(GET => "/api/messages/$seed?before=" . qv($bad), token => 'bayko');
        is $b->{status}, 400, "before=$bad: 400";
        is_deeply $b->{json}, { errors => ['invalid_before'] }, 'invalid_before';
    }
    is api(GET => "/api/messages/$seed?before=2023-01-01T00:00:00.000000+00:00", token => 'bayko')->{status},
        400, 'an unencoded + is a space: 400';
    for my $bad (0, 101, 'x', -1, '05', '') {
        my $b = api(GET => "/api/messages/$seed?limit=$bad", token => 'bayko');
        is $b->{status}, 422, "limit=$bad: 422";
        is_deeply $b->{json}, { errors => ['limit_invalid'] }, 'limit_invalid';
    }
    is scalar @{ api(GET => "/api/messages/$seed?limit=100", token => 'bayko')->{json} },
        (@$all < 100 ? scalar @$all : 100), 'limit=100';
};

my $conv;   # andrewbrown <-> londo

subtest 'start a conversation and find it on both sides' => sub {
    my $existed = group_with('andrewbrown', 'londo');
    my $r = api(POST => '/api/messages', token => 'andrewbrown',
                json => { message => 'Hello Londo', handle => 'londo' });
    is $r->{status}, 200, 'status 200';
    is_deeply [ keys %{ $r->{json} } ], ['message_group_uuid'], 'answers the group';
    $conv = $r->{json}{message_group_uuid};
    like $conv, $UUID_RE, 'a uuid';
    my $mine = group_with('andrewbrown', 'londo');
    is $mine->{uuid}, $conv, 'in andrewbrown\'s list';
    is $mine->{display_name}, 'Londo Mollari', 'naming londo';
    my $theirs = group_with('londo', 'andrewbrown');
    is $theirs->{uuid}, $conv, 'in londo\'s list';
    is $theirs->{display_name}, 'Andrew Brown', 'naming andrewbrown';
    my $msgs = api(GET => "/api/messages/$conv", token => 'londo')->{json};
    is $msgs->[-1]{message}, 'Hello Londo', 'londo reads it';
    is $msgs->[-1]{handle}, 'andrewbrown', 'sent by andrewbrown';
    SKIP: {
        skip 'the conversation existed before this run', 4 if $existed;
        is scalar @$msgs, 1, 'one message';
        is groups('andrewbrown')->{json}[0]{uuid}, $conv, 'most recent first';
        is $mine->{message}, 'Hello Londo', 'group row holds the first message (pattern C)';
        is $theirs->{created_at}, $msgs->[0]{created_at}, 'group row sk = first message time';
    }
};

subtest 'post to a conversation' => sub {
    plan skip_all => 'no conversation' unless $conv;
    my $r = api(POST => '/api/messages', token => 'londo',
                json => { message => 'Greetings, Mr Brown', message_group_uuid => $conv });
    is $r->{status}, 200, 'status 200';
    my $m = $r->{json};
    is_deeply [ sort keys %$m ],
        [ sort qw(message_group_uuid uuid display_name handle message created_at) ], 'fields';
    is $m->{message_group_uuid}, $conv, 'group';
    like $m->{uuid}, $UUID_RE, 'message uuid';
    is $m->{handle}, 'londo', 'sender is the caller';
    is $m->{display_name}, 'Londo Mollari', 'sender name';
    is $m->{message}, 'Greetings, Mr Brown', 'text';
    like $m->{created_at}, $TIME_RE, 'time';
    my $msgs = api(GET => "/api/messages/$conv", token => 'andrewbrown')->{json};
    is_deeply $msgs->[-1], { map { $_ => $m->{$_} } qw(uuid display_name handle message created_at) },
        'read back as the last message';
    SKIP: {
        skip 'no stream poller built', 1 unless -x repo_root() . '/build/cruddur-stream';
        my $moved;
        for (1 .. 50) {
            my $g = group_with('andrewbrown', 'londo');
            last if $moved = ($g && $g->{message} eq 'Greetings, Mr Brown');
            select undef, undef, undef, 0.2;
        }
        ok $moved, 'the stream processor moves the group row to the last message';
    }
};

subtest 'strangers and unknown groups look the same' => sub {
    plan skip_all => 'no conversation' unless $conv;
    my $count = scalar @{ all_messages($conv, 'andrewbrown') };
    my $read = api(GET => "/api/messages/$conv", token => 'bayko');
    my $none = api(GET => "/api/messages/$NOBODY", token => 'bayko');
    is $read->{status}, 404, 'a third user cannot read: 404';
    is_deeply $read->{json}, { errors => ['message_group_not_found'] }, 'message_group_not_found';
    is $none->{status}, 404, 'unknown group 404';
    is $none->{content}, $read->{content}, 'same body as for an unknown group';
    my $post = api(POST => '/api/messages', token => 'bayko',
                   json => { message => 'let me in', message_group_uuid => $conv });
    my $post_none = api(POST => '/api/messages', token => 'bayko',
                        json => { message => 'let me in', message_group_uuid => $NOBODY });
    is $post->{status}, 404, 'a third user cannot post: 404';
    is_deeply $post->{json}, { errors => ['message_group_not_found'] }, 'message_group_not_found';
    is $post_none->{content}, $post->{content}, 'same as posting to an unknown group';
    is scalar @{ all_messages($conv, 'andrewbrown') }, $count, 'nothing was written';

    # Workers remember who was found in a conversation: interleaved with a
    # participant's reads (so every worker has the group cached for them),
    # the stranger still gets 404 every time, from every worker.
    my (%stranger, %member);
    for (1 .. 3 * ($ENV{CRUDDUR_WORKERS} || 4)) {
        $member{ api(GET => "/api/messages/$conv", token => 'londo')->{status} }++;
        $stranger{ api(GET => "/api/messages/$conv", token => 'bayko')->{status} }++;
        $stranger{ api(POST => '/api/messages', token => 'bayko',
                       json => { message => 'let me in', message_group_uuid => $conv })->{status} }++;
    }
    is_deeply \%member, { 200 => 3 * ($ENV{CRUDDUR_WORKERS} || 4) }, 'the participant reads every time';
    is_deeply \%stranger, { 404 => 6 * ($ENV{CRUDDUR_WORKERS} || 4) }, 'the stranger is refused every time';
    is scalar @{ all_messages($conv, 'andrewbrown') }, $count, 'still nothing written by the stranger';
};

subtest 'malformed and invalid input' => sub {
    my $r = api(GET => '/api/messages/nope', token => 'andrewbrown');
    is $r->{status}, 400, 'bad group uuid: 400';
    is_deeply $r->{json}, { errors => ['invalid_uuid'] }, 'invalid_uuid';
    for my $bad ('nope', 42, $NOBODY . 'x') {
        my $p = api(POST => '/api/messages', token => 'andrewbrown',
                    json => { message => 'hi', message_group_uuid => $bad });
        is $p->{status}, 400, "message_group_uuid $bad: 400";
        is_deeply $p->{json}, { errors => ['invalid_uuid'] }, 'invalid_uuid';
    }
    for my $h ('nosuchuser', 'bad handle!', 'x' x 40) {
        my $u = api(POST => '/api/messages', token => 'andrewbrown',
                    json => { message => 'hi', handle => $h });
        is $u->{status}, 404, "unknown handle '$h': 404";
        is_deeply $u->{json}, { errors => ['user_not_found'] }, 'user_not_found';
    }
    my $self = api(POST => '/api/messages', token => 'andrewbrown',
                   json => { message => 'hi me', handle => 'andrewbrown' });
    is $self->{status}, 422, 'oneself: 422';
    is_deeply $self->{json}, { errors => ['cannot_message_self'] }, 'cannot_message_self';
    ok !group_with('andrewbrown', 'andrewbrown'), 'no conversation with oneself';

    my @cases = (
        [ { handle => 'londo' }, ['message_blank'] ],
        [ { message => " \n\t", handle => 'londo' }, ['message_blank'] ],
        [ { message => 'x' x 1025, handle => 'londo' }, ['message_exceed_max_chars'] ],
        [ { message => '😀' x 1025, handle => 'londo' }, ['message_exceed_max_chars'] ],
        [ { message => 7, handle => 'londo' }, ['message_invalid'] ],
        [ { message => 'hi' }, ['user_receiver_handle_blank'] ],
        [ { message => 'hi', handle => '  ' }, ['user_receiver_handle_blank'] ],
        [ { message => 'hi', handle => ['londo'] }, ['user_receiver_handle_invalid'] ],
        [ {}, ['message_blank', 'user_receiver_handle_blank'] ],
        [ { message => 'hi', handle => 'londo', message_group_uuid => $NOBODY }, ['message_target_ambiguous'] ],
        $conv ? ([ { message => '', message_group_uuid => $conv }, ['message_blank'] ],
                 [ { message => 'y' x 1025, message_group_uuid => $conv }, ['message_exceed_max_chars'] ]) : (),
    );
    my $count = $conv ? scalar @{ all_messages($conv, 'andrewbrown') } : 0;
    for my $c (@cases) {
        my $v = api(POST => '/api/messages', token => 'andrewbrown', json => $c->[0]);
        is $v->{status}, 422, '422 for ' . json_text($c->[0]) =~ s/(.{60}).+/$1.../r;
        is_deeply $v->{json}{errors}, $c->[1], 'codes ' . join(',', @{ $c->[1] });
    }
    is scalar @{ all_messages($conv, 'andrewbrown') }, $count, 'nothing was written' if $conv;

    SKIP: {
        skip 'no conversation', 4 unless $conv;
        my $e = api(POST => '/api/messages', token => 'andrewbrown',
                    json => { message => '😀' x 1024, message_group_uuid => $conv });
        is $e->{status}, 200, '1024 emoji are 1024 characters';
        is $e->{json}{message}, '😀' x 1024, 'answered verbatim';
        my $last = api(GET => "/api/messages/$conv", token => 'londo')->{json}[-1];
        is $last->{message}, '😀' x 1024, 'stored verbatim';
        my $s = api(POST => '/api/messages', token => 'londo',
                    json => { message => 'é' x 1024, handle => 'andrewbrown' });
        is $s->{status}, 200, '1024 two-byte characters start (here: reuse) a conversation';
    }
};

subtest 'a second start reuses the conversation' => sub {
    plan skip_all => 'no conversation' unless $conv;
    my $count = scalar @{ all_messages($conv, 'andrewbrown') };
    my $again = api(POST => '/api/messages', token => 'andrewbrown',
                    json => { message => 'Me again', handle => 'londo' });
    is $again->{status}, 200, 'status 200';
    is $again->{json}{message_group_uuid}, $conv, 'same group from the same side';
    my $back = api(POST => '/api/messages', token => 'londo',
                   json => { message => 'And me', handle => 'andrewbrown' });
    is $back->{json}{message_group_uuid}, $conv, 'same group from the other side';
    is scalar(grep { $_->{handle} eq 'londo' } @{ groups('andrewbrown')->{json} }), 1,
        'one conversation with londo';
    is scalar(grep { $_->{handle} eq 'andrewbrown' } @{ groups('londo')->{json} }), 1,
        'one conversation with andrewbrown';
    my $all = all_messages($conv, 'londo');
    is scalar @$all, $count + 2, 'both posted into it';
    is_deeply [ map { $_->{message} } @$all[-2, -1] ], ['Me again', 'And me'], 'in order';
};

subtest '50 concurrent posts to one conversation' => sub {
    plan skip_all => 'no conversation' unless $conv;
    my $n = 50;
    my $tag = "$$." . time;     # texts unique to this run
    my $before = all_messages($conv, 'andrewbrown');
    my %token = map { $_ => token($_) } qw(andrewbrown londo);   # fetched before forking
    pipe(my $go_r, my $go_w) or die "pipe: $!";
    pipe(my $res_r, my $res_w) or die "pipe: $!";
    my @pids;
    for my $i (1 .. $n) {
        my $pid = fork() // die "fork: $!";
        if ($pid == 0) {
            close $go_w; close $res_r;
            my $x = <$go_r>;    # EOF when the parent lets everyone go
            my $who = $i % 2 ? 'andrewbrown' : 'londo';
            my $r = api(POST => '/api/messages', token => $who,
                        json => { message => "concurrent $tag $i", message_group_uuid => $conv });
            syswrite $res_w, join(' ', $i, $r->{status}, $r->{json}{uuid} // '-',
                                  $r->{json}{created_at} // '-') . "\n";
            POSIX::_exit(0);
        }
        push @pids, $pid;
    }
    close $go_r; close $res_w;
    close $go_w;
    my @lines = <$res_r>;
    waitpid $_, 0 for @pids;
    my @results = map { [ split ' ' ] } @lines;
    is scalar @results, $n, "$n answers";
    is scalar(grep { $_->[1] == 200 } @results), $n, 'all 200';
    my %uuids = map { $_->[2] => 1 } @results;
    is scalar keys %uuids, $n, 'distinct message uuids';
    my %times = map { $_->[3] => 1 } @results;
    is scalar keys %times, $n, 'distinct times (keys)';

    my $after = all_messages($conv, 'andrewbrown');
    is scalar @$after, @$before + $n, 'every one stored';
    ok ascending(@$after), 'no two share a time';
    my %stored = map { $_->{uuid} => $_ } @$after;
    is scalar(grep { $stored{$_} } keys %uuids), $n, 'each answered uuid is stored';
    my %texts;
    $texts{ $_->{message} }++ for @$after;
    is scalar(grep { ($texts{"concurrent $tag $_"} // 0) == 1 } 1 .. $n), $n, 'each text exactly once';
    is_deeply [ map { $_->{uuid} } @$after[0 .. $#$before] ], [ map { $_->{uuid} } @$before ],
        'older messages untouched';
};

done_testing;
