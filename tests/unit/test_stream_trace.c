/* test_stream_trace.c - the stream processor's spans (aws/stream/
 * stream_trace.h) as a receiver in the test gets them: the Lambda path
 * flushes before the invocation answers, an invocation through the Runtime
 * API (the stand-in of lambda_fake.h) continues the X-Ray trace Lambda
 * hands it and carries the function's resource; the poller's batch,
 * record and DynamoDB call spans link up; and a retry event carries the
 * retry's time. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "app/trace/otlp.h"
#include "app/trace/tracer.h"
#include "aws/client/aws_client.h"
#include "aws/stream/stream_handler.h"
#include "aws/stream/stream_lambda.h"
#include "aws/stream/stream_trace.h"
#include "tests/unit/http_stub.h"
#include "tests/unit/lambda_fake.h"
#include "tests/unit/lambda_fixture.h"

static struct stub recv_stub;

/* A tracer exporting to the stub; batches only go when flushed (or after
 * a minute). */
static struct stream_trace *
trace_to_stub(void)
{
    struct stream_trace *st = NULL;
    char url[64];

    snprintf(url, sizeof(url), "http://127.0.0.1:%d", recv_stub.port);
    setenv("OTEL_EXPORTER_OTLP_ENDPOINT", url, 1);
    setenv("OTEL_BSP_SCHEDULE_DELAY", "60000", 1);
    setenv("OTEL_SERVICE_NAME", "stream-test", 1);
    assert_int_equal(stream_trace_new(&st), CR_OK);
    assert_non_null(st);
    return st;
}

/* The spans of the stub's last request. */
static json_t *
posted_spans(json_t **doc)
{
    *doc = json_loads(stub_body(&recv_stub), 0, NULL);
    assert_non_null(*doc);
    return json_object_get(json_array_get(json_object_get(json_array_get(
        json_object_get(*doc, "resourceSpans"), 0), "scopeSpans"), 0), "spans");
}

static const char *
attr_str(json_t *span, const char *key)
{
    json_t *a;
    size_t i;

    json_array_foreach(json_object_get(span, "attributes"), i, a)
        if (strcmp(json_string_value(json_object_get(a, "key")), key) == 0)
            return json_string_value(json_object_get(
                json_object_get(a, "value"), "stringValue"));
    return NULL;
}

static const char *
str_of(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

static void
test_off(void **state)
{
    struct stream_trace *st = (void *)1;

    (void)state;
    unsetenv("OTEL_EXPORTER_OTLP_ENDPOINT");
    unsetenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
    assert_int_equal(stream_trace_new(&st), CR_OK);
    assert_null(st);
    /* Every call takes the NULL of tracing off. */
    stream_trace_poll_begin(NULL, "t", "s");
    stream_trace_record_begin(NULL, NULL, "t");
    stream_trace_record_end(NULL, CR_OK, NULL);
    stream_trace_batch_end(NULL, 0, 0, NULL);
    stream_trace_flush(NULL);
    assert_null(obs_current);
}

/* The invocation's spans reach the receiver before the handler returns,
 * that is before the runtime answers: nothing waits here. */
static void
test_lambda_flushes_before_answer(void **state)
{
    struct lambda_runtime rt = { 0 };
    struct lambda_invocation inv;
    struct stream_handler h;
    struct stream_trace *st = trace_to_stub();
    const char *type = "Runtime.HandlerError";
    char *answer = NULL;
    json_t *doc, *spans, *root, *s;
    const char *root_id;
    size_t i;

    (void)state;
    lambda_invocation_init(&inv);
    snprintf(inv.request_id, sizeof(inv.request_id), "req-7");
    rt.current = &inv;
    st->function = "cruddur-messaging-stream";
    st->lambda = &rt;
    stream_handler_init(&h, &lfx_aws, "cruddur-messages");
    h.trace = st;
    assert_int_equal(stub_served(&recv_stub), 0);
    assert_int_equal(stream_lambda_handle(&h, lfx_batch_event,
                                          strlen(lfx_batch_event), &answer,
                                          &type), CR_OK);
    assert_int_equal(stub_served(&recv_stub), 1);
    assert_null(obs_current);
    assert_null(strstr(stub_body(&recv_stub), "secret words"));
    spans = posted_spans(&doc);
    assert_int_equal(json_array_size(spans), 4);
    root = json_array_get(spans, 3);        /* queued last, when it ended */
    assert_string_equal(str_of(root, "name"), "cruddur-messaging-stream");
    assert_int_equal(json_integer_value(json_object_get(root, "kind")), 2);
    assert_null(json_object_get(root, "parentSpanId"));
    assert_string_equal(attr_str(root, "faas.trigger"), "datasource");
    assert_string_equal(attr_str(root, "faas.invocation_id"), "req-7");
    /* One record of three failed: the batch is an error, reported back. */
    assert_int_equal(json_integer_value(json_object_get(
        json_object_get(root, "status"), "code")), 2);
    root_id = str_of(root, "spanId");
    for (i = 0; i < 3; i++) {
        s = json_array_get(spans, i);
        assert_int_equal(json_integer_value(json_object_get(s, "kind")), 5);
        assert_string_equal(str_of(s, "parentSpanId"), root_id);
        assert_string_equal(str_of(s, "traceId"), str_of(root, "traceId"));
        assert_string_equal(str_of(s, "name"), "process cruddur-messages");
        assert_string_equal(attr_str(s, "messaging.destination.name"),
                            "cruddur-messages");
    }
    s = json_array_get(spans, 0);
    assert_string_equal(attr_str(s, "messaging.message.id"), "100");
    assert_string_equal(attr_str(s, "cruddur.stream.event_name"), "REMOVE");
    assert_string_equal(attr_str(s, "faas.document.operation"), "delete");
    assert_int_equal(json_object_size(json_object_get(s, "status")), 0);
    s = json_array_get(spans, 2);
    assert_string_equal(attr_str(s, "messaging.message.id"), "300");
    assert_string_equal(attr_str(s, "faas.document.operation"), "insert");
    assert_int_equal(json_integer_value(json_object_get(
        json_object_get(s, "status"), "code")), 2);
    assert_string_equal(str_of(json_array_get(json_object_get(s, "events"), 0),
                               "name"), "exception");
    json_decref(doc);
    free(answer);
    lambda_invocation_free(&inv);
    stream_trace_free(st);
}

#define XRAY_ROOT "Root=1-5759e988-bd862e3fe1be46a994272793"
#define XRAY_TRACE "5759e988bd862e3fe1be46a994272793"
#define XRAY_ARN "arn:aws:lambda:us-east-1:123456789012:function:" \
                 "cruddur-messaging-stream:live"
#define XRAY_HEAD(fields) "Lambda-Runtime-Trace-Id: " fields "\r\n" \
    "Lambda-Runtime-Invoked-Function-Arn: " XRAY_ARN "\r\n"

/* One invocation of lfx_batch_event through the runtime loop against the
 * stand-in Runtime API, which sends head with it, traced with
 * OTEL_PROPAGATORS propagators (NULL: unset) and Lambda's variables. The
 * exports the receiver got meanwhile; *doc the last one's body when any. */
static int
run_invocation(const char *head, const char *propagators, json_t **doc)
{
    const char *events[1] = { lfx_batch_event };
    struct lambda_runtime rt;
    struct stream_handler h;
    struct stream_trace *st;
    struct fake f;
    char api[64];
    int before, n;

    *doc = NULL;
    fake_start(&f, events, 1);
    fake_set_head(&f, head);
    fake_api(&f, api, sizeof(api));
    assert_int_equal(lambda_runtime_init(&rt, api), CR_OK);
    if (propagators)
        setenv("OTEL_PROPAGATORS", propagators, 1);
    setenv("AWS_LAMBDA_FUNCTION_NAME", "cruddur-messaging-stream", 1);
    setenv("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST", 1);
    setenv("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128", 1);
    setenv("AWS_REGION", "eu-west-2", 1);
    st = trace_to_stub();
    unsetenv("OTEL_SERVICE_NAME");
    stream_trace_free(st);
    assert_int_equal(stream_trace_new_lambda(&st, &rt), CR_OK);
    assert_non_null(st);
    stream_handler_init(&h, &lfx_aws, "cruddur-messages");
    h.trace = st;
    before = stub_served(&recv_stub);
    assert_int_equal(lambda_runtime_run(&rt, stream_lambda_handle, &h, 1),
                     CR_OK);
    n = stub_served(&recv_stub) - before;
    /* Answered whether traced or not. */
    assert_int_equal(f.nreqs, 1);
    assert_string_equal(f.reqs[0].path,
                        "/2018-06-01/runtime/invocation/req-1/response");
    if (n > 0)
        *doc = json_loads(stub_body(&recv_stub), 0, NULL);
    stream_trace_free(st);
    lambda_runtime_free(&rt);
    fake_stop(&f);
    unsetenv("OTEL_PROPAGATORS");
    unsetenv("AWS_LAMBDA_FUNCTION_NAME");
    unsetenv("AWS_LAMBDA_FUNCTION_VERSION");
    unsetenv("AWS_LAMBDA_FUNCTION_MEMORY_SIZE");
    unsetenv("AWS_REGION");
    return n;
}

static json_t *
doc_spans(json_t *doc)
{
    return json_object_get(json_array_get(json_object_get(json_array_get(
        json_object_get(doc, "resourceSpans"), 0), "scopeSpans"), 0), "spans");
}

/* The invocation's root: the SERVER span (queued last). */
static json_t *
doc_root(json_t *doc)
{
    json_t *spans = doc_spans(doc);

    return json_array_get(spans, json_array_size(spans) - 1);
}

/* Lambda-Runtime-Trace-Id with xray-lambda: the invocation is a child of
 * Lambda's segment in its X-Ray trace, and so is every span under it;
 * the resource and span say which function, where. */
static void
test_lambda_xray_parent(void **state)
{
    json_t *doc, *root, *s, *res, *a;
    const char *rid;
    size_t i;

    (void)state;
    assert_int_equal(run_invocation(XRAY_HEAD("Lineage=d4d48d4d:0; "
                                              "Parent=53995c3f42cd8ad8;"
                                              XRAY_ROOT ";Sampled=1"),
                                    "tracecontext, baggage, xray-lambda",
                                    &doc), 1);
    assert_non_null(doc);
    root = doc_root(doc);
    assert_int_equal(json_integer_value(json_object_get(root, "kind")), 2);
    assert_string_equal(str_of(root, "traceId"), XRAY_TRACE);
    assert_string_equal(str_of(root, "parentSpanId"), "53995c3f42cd8ad8");
    assert_string_equal(attr_str(root, "faas.invocation_id"), "req-1");
    assert_string_equal(attr_str(root, "aws.lambda.invoked_arn"), XRAY_ARN);
    assert_string_equal(attr_str(root, "cloud.account.id"), "123456789012");
    rid = str_of(root, "spanId");
    assert_string_not_equal(rid, "53995c3f42cd8ad8");
    json_array_foreach(doc_spans(doc), i, s) {
        assert_string_equal(str_of(s, "traceId"), XRAY_TRACE);
        if (s != root)
            assert_string_equal(str_of(s, "parentSpanId"), rid);
    }
    res = json_object_get(json_array_get(json_object_get(doc,
                                                         "resourceSpans"), 0),
                          "resource");
    assert_string_equal(attr_str(res, "cloud.provider"), "aws");
    assert_string_equal(attr_str(res, "cloud.platform"), "aws_lambda");
    assert_string_equal(attr_str(res, "cloud.region"), "eu-west-2");
    assert_string_equal(attr_str(res, "faas.name"), "cruddur-messaging-stream");
    assert_string_equal(attr_str(res, "faas.version"), "$LATEST");
    assert_string_equal(attr_str(res, "service.name"),
                        "cruddur-messaging-stream");
    json_array_foreach(json_object_get(res, "attributes"), i, a)
        if (strcmp(str_of(a, "key"), "faas.max_memory") == 0)
            break;
    assert_non_null(a);
    assert_string_equal(str_of(json_object_get(a, "value"), "intValue"),
                        "134217728");
    json_decref(doc);
}

/* Sampled=0 from Lambda: the parent-based default sampler records nothing
 * (and the invocation is still answered). */
static void
test_lambda_xray_unsampled(void **state)
{
    json_t *doc;

    (void)state;
    assert_int_equal(run_invocation(XRAY_HEAD(XRAY_ROOT ";Parent="
                                              "53995c3f42cd8ad8;Sampled=0"),
                                    "xray-lambda", &doc), 0);
    assert_null(doc);
}

/* A header that is not well-formed, or xray-lambda not listed: a trace of
 * the invocation's own, a root. */
static void
test_lambda_xray_ignored(void **state)
{
    static const char *const heads[] = {
        XRAY_HEAD(XRAY_ROOT ";Parent=53995c3f42cd8ad8;Sampled=?"),
        XRAY_HEAD(XRAY_ROOT ";Lineage=d4d48d4d:0"),
        XRAY_HEAD("Root=1-5759e988-bd862e3fe1be46a99427279;"
                  "Parent=53995c3f42cd8ad8;Sampled=1"),
        XRAY_HEAD(XRAY_ROOT ";Parent=53995c3f42cd8ad8;Sampled=1;"
                  "Parent=1111111111111111"),
        "",
    };
    json_t *doc, *root;
    size_t i;

    (void)state;
    for (i = 0; i <= sizeof(heads) / sizeof(heads[0]); i++) {
        /* The last round: a good header, xray-lambda not asked for. */
        int last = i == sizeof(heads) / sizeof(heads[0]);

        assert_int_equal(run_invocation(
            last ? XRAY_HEAD(XRAY_ROOT ";Parent=53995c3f42cd8ad8;Sampled=1")
                 : heads[i],
            last ? "tracecontext,baggage" : "xray-lambda", &doc), 1);
        root = doc_root(doc);
        assert_string_equal(attr_str(root, "faas.invocation_id"), "req-1");
        assert_null(json_object_get(root, "parentSpanId"));
        assert_string_not_equal(str_of(root, "traceId"), XRAY_TRACE);
        json_decref(doc);
    }
}

/* The poller's batch: CONSUMER, its shard; a DynamoDB call made while a
 * record is handled is a client span of the record's, with the API's
 * attributes and its retry at the retry's time. */
static void
test_poll_batch_and_calls(void **state)
{
    struct stream_trace *st = trace_to_stub();
    json_t *rec = json_loads(lfx_batch_event, 0, NULL), *doc, *spans, *call;
    json_t *record, *root, *ev;
    int64_t t0 = obs_now_ns(), retry[1];
    char when[24];
    int before = stub_served(&recv_stub);

    (void)state;
    assert_non_null(rec);
    stream_trace_poll_begin(st, "cruddur-messages", "shardId-0001");
    assert_non_null(obs_current);
    stream_trace_record_begin(st, json_array_get(json_object_get(rec, "Records"),
                                                 2), "cruddur-messages");
    retry[0] = t0 + 1000;
    obs_call_end_retried(OBS_DDB, "Query", "cruddur-messages", 2, retry, t0,
                         NULL);
    stream_trace_record_end(st, CR_OK, NULL);
    stream_trace_batch_end(st, 1, 0, NULL);
    assert_null(obs_current);
    stream_trace_flush(st);
    assert_int_equal(stub_served(&recv_stub), before + 1);
    spans = posted_spans(&doc);
    assert_int_equal(json_array_size(spans), 3);
    record = json_array_get(spans, 0);
    call = json_array_get(spans, 1);
    root = json_array_get(spans, 2);
    assert_string_equal(str_of(root, "name"), "process cruddur-messages");
    assert_int_equal(json_integer_value(json_object_get(root, "kind")), 5);
    assert_string_equal(attr_str(root, "messaging.destination.partition.id"),
                        "shardId-0001");
    assert_string_equal(attr_str(root, "messaging.system"),
                        "aws_dynamodb_streams");
    assert_string_equal(str_of(record, "parentSpanId"), str_of(root, "spanId"));
    assert_string_equal(str_of(call, "parentSpanId"), str_of(record, "spanId"));
    assert_int_equal(json_integer_value(json_object_get(call, "kind")), 3);
    assert_string_equal(str_of(call, "name"), "DynamoDB.Query");
    assert_string_equal(attr_str(call, "rpc.system"), "aws-api");
    assert_string_equal(attr_str(call, "rpc.service"), "DynamoDB");
    assert_string_equal(attr_str(call, "rpc.method"), "Query");
    ev = json_array_get(json_object_get(call, "events"), 0);
    assert_string_equal(str_of(ev, "name"), "retry");
    snprintf(when, sizeof(when), "%lld", (long long)retry[0]);
    assert_string_equal(str_of(ev, "timeUnixNano"), when);
    assert_string_not_equal(str_of(ev, "timeUnixNano"),
                            str_of(call, "endTimeUnixNano"));
    json_decref(doc);
    json_decref(rec);
    stream_trace_free(st);
}

/* The recorder: retry i's event at retry_ns[i]; past what was kept (or
 * with no times), at the call's end. */
static void
test_retry_event_times(void **state)
{
    static const int64_t when[2] = { 1767323045000000100LL,
                                     1767323045000000200LL };
    struct obs_call c = { OBS_DDB, "PutItem", "t", 1767323045000000000LL,
                          1767323045000000900LL, 4, when, NULL };
    struct reqid_rng rng;
    struct trace_req *tr = calloc(1, sizeof(*tr));
    struct buf b;
    json_t *j, *ev;
    char *res = NULL;

    (void)state;
    assert_non_null(tr);
    reqid_rng_seed(&rng);
    tr->rng = &rng;
    tr->sampled = 1;
    tr->nspans = 1;
    c.attempts = 3;
    trace_req_call(tr, &c);
    assert_int_equal(tr->spans[1].retries, 2);
    assert_true(tr->spans[1].retry_ns[0] == when[0]);
    assert_true(tr->spans[1].retry_ns[1] == when[1]);
    c.retry_ns = NULL;
    trace_req_call(tr, &c);
    assert_int_equal(otlp_resource_json("x", NULL, NULL, 0, &res), CR_OK);
    buf_init(&b, 0);
    assert_int_equal(otlp_encode(&b, res, &tr->spans[1], 2), CR_OK);
    j = json_loads(b.data, 0, NULL);
    assert_non_null(j);
    ev = json_object_get(json_array_get(json_object_get(json_array_get(
        json_object_get(json_array_get(json_object_get(j, "resourceSpans"), 0),
                        "scopeSpans"), 0), "spans"), 0), "events");
    assert_int_equal(json_array_size(ev), 2);
    assert_string_equal(str_of(json_array_get(ev, 0), "timeUnixNano"),
                        "1767323045000000100");
    assert_string_equal(str_of(json_array_get(ev, 1), "timeUnixNano"),
                        "1767323045000000200");
    ev = json_object_get(json_array_get(json_object_get(json_array_get(
        json_object_get(json_array_get(json_object_get(j, "resourceSpans"), 0),
                        "scopeSpans"), 0), "spans"), 1), "events");
    assert_string_equal(str_of(json_array_get(ev, 1), "timeUnixNano"),
                        "1767323045000000900");
    json_decref(j);
    buf_free(&b);
    free(res);
    free(tr);
}

struct seen_call {
    int n, attempts;
    int64_t start_ns, end_ns, retry_ns;
};

static void
seen_call(void *arg, const struct obs_call *c)
{
    struct seen_call *s = arg;

    s->n++;
    s->attempts = c->attempts;
    s->start_ns = c->start_ns;
    s->end_ns = c->end_ns;
    s->retry_ns = c->retry_ns ? c->retry_ns[0] : 0;
}

/* The AWS client notes when a retry goes out: after the backoff (at least
 * half of base_delay_ms), before the call ends; not at its end. */
static void
test_client_retry_time(void **state)
{
    static const struct stub_reply replies[] = {
        { 500, "{\"__type\":\"com.amazonaws.dynamodb.v20120810#"
               "InternalServerError\",\"message\":\"x\"}" },
        { 200, "{\"Count\":0,\"Items\":[]}" },
    };
    struct seen_call seen = { 0 };
    struct obs_request obs = { .on_call = seen_call, .arg = &seen };
    struct aws_client c;
    struct aws_env env;
    struct stub ddb;
    json_t *req = json_pack("{s:s}", "TableName", "cruddur-messages"), *resp;
    char url[64];

    (void)state;
    assert_int_equal(stub_start(&ddb, replies, 2), 0);
    snprintf(url, sizeof(url), "http://127.0.0.1:%d", ddb.port);
    setenv("AWS_ENDPOINT_URL", url, 1);
    assert_int_equal(aws_env_load(&env, 0), CR_OK);
    assert_int_equal(aws_client_init(&c, &env), CR_OK);
    c.base_delay_ms = 80;
    obs_current = &obs;
    assert_int_equal(aws_call(&c, AWS_DYNAMODB, "Query", req, &resp, NULL),
                     CR_OK);
    obs_current = NULL;
    assert_int_equal(seen.n, 1);
    assert_int_equal(seen.attempts, 2);
    assert_true(seen.retry_ns - seen.start_ns >= 40 * 1000000LL);
    assert_true(seen.retry_ns < seen.end_ns);
    assert_int_equal(stub_served(&ddb), 2);
    json_decref(resp);
    json_decref(req);
    aws_client_free(&c);
    stub_stop(&ddb);
    unsetenv("AWS_ENDPOINT_URL");
}

static int
setup(void **state)
{
    static const struct stub_reply ok[] = { { 200, "{}" } };

    if (lfx_setup(state))
        return -1;
    return stub_start(&recv_stub, ok, 1);
}

static int
teardown(void **state)
{
    stub_stop(&recv_stub);
    return lfx_teardown(state);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_off),
        cmocka_unit_test(test_lambda_flushes_before_answer),
        cmocka_unit_test(test_lambda_xray_parent),
        cmocka_unit_test(test_lambda_xray_unsampled),
        cmocka_unit_test(test_lambda_xray_ignored),
        cmocka_unit_test(test_poll_batch_and_calls),
        cmocka_unit_test(test_retry_event_times),
        cmocka_unit_test(test_client_retry_time),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
