# The stream processor's traces, against the tests' own OTLP receiver
# (lib/OtlpReceiver.pm), both ways it runs:
#
# - the poller, started again with the OTEL_* variables: a message sent
#   through the API comes back from the table's stream as a batch span
#   (CONSUMER, "process TABLE") with a CONSUMER span per record and the
#   DynamoDB calls the record made as client spans under it;
# - the Lambda function (build/bootstrap) against a stand-in Runtime API of
#   this test: its invocation's spans are at the receiver before it answers
#   (the Lambda freezes the process once it has), with a schedule delay of
#   a minute so that only the flush can have sent them; with xray-lambda in
#   OTEL_PROPAGATORS they continue the X-Ray trace of the invocation's
#   Lambda-Runtime-Trace-Id, and the resource names the function.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use File::Temp qw(tempdir);
use IO::Socket::INET;
use JSON::PP;
use POSIX ();
use Time::HiRes qw(time sleep);
use CruddurTest;
use CruddurLoad qw(restart_with);
use CruddurHard qw(pid_of wait_until);
use OtlpReceiver;

plan skip_all => 'the stream poller is not running' unless pid_of('stream') && kill 0, pid_of('stream');
my $build = $ENV{CRUDDUR_BUILD} || repo_root() . '/build';
my $json = JSON::PP->new->utf8;
my $table = $ENV{DDB_MESSAGES_TABLE} || 'cruddur-messages';
my $recv = OtlpReceiver->start;
my %otel = (
    OTEL_EXPORTER_OTLP_ENDPOINT => $recv->url,
    OTEL_SERVICE_NAME           => 'cruddur-stream-e2e',
    OTEL_TRACES_SAMPLER         => 'always_on',
    OTEL_BSP_SCHEDULE_DELAY     => '100',
);

sub restart_stream {
    restart_with('cr_stop stream "$CR_TEXT_stream" >/dev/null && cr_start_stream >/dev/null', \%otel, @_)
        or die "the stream poller did not restart\n";
}
END { my $rc = $?; restart_stream() if $recv; $? = $rc; }

sub attrs { return { map { $_->{key} => $_->{value} } @{ $_[0]{attributes} || [] } } }
sub str { my ($s, $k) = @_; return attrs($s)->{$k}{stringValue} }

# Every span the receiver holds, with its resource.
sub all_spans {
    my @s;
    for my $post (@{ $recv->posts }) {
        my $d = eval { $json->decode($post->{body}) } or next;
        for my $rs (@{ $d->{resourceSpans} }) {
            push @s, map { { %$_, _resource => $rs->{resource} } }
                     map { @{ $_->{spans} } } @{ $rs->{scopeSpans} };
        }
    }
    return @s;
}

sub check_encoding {
    my ($what, @spans) = @_;
    my $bad = 0;
    for my $s (@spans) {
        $bad++ unless $s->{traceId} =~ /^[0-9a-f]{32}$/ && $s->{spanId} =~ /^[0-9a-f]{16}$/
            && !ref $s->{startTimeUnixNano} && $s->{startTimeUnixNano} =~ /^\d{19}$/
            && $s->{endTimeUnixNano} =~ /^\d{19}$/ && $s->{endTimeUnixNano} >= $s->{startTimeUnixNano};
        for my $a (@{ $s->{attributes} }) {
            my @t = keys %{ $a->{value} };
            $bad++ unless @t == 1 && $t[0] =~ /^(stringValue|intValue|arrayValue)$/;
            $bad++ if exists $a->{value}{intValue} && $a->{value}{intValue} !~ /^-?\d+$/;
        }
    }
    is $bad, 0, "$what: OTLP JSON (hex ids, ns times as strings, typed values)";
}

my $groups = api(GET => '/api/message_groups', token => 'andrewbrown');
my ($seed) = map { $_->{uuid} } grep { $_->{handle} eq 'bayko' } @{ $groups->{json} || [] };
ok $seed, 'the seed conversation' or BAIL_OUT('no conversation');
my $message = "stream trace secret $$ " . int(rand(1e9));

subtest 'the poller' => sub {
    restart_stream(%otel);
    my $p = api(POST => '/api/messages', token => 'andrewbrown',
                json => { message => $message, message_group_uuid => $seed });
    is $p->{status}, 200, 'message sent';
    # The record of the message: an INSERT whose handling made DynamoDB calls.
    my ($batch, $record, @calls, @spans);
    wait_until(sub {
        @spans = all_spans();
        for my $r (grep { $_->{kind} == 5 && $_->{parentSpanId} && (str($_, 'cruddur.stream.event_name') // '') eq 'INSERT' } @spans) {
            my @c = grep { ($_->{parentSpanId} // '') eq $r->{spanId} } @spans;
            my ($b) = grep { $_->{spanId} eq $r->{parentSpanId} } @spans;
            next unless @c && $b;
            ($batch, $record, @calls) = ($b, $r, @c);
            return 1;
        }
        return 0;
    }, 20) or return fail('no traced INSERT record with DynamoDB calls');
    pass 'an INSERT record traced, with its DynamoDB calls';
    check_encoding('the poller', @spans);

    is $batch->{kind}, 5, 'batch: CONSUMER';
    is $batch->{name}, "process $table", 'batch: named "process TABLE"';
    ok !exists $batch->{parentSpanId}, 'batch: the root of its trace';
    is str($batch, 'messaging.system'), 'aws_dynamodb_streams', 'batch: messaging.system';
    is str($batch, 'messaging.operation.type'), 'process', 'batch: messaging.operation.type';
    is str($batch, 'messaging.destination.name'), $table, 'batch: messaging.destination.name';
    like str($batch, 'messaging.destination.partition.id'), qr/^shardId-/, 'batch: the shard';
    my $count = attrs($batch)->{'messaging.batch.message_count'}{intValue};
    ok $count && $count >= 1, "batch: messaging.batch.message_count ($count)";
    my %svc = map { $_->{key} => $_->{value}{stringValue} } @{ $batch->{_resource}{attributes} };
    is $svc{'service.name'}, 'cruddur-stream-e2e', 'resource service.name';
    my @records = grep { ($_->{parentSpanId} // '') eq $batch->{spanId} } @spans;
    is scalar(@records), $count, 'one span per record of the batch';
    is $batch->{status}{code} // 0, 0, 'batch: no error';

    is $record->{kind}, 5, 'record: CONSUMER';
    is $record->{traceId}, $batch->{traceId}, 'record: in the batch\'s trace';
    like str($record, 'messaging.message.id'), qr/^\d+$/, 'record: its sequence number';
    is str($record, 'faas.document.operation'), 'insert', 'record: faas.document.operation';
    is attrs($record)->{'aws.dynamodb.table_names'}{arrayValue}{values}[0]{stringValue}, $table,
        'record: aws.dynamodb.table_names';
    for my $c (@calls) {
        my $m = str($c, 'rpc.method') // '';
        is $c->{kind}, 3, "call $m: CLIENT";
        is $c->{name}, "DynamoDB.$m", "call $m: named DynamoDB.$m";
        is str($c, 'rpc.system'), 'aws-api', "call $m: rpc.system";
        is str($c, 'rpc.service'), 'DynamoDB', "call $m: rpc.service";
        is attrs($c)->{'aws.dynamodb.table_names'}{arrayValue}{values}[0]{stringValue}, $table,
            "call $m: aws.dynamodb.table_names";
    }
    ok((grep { str($_, 'rpc.method') eq 'Query' } @calls), 'the group rows read (Query)');
    ok((grep { str($_, 'rpc.method') eq 'TransactWriteItems' } @calls), 'a group row moved (TransactWriteItems)');
    my $all = join '', map { $_->{body} // '' } @{ $recv->posts };
    ok index($all, $message) < 0, 'no message text in the spans';
};

# ---- the Lambda function ----

# A stand-in Runtime API: one event, then 500s (the bootstrap gives up);
# for the response it notes how many exports the receiver had by then.
sub runtime_api {
    my ($event, $dir, $trace_header) = @_;
    my ($srv, $port);
    for (1 .. 200) {
        $port = 20000 + int(rand(12000));
        $srv = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => $port,
                                     Listen => 16, ReuseAddr => 1) and last;
    }
    die "no port\n" unless $srv;
    my $pid = fork() // die "fork: $!\n";
    if ($pid == 0) {
        my $given = 0;
        while (my $c = $srv->accept) {
            my $raw = '';
            while ($raw !~ /\r\n\r\n/ || length($raw) < _want($raw)) {
                sysread($c, my $chunk, 65536) or last;
                $raw .= $chunk;
            }
            my ($line) = $raw =~ /^(\S+ \S+)/;
            my ($status, $head, $body) = (202, '', '{}');
            if ($line eq 'GET /2018-06-01/runtime/invocation/next') {
                if ($given++) {
                    $status = 500;
                } else {
                    ($status, $body) = (200, $event);
                    $head = "Lambda-Runtime-Aws-Request-Id: e2e-inv-$$\r\n"
                          . "Lambda-Runtime-Deadline-Ms: " . int((time + 60) * 1000) . "\r\n"
                          . "Lambda-Runtime-Trace-Id: $trace_header\r\n";
                }
            } elsif ($line =~ m{^POST /2018-06-01/runtime/invocation/([^/]+)/(response|error)$}) {
                my $n = scalar @{ $recv->posts };
                my (undef, $b) = split /\r\n\r\n/, $raw, 2;
                if (open(my $fh, '>', "$dir/answer")) {
                    print $fh "$2 $1 $n\n$b";
                    close $fh;
                }
            }
            print $c "HTTP/1.1 $status X\r\nContent-Type: application/json\r\n$head"
                   . "Content-Length: " . length($body) . "\r\nConnection: close\r\n\r\n$body";
            close $c;
        }
        POSIX::_exit(0);
    }
    close $srv;
    return ($pid, $port);
}

sub _want {
    my ($raw) = @_;
    my ($head) = split /\r\n\r\n/, $raw, 2;
    my ($len) = $head =~ /^content-length:\s*(\d+)/mi;
    return length($head) + 4 + ($len // 0);
}

subtest 'the Lambda function' => sub {
    plan skip_all => "no $build/bootstrap" unless -x "$build/bootstrap";
    my $user = sql_value("SELECT uuid FROM public.users WHERE handle = 'andrewbrown'");
    # A message older than the conversation's rows: the handler reads them
    # (a Query) and has nothing to move, so the seed data stays as it is.
    my $old = '2000-01-01T00:00:00.000000+00:00';
    my $image = { pk => { S => "MSG#$seed" }, sk => { S => $old },
                  message_uuid => { S => '0b9c2a4e-1f3d-4c5b-8a7e-6d5c4b3a2f1e' },
                  message_group_uuid => { S => $seed }, message => { S => $message },
                  user_uuid => { S => $user }, user_display_name => { S => 'Andrew Brown' },
                  user_handle => { S => 'andrewbrown' } };
    my $event = $json->encode({ Records => [{
        eventID => 'e2e-1', eventName => 'INSERT', eventSource => 'aws:dynamodb',
        dynamodb => { Keys => { pk => $image->{pk}, sk => $image->{sk} },
                      NewImage => $image, SequenceNumber => '4200000000000000000001' } }] });
    my $dir = tempdir('cruddur-lambda-api.XXXXXX', TMPDIR => 1, CLEANUP => 1);
    my $before = scalar @{ $recv->posts };
    # The X-Ray trace Lambda hands the invocation, fields as Lambda orders them.
    my ($t1, $t2, $parent) = map { join '', map { sprintf '%x', int rand 16 } 1 .. $_ } 8, 24, 16;
    my $xray = "Root=1-$t1-$t2;Parent=$parent;Sampled=1;Lineage=1f2e3d4c:0";
    my ($api, $port) = runtime_api($event, $dir, $xray);
    my %env = (%otel, OTEL_BSP_SCHEDULE_DELAY => '60000',
               OTEL_PROPAGATORS => 'tracecontext,baggage,xray-lambda',
               AWS_LAMBDA_RUNTIME_API => "127.0.0.1:$port",
               AWS_LAMBDA_FUNCTION_NAME => 'cruddur-messaging-stream-e2e',
               AWS_LAMBDA_FUNCTION_MEMORY_SIZE => '128',
               AWS_REGION => $ENV{AWS_DEFAULT_REGION} || 'us-east-1',
               map { $_ => $ENV{$_} } grep { defined $ENV{$_} }
                   qw(AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_ENDPOINT_URL DDB_MESSAGES_TABLE));
    my $out = `env -i @{[ map { "$_='$env{$_}'" } sort keys %env ]} "$build/bootstrap" 2>&1`;
    kill 'KILL', $api;
    { local $?; waitpid $api, 0; }   # its status is not the test's
    open(my $fh, '<', "$dir/answer") or return fail("the function never answered:\n$out");
    my ($kind, $id, $had) = split ' ', scalar <$fh>;
    my $answer = do { local $/; <$fh> };
    is $kind, 'response', 'the invocation answered';
    is $answer, '{"batchItemFailures":[]}', 'no record failed';
    cmp_ok $had, '>', $before, 'its spans were at the receiver before it answered';

    my @spans = grep { $_->{_resource} } all_spans();
    my ($inv) = grep { $_->{kind} == 2 && $_->{name} eq 'cruddur-messaging-stream-e2e' } @spans;
    ok $inv, 'an invocation span: SERVER, named by the function' or return diag $out;
    check_encoding('the Lambda', grep { $_->{traceId} eq $inv->{traceId} } @spans);
    is str($inv, 'faas.trigger'), 'datasource', 'faas.trigger';
    is str($inv, 'faas.invocation_id'), "e2e-inv-$api", 'faas.invocation_id: the request id';
    is attrs($inv)->{'messaging.batch.message_count'}{intValue}, '1', 'one record';
    is $inv->{traceId}, "$t1$t2", 'in the X-Ray trace of Lambda-Runtime-Trace-Id (Root\'s hex parts)';
    is $inv->{parentSpanId}, $parent, 'a child of its Parent';
    my %res = map { $_->{key} => $_->{value} } @{ $inv->{_resource}{attributes} };
    is $res{'faas.name'}{stringValue}, 'cruddur-messaging-stream-e2e', 'resource faas.name';
    is $res{'faas.max_memory'}{intValue}, 128 * 1024 * 1024, 'resource faas.max_memory, bytes';
    is $res{'cloud.provider'}{stringValue}, 'aws', 'resource cloud.provider';
    is $res{'cloud.region'}{stringValue}, $env{AWS_REGION}, 'resource cloud.region';
    my ($rec) = grep { ($_->{parentSpanId} // '') eq $inv->{spanId} } @spans;
    ok $rec, 'the record\'s span, under the invocation' or return;
    is str($rec, 'messaging.message.id'), '4200000000000000000001', 'its sequence number';
    is $rec->{traceId}, "$t1$t2", 'the record\'s span in the same trace';
    my @calls = grep { ($_->{parentSpanId} // '') eq $rec->{spanId} } @spans;
    ok((grep { str($_, 'rpc.method') eq 'Query' && str($_, 'rpc.service') eq 'DynamoDB' } @calls),
       'the Query it made, a client span under the record\'s');
    my $all = join '', map { $_->{body} // '' } @{ $recv->posts };
    ok index($all, $message) < 0, 'no message text in the spans';
};

done_testing;
