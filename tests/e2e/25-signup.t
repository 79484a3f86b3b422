# Sign-up end to end: a new user signed up and confirmed through
# cognito-local's API as the frontend's pages do (scripts/dev/signup), its
# PostConfirmation trigger run by the local Invoke endpoint (cruddur-invoke,
# the Lambda's handler) -> a users row -> the new user's token posts an
# activity and starts a conversation with bayko. Then: the confirmation
# replayed (Cognito's retry) leaves one row; a taken handle and a bad one
# are refused with their message and make no row; PostgreSQL stopped during
# a confirmation refuses it, and it works once PostgreSQL is back. Handles
# are new on every run, so the file runs again and again on one stack.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use HTTP::Tiny;
use JSON::PP;
use Encode qw(encode_utf8);
use MIME::Base64 qw(decode_base64url);
use CruddurTest;
use CruddurLoad qw(stack);
use CruddurHard qw(wait_until);

my $root  = repo_root();
my $json  = JSON::PP->new->utf8->canonical;
my $port  = $ENV{CRUDDUR_INVOKE_PORT} or die "CRUDDUR_INVOKE_PORT is not set\n";
my $state = $ENV{CRUDDUR_STATE} or die "CRUDDUR_STATE is not set\n";
my $invoke_url = "http://127.0.0.1:$port/2015-03-31/functions/cruddur-post-confirmation/invocations";
my $http  = HTTP::Tiny->new(timeout => 30);
my $run   = sprintf '%x%04x', time, $$ % 0x10000;
my $name  = "Sign-up Tester \x{e9}";      # a code point beyond ASCII

# scripts/dev/signup: (exit status, stdout); its stderr goes to the test's.
sub signup {
    my ($handle, $display, $email) = @_;
    open(my $ph, '-|', "$root/scripts/dev/signup", $handle, encode_utf8($display), $email)
        or die "signup: $!\n";
    my $out = do { local $/; <$ph> } // '';
    close $ph;
    return ($? >> 8, $out);
}

# The same, with stderr captured too (the refusal's message).
sub signup_err {
    my ($handle, $display, $email) = @_;
    my $cmd = join ' ', map { "'" . s/'/'\\''/gr . "'" }
        "$root/scripts/dev/signup", $handle, encode_utf8($display), $email;
    my $all = `$cmd 2>&1`;
    return ($? >> 8, $all);
}

sub claims {
    my ($token) = @_;
    my (undef, $payload) = split /\./, $token;
    return $json->decode(decode_base64url($payload // ''));
}

sub q_ { my ($s) = @_; $s =~ s/'/''/g; return "'$s'" }

sub rows_for { sql_value('SELECT count(*) FROM users WHERE cognito_user_id = ' . q_($_[0])) }

# The event cognito-local sends for a confirmation (lib/services/lambda.js).
sub event_for {
    my (%u) = @_;
    return {
        version => '0', region => 'local',
        callerContext => { awsSdkVersion => '2.1693.0', clientId => $ENV{AWS_COGNITO_USER_POOL_CLIENT_ID} },
        userPoolId => $ENV{AWS_COGNITO_USER_POOL_ID},
        triggerSource => $u{source} // 'PostConfirmation_ConfirmSignUp',
        userName => $u{sub},
        request => { userAttributes => {
            sub => $u{sub}, name => $u{name}, email => $u{email},
            preferred_username => $u{handle}, 'cognito:user_status' => 'CONFIRMED' } },
        response => {},
    };
}

# POST to the Invoke endpoint: { status, error (X-Amz-Function-Error), body }.
sub invoke {
    my ($event) = @_;
    my $body = ref $event ? $json->encode($event) : $event;
    my $res = $http->post($invoke_url, { content => $body,
        headers => { 'content-type' => 'application/json', 'x-amz-invocation-type' => 'RequestResponse' } });
    my $decoded = eval { $json->decode($res->{content}) };
    return { status => $res->{status}, error => $res->{headers}{'x-amz-function-error'},
             body => $res->{content}, json => $decoded };
}

# The sub cognito-local gave the user of email (ListUsers).
sub sub_of {
    my ($email) = @_;
    for (`"$ENV{CRUDDUR_BUILD}/cruddur-aws" cognito list-users`) {
        my ($sub, undef, $mail) = split ' ';
        return $sub if ($mail // '') eq $email;
    }
    return;
}

# ---- a new user, end to end ----
my $h1 = "su_${run}_a";
my ($rc, $token) = signup($h1, $name, "$h1\@example.com");
chomp $token;
is $rc, 0, "scripts/dev/signup $h1 succeeds";
like $token, qr/^[\w-]+\.[\w-]+\.[\w-]+$/, 'and prints an access token';
my $c = claims($token);
my $sub1 = $c->{sub};
is $c->{token_use}, 'access', 'an access token';
is rows_for($sub1), 1, 'the users row exists for its Cognito sub';
is sql_value("SELECT handle || '|' || display_name || '|' || email FROM users WHERE cognito_user_id = " . q_($sub1)),
    encode_utf8("$h1|$name|$h1\@example.com"), 'with handle, display name and email from the attributes';
is sql_value('SELECT count(*) FROM users WHERE handle = ' . q_($h1)), 1, 'one row for the handle';

my $post = api(POST => '/api/activities', bearer => "Bearer $token",
               json => { message => "hello from $h1", ttl => '1-hour' });
is $post->{status}, 200, "the new user's token posts an activity";
is $post->{json}{handle}, $h1, 'authored by the new user';
ok wait_until(sub { grep { ($_->{uuid} // '') eq ($post->{json}{uuid} // '-') }
                    @{ api(GET => "/api/activities/\@$h1")->{json} || [] } }, 10),
    "it is in the new user's activities";
my $msg = api(POST => '/api/messages', bearer => "Bearer $token",
              json => { message => "hi bayko, $h1 here", handle => 'bayko' });
is $msg->{status}, 200, 'the new user starts a conversation with bayko';
my $group = $msg->{json}{message_group_uuid} // '';
like $group, qr/^[0-9a-f-]{36}$/, 'a conversation uuid';
ok wait_until(sub { grep { ($_->{uuid} // '') eq $group && $_->{handle} eq 'bayko' }
                    @{ api(GET => '/api/message_groups', bearer => "Bearer $token")->{json} || [] } }, 10),
    'the conversation with bayko is in the new user\'s list';
ok wait_until(sub { grep { ($_->{uuid} // '') eq $group && $_->{handle} eq $h1 }
                    @{ api(GET => '/api/message_groups', token => 'bayko')->{json} || [] } }, 10),
    "and in bayko's, under $h1";

# ---- the confirmation replayed: Cognito retrying the trigger ----
my %u1 = (sub => $sub1, handle => $h1, name => $name, email => "$h1\@example.com");
my $users = sql_value('SELECT count(*) FROM users');
my $r = invoke(event_for(%u1));
is $r->{status}, 200, 'the replayed confirmation is answered';
ok !$r->{error}, 'without a function error' or diag $r->{body};
is_deeply $r->{json}, event_for(%u1), 'with the event, unchanged';
is rows_for($sub1), 1, 'still one row for the sub';
is sql_value('SELECT count(*) FROM users'), $users, 'and no row added';

# ---- refused: a taken handle, a bad handle ----
my ($rc2, $err2) = signup_err($h1, 'Someone Else', "${h1}x\@example.com");
isnt $rc2, 0, 'signing up with a taken handle fails';
like $err2, qr/The handle "\Q$h1\E" is already taken by another user\./, 'with the message';
is sql_value('SELECT count(*) FROM users WHERE email = ' . q_("${h1}x\@example.com")), 0, 'and no row';
is sql_value('SELECT count(*) FROM users WHERE handle = ' . q_($h1)), 1, 'the handle keeps its one row';
my $other = '00000000-0000-4000-8000-' . substr("${run}000000000000", 0, 12);
$r = invoke(event_for(%u1, sub => $other, email => "other-$run\@example.com"));
is $r->{error}, 'Unhandled', 'the Invoke endpoint reports the function error';
is $r->{json}{errorType}, 'HandleTaken', 'errorType HandleTaken';
like $r->{json}{errorMessage} // '', qr/already taken/, 'errorMessage says so';
is rows_for($other), 0, 'no row for the other sub';

my $bad = "su/$run";
my ($rc3, $err3) = signup_err($bad, 'Bad Handle', "bad-$run\@example.com");
isnt $rc3, 0, 'a handle with a slash is refused';
like $err3, qr/The handle \(preferred_username\) must be 1 to 32 letters/, 'with the rule';
is sql_value('SELECT count(*) FROM users WHERE email = ' . q_("bad-$run\@example.com")), 0, 'and no row';
($rc3, $err3) = signup_err("su $run", 'Spaced Handle', "space-$run\@example.com");
isnt $rc3, 0, 'a handle with a space is refused';
is sql_value('SELECT count(*) FROM users WHERE email = ' . q_("space-$run\@example.com")), 0, 'no row';

$r = invoke(event_for(%u1, source => 'PostConfirmation_ConfirmForgotPassword', sub => $other));
ok !$r->{error} && $r->{status} == 200, 'a forgotten password is answered without error';
is rows_for($other), 0, 'and writes nothing';
$r = invoke('not json');
is $r->{json}{errorType}, 'InvalidEvent', 'an event that is not JSON is refused';
is $http->post("http://127.0.0.1:$port/2015-03-31/functions/other/invocations", { content => '{}' })->{status},
    404, 'another function is not found';

# ---- PostgreSQL stopped during a confirmation ----
my $h3 = "su_${run}_c";
my %u3 = (handle => $h3, name => 'Outage Tester', email => "$h3\@example.com");
my $pg_down = 0;
END { stack('cr_start_postgres >/dev/null') if $pg_down }
ok stack('cr_stop postgres "$CR_TEXT_postgres" INT >/dev/null'), 'PostgreSQL stopped';
$pg_down = 1;
my ($rc4, $err4) = signup_err($h3, $u3{name}, $u3{email});
isnt $rc4, 0, 'a confirmation while PostgreSQL is down fails';
like $err4, qr/DatabaseUnavailable .*cannot store new users right now/, 'with the message';
$u3{sub} = sub_of($u3{email});
ok $u3{sub}, 'cognito-local has the user (it confirms whatever the trigger says)';
$r = invoke(event_for(%u3));
is $r->{json}{errorType}, 'DatabaseUnavailable', 'a retry meanwhile is refused too';
ok stack('cr_start_postgres >/dev/null'), 'PostgreSQL started again';
$pg_down = 0;
ok wait_until(sub { eval { sql_value('SELECT 1') } }, 30), 'PostgreSQL answers';
is rows_for($u3{sub}), 0, 'the refused confirmation left no row';

$r = invoke(event_for(%u3));
ok !$r->{error} && $r->{status} == 200, 'the retried confirmation works once PostgreSQL is back'
    or diag $r->{body};
is rows_for($u3{sub}), 1, 'and makes the row';
my $t3 = `"$ENV{CRUDDUR_BUILD}/cruddur-aws" cognito token '$u3{email}' Cruddur-local-1`;
chomp $t3;
is api(POST => '/api/activities', bearer => "Bearer $t3",
       json => { message => "back after the outage", ttl => '1-hour' })->{status}, 200,
    'and that user can post';
my $h4 = "su_${run}_d";
my ($rc5, $t4) = signup($h4, 'After Outage', "$h4\@example.com");
is $rc5, 0, 'a new sign-up works again';
is sql_value('SELECT count(*) FROM users WHERE handle = ' . q_($h4)), 1, 'with its row';

# ---- PostgreSQL restarted between two confirmations ----
# The Invoke endpoint's kept connections are dead now; the first
# confirmation after must not pay for that (the insert is sent again on a
# fresh connection, which it is declared safe for).
ok stack('cr_stop postgres "$CR_TEXT_postgres" INT >/dev/null && cr_start_postgres >/dev/null'),
    'PostgreSQL restarted';
my $h5 = "su_${run}_e";
my ($rc6) = signup($h5, 'After Restart', "$h5\@example.com");
is $rc6, 0, 'the first sign-up after the restart works';
is sql_value('SELECT count(*) FROM users WHERE handle = ' . q_($h5)), 1, 'with its row';

done_testing;
