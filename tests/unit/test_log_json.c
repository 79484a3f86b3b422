/* test_log_json.c - the JSON access line: every field, its types, what
 * it must never hold, the EMF metadata, and the escaping writer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "app/core/jsonw.h"
#include "app/core/log.h"

/* 2026-01-02T03:04:05.678901Z */
#define NOW_NS (1767323045LL * 1000000000 + 678901234)

static json_t *
line_of(const struct log_access *a, int emf)
{
    struct buf b;
    json_t *j;

    buf_init(&b, 0);
    assert_int_equal(log_access_json(&b, a, emf, NOW_NS), CR_OK);
    assert_null(strchr(b.data, '\n'));
    j = json_loads(b.data, 0, NULL);
    assert_non_null(j);
    buf_free(&b);
    return j;
}

static void
test_fields(void **state)
{
    struct log_access a = {
        .pid = 4242, .method = "GET", .path = "/api/messages/x?q=secret",
        .route = "/api/messages/{message_group_uuid}", .status = 200,
        .us = 12345, .request_id = "rid-1",
        .trace_id = "0af7651916cd43dd8448eb211c80319c",
        .amzn_trace_id = "Root=1-5759e988-bd862e3fe1be46a994272793",
        .user = "d4960f3f-64aa-4c24-b054-05f50ec84231",
        .db_ns = 2500000, .db_calls = 2, .ddb_ns = 7000, .ddb_calls = 1,
    };
    json_t *j;

    (void)state;
    j = line_of(&a, 0);
    assert_string_equal(json_string_value(json_object_get(j, "time")),
                        "2026-01-02T03:04:05.678901Z");
    assert_string_equal(json_string_value(json_object_get(j, "level")), "info");
    assert_string_equal(json_string_value(json_object_get(j, "request_id")),
                        "rid-1");
    assert_string_equal(json_string_value(json_object_get(j, "trace_id")),
                        "0af7651916cd43dd8448eb211c80319c");
    assert_string_equal(json_string_value(json_object_get(j, "amzn_trace_id")),
                        "Root=1-5759e988-bd862e3fe1be46a994272793");
    assert_string_equal(json_string_value(json_object_get(j, "route")),
                        "/api/messages/{message_group_uuid}");
    assert_int_equal(json_integer_value(json_object_get(j, "status")), 200);
    assert_true(json_real_value(json_object_get(j, "duration_ms")) == 12.345);
    assert_true(json_real_value(json_object_get(j, "db_ms")) == 2.5);
    assert_int_equal(json_integer_value(json_object_get(j, "db_calls")), 2);
    assert_true(json_real_value(json_object_get(j, "ddb_ms")) == 0.007);
    assert_int_equal(json_integer_value(json_object_get(j, "ddb_calls")), 1);
    assert_int_equal(json_integer_value(json_object_get(j, "jwks_calls")), 0);
    assert_string_equal(json_string_value(json_object_get(j, "user_uuid")),
                        "d4960f3f-64aa-4c24-b054-05f50ec84231");
    assert_int_equal(json_integer_value(json_object_get(j, "pid")), 4242);
    /* A 200 has no error; the raw path (and its query) is never logged. */
    assert_null(json_object_get(j, "error"));
    assert_null(json_object_get(j, "path"));
    assert_null(json_object_get(j, "_aws"));
    json_decref(j);
}

static void
test_errors(void **state)
{
    struct log_access a = {
        .pid = 1, .method = "POST", .route = NULL, .status = 503, .us = 1,
        .request_id = "r", .error = "db_unavailable",
        .detail = "db: connect: connection refused \"x\"\x01",
    };
    json_t *j;

    (void)state;
    j = line_of(&a, 0);
    assert_string_equal(json_string_value(json_object_get(j, "level")), "error");
    assert_string_equal(json_string_value(json_object_get(j, "route")),
                        "unmatched");
    assert_string_equal(json_string_value(json_object_get(j, "error")),
                        "db_unavailable");
    assert_string_equal(json_string_value(json_object_get(j, "error_detail")),
                        "db: connect: connection refused \"x\"\x01");
    assert_null(json_object_get(j, "user_uuid"));
    assert_true(json_is_null(json_object_get(j, "trace_id")));
    json_decref(j);
    a.status = 404;
    a.error = "not_found";
    j = line_of(&a, 0);
    assert_string_equal(json_string_value(json_object_get(j, "level")), "info");
    assert_string_equal(json_string_value(json_object_get(j, "error")),
                        "not_found");
    assert_null(json_object_get(j, "error_detail"));   /* 5xx only */
    json_decref(j);
}

static void
test_emf(void **state)
{
    struct log_access a = { .pid = 1, .method = "GET", .route = "/api/x",
                            .status = 201, .us = 1500, .request_id = "r" };
    json_t *j, *cw, *dims;

    (void)state;
    j = line_of(&a, 1);
    assert_int_equal(json_integer_value(json_object_get(
                         json_object_get(j, "_aws"), "Timestamp")),
                     NOW_NS / 1000000);
    cw = json_array_get(json_object_get(json_object_get(j, "_aws"),
                                        "CloudWatchMetrics"), 0);
    assert_string_equal(json_string_value(json_object_get(cw, "Namespace")),
                        "Cruddur");
    dims = json_array_get(json_object_get(cw, "Dimensions"), 0);
    assert_string_equal(json_string_value(json_array_get(dims, 0)), "route");
    assert_string_equal(json_string_value(json_array_get(dims, 1)),
                        "status_code");
    /* Every dimension and metric the metadata names is in the line. */
    assert_string_equal(json_string_value(json_object_get(j, "status_code")),
                        "201");
    assert_int_equal(json_integer_value(json_object_get(j, "count")), 1);
    assert_true(json_real_value(json_object_get(j, "duration_ms")) == 1.5);
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(cw, "Metrics"), 0),
                            "Name")), "duration_ms");
    json_decref(j);
}

static void
test_writer_escapes(void **state)
{
    struct buf b;
    struct jsonw w;

    (void)state;
    buf_init(&b, 0);
    jsonw_init(&w, &b);
    jsonw_begin(&w, '{');
    jsonw_key(&w, "a");
    jsonw_str(&w, "q\"b\\n\n\x1f");
    jsonw_key(&w, "utf8");
    jsonw_str(&w, "caf\xc3\xa9");
    jsonw_key(&w, "bad");
    jsonw_str(&w, "x\xff\xfey");
    jsonw_key(&w, "n");
    jsonw_begin(&w, '[');
    jsonw_int(&w, -5);
    jsonw_milli(&w, 7);
    jsonw_str(&w, NULL);
    jsonw_end(&w, ']');
    jsonw_end(&w, '}');
    assert_int_equal(w.rc, CR_OK);
    assert_string_equal(b.data, "{\"a\":\"q\\\"b\\\\n\\u000a\\u001f\","
                                "\"utf8\":\"caf\xc3\xa9\",\"bad\":\"x??y\","
                                "\"n\":[-5,0.007,null]}");
    buf_free(&b);
    /* A buffer limit is an error, not a cut line. */
    buf_init(&b, 4);
    jsonw_init(&w, &b);
    jsonw_str(&w, "longer than four");
    assert_int_not_equal(w.rc, CR_OK);
    buf_free(&b);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fields),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_emf),
        cmocka_unit_test(test_writer_escapes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
