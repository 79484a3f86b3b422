# Observability: request ids, JSON logs and OpenTelemetry traces, against
# a receiver of the test's own (lib/OtlpReceiver.pm). lighttpd is started
# again with CRUDDUR_LOG_FORMAT=json and the OTEL_* variables pointing at
# the receiver, and once more without them at the end.
#
# Checks: X-Request-Id kept or made on every answer; every worker line is
# JSON with the fields, ids matching the answers; no token, message text,
# query string or exporter header in the logs; the OTLP JSON encoding
# (hex ids, nanosecond strings, typed values, resource service.name); one
# server span per request, one client span per backend call counted in
# the log line, parent/child links, a caller's traceparent continued; and
# a receiver that answers 500, hangs or is gone changes no answer.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use JSON::PP;
use Time::HiRes qw(time sleep);
use CruddurTest;
use CruddurLoad qw(restart_with);
use OtlpReceiver;

my $json = JSON::PP->new->utf8;
my $log = "$ENV{CRUDDUR_STATE}/lighttpd.log";
my $recv = OtlpReceiver->start;
my $secret_header = "hcteam$$" . int(rand(1e9));
my %otel = (
    CRUDDUR_LOG_FORMAT            => 'json',
    OTEL_EXPORTER_OTLP_ENDPOINT   => $recv->url,
    OTEL_EXPORTER_OTLP_HEADERS    => "x-honeycomb-team=$secret_header",
    OTEL_SERVICE_NAME             => 'cruddur-e2e',
    OTEL_RESOURCE_ATTRIBUTES      => 'deployment.environment=e2e',
    OTEL_TRACES_SAMPLER           => 'parentbased_traceidratio',
    OTEL_TRACES_SAMPLER_ARG       => '1.0',
    OTEL_BSP_SCHEDULE_DELAY       => '100',
    OTEL_EXPORTER_OTLP_TIMEOUT    => '300',
);

sub restart_lighttpd {
    restart_with('cr_stop_lighttpd >/dev/null && cr_start_lighttpd >/dev/null', \%otel, @_)
        or die "lighttpd did not restart\n";
}
END { my $rc = $?; restart_lighttpd(); $? = $rc; }

my $offset = -s $log // 0;
restart_lighttpd(%otel);

# Tokens first: fetching them is not part of what the logs are checked for.
my $token = token('andrewbrown');
my $groups = api(GET => '/api/message_groups', token => 'andrewbrown');
is $groups->{status}, 200, 'message groups';
my ($seed) = map { $_->{uuid} } grep { $_->{handle} eq 'bayko' } @{ $groups->{json} };
ok $seed, 'the seed conversation';

my %sent;   # request id -> what was asked
my $HEX32 = qr/^[0-9a-f]{32}$/;

subtest 'request ids' => sub {
    my $r = api(GET => '/api/health-check', headers => { 'x-request-id' => 'e2e-kept.1:a_b' });
    is $r->{headers}{'x-request-id'}, 'e2e-kept.1:a_b', 'a well-formed id is kept';
    for my $bad ('has space', 'x' x 129, 'quote"d', '') {
        my $b = api(GET => '/api/health-check', headers => { 'x-request-id' => $bad });
        like $b->{headers}{'x-request-id'}, $HEX32, 'a malformed one is replaced: ' . substr($bad, 0, 12);
    }
    my $e = api(GET => '/api/nope?q=secretquery' . $$);
    is $e->{status}, 404, 'an unknown path: not found';
    like $e->{headers}{'x-request-id'}, $HEX32, 'errors carry an id too';
    my $big = api(POST => '/api/activities', token => 'andrewbrown', body => 'x' x 70000,
                  headers => { 'content-type' => 'application/json' });
    is $big->{status}, 413, 'a request refused while read';
    like $big->{headers}{'x-request-id'}, $HEX32, 'still has an id';
    $sent{ $e->{headers}{'x-request-id'} } = 'notfound';
};

my $tid = join '', map { sprintf '%02x', int rand 256 } 1 .. 16;
my $psid = 'b7ad6b7169203331';
my $message = "observability secret text $$ " . int(rand(1e9));
my ($read_id, $post_id);

subtest 'traced requests' => sub {
    my $r = api(GET => "/api/messages/$seed", token => 'andrewbrown',
                headers => { traceparent => "00-$tid-$psid-01", tracestate => 'e2e=1',
                             'x-amzn-trace-id' => 'Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1',
                             'user-agent' => 'cruddur-e2e/1' });
    is $r->{status}, 200, 'messages read';
    $read_id = $r->{headers}{'x-request-id'};
    my $p = api(POST => '/api/messages', token => 'andrewbrown',
                json => { message => $message, handle => 'bayko' });
    is $p->{status}, 200, 'message sent';
    $post_id = $p->{headers}{'x-request-id'};
};

# ---- the log lines ----
sub log_lines {
    open(my $fh, '<', $log) or die "$log: $!\n";
    seek $fh, $offset, 0;
    my @l = <$fh>;
    close $fh;
    chomp @l;
    # lighttpd's own lines and the stack script's markers are not ours.
    return grep { /\S/ && !/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d: / && !/^====/ } @l;
}

sub access_line {
    my ($id) = @_;
    my $deadline = time + 10;
    while (time < $deadline) {
        for (log_lines()) {
            my $j = eval { $json->decode($_) } or next;
            return $j if ($j->{msg} // '') eq 'request' && ($j->{request_id} // '') eq $id;
        }
        sleep 0.05;
    }
    return undef;
}

subtest 'JSON log lines' => sub {
    my $read = access_line($read_id) or return fail('the read\'s line');
    for my $f (qw(time level request_id trace_id method route status duration_ms
                  db_ms db_calls ddb_ms ddb_calls jwks_ms jwks_calls pid)) {
        ok exists $read->{$f}, "field $f";
    }
    like $read->{time}, qr/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/, 'RFC 3339 UTC, microseconds';
    is $read->{route}, '/api/messages/{message_group_uuid}', 'the route pattern';
    is $read->{trace_id}, $tid, 'the caller\'s trace id';
    is $read->{amzn_trace_id}, 'Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1', 'X-Amzn-Trace-Id';
    is $read->{status}, 200, 'status';
    like $read->{user_uuid}, qr/^[0-9a-f-]{36}$/, 'the caller';
    ok $read->{ddb_calls} >= 1, 'DynamoDB calls counted';
    my $nf = access_line((keys %sent)[0]) or return fail('the 404\'s line');
    is $nf->{error}, 'not_found', 'the error code';
    is $nf->{route}, 'unmatched', 'no route';
    my @bad = grep { !eval { $json->decode($_); 1 } } log_lines();
    is scalar(@bad), 0, 'every worker line is JSON' or diag join "\n", @bad[0 .. 2];
};

# ---- the spans ----
sub spans_of {
    my ($trace, $want) = @_;
    my $deadline = time + 10;
    my @s;
    while (time < $deadline) {
        @s = ();
        for my $post (@{ $recv->posts }) {
            my $d = eval { $json->decode($post->{body}) } or next;
            for my $rs (@{ $d->{resourceSpans} }) {
                for my $ss (@{ $rs->{scopeSpans} }) {
                    push @s, map { { %$_, _resource => $rs->{resource}, _post => $post } }
                             grep { $_->{traceId} eq $trace } @{ $ss->{spans} };
                }
            }
        }
        return @s if @s >= $want;
        sleep 0.05;
    }
    return @s;
}

sub attrs {
    my ($span) = @_;
    return { map { $_->{key} => $_->{value} } @{ $span->{attributes} || [] } };
}

subtest 'spans' => sub {
    my $read = access_line($read_id) or return fail('the line');
    my $calls = $read->{db_calls} + $read->{ddb_calls} + $read->{jwks_calls};
    my @s = spans_of($tid, 1 + $calls);
    my ($server) = grep { $_->{kind} == 2 } @s;
    ok $server, 'a server span' or return;
    is scalar(@s), 1 + $calls, "one server span and one client span per backend call ($calls)";
    is $server->{parentSpanId}, $psid, 'continues the caller\'s traceparent';
    is $server->{traceState}, 'e2e=1', 'keeps its tracestate';
    is $server->{name}, 'GET /api/messages/{message_group_uuid}', 'named by method and route';
    my $a = attrs($server);
    is $a->{'http.request.method'}{stringValue}, 'GET', 'http.request.method';
    is $a->{'http.route'}{stringValue}, '/api/messages/{message_group_uuid}', 'http.route';
    is $a->{'http.response.status_code'}{intValue}, '200', 'http.response.status_code (int as string)';
    is $a->{'url.path'}{stringValue}, "/api/messages/$seed", 'url.path';
    is $a->{'user_agent.original'}{stringValue}, 'cruddur-e2e/1', 'user_agent.original';
    is $a->{'enduser.id'}{stringValue}, $read->{user_uuid}, 'enduser.id';
    my %svc = map { $_->{key} => $_->{value}{stringValue} } @{ $server->{_resource}{attributes} };
    is $svc{'service.name'}, 'cruddur-e2e', 'resource service.name';
    is $svc{'deployment.environment'}, 'e2e', 'resource attributes';
    is $server->{_post}{path}, '/v1/traces', 'posted to /v1/traces';
    is $server->{_post}{headers}{'x-honeycomb-team'}, $secret_header, 'OTEL_EXPORTER_OTLP_HEADERS sent';
    like $server->{_post}{headers}{'content-type'}, qr{^application/json}, 'as JSON';
    for my $s (@s) {
        like $s->{traceId}, qr/^[0-9a-f]{32}$/, 'trace id: 32 hex';
        like $s->{spanId}, qr/^[0-9a-f]{16}$/, 'span id: 16 hex';
        ok !ref $s->{startTimeUnixNano} && $s->{startTimeUnixNano} =~ /^\d{19}$/, 'start: ns as a string';
        ok $s->{endTimeUnixNano} =~ /^\d{19}$/ && $s->{endTimeUnixNano} >= $s->{startTimeUnixNano}, 'end after start';
        for my $at (@{ $s->{attributes} }) {
            my @types = keys %{ $at->{value} };
            ok @types == 1 && $types[0] =~ /^(stringValue|intValue|arrayValue)$/, "typed value $at->{key}";
            ok $at->{value}{intValue} =~ /^-?\d+$/, "$at->{key} as digits" if exists $at->{value}{intValue};
        }
        next if $s == $server;
        is $s->{kind}, 3, "$s->{name}: client";
        is $s->{parentSpanId}, $server->{spanId}, "$s->{name}: child of the server span";
    }
    my @pg = grep { (attrs($_)->{'db.system'}{stringValue} // '') eq 'postgresql' } @s;
    my @ddb = grep { (attrs($_)->{'rpc.system'}{stringValue} // '') eq 'aws-api' } @s;
    is scalar(@pg), $read->{db_calls}, 'one span per PostgreSQL statement';
    is scalar(@ddb), $read->{ddb_calls}, 'one span per DynamoDB call';
    for (@pg) {
        ok attrs($_)->{'db.operation.name'}{stringValue}, "db.operation.name $_->{name}";
    }
    for (@ddb) {
        my $x = attrs($_);
        is $x->{'rpc.service'}{stringValue}, 'DynamoDB', 'rpc.service';
        ok $x->{'rpc.method'}{stringValue}, "rpc.method $x->{'rpc.method'}{stringValue}";
        ok $x->{'aws.dynamodb.table_names'}{arrayValue}{values}[0]{stringValue}, 'aws.dynamodb.table_names';
    }
    # A request without traceparent starts its own trace, at the root.
    my $post = access_line($post_id) or return fail('the post\'s line');
    like $post->{trace_id}, $HEX32, 'a new trace';
    my $pcalls = $post->{db_calls} + $post->{ddb_calls} + $post->{jwks_calls};
    my @ps = spans_of($post->{trace_id}, 1 + $pcalls);
    is scalar(@ps), 1 + $pcalls, "the post: one span per backend call ($pcalls)";
    my ($root) = grep { $_->{kind} == 2 } @ps;
    ok $root && !exists $root->{parentSpanId}, 'a root server span';
    my @all = (@s, @ps);
    ok((grep { (attrs($_)->{'db.system'}{stringValue} // '') eq 'postgresql' } @all),
       'PostgreSQL statements were traced');
};

# ---- a receiver that misbehaves ----
sub timed_requests {
    my ($what) = @_;
    my ($ok, $slowest) = (0, 0);
    for my $i (1 .. 12) {
        my $t0 = time;
        my $r = $i % 3 ? api(GET => '/api/activities/home')
                       : api(GET => "/api/messages/$seed", token => 'andrewbrown');
        my $dt = time - $t0;
        $slowest = $dt if $dt > $slowest;
        $ok++ if $r->{status} == 200 && ref $r->{json} eq 'ARRAY';
    }
    is $ok, 12, "$what: every answer right";
    cmp_ok $slowest, '<', 0.5, "$what: every answer on time (slowest " . sprintf('%.3f', $slowest) . ' s)';
}

subtest 'receiver failing, hanging, gone' => sub {
    $recv->mode('fail');
    timed_requests('receiver answers 500');
    $recv->mode('hang');
    timed_requests('receiver hangs');
    sleep 0.5;          # the export thread's batches meet the hang
    timed_requests('receiver hangs, exports timing out');
    $recv->stop;
    timed_requests('receiver gone');
};

subtest 'nothing secret in the logs or the spans' => sub {
    my $all = join "\n", log_lines();
    my $spans = join "\n", map { $_->{body} // '' } @{ $recv->posts };
    for ([token => $token], ['message text' => $message],
         ['query string' => "secretquery$$"], ['exporter header' => $secret_header]) {
        my ($what, $s) = @$_;
        ok index($all, $s) < 0, "no $what in the logs";
        ok index($spans, $s) < 0, "no $what in the spans";
    }
    my $fails = grep { /trace export: / } log_lines();
    ok $fails >= 1, 'export failures are logged';
    cmp_ok $fails, '<=', $ENV{CRUDDUR_WORKERS} || 4, 'at most once a minute per worker';
};

done_testing;
