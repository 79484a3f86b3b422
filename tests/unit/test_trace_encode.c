/* test_trace_encode.c - the OTLP JSON of a span, byte for byte: every
 * attribute type, escapes, UTF-8, events and status (the collector's
 * parser is strict, and the export path writes this text as it is). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "app/core/jsonw.h"
#include "app/trace/otlp.h"

/* A client span with a parent, a tracestate, a string of each kind
 * (plain, escaped, UTF-8, invalid UTF-8), an int, a one-string array,
 * two retries (the second of unknown time) and an error. */
static void
full_span(struct span *s)
{
    memset(s, 0, sizeof(*s));
    memset(s->trace_id, 0xab, 16);
    s->trace_id[15] = 0x01;
    memset(s->span_id, 0x02, 8);
    memset(s->parent_id, 0xf0, 8);
    s->has_parent = 1;
    s->kind = SPAN_KIND_CLIENT;
    span_copy(s->name, sizeof(s->name), 0, "DynamoDB.Query");
    span_copy(s->trace_state, sizeof(s->trace_state), 0, "congo=t61rcWkgMzE");
    s->start_ns = 1767323045000000001LL;
    s->end_ns = 1767323045000000999LL;
    span_attr_str(s, "rpc.method", "Query");
    span_attr_str(s, "q", "a\"b\\c\nd\x01");
    span_attr_str(s, "utf8", "h\xc3\xa9llo \xe2\x98\x83");
    span_attr_str(s, "bad", "x\xff\xc3\xa9");
    span_attr_int(s, "n", -42);
    span_attr_int(s, "big", INT64_MAX);
    span_attr_list1(s, "aws.dynamodb.table_names", "cruddur-messages");
    s->retries = 2;
    s->retry_ns[0] = 1767323045000000100LL;
    span_set_error(s, "DynamoDB", "ProvisionedThroughputExceeded: \"slow\"");
}

static const char full_json[] =
    "{\"traceId\":\"ababababababababababababababab01\","
    "\"spanId\":\"0202020202020202\",\"parentSpanId\":\"f0f0f0f0f0f0f0f0\","
    "\"traceState\":\"congo=t61rcWkgMzE\",\"name\":\"DynamoDB.Query\","
    "\"kind\":3,\"startTimeUnixNano\":\"1767323045000000001\","
    "\"endTimeUnixNano\":\"1767323045000000999\",\"attributes\":["
    "{\"key\":\"rpc.method\",\"value\":{\"stringValue\":\"Query\"}},"
    "{\"key\":\"q\",\"value\":{\"stringValue\":\"a\\\"b\\\\c\\u000ad\\u0001\"}},"
    "{\"key\":\"utf8\",\"value\":{\"stringValue\":\"h\xc3\xa9llo \xe2\x98\x83\"}},"
    "{\"key\":\"bad\",\"value\":{\"stringValue\":\"x???\"}},"
    "{\"key\":\"n\",\"value\":{\"intValue\":\"-42\"}},"
    "{\"key\":\"big\",\"value\":{\"intValue\":\"9223372036854775807\"}},"
    "{\"key\":\"aws.dynamodb.table_names\",\"value\":{\"arrayValue\":"
    "{\"values\":[{\"stringValue\":\"cruddur-messages\"}]}}}],"
    "\"events\":[{\"timeUnixNano\":\"1767323045000000100\",\"name\":\"retry\"},"
    "{\"timeUnixNano\":\"1767323045000000999\",\"name\":\"retry\"},"
    "{\"timeUnixNano\":\"1767323045000000999\",\"name\":\"exception\","
    "\"attributes\":[{\"key\":\"exception.type\",\"value\":{\"stringValue\":"
    "\"DynamoDB\"}},{\"key\":\"exception.message\",\"value\":{\"stringValue\":"
    "\"ProvisionedThroughputExceeded: \\\"slow\\\"\"}}]}],"
    "\"status\":{\"code\":2,\"message\":\"DynamoDB\"}}";

static void
test_span_json(void **state)
{
    struct span s;
    struct buf b;

    (void)state;
    full_span(&s);
    buf_init(&b, 0);
    assert_int_equal(otlp_span_json(&b, &s), CR_OK);
    assert_string_equal(b.data, full_json);
    assert_int_equal(b.len, strlen(full_json));
    buf_free(&b);
}

/* A bare span: no parent, no tracestate, no attributes, an empty status,
 * an end before its start written as the start. */
static void
test_span_json_bare(void **state)
{
    struct span s;
    struct buf b;

    (void)state;
    memset(&s, 0, sizeof(s));
    s.trace_id[0] = 1;
    s.span_id[7] = 0xff;
    s.kind = SPAN_KIND_SERVER;
    span_copy(s.name, sizeof(s.name), 0, "GET");
    s.start_ns = 20;
    s.end_ns = 10;
    buf_init(&b, 0);
    assert_int_equal(otlp_span_json(&b, &s), CR_OK);
    assert_string_equal(b.data,
        "{\"traceId\":\"01000000000000000000000000000000\","
        "\"spanId\":\"00000000000000ff\",\"name\":\"GET\",\"kind\":2,"
        "\"startTimeUnixNano\":\"20\",\"endTimeUnixNano\":\"20\","
        "\"attributes\":[],\"status\":{}}");
    buf_free(&b);
}

/* The request: resource, scope, the spans comma-separated, closed. */
static void
test_encode_batch(void **state)
{
    static const char res[] = "{\"attributes\":[]}";
    struct span s[2];
    struct buf b, want;

    (void)state;
    full_span(&s[0]);
    full_span(&s[1]);
    buf_init(&b, 0);
    buf_init(&want, 0);
    assert_int_equal(otlp_encode(&b, res, s, 2), CR_OK);
    assert_int_equal(buf_append_str(&want, "{\"resourceSpans\":[{\"resource\":"
                     "{\"attributes\":[]},\"scopeSpans\":[{\"scope\":{\"name\":"
                     "\"cruddur\"},\"spans\":["), CR_OK);
    assert_int_equal(buf_append_str(&want, full_json), CR_OK);
    assert_int_equal(buf_append_str(&want, ","), CR_OK);
    assert_int_equal(buf_append_str(&want, full_json), CR_OK);
    assert_int_equal(buf_append_str(&want, "]}]}]}"), CR_OK);
    assert_string_equal(b.data, want.data);
    buf_free(&b);
    buf_free(&want);
}

/* A character to escape (or a non-ASCII one) found wherever it is in a
 * string: the writer scans eight bytes at a time. */
static void
test_escape_positions(void **state)
{
    static const char special[] = { '"', '\\', 0x01, 0x1f, 0x7f, (char)0xe9 };
    struct span s;
    struct buf b, want;
    struct jsonw w;
    size_t pos, k;

    (void)state;
    memset(&s, 0, sizeof(s));
    for (pos = 0; pos < 23; pos++) {
        for (k = 0; k < sizeof(special); k++) {
            memset(s.name, 'a', 23);
            s.name[23] = '\0';
            s.name[pos] = special[k];
            buf_init(&b, 0);
            buf_init(&want, 0);
            jsonw_init(&w, &want);
            jsonw_str(&w, s.name);
            assert_int_equal(otlp_span_json(&b, &s), CR_OK);
            assert_non_null(strstr(b.data, want.data));
            buf_free(&b);
            buf_free(&want);
        }
    }
}

/* Span strings are cut to their field before a character, never inside
 * one, so a long UTF-8 value stays valid (and is not turned into '?'). */
static void
test_span_copy(void **state)
{
    char out[8];

    (void)state;
    assert_int_equal(span_copy(out, sizeof(out), 0, "abc"), 3);
    assert_string_equal(out, "abc");
    assert_int_equal(span_copy(out, sizeof(out), 3, "defghij"), 7);
    assert_string_equal(out, "abcdefg");
    /* "abcde" + U+2603 (3 bytes) does not fit in 7: cut before it. */
    assert_int_equal(span_copy(out, sizeof(out), 0,
                               "abcde\xe2\x98\x83"), 5);
    assert_string_equal(out, "abcde");
    assert_int_equal(span_copy(out, sizeof(out), 0, "abcd\xe2\x98\x83"), 7);
    assert_string_equal(out, "abcd\xe2\x98\x83");
    assert_int_equal(span_copy(out, sizeof(out), 7, "x"), 7);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_span_json),
        cmocka_unit_test(test_span_json_bare),
        cmocka_unit_test(test_encode_batch),
        cmocka_unit_test(test_escape_positions),
        cmocka_unit_test(test_span_copy),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
