/* test_json_out.c - JSON strings and times in PostgreSQL's exact bytes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "app/core/json_out.h"

static void
check_str(const char *in, const char *want)
{
    struct buf b;

    buf_init(&b, 0);
    assert_int_equal(json_out_str(&b, in), CR_OK);
    assert_string_equal(buf_str(&b), want);
    buf_free(&b);
}

static void
test_str_escapes(void **state)
{
    (void)state;
    check_str("", "\"\"");
    check_str("plain", "\"plain\"");
    check_str("a\"b\\c/d", "\"a\\\"b\\\\c/d\"");
    check_str("\b\f\n\r\t", "\"\\b\\f\\n\\r\\t\"");
    check_str("\x01\x1f", "\"\\u0001\\u001f\"");
    /* DEL and UTF-8 (U+2028 too) pass as they are. */
    check_str("\x7f\xc3\xa9\xe2\x80\xa8\xf0\x9f\x98\x80",
              "\"\x7f\xc3\xa9\xe2\x80\xa8\xf0\x9f\x98\x80\"");
    check_str("x\ny", "\"x\\ny\"");
}

/* Every byte jansson may meet in a string, and UTF-8: the same bytes as
 * jansson's compact dump. */
static void
test_str_jansson(void **state)
{
    char in[160], *want;
    json_t *js;
    struct buf b;
    int c, n = 0;

    (void)state;
    for (c = 1; c < 128; c++)
        in[n++] = (char)c;
    memcpy(in + n, "\xc3\xa9\xe2\x80\xa8\xf0\x9f\x98\x80", 9);
    in[n + 9] = '\0';
    js = json_string(in);
    assert_non_null(js);
    want = json_dumps(js, JSON_COMPACT | JSON_ENCODE_ANY);
    buf_init(&b, 0);
    assert_int_equal(json_out_str_jansson(&b, in), CR_OK);
    assert_string_equal(buf_str(&b), want);
    buf_free(&b);
    free(want);
    json_decref(js);
}

static void
check_time(int64_t us, const char *want)
{
    struct buf b;

    buf_init(&b, 0);
    assert_int_equal(json_out_time(&b, us), CR_OK);
    assert_string_equal(buf_str(&b), want);
    buf_free(&b);
}

static void
test_time_fraction(void **state)
{
    (void)state;
    check_time(0, "\"1970-01-01T00:00:00+00:00\"");
    check_time(1795851613000000LL, "\"2026-11-28T07:40:13+00:00\"");
    check_time(1795851613123456LL, "\"2026-11-28T07:40:13.123456+00:00\"");
    check_time(1795851613120000LL, "\"2026-11-28T07:40:13.12+00:00\"");
    check_time(1795851613000001LL, "\"2026-11-28T07:40:13.000001+00:00\"");
    check_time(1795851613100000LL, "\"2026-11-28T07:40:13.1+00:00\"");
    check_time(-1, "\"1969-12-31T23:59:59.999999+00:00\"");
    check_time(951782400000000LL, "\"2000-02-29T00:00:00+00:00\"");
}

static void
test_parse_i64(void **state)
{
    int64_t v;

    (void)state;
    assert_int_equal(json_out_parse_i64("0", &v), CR_OK);
    assert_int_equal(v, 0);
    assert_int_equal(json_out_parse_i64("-42", &v), CR_OK);
    assert_int_equal(v, -42);
    assert_int_equal(json_out_parse_i64("9223372036854775807", &v), CR_OK);
    assert_true(v == INT64_MAX);
    assert_int_equal(json_out_parse_i64("-9223372036854775808", &v), CR_OK);
    assert_true(v == INT64_MIN);
    assert_int_equal(json_out_parse_i64("9223372036854775808", &v), CR_INVALID);
    assert_int_equal(json_out_parse_i64("", &v), CR_INVALID);
    assert_int_equal(json_out_parse_i64("-", &v), CR_INVALID);
    assert_int_equal(json_out_parse_i64("1e6", &v), CR_INVALID);
    assert_int_equal(json_out_parse_i64(" 1", &v), CR_INVALID);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_str_escapes),
        cmocka_unit_test(test_str_jansson),
        cmocka_unit_test(test_time_fraction),
        cmocka_unit_test(test_parse_i64),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
