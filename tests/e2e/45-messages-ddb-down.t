# DynamoDB Local stopped: the message routes answer 503 while the rest of
# the API keeps serving; started again (scripts/dev/up brings back what is
# missing, and the in-memory table with its seed) the same workers serve
# messages with no restart. This wipes the messages table: it runs last.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use CruddurTest;

my $root = repo_root();

# The stack scripts' own helpers, in the environment scripts/test set up.
sub stack {
    my ($code) = @_;
    return system('bash', '-c', '. "$0/scripts/lib.sh" && . "$0/scripts/dev/stack.sh" && ' . $code,
                  $root) == 0;
}

# The FastCGI workers lighttpd spawned, as the stack scripts find them.
sub worker_pids {
    my $out = `bash -c '. "\$0/scripts/lib.sh" && . "\$0/scripts/dev/stack.sh" && cr_lighttpd_workers "\$(cr_running lighttpd "\$CR_TEXT_lighttpd")"' '$root'`;
    return join ',', sort { $a <=> $b } split ' ', $out;
}

token($_) for qw(andrewbrown bayko);   # cognito-local stays up; fetched once
my $seed = (grep { $_->{handle} eq 'bayko' }
            @{ api(GET => '/api/message_groups', token => 'andrewbrown')->{json} || [] })[0];
ok $seed, 'the seeded conversation is served' or BAIL_OUT('no seeded conversation');
my $workers = worker_pids();
ok $workers, "workers: $workers";

ok stack('cr_running dynamodb "$CR_TEXT_dynamodb" >/dev/null'), 'DynamoDB Local runs';
ok stack('cr_stop dynamodb "$CR_TEXT_dynamodb" >/dev/null'), 'DynamoDB Local stopped';
ok !stack('cr_probe_dynamodb'), 'and no longer answers';

subtest 'DynamoDB down: 503 messages_unavailable' => sub {
    my @reqs = (
        [ GET => '/api/message_groups' ],
        [ GET => "/api/messages/$seed->{uuid}" ],
        [ POST => '/api/messages', json => { message => 'anyone there?', message_group_uuid => $seed->{uuid} } ],
        [ POST => '/api/messages', json => { message => 'anyone there?', handle => 'londo' } ],
    );
    for my $q (@reqs) {
        my $r = api(@$q, token => 'andrewbrown');
        is $r->{status}, 503, "$q->[0] $q->[1]: 503";
        is_deeply $r->{json}, { errors => ['messages_unavailable'] }, 'messages_unavailable';
    }
    is api(GET => '/api/activities/home')->{status}, 200, 'PostgreSQL routes still served';
    is api(POST => '/api/messages', token => 'andrewbrown', json => { message => '' , handle => 'londo' })->{status},
        422, 'validation still answers first';
};

ok system(qq{"$root/scripts/dev/up" >&2}) == 0, 'scripts/dev/up starts DynamoDB Local again (table and seed)';

subtest 'DynamoDB back: served with no worker restart' => sub {
    my $r = api(GET => '/api/message_groups', token => 'andrewbrown');
    is $r->{status}, 200, 'conversations 200';
    my ($g) = grep { $_->{handle} eq 'bayko' } @{ $r->{json} || [] };
    ok $g, 'the seed is back';
    my $m = api(GET => "/api/messages/$g->{uuid}", token => 'bayko');
    is $m->{status}, 200, 'messages 200';
    is scalar @{ $m->{json} }, 20, 'a page of them';
    my $p = api(POST => '/api/messages', token => 'bayko',
                json => { message => 'back again', message_group_uuid => $g->{uuid} });
    is $p->{status}, 200, 'posting works';
    my $n = api(POST => '/api/messages', token => 'andrewbrown',
                json => { message => 'hello again', handle => 'londo' });
    is $n->{status}, 200, 'starting a conversation works';
    is worker_pids(), $workers, 'the same worker processes';
};

done_testing;
