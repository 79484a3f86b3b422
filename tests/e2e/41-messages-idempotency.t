# POST /api/messages with an Idempotency-Key header, both ways (a start by
# handle, a message into a group): a retry (or a twin sent at the same
# moment) by the same caller with the same key and body answers what the
# first post answered, byte for byte, and the conversation holds the
# message once; the same key with another body is 422
# idempotency_key_reused; another caller's key is another key; a key past
# its expires_at is as if never used (DynamoDB Local keeps expired items);
# a malformed key changes nothing; the stream processor passes over the
# key items without a word.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use JSON::PP;
use CruddurTest;
use CruddurHard qw(wait_until);
use CruddurOpenAPI;
use CruddurOtherClient qw(put_items query_items);

my $json = JSON::PP->new->canonical;
token($_) for qw(andrewbrown bayko londo);
my $tag = "idem-msg-$$";
my $stream_log = "$ENV{CRUDDUR_STATE}/stream.log";
my $log_from = -s $stream_log // 0;

my @answers;   # each post's answer, checked against the OpenAPI document
sub post {
    my ($who, $key, %body) = @_;
    my $r = api(POST => '/api/messages', token => $who,
                headers => { 'Idempotency-Key' => $key }, json => \%body);
    my %h = map { $_ => ref $r->{headers}{$_} ? join(', ', @{ $r->{headers}{$_} }) : $r->{headers}{$_} }
            keys %{ $r->{headers} };
    push @answers, { name => 'post ' . (@answers + 1), method => 'POST', path => '/api/messages',
                     status => $r->{status}, headers => \%h, body => $r->{content} // '',
                     request => $json->encode(\%body) };
    return $r;
}
# How many messages of the caller's conversation group carry text.
sub stored {
    my ($who, $group, $text) = @_;
    my $r = api(GET => "/api/messages/$group", token => $who);
    die "GET /api/messages/$group: $r->{status}\n" unless $r->{status} == 200;
    return scalar grep { $_->{message} eq $text } @{ $r->{json} };
}
sub uuid_of { return sql_value("SELECT uuid FROM users WHERE handle = '$_[0]'") }
sub key_items {
    my ($handle) = @_;
    return { map { ($_->{sk}{S} => $_) } @{ query_items('IDEM#' . uuid_of($handle)) } };
}

my ($group, $answer_b);
subtest 'a start retried answers the first start' => sub {
    my $first = post('andrewbrown', "$tag-a", message => "$tag a", handle => 'bayko');
    is $first->{status}, 200, 'first start 200';
    $group = $first->{json}{message_group_uuid};
    ok $group, 'with its group';
    my $again = post('andrewbrown', "$tag-a", message => "$tag a", handle => 'bayko');
    is $again->{status}, 200, 'the retry 200';
    is $again->{content}, $first->{content}, 'the same answer, byte for byte';
    is stored('bayko', $group, "$tag a"), 1, 'one message in the conversation';
};

subtest 'a message into a group retried answers the first' => sub {
    my $first = post('andrewbrown', "$tag-b", message => "$tag b", message_group_uuid => $group);
    is $first->{status}, 200, 'first post 200';
    ok $first->{json}{uuid}, 'with its uuid';
    my $again = post('andrewbrown', "$tag-b", message => "$tag b", message_group_uuid => $group);
    is $again->{status}, 200, 'the retry 200';
    is $again->{content}, $first->{content}, 'the same answer, byte for byte';
    is stored('andrewbrown', $group, "$tag b"), 1, 'one message in the conversation';
    $answer_b = $first->{content};
};

subtest 'the same key with another body is refused' => sub {
    my $r = post('andrewbrown', "$tag-b", message => "$tag b2", message_group_uuid => $group);
    is $r->{status}, 422, 'status 422';
    is_deeply $r->{json}, { errors => ['idempotency_key_reused'] }, 'idempotency_key_reused';
    $r = post('andrewbrown', "$tag-a", message => "$tag a", handle => 'londo');
    is $r->{status}, 422, 'another receiver: 422 too';
    is stored('andrewbrown', $group, "$tag b2"), 0, 'nothing stored';
};

subtest "another caller's key is another key" => sub {
    my $mine = post('andrewbrown', "$tag-c", message => "$tag c1", message_group_uuid => $group);
    my $theirs = post('bayko', "$tag-c", message => "$tag c2", message_group_uuid => $group);
    is $mine->{status}, 200, 'mine 200';
    is $theirs->{status}, 200, 'theirs 200';
    isnt $theirs->{json}{uuid}, $mine->{json}{uuid}, 'a new message';
    is $theirs->{json}{handle}, 'bayko', 'by its caller';
    is stored('bayko', $group, "$tag c1") + stored('bayko', $group, "$tag c2"), 2, 'both stored';
};

subtest 'the key item: its answer and its expiry' => sub {
    my $items = key_items('andrewbrown');
    my $item = $items->{"$tag-b"};
    ok $item, 'one item under IDEM#<caller> with the key';
    is $item->{response}{S}, $answer_b, 'holding the answer as sent';
    my $exp = $item->{expires_at}{N} // 0;
    cmp_ok abs($exp - time - 86400), '<', 120, 'expires_at a day from now';
    ok !exists $item->{message_group_uuid}, 'not in the group index';
    # Expired (DynamoDB Local never deletes it): a retry posts again.
    $item->{expires_at}{N} = "" . (time - 1);
    put_items($item);
    my $again = post('andrewbrown', "$tag-b", message => "$tag b", message_group_uuid => $group);
    is $again->{status}, 200, 'the retry past expiry 200';
    is stored('andrewbrown', $group, "$tag b"), 2, 'a second message';
    cmp_ok key_items('andrewbrown')->{"$tag-b"}{expires_at}{N}, '>', time + 86000, 'the key taken anew';
};

subtest 'twins at the same moment post once' => sub {
    my @answers = twins(4, sub { post('bayko', "$tag-d", message => "$tag d", message_group_uuid => $group) });
    my %uuids = map { (split / /)[1] => 1 } @answers;
    is scalar(grep { /^200 / } @answers), 4, 'all four 200' or diag "@answers";
    is scalar(keys %uuids), 1, 'all the same message';
    is stored('bayko', $group, "$tag d"), 1, 'one message stored';
};

subtest 'a malformed key changes nothing' => sub {
    my $r = post('andrewbrown', 'k' x 129, message => "$tag e", message_group_uuid => $group);
    is $r->{status}, 400, 'status 400';
    is_deeply $r->{json}, { errors => ['idempotency_key_invalid'] }, 'idempotency_key_invalid';
    is stored('andrewbrown', $group, "$tag e"), 0, 'nothing stored';
};

subtest 'the stream processor passes over the key items' => sub {
    # Its checkpoints move past the keyed posts' records (the last one
    # written here): then its log since this file began says nothing of them.
    my $last = post('andrewbrown', "$tag-f", message => "$tag f", message_group_uuid => $group);
    is $last->{status}, 200, 'a last keyed post';
    ok wait_until(sub {
        my $groups = api(GET => '/api/message_groups', token => 'bayko')->{json} // [];
        grep { $_->{uuid} eq $group && $_->{message} eq "$tag f" } @$groups
    }, 15), 'the stream processor moved the group rows to it';
    open(my $fh, '<', $stream_log) or die "$stream_log: $!\n";
    seek $fh, $log_from, 0;
    my @lines = grep { /IDEM#|failed|skipped|warn/i } <$fh>;
    is scalar(@lines), 0, 'no warning, no failure' or diag @lines;
};

my $checked = openapi_check(\@answers);
my @off = grep { @{ $checked->{ $_->{name} } // ['not checked'] } } @answers;
is scalar(@off), 0, scalar(@answers) . ' answers (200, 400, 422) as the OpenAPI document says'
    or diag join "\n", map { "$_->{status} $_->{body}: @{ $checked->{ $_->{name} } // [] }" } @off;

done_testing;
