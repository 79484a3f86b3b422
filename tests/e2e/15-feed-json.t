# The worker writes the activity JSON that PostgreSQL used to write: every
# read route's answer is compared byte for byte with the query the worker
# ran before (kept below, with the SQL function it called, created in
# pg_temp for the comparison), on rows that hold every character JSON must
# escape, times with and without a fraction, and a reply.
use strict;
use warnings;
use utf8;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use CruddurTest;
use CruddurHard qw(wait_until);

# The former SQL: activity_json() and the queries that answered JSON.
my $FN = q{
CREATE FUNCTION pg_temp.activity_json(a public.activities, u public.users)
RETURNS json LANGUAGE sql STABLE AS $$
  SELECT json_build_object(
    'uuid', a.uuid, 'display_name', u.display_name, 'handle', u.handle,
    'message', a.message, 'replies_count', a.replies_count,
    'reposts_count', a.reposts_count, 'likes_count', a.likes_count,
    'reply_to_activity_uuid', a.reply_to_activity_uuid,
    'expires_at', a.expires_at, 'created_at', a.created_at)
$$;
};
my %BEFORE = (
    home => q{
SELECT COALESCE(json_agg(pg_temp.activity_json(a, u) ORDER BY a.created_at DESC), '[]'::json)
FROM (SELECT * FROM public.activities WHERE reply_to_activity_uuid IS NULL AND expires_at > now()
      ORDER BY created_at DESC LIMIT 100) a
JOIN public.users u ON u.uuid = a.user_uuid},
    user => q{
SELECT (SELECT COALESCE(json_agg(pg_temp.activity_json(a, u) ORDER BY a.created_at DESC), '[]'::json)
        FROM (SELECT * FROM public.activities WHERE user_uuid = u.uuid AND reply_to_activity_uuid IS NULL
              AND expires_at > now() ORDER BY created_at DESC LIMIT 100) a)
FROM public.users u WHERE u.handle = '%s'},
    show => q{
SELECT (pg_temp.activity_json(a, u)::jsonb || jsonb_build_object('replies', (
  SELECT COALESCE(json_agg(pg_temp.activity_json(r, ru) ORDER BY r.created_at), '[]'::json)
  FROM public.activities r JOIN public.users ru ON ru.uuid = r.user_uuid
  WHERE r.reply_to_activity_uuid = a.uuid AND r.expires_at > now())))::json
FROM public.activities a JOIN public.users u ON u.uuid = a.user_uuid
WHERE a.uuid = '%s' AND a.expires_at > now()},
    search => q{
SELECT COALESCE(json_agg(pg_temp.activity_json(a, u) ORDER BY a.created_at DESC), '[]'::json)
FROM (SELECT * FROM public.activities WHERE expires_at > now()
      AND strpos(lower(message), lower('%s')) > 0 ORDER BY created_at DESC LIMIT 100) a
JOIN public.users u ON u.uuid = a.user_uuid},
    notifications => q{
SELECT COALESCE(json_agg(pg_temp.activity_json(r, u) ORDER BY r.created_at DESC), '[]'::json)
FROM (SELECT r.* FROM public.activities r JOIN public.activities p ON p.uuid = r.reply_to_activity_uuid
      WHERE p.user_uuid = (SELECT uuid FROM users WHERE handle = '%s') AND r.user_uuid <> p.user_uuid
      AND r.expires_at > now() ORDER BY r.created_at DESC LIMIT 100) r
JOIN public.users u ON u.uuid = r.user_uuid},
    short => q{
SELECT json_build_object('uuid', uuid, 'handle', handle, 'display_name', display_name)
FROM public.users WHERE handle = '%s'},
    one => q{
SELECT pg_temp.activity_json(a, u) FROM public.activities a JOIN public.users u ON u.uuid = a.user_uuid
WHERE a.uuid = '%s'},
);

sub before {
    my ($name, $arg) = @_;
    (my $q = $BEFORE{$name}) =~ s/%s/$arg \/\/ ''/e;
    return sql_value("SET TimeZone = 'UTC'; $FN $q");   # bytes, as HTTP::Tiny gives them
}

# Every byte below 0x20, the escapes, quotes, '/', DEL, non-ASCII (2, 3, 4
# bytes), U+2028.
my $tag = "feedjson$$";
my $nasty = join('', map { chr } 1 .. 31) . qq{ "q" \\ / </script> \x7f é € 😀 \x{2028} $tag};
my $post = api(POST => '/api/activities', token => 'andrewbrown',
               json => { message => $nasty, ttl => '1-day' });
is $post->{status}, 200, 'posted an activity with every character to escape';
my $uuid = $post->{json}{uuid};
is $post->{content}, before(one => $uuid), 'POST answer: same bytes as before';
my $reply = api(POST => "/api/activities/$uuid/reply", token => 'bayko',
                json => { message => "re: $nasty" });
is $reply->{status}, 200, 'replied';
is $reply->{content}, before(one => $reply->{json}{uuid}), 'reply answer: same bytes';
# Times on a whole second and with trailing zeros in the fraction.
sql_value("UPDATE activities SET created_at = date_trunc('second', now()) + interval '0.12 s',
           expires_at = date_trunc('second', now()) + interval '2 days' WHERE uuid = '$uuid'");

my %routes = (
    home          => [ '/api/activities/home' ],
    user          => [ '/api/activities/@andrewbrown', 'andrewbrown' ],
    show          => [ "/api/activities/$uuid", $uuid ],
    search        => [ "/api/activities/search?term=$tag", $tag ],
    notifications => [ '/api/activities/notifications', 'andrewbrown', 'andrewbrown' ],
    short         => [ '/api/users/@bayko/short', 'bayko' ],
);
for my $name (sort keys %routes) {
    my ($path, $arg, $who) = @{ $routes{$name} };
    my ($got, $want);
    # A cached answer may lag the UPDATE above by a notification: wait for it.
    ok wait_until(sub {
        $got = api(GET => $path, $who ? (token => $who) : ())->{content};
        $want = before($name, $arg);
        $got eq $want
    }, 5), "$name: same bytes as the former SQL";
    is $got, $want, "$name: the bytes" if $got ne $want;
}
like before(home => ''), qr/\Q$tag\E/, 'the compared home feed holds the nasty activity';
like api(GET => "/api/activities/$uuid")->{content}, qr/"created_at": "[^"]*T\d\d:\d\d:\d\d\.12\+00:00"/,
    'a fraction with trailing zeros is cut as PostgreSQL cuts it';
is api(GET => '/api/activities/@nobody')->{status}, 404, 'unknown handle still 404';
is api(GET => '/api/activities/00000000-0000-4000-8000-000000000000')->{status}, 404, 'unknown activity still 404';
sql_value("DELETE FROM activities WHERE message LIKE '%$tag'");
done_testing;
