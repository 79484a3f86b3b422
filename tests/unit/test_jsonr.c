/* test_jsonr.c - the one-pass JSON reader (app/core/jsonr.c) and the
 * DynamoDB answer reader on it (aws/client/ddb_items.c): valid shapes,
 * escapes and surrogate pairs decoded in place, attributes of other types
 * and other clients read past, truncated and malformed text refused
 * cleanly, the nesting limit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "app/core/jsonr.h"
#include "aws/client/ddb_items.h"

/* A writable copy of a literal (the reader decodes in place). */
static char *
text_of(const char *s)
{
    char *t = strdup(s);

    assert_non_null(t);
    return t;
}

/* The one string value of text, decoded. */
static cr_code
string_of(const char *text, char *out, size_t size, size_t *len)
{
    char *t = text_of(text), *s;
    struct jsonr r;
    cr_code rc;

    jsonr_init(&r, t, strlen(t));
    if ((rc = jsonr_string(&r, &s, len)) == CR_OK &&
        (rc = jsonr_end(&r)) == CR_OK) {
        assert_true(*len < size);
        memcpy(out, s, *len + 1);
    }
    free(t);
    return rc;
}

/* Whether text is one valid JSON value, skipped whole. */
static int
valid(const char *text)
{
    char *t = text_of(text);
    struct jsonr r;
    int ok;

    jsonr_init(&r, t, strlen(t));
    ok = jsonr_skip(&r) == CR_OK && jsonr_end(&r) == CR_OK;
    assert_true(ok || r.why != NULL);       /* a failure says why */
    free(t);
    return ok;
}

static void
test_strings(void **state)
{
    char s[64];
    size_t len;

    (void)state;
    assert_int_equal(string_of("\"plain\"", s, sizeof(s), &len), CR_OK);
    assert_string_equal(s, "plain");
    assert_int_equal(string_of("\"\\\" \\\\ \\/ \\b\\f\\n\\r\\t\"", s, sizeof(s),
                               &len), CR_OK);
    assert_string_equal(s, "\" \\ / \b\f\n\r\t");
    assert_int_equal(string_of("\"\\u0041\\u00e9\\u20AC\"", s, sizeof(s), &len),
                     CR_OK);
    assert_string_equal(s, "A\xc3\xa9\xe2\x82\xac");
    /* A surrogate pair is one 4-byte sequence (U+1F600), beside raw UTF-8. */
    assert_int_equal(string_of("\"\\ud83d\\ude00 \xf0\x9f\x98\x80\"", s,
                               sizeof(s), &len), CR_OK);
    assert_string_equal(s, "\xf0\x9f\x98\x80 \xf0\x9f\x98\x80");
    assert_int_equal(string_of("\"\\uDBFF\\uDFFF\"", s, sizeof(s), &len), CR_OK);
    assert_string_equal(s, "\xf4\x8f\xbf\xbf");             /* U+10FFFF */
    assert_int_equal(string_of("\"\xe2\x80\xa8\"", s, sizeof(s), &len), CR_OK);
    /* \u0000 is decoded: the length tells it from the end. */
    assert_int_equal(string_of("\"a\\u0000b\"", s, sizeof(s), &len), CR_OK);
    assert_int_equal(len, 3);
    assert_int_equal(memcmp(s, "a\0b", 3), 0);
    assert_int_equal(string_of("\"\"", s, sizeof(s), &len), CR_OK);
    assert_int_equal(len, 0);
}

static void
test_bad_strings(void **state)
{
    static const char *const bad[] = {
        "\"unterminated", "\"\\", "\"\\x\"", "\"\\u12\"", "\"\\u12g4\"",
        "\"\\ud83d\"",                  /* a high surrogate alone */
        "\"\\ud83d\\u0041\"",           /* followed by no low one */
        "\"\\ude00\"",                  /* a low surrogate alone */
        "\"tab\tinside\"", "\"nl\ninside\"", "\"\x01\"",
        "\"\xc3\"", "\"\xc0\xaf\"",     /* truncated, overlong */
        "\"\xed\xa0\x80\"",             /* a surrogate in UTF-8 */
        "\"\xf4\x90\x80\x80\"",         /* past U+10FFFF */
        "\"\xff\"", "'single'",
    };
    char s[64];
    size_t i, len;

    (void)state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (string_of(bad[i], s, sizeof(s), &len) != CR_INVALID)
            fail_msg("accepted %s", bad[i]);
    }
}

static void
test_values(void **state)
{
    static const char *const good[] = {
        "{}", "[]", " \t\r\n{ } ", "0", "-0", "12", "-1.5e+10", "1E-2",
        "0.5", "true", "false", "null", "\"s\"",
        "{\"a\":[1,2,{\"b\":null}],\"c\":{\"d\":\"e\"}}",
        "[[[[[[[[[[]]]]]]]]]]",
    };
    static const char *const bad[] = {
        "", " ", "{", "[", "}", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "[1,]",
        "[,1]", "{,}", "{\"a\" 1}", "{a:1}", "[1 2]", "01", "1.", ".5", "-",
        "1e", "+1", "tru", "nul", "True", "NaN", "[1]]", "{} {}", "[}",
        "{]", "{\"a\":1]", "\"a\" \"b\"", "[1,2", "{\"a\":[}",
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        if (!valid(good[i]))
            fail_msg("refused %s", good[i]);
    }
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (valid(bad[i]))
            fail_msg("accepted %s", bad[i]);
    }
}

/* JSONR_MAX_DEPTH containers nest; one more is refused. */
static void
test_depth(void **state)
{
    char text[2 * (JSONR_MAX_DEPTH + 1) + 1];
    char *t;
    struct jsonr r;
    int d;

    (void)state;
    for (d = JSONR_MAX_DEPTH; d <= JSONR_MAX_DEPTH + 1; d++) {
        memset(text, '[', (size_t)d);
        memset(text + d, ']', (size_t)d);
        text[2 * d] = '\0';
        t = text_of(text);
        jsonr_init(&r, t, strlen(t));
        if (d == JSONR_MAX_DEPTH) {
            assert_int_equal(jsonr_skip(&r), CR_OK);
            assert_int_equal(jsonr_end(&r), CR_OK);
        } else {
            assert_int_equal(jsonr_skip(&r), CR_INVALID);
            assert_string_equal(r.why, "nested too deep");
        }
        free(t);
    }
}

static void
test_int(void **state)
{
    static const char *const bad[] = { "1.0", "1e3", "9223372036854775808",
                                       "\"1\"", "-9223372036854775809" };
    char *t;
    struct jsonr r;
    int64_t v;
    size_t i;

    (void)state;
    t = text_of("[9223372036854775807, -9223372036854775808, 0]");
    jsonr_init(&r, t, strlen(t));
    assert_int_equal(jsonr_open(&r, JSONR_ARRAY), CR_OK);
    assert_int_equal(jsonr_elem(&r), 1);
    assert_int_equal(jsonr_int(&r, &v), CR_OK);
    assert_true(v == INT64_MAX);
    assert_int_equal(jsonr_elem(&r), 1);
    assert_int_equal(jsonr_int(&r, &v), CR_OK);
    assert_true(v == INT64_MIN);
    assert_int_equal(jsonr_elem(&r), 1);
    assert_int_equal(jsonr_int(&r, &v), CR_OK);
    assert_int_equal(v, 0);
    assert_int_equal(jsonr_elem(&r), 0);
    assert_int_equal(jsonr_end(&r), CR_OK);
    free(t);
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        t = text_of(bad[i]);
        jsonr_init(&r, t, strlen(t));
        assert_int_equal(jsonr_int(&r, &v), CR_INVALID);
        free(t);
    }
}

/* ---- ddb_items_read ---- */

static const char *const names[] = { "pk", "message", "n" };

struct seen {
    int items;
    char text[8][3][64];        /* each item's attributes; "-" absent,
                                 * "?" present but not a usable S */
};

static cr_code
seen_item(void *arg, const struct ddb_attr *a)
{
    struct seen *s = arg;
    int i;

    if (s->items >= 8)
        return CR_INTERNAL;
    for (i = 0; i < 3; i++) {
        snprintf(s->text[s->items][i], sizeof(s->text[0][0]), "%s",
                 a[i].s ? a[i].s : a[i].present ? "?" : "-");
        /* A NUL inside is kept, told by the length: shown as "\\0". */
        if (a[i].s && strlen(a[i].s) < a[i].len && a[i].len < 60) {
            assert_int_equal(a[i].s[a[i].len], '\0');
            snprintf(s->text[s->items][i], sizeof(s->text[0][0]), "%s\\0%s",
                     a[i].s, a[i].s + strlen(a[i].s) + 1);
        }
    }
    s->items++;
    return CR_OK;
}

static cr_code
read_items(const char *text, struct seen *s, struct ddb_items_info *info,
           const char **why)
{
    char *t = text_of(text);
    cr_code rc;

    memset(s, 0, sizeof(*s));
    rc = ddb_items_read(t, strlen(t), names, 3, seen_item, s, info, why);
    free(t);
    return rc;
}

static void
test_items(void **state)
{
    struct ddb_items_info info;
    struct seen s;
    const char *why = NULL;

    (void)state;
    assert_int_equal(read_items(
        "{\"Items\":[{\"pk\":{\"S\":\"MSG#1\"},\"message\":{\"S\":\"hi \\\"you\\\"\"},"
        "\"n\":{\"S\":\"\\ud83d\\ude00\"}},"
        "{\"message\":{\"S\":\"two\"},\"pk\":{\"S\":\"MSG#2\"}}],"
        "\"Count\":2,\"ScannedCount\":2,"
        "\"LastEvaluatedKey\":{\"pk\":{\"S\":\"MSG#2\"}}}", &s, &info, &why),
        CR_OK);
    assert_int_equal(s.items, 2);
    assert_string_equal(s.text[0][0], "MSG#1");
    assert_string_equal(s.text[0][1], "hi \"you\"");
    assert_string_equal(s.text[0][2], "\xf0\x9f\x98\x80");
    assert_string_equal(s.text[1][0], "MSG#2");    /* any member order */
    assert_string_equal(s.text[1][1], "two");
    assert_string_equal(s.text[1][2], "-");
    assert_int_equal(info.count, 2);
    assert_int_equal(info.more, 1);

    /* The last page: no LastEvaluatedKey; an empty list. */
    assert_int_equal(read_items("{\"Count\":0,\"Items\":[]}", &s, &info, NULL),
                     CR_OK);
    assert_int_equal(s.items, 0);
    assert_int_equal(info.count, 0);
    assert_int_equal(info.more, 0);
}

/* What other clients write: every other type, more attributes, more
 * members of the answer, an element that is not an item. */
static void
test_foreign(void **state)
{
    struct seen s;

    (void)state;
    assert_int_equal(read_items(
        "{\"ConsumedCapacity\":{\"TableName\":\"t\",\"CapacityUnits\":0.5},"
        "\"Items\":[{\"pk\":{\"N\":\"1\"},\"message\":{\"S\":\"ok\"},"
        "\"other\":{\"L\":[{\"M\":{\"a\":{\"NULL\":true}}},{\"BOOL\":false},"
        "{\"B\":\"AAEC\"},{\"SS\":[\"a\",\"b\"]},{\"NS\":[\"1\",\"2.5e3\"]}]},"
        "\"n\":{\"S\":\"x\",\"N\":\"2\"}},"
        "{\"pk\":{\"S\":5},\"message\":{\"S\":\"nul\\u0000inside\"},"
        "\"n\":\"not an attribute\"},"
        "17,"
        "{\"pk\":{},\"message\":{\"S\":\"a\"},\"message\":{\"S\":\"again\"}}],"
        "\"Future\":[1,{\"x\":null}]}", &s, NULL, NULL), CR_OK);
    assert_int_equal(s.items, 4);
    assert_string_equal(s.text[0][0], "?");        /* N, not S */
    assert_string_equal(s.text[0][1], "ok");
    assert_string_equal(s.text[0][2], "?");        /* S and N together */
    assert_string_equal(s.text[1][0], "?");        /* S not a string */
    assert_string_equal(s.text[1][1], "nul\\0inside"); /* a NUL inside */
    assert_string_equal(s.text[1][2], "?");        /* not an object */
    assert_string_equal(s.text[2][0], "-");        /* 17: no attributes */
    assert_string_equal(s.text[3][0], "?");        /* {} */
    assert_string_equal(s.text[3][1], "again");    /* the last one, as jansson */
}

static void
test_bad_answers(void **state)
{
    static const char *const backend[] = {
        "", "{", "{\"Items\":[", "{\"Items\":[{\"pk\":{\"S\":\"a\"}}",
        "{\"Items\":[{\"pk\":{\"S\":\"a\"}}]", "{\"Items\":[]} x",
        "{\"Items\":[{\"pk\":{\"S\":\"\\ud800\"}}]}",
        "{\"Items\":[{\"pk\":{\"S\":\"\xc3\"}}]}",
        "{\"Items\":[],\"Items\":[]}", "{\"Items\":1,\"Items\":[]}",
        "{\"Items\":[],\"Count\":1.5}", "\"Items\"", "null",
    };
    static const char *const invalid[] = {
        "{}", "{\"Items\":{}}", "{\"Items\":null}", "[]", "[{\"Items\":[]}]",
    };
    struct seen s;
    const char *why;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(backend) / sizeof(backend[0]); i++) {
        why = NULL;
        if (read_items(backend[i], &s, NULL, &why) != CR_BACKEND)
            fail_msg("not CR_BACKEND: %s", backend[i]);
        assert_non_null(why);
    }
    for (i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
        why = NULL;
        if (read_items(invalid[i], &s, NULL, &why) != CR_INVALID)
            fail_msg("not CR_INVALID: %s", invalid[i]);
        assert_string_equal(why, "no Items array");
    }
}

/* Nested attribute values deeper than the limit: refused, not a crash. */
static void
test_items_depth(void **state)
{
    char text[512], *p = text;
    struct seen s;
    const char *why = NULL;
    int i;

    (void)state;
    p += sprintf(p, "{\"Items\":[{\"pk\":");
    for (i = 0; i < JSONR_MAX_DEPTH; i++)
        p += sprintf(p, "[");
    for (i = 0; i < JSONR_MAX_DEPTH; i++)
        p += sprintf(p, "]");
    sprintf(p, "}]}");
    assert_int_equal(read_items(text, &s, NULL, &why), CR_BACKEND);
    assert_string_equal(why, "nested too deep");
}

/* A reader's failure ends the read with its code. */
static cr_code
refuse(void *arg, const struct ddb_attr *a)
{
    (void)arg;
    (void)a;
    return CR_NOMEM;
}

static void
test_callback_fails(void **state)
{
    char *t = text_of("{\"Items\":[{},{}]}");

    (void)state;
    assert_int_equal(ddb_items_read(t, strlen(t), names, 3, refuse, NULL, NULL,
                                    NULL), CR_NOMEM);
    free(t);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_strings),
        cmocka_unit_test(test_bad_strings),
        cmocka_unit_test(test_values),
        cmocka_unit_test(test_depth),
        cmocka_unit_test(test_int),
        cmocka_unit_test(test_items),
        cmocka_unit_test(test_foreign),
        cmocka_unit_test(test_bad_answers),
        cmocka_unit_test(test_items_depth),
        cmocka_unit_test(test_callback_fails),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
