# CruddurUsers - users of the tests' own, new on every run: a Cognito user of
# the local pool and its PostgreSQL row, linked by the token's sub, so a
# test can write conversations and posts that no other test (or earlier run
# on the same stack) sees or disturbs.
package CruddurUsers;

use strict;
use warnings;
use Exporter 'import';
use JSON::PP;
use MIME::Base64 qw(decode_base64url);
use CruddurTest;

our @EXPORT = qw(new_user);

my $PASSWORD = 'Cruddur-local-1';
my $n = 0;

# The output of a command run without a shell; dies when it fails.
sub tool {
    my @cmd = @_;
    open(my $ph, '-|', @cmd) or die "$cmd[0]: $!\n";
    my $out = do { local $/; <$ph> } // '';
    close $ph or die "@cmd[1 .. 3] failed\n";
    return $out;
}

# new_user(LABEL[, DISPLAY_NAME]) -> { handle, display_name, uuid, sub,
# token }; the handle is LABEL with this process and the time, unique per
# run.
sub new_user {
    my ($label, $name) = @_;
    my $handle = sprintf '%s%d%d%d', $label, $$ % 100000, time % 100000, $n++;
    die "handle $handle too long\n" if length $handle > 32;
    my $email = "$handle\@example.com";
    my $tool = "$ENV{CRUDDUR_BUILD}/cruddur-aws";
    my $pool = $ENV{AWS_COGNITO_USER_POOL_ID} or die "AWS_COGNITO_USER_POOL_ID is not set\n";
    for my $call (
        [ AdminCreateUser => { UserPoolId => $pool, Username => $email, MessageAction => 'SUPPRESS',
                               UserAttributes => [ { Name => 'email', Value => $email },
                                                   { Name => 'preferred_username', Value => $handle } ] } ],
        [ AdminSetUserPassword => { UserPoolId => $pool, Username => $email,
                                    Password => $PASSWORD, Permanent => JSON::PP::true } ]) {
        tool($tool, 'call', 'cognito-idp', $call->[0], json_text($call->[1]));
    }
    my $token = tool($tool, 'cognito', 'token', $email, $PASSWORD);
    chomp $token;
    my $claims = JSON::PP->new->decode(decode_base64url((split /\./, $token)[1]));
    $name //= "\u$label";
    (my $quoted = $name) =~ s/'/''/g;
    my $uuid = sql_value("INSERT INTO users (display_name, handle, email, cognito_user_id) "
                         . "VALUES ('$quoted', '$handle', '$email', '$claims->{sub}') RETURNING uuid");
    return { handle => $handle, display_name => $name, uuid => $uuid, sub => $claims->{sub},
             token => $token };
}

1;
