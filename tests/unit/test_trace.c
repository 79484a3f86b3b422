/* test_trace.c - W3C traceparent and X-Ray header parsing, the samplers, the OTLP/HTTP
 * JSON encoding of spans and resources, and the route as http.route. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <jansson.h>

#include "app/http/router.h"
#include "app/trace/otlp.h"
#include "app/trace/tracer.h"

#define TP "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"

static void
test_traceparent(void **state)
{
    struct trace_parent p;
    static const unsigned char tid[16] = {
        0x0a, 0xf7, 0x65, 0x19, 0x16, 0xcd, 0x43, 0xdd,
        0x84, 0x48, 0xeb, 0x21, 0x1c, 0x80, 0x31, 0x9c };
    static const unsigned char sid[8] = {
        0xb7, 0xad, 0x6b, 0x71, 0x69, 0x20, 0x33, 0x31 };

    (void)state;
    assert_true(trace_parent_parse(TP, &p));
    assert_memory_equal(p.trace_id, tid, 16);
    assert_memory_equal(p.span_id, sid, 8);
    assert_int_equal(p.flags, 1);
    assert_true(trace_parent_parse(
        "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00", &p));
    assert_int_equal(p.flags, 0);
    /* A later version may add fields after a dash. */
    assert_true(trace_parent_parse(
        "01-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-x", &p));
    /* Refused: upper case, zero ids, version ff, 00 with more, short. */
    assert_false(trace_parent_parse(
        "00-0AF7651916CD43DD8448EB211C80319C-b7ad6b7169203331-01", &p));
    assert_false(trace_parent_parse(
        "00-00000000000000000000000000000000-b7ad6b7169203331-01", &p));
    assert_false(trace_parent_parse(
        "00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01", &p));
    assert_false(trace_parent_parse(
        "ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", &p));
    assert_false(trace_parent_parse(TP "-x", &p));
    assert_false(trace_parent_parse(
        "01-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01x", &p));
    assert_false(trace_parent_parse("00-0af7651916cd43dd-b7ad6b7169203331-01",
                                    &p));
    assert_false(trace_parent_parse(
        "00_0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", &p));
    assert_false(trace_parent_parse(
        "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-0g", &p));
    assert_false(trace_parent_parse("", &p));
    assert_false(trace_parent_parse(NULL, &p));
}

#define XR_ROOT "Root=1-5759e988-bd862e3fe1be46a994272793"
#define XR_PARENT "Parent=53995c3f42cd8ad8"

/* The X-Ray header as Lambda hands it, and the shapes that must start a
 * new trace instead: each refused one is refused whole. */
static void
test_xray_header(void **state)
{
    static const char *const bad[] = {
        "", ";;", XR_PARENT ";Sampled=1",                   /* no Root */
        XR_ROOT ";Sampled=1",                               /* no Parent */
        XR_ROOT ";" XR_PARENT,                              /* no Sampled */
        XR_ROOT ";Lineage=d4d48d4d:0",                      /* PassThrough */
        XR_ROOT ";" XR_PARENT ";Sampled=?",                 /* deferred */
        XR_ROOT ";" XR_PARENT ";Sampled=01",
        XR_ROOT ";" XR_PARENT ";Sampled=",
        "Root=2-5759e988-bd862e3fe1be46a994272793;" XR_PARENT ";Sampled=1",
        "Root=1-5759e98-bd862e3fe1be46a9942727931;" XR_PARENT ";Sampled=1",
        "Root=1-5759e988-bd862e3fe1be46a99427279;" XR_PARENT ";Sampled=1",
        "Root=1-5759e988-bd862e3fe1be46a9942727933;" XR_PARENT ";Sampled=1",
        "Root=1_5759e988-bd862e3fe1be46a994272793;" XR_PARENT ";Sampled=1",
        "Root=1-5759E988-bd862e3fe1be46a994272793;" XR_PARENT ";Sampled=1",
        "Root=1-5759e988-bd862e3fe1be46a99427279g;" XR_PARENT ";Sampled=1",
        "Root=1-00000000-000000000000000000000000;" XR_PARENT ";Sampled=1",
        XR_ROOT ";Parent=0000000000000000;Sampled=1",
        XR_ROOT ";Parent=53995c3f42cd8ad;Sampled=1",
        XR_ROOT ";Parent=53995c3f42cd8ad8a;Sampled=1",
        XR_ROOT ";Parent=53995c3f42cd8aX8;Sampled=1",
        XR_ROOT ";" XR_PARENT ";Sampled=1;" XR_ROOT,        /* twice */
        XR_ROOT ";" XR_PARENT ";Parent=1111111111111111;Sampled=1",
        XR_ROOT ";" XR_PARENT ";Sampled=0;Sampled=1",
        "Root = 1-5759e988-bd862e3fe1be46a994272793;" XR_PARENT ";Sampled=1",
        "root=1-5759e988-bd862e3fe1be46a994272793;" XR_PARENT ";Sampled=1",
        XR_ROOT ";" XR_PARENT ";Sampled=1;junk",            /* no '=' */
        XR_ROOT ";" XR_PARENT ";Sampled=1;=x",
        XR_ROOT "," XR_PARENT ",Sampled=1",
    };
    static const unsigned char tid[16] = {
        0x57, 0x59, 0xe9, 0x88, 0xbd, 0x86, 0x2e, 0x3f,
        0xe1, 0xbe, 0x46, 0xa9, 0x94, 0x27, 0x27, 0x93 };
    static const unsigned char sid[8] = {
        0x53, 0x99, 0x5c, 0x3f, 0x42, 0xcd, 0x8a, 0xd8 };
    struct trace_parent p;
    size_t i;

    (void)state;
    assert_true(trace_xray_parse(XR_ROOT ";" XR_PARENT ";Sampled=1", &p));
    assert_memory_equal(p.trace_id, tid, 16);
    assert_memory_equal(p.span_id, sid, 8);
    assert_int_equal(p.flags, 1);
    /* Any order, blanks around fields, other fields, a trailing ';'. */
    memset(&p, 0, sizeof(p));
    assert_true(trace_xray_parse(" Sampled=0 ;Lineage=d4d48d4d:0|cbc84ad3:0;"
                                 XR_PARENT ";\tSelf=1-67891233-abcdef;"
                                 XR_ROOT " ;", &p));
    assert_memory_equal(p.trace_id, tid, 16);
    assert_memory_equal(p.span_id, sid, 8);
    assert_int_equal(p.flags, 0);
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (trace_xray_parse(bad[i], &p))
            fail_msg("taken: \"%s\"", bad[i]);
    assert_false(trace_xray_parse(NULL, &p));
}

static void
test_propagators(void **state)
{
    (void)state;
    assert_true(trace_propagator_listed("tracecontext, baggage ,xray-lambda",
                                        "xray-lambda"));
    assert_true(trace_propagator_listed("xray-lambda", "xray-lambda"));
    assert_false(trace_propagator_listed("tracecontext,xray", "xray-lambda"));
    assert_false(trace_propagator_listed("xray-lambdax", "xray-lambda"));
    assert_false(trace_propagator_listed("", "xray-lambda"));
    assert_false(trace_propagator_listed(NULL, "xray-lambda"));
}

static void
test_tracestate(void **state)
{
    char out[TRACE_STATE_SIZE], big[400];

    (void)state;
    trace_state_keep("congo=t61rcWkgMzE,rojo=00f067aa0ba902b7", out);
    assert_string_equal(out, "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7");
    trace_state_keep("a=b\n", out);
    assert_string_equal(out, "");
    memset(big, 'a', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    trace_state_keep(big, out);
    assert_string_equal(out, "");
    trace_state_keep(NULL, out);
    assert_string_equal(out, "");
}

static void
test_sampler(void **state)
{
    unsigned char low[16] = { 0 }, high[16];
    enum trace_sampler s;
    double r;

    (void)state;
    memset(high, 0xff, sizeof(high));
    low[15] = 1;
    assert_true(tracer_sampler_parse(NULL, NULL, &s, &r));
    assert_int_equal(s, SAMPLER_PB_ALWAYS_ON);
    assert_true(tracer_sampler_parse("parentbased_traceidratio", "0.25", &s, &r));
    assert_int_equal(s, SAMPLER_PB_RATIO);
    assert_true(r == 0.25);
    assert_false(tracer_sampler_parse("sometimes", NULL, &s, &r));
    assert_false(tracer_sampler_parse("traceidratio", "1.5", &s, &r));
    assert_false(tracer_sampler_parse("traceidratio", "x", &s, &r));
    /* Ratio: the id's last 56 bits against ratio * 2^56. */
    assert_true(tracer_sample(SAMPLER_RATIO, 0.5, 0, 0, low));
    assert_false(tracer_sample(SAMPLER_RATIO, 0.5, 0, 0, high));
    assert_false(tracer_sample(SAMPLER_RATIO, 0.0, 0, 0, low));
    assert_true(tracer_sample(SAMPLER_RATIO, 1.0, 0, 0, high));
    /* Parent based: the caller's decision wins, the ratio is for roots. */
    assert_true(tracer_sample(SAMPLER_PB_RATIO, 0.0, 1, 1, high));
    assert_false(tracer_sample(SAMPLER_PB_RATIO, 1.0, 1, 0, low));
    assert_false(tracer_sample(SAMPLER_PB_RATIO, 0.5, 0, 0, high));
    assert_true(tracer_sample(SAMPLER_PB_ALWAYS_ON, 0, 0, 0, high));
    assert_false(tracer_sample(SAMPLER_PB_ALWAYS_OFF, 0, 0, 0, low));
    assert_true(tracer_sample(SAMPLER_PB_ALWAYS_OFF, 0, 1, 1, low));
    assert_false(tracer_sample(SAMPLER_ALWAYS_OFF, 0, 1, 1, low));
    assert_true(tracer_sample(SAMPLER_ALWAYS_ON, 0, 1, 0, low));
}

static json_t *
attr(json_t *attrs, const char *key)
{
    size_t i;
    json_t *a;

    json_array_foreach(attrs, i, a)
        if (strcmp(json_string_value(json_object_get(a, "key")), key) == 0)
            return json_object_get(a, "value");
    return NULL;
}

/* The value of attribute key, of OTLP kind ("stringValue", "intValue"). */
static const char *
attr_text(json_t *attrs, const char *key, const char *kind)
{
    return json_string_value(json_object_get(attr(attrs, key), kind));
}

static void
test_resource(void **state)
{
    static const struct otlp_attr detected[] = {
        { "faas.name", "fn", 0 },
        { "faas.max_memory", NULL, 134217728 },
        { "service.name", "fn", 0 },
    };
    char *res = NULL;
    json_t *j, *attrs;

    (void)state;
    assert_int_equal(otlp_resource_json(NULL,
        "deployment.environment=prod, team=a%2Cb ,bad,service.name=api",
        NULL, 0, &res), CR_OK);
    j = json_loads(res, 0, NULL);
    assert_non_null(j);
    attrs = json_object_get(j, "attributes");
    assert_string_equal(attr_text(attrs, "service.name", "stringValue"), "api");
    assert_string_equal(attr_text(attrs, "deployment.environment", "stringValue"), "prod");
    assert_string_equal(attr_text(attrs, "team", "stringValue"), "a,b");
    assert_null(attr(attrs, "bad"));
    json_decref(j);
    free(res);
    /* OTEL_SERVICE_NAME wins; nothing set at all: "cruddur". */
    assert_int_equal(otlp_resource_json("svc", "service.name=api", NULL, 0,
                                        &res), CR_OK);
    assert_non_null(strstr(res, "\"stringValue\":\"svc\""));
    assert_null(strstr(res, "\"api\""));
    free(res);
    assert_int_equal(otlp_resource_json(NULL, NULL, NULL, 0, &res), CR_OK);
    assert_non_null(strstr(res, "\"stringValue\":\"cruddur\""));
    free(res);
    /* What the program found: below the operator's attributes, an integer
     * typed as one, its service.name below both names. */
    assert_int_equal(otlp_resource_json(NULL, "faas.name=set", detected, 3,
                                        &res), CR_OK);
    j = json_loads(res, 0, NULL);
    assert_non_null(j);
    attrs = json_object_get(j, "attributes");
    assert_string_equal(attr_text(attrs, "faas.name", "stringValue"), "set");
    assert_string_equal(attr_text(attrs, "faas.max_memory", "intValue"), "134217728");
    assert_string_equal(attr_text(attrs, "service.name", "stringValue"), "fn");
    assert_int_equal(json_array_size(attrs), 4);
    json_decref(j);
    free(res);
    assert_int_equal(otlp_resource_json(NULL, "service.name=api", detected, 3,
                                        &res), CR_OK);
    j = json_loads(res, 0, NULL);
    assert_string_equal(json_string_value(json_object_get(attr(
        json_object_get(j, "attributes"), "service.name"), "stringValue")),
        "api");
    json_decref(j);
    free(res);
}

static void
test_encode(void **state)
{
    struct span s[2];
    struct buf b;
    json_t *j, *spans, *sp, *ev, *v;
    char *res = NULL;

    (void)state;
    memset(s, 0, sizeof(s));
    memset(s[0].trace_id, 0xab, 16);
    memset(s[0].span_id, 0x01, 8);
    s[0].kind = SPAN_KIND_SERVER;
    snprintf(s[0].name, sizeof(s[0].name), "GET /api/x/{id}");
    snprintf(s[0].trace_state, sizeof(s[0].trace_state), "k=v");
    s[0].start_ns = 1767323045000000001LL;
    s[0].end_ns = 1767323045000000999LL;
    span_attr_str(&s[0], "http.request.method", "GET");
    span_attr_int(&s[0], "http.response.status_code", 503);
    span_set_error(&s[0], "db_unavailable", "db: connect: refused");
    s[1] = s[0];
    s[1].nattrs = 0;
    s[1].error = 0;
    s[1].kind = SPAN_KIND_CLIENT;
    s[1].has_parent = 1;
    memcpy(s[1].parent_id, s[0].span_id, 8);
    memset(s[1].span_id, 0x02, 8);
    s[1].retries = 2;
    span_attr_list1(&s[1], "aws.dynamodb.table_names", "cruddur-messages");
    assert_int_equal(otlp_resource_json("cruddur", NULL, NULL, 0, &res), CR_OK);
    buf_init(&b, 0);
    assert_int_equal(otlp_encode(&b, res, s, 2), CR_OK);
    j = json_loads(b.data, 0, NULL);
    assert_non_null(j);
    spans = json_object_get(json_array_get(json_object_get(json_array_get(
        json_object_get(j, "resourceSpans"), 0), "scopeSpans"), 0), "spans");
    assert_int_equal(json_array_size(spans), 2);
    sp = json_array_get(spans, 0);
    assert_string_equal(json_string_value(json_object_get(sp, "traceId")),
                        "abababababababababababababababab");
    assert_string_equal(json_string_value(json_object_get(sp, "spanId")),
                        "0101010101010101");
    assert_null(json_object_get(sp, "parentSpanId"));
    assert_string_equal(json_string_value(json_object_get(sp, "traceState")),
                        "k=v");
    assert_int_equal(json_integer_value(json_object_get(sp, "kind")), 2);
    /* Nanosecond times and int values are strings (int64 in JSON). */
    assert_string_equal(json_string_value(json_object_get(sp,
                        "startTimeUnixNano")), "1767323045000000001");
    assert_string_equal(json_string_value(json_object_get(sp,
                        "endTimeUnixNano")), "1767323045000000999");
    v = attr(json_object_get(sp, "attributes"), "http.response.status_code");
    assert_string_equal(json_string_value(json_object_get(v, "intValue")), "503");
    v = attr(json_object_get(sp, "attributes"), "http.request.method");
    assert_string_equal(json_string_value(json_object_get(v, "stringValue")),
                        "GET");
    assert_int_equal(json_integer_value(json_object_get(
                         json_object_get(sp, "status"), "code")), 2);
    ev = json_array_get(json_object_get(sp, "events"), 0);
    assert_string_equal(json_string_value(json_object_get(ev, "name")),
                        "exception");
    v = attr(json_object_get(ev, "attributes"), "exception.message");
    assert_string_equal(json_string_value(json_object_get(v, "stringValue")),
                        "db: connect: refused");
    sp = json_array_get(spans, 1);
    assert_string_equal(json_string_value(json_object_get(sp, "parentSpanId")),
                        "0101010101010101");
    assert_int_equal(json_integer_value(json_object_get(sp, "kind")), 3);
    assert_int_equal(json_array_size(json_object_get(sp, "events")), 2);
    assert_int_equal(json_object_size(json_object_get(sp, "status")), 0);
    v = attr(json_object_get(sp, "attributes"), "aws.dynamodb.table_names");
    assert_string_equal(json_string_value(json_object_get(json_array_get(
        json_object_get(json_object_get(v, "arrayValue"), "values"), 0),
        "stringValue")), "cruddur-messages");
    json_decref(j);
    buf_free(&b);
    free(res);
}

static void
test_request_spans(void **state)
{
    struct reqid_rng rng;
    struct trace_req tr;
    struct obs_call call = { OBS_PG, "home_activities", NULL, 10, 20, 1, NULL,
                             NULL };
    struct trace_server in = { .method = "GET", .route = "/api/x/{id}",
                               .path = "/api/x/1", .status = 200 };
    struct trace_parent xp;

    (void)state;
    reqid_rng_seed(&rng);
    /* Off (no tracer): a trace id for the logs, nothing recorded. */
    trace_req_begin(&tr, NULL, &rng, TP, NULL, 1);
    assert_string_equal(tr.trace_hex, "0af7651916cd43dd8448eb211c80319c");
    assert_false(tr.sampled);
    assert_int_equal(tr.nspans, 0);
    trace_req_begin(&tr, NULL, &rng, "junk", NULL,
                    1767323045LL * 1000000000);
    assert_int_equal(strlen(tr.trace_hex), 32);
    /* A new id starts with the time (X-Ray's rule): 0x695735a5. */
    assert_memory_equal(tr.trace_hex, "695735a5", 8);
    assert_string_not_equal(tr.trace_hex, "0af7651916cd43dd8448eb211c80319c");
    /* A parsed X-Ray parent: the same place decides as for traceparent. */
    assert_true(trace_xray_parse(XR_ROOT ";" XR_PARENT ";Sampled=1", &xp));
    trace_req_begin_from(&tr, NULL, &rng, &xp, NULL, 1);
    assert_string_equal(tr.trace_hex, "5759e988bd862e3fe1be46a994272793");
    /* The spans a traced request records (the tracer is only read for
     * its sampler, which a sampled flag makes irrelevant here). */
    tr.sampled = 1;
    tr.nspans = 1;
    memset(&tr.spans[0], 0, sizeof(tr.spans[0]));
    memset(tr.spans[0].span_id, 7, 8);
    trace_req_call(&tr, &call);
    trace_req_end(&tr, &in, 30);
    assert_int_equal(tr.nspans, 2);
    assert_memory_equal(tr.spans[1].trace_id, tr.trace_id, 16);
    assert_string_equal(tr.spans[0].name, "GET /api/x/{id}");
    assert_string_equal(tr.spans[1].name, "home_activities");
    assert_true(tr.spans[1].has_parent);
    assert_memory_equal(tr.spans[1].parent_id, tr.spans[0].span_id, 8);
    assert_string_equal(tr.spans[1].attrs[0].key, "db.system");
    assert_string_equal(tr.spans[1].attrs[0].s, "postgresql");
}

static void
sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

    nanosleep(&ts, NULL);
}

/* The export thread waits for a batch's age (OTEL_BSP_SCHEDULE_DELAY)
 * before sending, and a collector that refuses costs a counted failure. */
static void
test_export_batching(void **state)
{
    struct tracer *t = NULL;
    struct reqid_rng rng;
    struct trace_req *tr = calloc(1, sizeof(*tr));
    struct trace_server in = { .method = "GET", .status = 200 };
    unsigned long exported, failed, dropped;
    int64_t submitted;
    int i;

    (void)state;
    assert_non_null(tr);
    reqid_rng_seed(&rng);
    /* No endpoint: no tracer. */
    unsetenv("OTEL_EXPORTER_OTLP_ENDPOINT");
    unsetenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
    assert_int_equal(tracer_new(&t), CR_OK);
    assert_null(t);
    /* Port 1 on the loopback refuses at once. */
    setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:1/", 1);
    setenv("OTEL_BSP_SCHEDULE_DELAY", "400", 1);
    setenv("OTEL_TRACES_SAMPLER", "always_on", 1);
    assert_int_equal(tracer_new(&t), CR_OK);
    assert_non_null(t);
    submitted = obs_now_ns();
    for (i = 0; i < 3; i++) {
        trace_req_begin(tr, t, &rng, NULL, NULL, obs_now_ns());
        assert_true(tr->sampled);
        trace_req_end(tr, &in, obs_now_ns());
        tracer_submit(t, tr);
    }
    /* Nothing is sent before the batch is 400 ms old: looked at while it
     * surely is not (a test thread descheduled that long proves nothing,
     * and is not a failure). */
    sleep_ms(150);
    tracer_counts(t, &exported, &failed, &dropped);
    if (obs_now_ns() - submitted < 350 * 1000000LL)
        assert_int_equal(failed, 0);
    for (i = 0; i < 100 && failed == 0; i++) {
        sleep_ms(20);
        tracer_counts(t, &exported, &failed, &dropped);
    }
    assert_int_equal(failed, 1);        /* one batch, refused */
    assert_int_equal(dropped, 3);
    assert_int_equal(exported, 0);
    tracer_free(t);
    free(tr);
    unsetenv("OTEL_EXPORTER_OTLP_ENDPOINT");
    unsetenv("OTEL_BSP_SCHEDULE_DELAY");
    unsetenv("OTEL_TRACES_SAMPLER");
}

static void
test_route_template(void **state)
{
    char out[64], small[8];

    (void)state;
    router_template("/api/messages/:message_group_uuid", out, sizeof(out));
    assert_string_equal(out, "/api/messages/{message_group_uuid}");
    router_template("/api/activities/@:handle", out, sizeof(out));
    assert_string_equal(out, "/api/activities/@{handle}");
    router_template("/api/activities/:activity_uuid/reply", out, sizeof(out));
    assert_string_equal(out, "/api/activities/{activity_uuid}/reply");
    router_template("/api/health-check", out, sizeof(out));
    assert_string_equal(out, "/api/health-check");
    router_template("/a/:longname", small, sizeof(small));
    assert_true(strlen(small) < sizeof(small));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_traceparent),
        cmocka_unit_test(test_xray_header),
        cmocka_unit_test(test_propagators),
        cmocka_unit_test(test_tracestate),
        cmocka_unit_test(test_sampler),
        cmocka_unit_test(test_resource),
        cmocka_unit_test(test_encode),
        cmocka_unit_test(test_request_spans),
        cmocka_unit_test(test_export_batching),
        cmocka_unit_test(test_route_template),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
