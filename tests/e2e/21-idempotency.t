# POST /api/activities with an Idempotency-Key header: a retry (or a twin
# sent at the same moment) by the same caller with the same key answers
# what the first post answered, and only one activity is stored; the same
# key with another body is 422; another caller's key is another key; a key
# past its expires_at (a day) answers nothing and is deleted by the next
# keyed post, with other expired keys; a malformed key changes nothing.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use CruddurTest;

token($_) for qw(andrewbrown bayko);
my $tag = "idem-$$";
sub stored { sql_value("SELECT count(*) FROM activities WHERE message = '$_[0]'") }
sub post {
    my ($who, $key, $msg) = @_;
    return api(POST => '/api/activities', token => $who, headers => { 'Idempotency-Key' => $key },
               json => { message => $msg, ttl => '1-hour' });
}

subtest 'a retry answers the first post' => sub {
    my $first = post('andrewbrown', "$tag-a", "$tag a");
    is $first->{status}, 200, 'first post 200';
    ok $first->{json}{uuid}, 'with its uuid';
    my $again = post('andrewbrown', "$tag-a", "$tag a");
    is $again->{status}, 200, 'the retry 200';
    is_deeply $again->{json}, $first->{json}, 'the same answer';
    is stored("$tag a"), 1, 'one activity stored';
};

subtest 'the same key with another body is refused' => sub {
    my $r = post('andrewbrown', "$tag-a", "$tag a2");
    is $r->{status}, 422, 'status 422';
    is_deeply $r->{json}, { errors => ['idempotency_key_reused'] }, 'idempotency_key_reused';
    $r = api(POST => '/api/activities', token => 'andrewbrown', headers => { 'Idempotency-Key' => "$tag-a" },
             json => { message => "$tag a", ttl => '7-days' });
    is $r->{status}, 422, 'another ttl: 422 too';
    is stored("$tag a2"), 0, 'nothing stored';
};

subtest 'an expired key is as if never used, and is swept' => sub {
    my $me = "(SELECT uuid FROM users WHERE handle = 'andrewbrown')";
    my $first = post('andrewbrown', "$tag-e", "$tag e");
    is $first->{status}, 200, 'first post 200';
    cmp_ok sql_value("SELECT abs(extract(epoch FROM expires_at - now()) - 86400) FROM idempotency_keys
                      WHERE user_uuid = $me AND key = '$tag-e'"), '<', 120, 'the key kept a day';
    # Expired now, beside 150 other expired keys of another caller.
    sql_value("UPDATE idempotency_keys SET expires_at = now() - interval '1 second'
               WHERE user_uuid = $me AND key = '$tag-e'");
    sql_value("INSERT INTO idempotency_keys (user_uuid, key, request, response, expires_at)
               SELECT uuid, '$tag-old-' || g, 'x', '{}', now() - interval '1 hour'
               FROM users, generate_series(1, 150) g WHERE handle = 'bayko'");
    my $again = post('andrewbrown', "$tag-e", "$tag e");
    is $again->{status}, 200, 'the retry past expiry 200';
    isnt $again->{json}{uuid}, $first->{json}{uuid}, 'a new activity';
    is stored("$tag e"), 2, 'stored twice';
    cmp_ok sql_value("SELECT expires_at > now() FROM idempotency_keys WHERE user_uuid = $me AND key = '$tag-e'"),
        'eq', 't', 'the key taken anew';
    is sql_value("SELECT count(*) FROM idempotency_keys WHERE key LIKE '$tag-old-%'"), 50,
        'and 100 expired keys swept on the way';
    post('andrewbrown', "$tag-e2", "$tag e2");
    is sql_value("SELECT count(*) FROM idempotency_keys WHERE key LIKE '$tag-old-%'"), 0, 'the rest by the next keyed post';
};

subtest "another caller's key is another key" => sub {
    my $mine = post('andrewbrown', "$tag-b", "$tag b1");
    my $theirs = post('bayko', "$tag-b", "$tag b2");
    is $theirs->{status}, 200, 'status 200';
    isnt $theirs->{json}{uuid}, $mine->{json}{uuid}, 'a new activity';
    is $theirs->{json}{handle}, 'bayko', 'by its caller';
};

subtest 'twins at the same moment post once' => sub {
    my @answers = twins(4, sub { post('andrewbrown', "$tag-c", "$tag c") });
    my %uuids = map { (split / /)[1] => 1 } @answers;
    is scalar(grep { /^200 / } @answers), 4, 'all four 200' or diag "@answers";
    is scalar(keys %uuids), 1, 'all the same activity';
    is stored("$tag c"), 1, 'one activity stored';
};

subtest 'a malformed key changes nothing' => sub {
    my $r = post('andrewbrown', 'k' x 129, "$tag d");
    is $r->{status}, 400, 'status 400';
    is_deeply $r->{json}, { errors => ['idempotency_key_invalid'] }, 'idempotency_key_invalid';
    is stored("$tag d"), 0, 'nothing stored';
};

done_testing;
