# The worker refuses to start, with a line naming the setting, when an
# AWS endpoint or the container credentials URI would send a secret in clear
# or to a host other than the one it seems to name; and starts with the
# stack's own settings. The worker is run by hand with stdin not a socket:
# once set up (its breakers its own: no socket to share them by) it finds
# no FastCGI listener and exits 0.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use CruddurTest;

my $bin = $ENV{CRUDDUR_WORKER_BIN} or BAIL_OUT('CRUDDUR_WORKER_BIN is not set');

# Runs the worker with the stack's environment changed by %set (undef:
# unset); returns its exit status and what it wrote on stderr.
sub start_with {
    my (%set) = @_;
    local %ENV = %ENV;
    for my $k (keys %set) {
        if (defined $set{$k}) { $ENV{$k} = $set{$k} } else { delete $ENV{$k} }
    }
    my $err = `timeout 20 "$bin" </dev/null 2>&1 >/dev/null`;
    return ($? >> 8, $err);
}

my ($rc, $err) = start_with();
is $rc, 0, "the stack's settings start the worker" or diag $err;
# No FastCGI socket to share breakers by: its own, said once.
is scalar(() = $err =~ /^cruddur\[\d+\]: breakers: .*each worker keeps its own$/mg), 1,
    'a worker without a FastCGI socket keeps its own breakers, and says so once' or diag $err;

for my $name (qw(AWS_ENDPOINT_URL AWS_COGNITO_ENDPOINT)) {
    for my $url ('http://dynamodb.example.com', 'http://10.0.0.5:8000',
                 'http://2130706433:8000', 'http://127.0.0.1:@attacker.example',
                 'http://[::ffff:127.0.0.1]:8000') {
        ($rc, $err) = start_with($name => $url);
        is $rc, 1, "$name=$url: not started";
        like $err, qr/^cruddur\[\d+\]: config: \Q$name\E must /m,
            '  with a line naming it';
    }
    ($rc, $err) = start_with($name => 'https://endpoint.example.com');
    is $rc, 0, "$name over https starts" or diag $err;
}

# Container credentials: only when no keys are set.
my @no_keys = (AWS_ACCESS_KEY_ID => undef, AWS_SECRET_ACCESS_KEY => undef,
               AWS_SESSION_TOKEN => undef);
for my $url ('http://169.254.170.2:@attacker.example/',
             'http://169.254.170.2@attacker.example/',
             'http://169.254.170.2./', 'http://2852039170/',
             'http://0251.0376.0252.02/', 'http://[::ffff:169.254.170.2]/',
             'http://[fd00:ec2::23%25eth0]/', 'http://example.com/creds') {
    ($rc, $err) = start_with(@no_keys, AWS_CONTAINER_CREDENTIALS_FULL_URI => $url);
    is $rc, 1, "FULL_URI=$url: not started";
    like $err, qr/config: AWS_CONTAINER_CREDENTIALS_FULL_URI is not allowed/,
        '  with a line naming it';
}
for my $url ('http://169.254.170.2/v2/credentials', 'http://[fd00:ec2::23]/v1',
             'https://creds.example.com/v1') {
    ($rc, $err) = start_with(@no_keys, AWS_CONTAINER_CREDENTIALS_FULL_URI => $url);
    is $rc, 0, "FULL_URI=$url starts (credentials are fetched later)" or diag $err;
}

done_testing;
