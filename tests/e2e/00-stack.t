# The local stack that scripts/test started: every part answers on its own
# port, only /api/ reaches the workers, and lighttpd runs the configured
# number of workers.
use strict;
use warnings;
use HTTP::Tiny;
use JSON::PP;
use Test::More;

for my $v (qw(CRUDDUR_PORT CRUDDUR_DDB_PORT CRUDDUR_COGNITO_PORT CRUDDUR_STATE
              CRUDDUR_WORKERS CRUDDUR_WORKER_BIN CONNECTION_URL AWS_COGNITO_ENDPOINT)) {
    die "$v is not set: run through scripts/test\n" unless defined $ENV{$v};
}
my $http = HTTP::Tiny->new(timeout => 10);
my $json = JSON::PP->new->utf8;
my $base = "http://127.0.0.1:$ENV{CRUDDUR_PORT}";

# health-check through lighttpd and a worker
my $res = $http->get("$base/api/health-check");
is $res->{status}, 200, 'GET /api/health-check answers 200 through lighttpd';
like $res->{headers}{'content-type'} // '', qr{^application/json}, '... as JSON';
my $body = eval { $json->decode($res->{content}) };
ok ref $body eq 'HASH', '... a JSON object' or diag $res->{content};

# only /api/ goes to FastCGI
$res = $http->get("$base/not-the-api");
is $res->{status}, 404, 'a path outside /api/ is not handed to the workers';
unlike $res->{content} // '', qr/"errors"/, '... lighttpd answered it, not a worker';

# PostgreSQL: the project's own cluster, database cruddur
my $db = `psql -X -At -v ON_ERROR_STOP=1 "$ENV{CONNECTION_URL}" -c 'SELECT current_database()' 2>&1`;
chomp $db;
is $db, 'cruddur', 'PostgreSQL answers at CONNECTION_URL, database cruddur';
my $addr = `psql -X -At "$ENV{CONNECTION_URL}" -c 'SELECT inet_server_addr()' 2>&1`;
chomp $addr;
is $addr, '127.0.0.1', '... on the loopback address';

# DynamoDB Local: ListTables (it checks no signature, only that there is one)
$res = $http->post("http://127.0.0.1:$ENV{CRUDDUR_DDB_PORT}/", {
    headers => {
        'content-type'  => 'application/x-amz-json-1.0',
        'x-amz-target'  => 'DynamoDB_20120810.ListTables',
        'x-amz-date'    => '20240101T000000Z',
        'authorization' => 'AWS4-HMAC-SHA256 Credential=cruddurlocal/20240101/us-east-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-date, Signature=00',
    },
    content => '{}',
});
is $res->{status}, 200, 'DynamoDB Local answers ListTables';
my $tables = eval { $json->decode($res->{content}) };
ok ref $tables eq 'HASH' && ref $tables->{TableNames} eq 'ARRAY', '... with a TableNames list'
    or diag $res->{content};

# cognito-local
$res = $http->get("http://127.0.0.1:$ENV{CRUDDUR_COGNITO_PORT}/health");
is $res->{status}, 200, 'cognito-local answers /health';
SKIP: {
    skip 'no user pool in the local stack (no scripts/cognito/setup-local)', 2
        unless $ENV{AWS_COGNITO_USER_POOL_ID};
    $res = $http->get("$ENV{AWS_COGNITO_ENDPOINT}/$ENV{AWS_COGNITO_USER_POOL_ID}/.well-known/jwks.json");
    is $res->{status}, 200, 'the pool JWKS is served at AWS_COGNITO_ENDPOINT/<pool>';
    my $jwks = eval { $json->decode($res->{content}) };
    ok ref $jwks eq 'HASH' && ref $jwks->{keys} eq 'ARRAY' && @{ $jwks->{keys} } >= 1,
        '... holding at least one key';
}

# lighttpd spawned CRUDDUR_WORKERS workers, each the configured binary
sub read_pid {
    open(my $fh, '<', "$ENV{CRUDDUR_STATE}/$_[0].pid") or return;
    my $pid = <$fh>;
    chomp $pid if defined $pid;
    return $pid;
}
my $lpid = read_pid('lighttpd');
ok $lpid && kill(0, $lpid), 'lighttpd runs under its pid file';
my @workers = grep {
    my $exe = readlink("/proc/$_/exe") // '';
    $exe eq $ENV{CRUDDUR_WORKER_BIN}
} split ' ', `pgrep -P $lpid 2>/dev/null`;
is scalar(@workers), $ENV{CRUDDUR_WORKERS}, "lighttpd runs CRUDDUR_WORKERS=$ENV{CRUDDUR_WORKERS} workers";

# the workers' stderr lands in the state folder
my $log = "$ENV{CRUDDUR_STATE}/lighttpd.log";
ok -s $log, 'the workers log into the state folder';

# the workers' write counter in shared memory, where the worker says it is
# (scripts/test checks that `scripts/dev/down --purge` removes it)
my $counter = `"$ENV{CRUDDUR_WORKER_BIN}" --write-counter-path`;
chomp $counter;
like $counter, qr{^/dev/shm/cruddur-gen-[0-9a-f]{16}$}, 'the worker names its write counter';
SKIP: {
    skip 'the response cache is off', 1 if ($ENV{CRUDDUR_RESPONSE_CACHE} // '1') eq '0';
    ok -e $counter, '... and the workers made it';
}

# the breakers the workers share, named after their FastCGI socket
my $breakers = `"$ENV{CRUDDUR_WORKER_BIN}" --breakers-path "$ENV{CRUDDUR_STATE}/fcgi.sock"`;
chomp $breakers;
like $breakers, qr{^/dev/shm/cruddur-breakers1-[0-9a-f]{16}$}, 'the worker names its breakers';
ok -e $breakers, '... and the workers made them';
open(my $lfh, '<', $log) or die "$log: $!\n";
is scalar(grep { /breakers: / } <$lfh>), 0, 'no worker fell back to breakers of its own';

done_testing;
