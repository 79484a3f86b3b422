# Two people writing to each other for the first time at the same moment
# (pattern C of aws/messages/msg_req.h): every first message lands in one
# conversation, each side lists it once, and once the stream processor has
# run each side keeps one group row of it.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use JSON::PP qw(decode_json encode_json);
use HTTP::Tiny;
use POSIX ();
use Time::HiRes qw(time sleep);
use CruddurTest;
use CruddurLoad qw(stack);

my %other = (bayko => 'londo', londo => 'bayko');
token($_) for keys %other;
for my $who (keys %other) {
    my $groups = api(GET => '/api/message_groups', token => $who)->{json} || [];
    plan skip_all => "$who and $other{$who} already have a conversation (this stack ran it before)"
        if grep { $_->{handle} eq $other{$who} } @$groups;
}

# Every worker has its keys, callers and connections ready, so that the
# starts below are as close together as the clients can make them.
for (1 .. 4 * ($ENV{CRUDDUR_WORKERS} || 4)) {
    api(GET => '/api/message_groups', token => $_) for keys %other;
}

# 8 clients, 4 on each side, released together.
my $tag = "race-$$";
my $go = time + 1.0;
my @kids;
pipe(my $rd, my $wr) or die "pipe: $!\n";
for my $c (0 .. 7) {
    my $who = $c % 2 ? 'bayko' : 'londo';
    my $pid = fork() // die "fork: $!\n";
    if ($pid == 0) {
        # A connection of its own, open before the start: the parent's
        # kept-alive one would carry the eight requests one after another.
        close $rd;
        my $own = HTTP::Tiny->new(timeout => 30, keep_alive => 1);
        $own->get(base_url() . '/api/health-check');
        sleep($go - time) if $go > time;
        my $r = $own->post(base_url() . '/api/messages', {
            headers => { 'content-type' => 'application/json',
                         authorization => 'Bearer ' . token($who) },
            content => encode_json({ message => "$tag $c", handle => $other{$who} }),
        });
        my $body = eval { decode_json($r->{content}) } || {};
        syswrite $wr, encode_json({ c => $c, status => $r->{status},
                                   group => $body->{message_group_uuid} }) . "\n";
        POSIX::_exit(0);
    }
    push @kids, $pid;
}
close $wr;
my @answers = map { decode_json($_) } <$rd>;
waitpid($_, 0) for @kids;

is scalar(@answers), 8, 'every client answered';
is scalar(grep { $_->{status} == 200 } @answers), 8, 'all 200';
my %groups = map { ($_->{group} // '') => 1 } @answers;
is scalar(keys %groups), 1, 'one conversation for all eight first messages';
my ($g) = keys %groups;

for my $who (keys %other) {
    my @mine = grep { $_->{handle} eq $other{$who} }
        @{ api(GET => '/api/message_groups', token => $who)->{json} || [] };
    is scalar(@mine), 1, "$who lists the conversation with $other{$who} once";
    is $mine[0]{uuid}, $g, '... that one';
}
my $msgs = api(GET => "/api/messages/$g?limit=100", token => 'bayko')->{json} || [];
is scalar(grep { $_->{message} =~ /^\Q$tag\E / } @$msgs), 8, 'all eight messages in it';

# DynamoDB Local serializes transactions, so the starts above rarely
# overlap there. Against DynamoDB a start that lost the race has written
# the conversation's three items again at its own time: write them so.
my $http = HTTP::Tiny->new(timeout => 10);
sub ddb {
    my ($target, $body) = @_;
    my $res = $http->post("$ENV{AWS_ENDPOINT_URL}/", {
        headers => {
            'content-type'  => 'application/x-amz-json-1.0',
            'x-amz-target'  => "DynamoDB_20120810.$target",
            'authorization' => 'AWS4-HMAC-SHA256 Credential=cruddurlocal/20240101/us-east-1/dynamodb/aws4_request, '
                               . 'SignedHeaders=host, Signature=00',
        },
        content => encode_json($body),
    });
    return $res->{success} ? decode_json($res->{content}) : undef;
}
my $table = $ENV{DDB_MESSAGES_TABLE} || 'cruddur-messages';
my %user = map {
    my $h = $_;
    $h => { uuid => sql_value("SELECT uuid FROM users WHERE handle = '$h'"),
            name => sql_value("SELECT display_name FROM users WHERE handle = '$h'") }
} keys %other;
# Now, to the microsecond: after the first messages above, and not in the
# future (a row ahead of the clock would stay first in both lists and upset
# the tests that follow).
my $now = time;
my @t = gmtime($now);
my $late = sprintf('%04d-%02d-%02dT%02d:%02d:%02d.%06d+00:00',
                   $t[5] + 1900, $t[4] + 1, @t[3, 2, 1, 0],
                   int(($now - int $now) * 1e6));
sub group_item {
    my ($owner, $them) = @_;
    return { Put => { TableName => $table, ConditionExpression => 'attribute_not_exists(pk)', Item => {
        pk => { S => "GRP#$user{$owner}{uuid}" }, sk => { S => $late },
        message_group_uuid => { S => $g }, message => { S => "$tag twin" },
        user_uuid => { S => $user{$them}{uuid} }, user_display_name => { S => $user{$them}{name} },
        user_handle => { S => $them } } } };
}
sub group_rows {
    my $r = ddb(Query => {
        TableName => $table, IndexName => 'message-group-sk-index',
        KeyConditionExpression => 'message_group_uuid = :g',
        ExpressionAttributeValues => { ':g' => { S => $g } },
    }) or return undef;
    return [ grep { $_->{pk}{S} =~ /^GRP#/ } @{ $r->{Items} } ];
}

# Starts that did overlap above (a loaded machine lets them) left more
# rows, which the stream processor merges: wait for one row a side first.
my $settle = time + 15;
sleep 0.2 while time < $settle && @{ group_rows() || [] } != 2;
is scalar(@{ group_rows() || [] }), 2, 'one group row a side before the racing start';
# With the stream processor stopped meanwhile, so that the two rows a side
# stay for the listing to be checked.
ok stack('cr_stop stream "$CR_TEXT_stream" >/dev/null'), 'stream processor stopped';
ok ddb(TransactWriteItems => { TransactItems => [
    group_item('bayko', 'londo'), group_item('londo', 'bayko'),
    { Put => { TableName => $table, ConditionExpression => 'attribute_not_exists(pk)', Item => {
        pk => { S => "MSG#$g" }, sk => { S => $late },
        message_uuid => { S => '00000000-0000-4000-8000-' . sprintf('%012d', $$) },
        message => { S => "$tag twin" }, user_uuid => { S => $user{bayko}{uuid} },
        user_display_name => { S => $user{bayko}{name} }, user_handle => { S => 'bayko' } } } },
] }), 'a racing start\'s items, written as DynamoDB would have let it';
is scalar(@{ group_rows() || [] }), 4, 'two group rows a side now';
for my $who (keys %other) {
    my @mine = grep { $_->{handle} eq $other{$who} }
        @{ api(GET => '/api/message_groups', token => $who)->{json} || [] };
    is scalar(@mine), 1, "$who still lists the conversation once";
    is $mine[0]{message}, "$tag twin", '... with its newest message';
}
$msgs = api(GET => "/api/messages/$g?limit=100", token => 'londo')->{json} || [];
is scalar(grep { $_->{message} =~ /^\Q$tag\E / } @$msgs), 9, 'the racing start\'s message is in it too';

ok stack('cr_start_stream >/dev/null'), 'stream processor started again';
my $rows;
my $until = time + 15;
while (time < $until) {
    $rows = group_rows();
    last if $rows && @$rows == 2;
    sleep 0.2;
}
is scalar(@{ $rows || [] }), 2, 'the stream processor left one group row a side';
my %owners = map { $_->{pk}{S} => 1 } @{ $rows || [] };
is scalar(keys %owners), 2, '... one each';
is_deeply [ sort map { $_->{sk}{S} } @{ $rows || [] } ], [ $late, $late ], '... the newest';

done_testing;
