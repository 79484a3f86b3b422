/* test_http.c - request target, percent-decoding, query parameters, body
 * checks and the error format. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "app/http/http.h"

static void
decodes(const char *in, int plus, const char *want)
{
    char *out = NULL;

    assert_int_equal(http_percent_decode(in, strlen(in), plus, &out), CR_OK);
    assert_string_equal(out, want);
    free(out);
}

static void
rejects(const char *in)
{
    char *out = (char *)1;

    assert_int_equal(http_percent_decode(in, strlen(in), 1, &out), CR_INVALID);
    assert_null(out);
}

static void
test_percent_decode(void **state)
{
    (void)state;
    decodes("abc", 0, "abc");
    decodes("%40bayko", 0, "@bayko");
    decodes("a%2Fb", 0, "a/b");
    decodes("a+b", 1, "a b");
    decodes("a+b", 0, "a+b");
    decodes("%25%5f", 1, "%_");
    decodes("%e2%9C%93", 1, "\xe2\x9c\x93");
    decodes("", 1, "");
    rejects("%");
    rejects("%4");
    rejects("%zz");
    rejects("abc%");
    rejects("%00");                 /* a NUL would cut the value short */
    rejects("%C0%AF");              /* overlong '/' */
    rejects("%ED%A0%80");           /* surrogate */
    rejects("%FF");
}

static void
test_target(void **state)
{
    struct http_request req;

    (void)state;
    http_request_init(&req);
    assert_int_equal(http_request_set_target(&req, "/api/x?term=a%20b"), CR_OK);
    assert_string_equal(req.path, "/api/x");
    assert_string_equal(req.query, "term=a%20b");
    http_request_free(&req);

    assert_int_equal(http_request_set_target(&req, "/api/x"), CR_OK);
    assert_string_equal(req.query, "");
    http_request_free(&req);

    assert_int_equal(http_request_set_target(&req, NULL), CR_INVALID);
    assert_int_equal(http_request_set_target(&req, "api/x"), CR_INVALID);
    assert_int_equal(http_request_set_target(&req, "/a b"), CR_INVALID);
    assert_int_equal(http_request_set_target(&req, "/a\tb"), CR_INVALID);
    http_request_free(&req);
}

static void
query_is(const char *query, const char *name, const char *want)
{
    struct http_request req;
    char *v = NULL;
    char target[256] = "/x?";

    http_request_init(&req);
    strcat(target, query);
    assert_int_equal(http_request_set_target(&req, target), CR_OK);
    assert_int_equal(http_query_param(&req, name, &v), CR_OK);
    if (want == NULL)
        assert_null(v);
    else
        assert_string_equal(v, want);
    free(v);
    http_request_free(&req);
}

static void
test_query(void **state)
{
    struct http_request req;
    char *v = NULL;

    (void)state;
    query_is("term=cat", "term", "cat");
    query_is("a=1&term=c+a%25t&term=x", "term", "c a%t");
    query_is("terms=1", "term", NULL);
    query_is("xterm=1", "term", NULL);
    query_is("term", "term", "");
    query_is("term=", "term", "");
    query_is("", "term", NULL);
    http_request_init(&req);
    assert_int_equal(http_request_set_target(&req, "/x?term=%zz"), CR_OK);
    assert_int_equal(http_query_param(&req, "term", &v), CR_INVALID);
    http_request_free(&req);
}

static int
parse_body(const char *ctype, const char *body, size_t len,
           struct http_response *res, struct http_request *req)
{
    http_request_init(req);
    http_response_init(res);
    req->content_type = ctype;
    assert_int_equal(buf_append(&req->body, body, len), CR_OK);
    return http_request_parse_body(req, res) == CR_OK;
}

static void
body_fails(const char *ctype, const char *body, size_t len, int status,
           const char *want)
{
    struct http_request req;
    struct http_response res;
    const char *text;
    char *owned, expect[128];

    assert_false(parse_body(ctype, body, len, &res, &req));
    assert_int_equal(res.status, status);
    text = http_response_body(&res, &owned);
    snprintf(expect, sizeof(expect), "{\"errors\":[\"%s\"]}", want);
    assert_string_equal(text, expect);
    free(owned);
    http_response_free(&res);
    http_request_free(&req);
}

static void
test_body(void **state)
{
    struct http_request req;
    struct http_response res;
    static const char nul[] = "{\"a\":\"x\0y\"}";

    (void)state;
    assert_true(parse_body("application/json", "{\"m\":\"hi\"}", 10, &res, &req));
    assert_string_equal(json_string_value(json_object_get(req.json, "m")), "hi");
    http_request_free(&req);
    http_response_free(&res);
    assert_true(parse_body("application/json; charset=utf-8", "{}", 2, &res, &req));
    http_request_free(&req);
    http_response_free(&res);
    assert_true(parse_body(NULL, "", 0, &res, &req));   /* no body at all */
    assert_null(req.json);
    http_request_free(&req);
    http_response_free(&res);

    body_fails(NULL, "{}", 2, 415, "unsupported_media_type");
    body_fails("text/plain", "{}", 2, 415, "unsupported_media_type");
    body_fails("application/jsonx", "{}", 2, 415, "unsupported_media_type");
    body_fails("application/json", "{", 1, 400, "invalid_json");
    body_fails("application/json", "{\"a\":1,\"a\":2}", 13, 400, "invalid_json");
    body_fails("application/json", "[1]", 3, 400, "body_not_object");
    body_fails("application/json", "\"s\"", 3, 400, "body_not_object");
    body_fails("application/json", "{\"a\":\"\xff\"}", 9, 400, "invalid_utf8");
    body_fails("application/json", "{\"a\":\"\xc0\xaf\"}", 10, 400, "invalid_utf8");
    body_fails("application/json", nul, sizeof(nul) - 1, 400, "invalid_utf8");
    body_fails("application/json", "{\"a\":\"\\u0000\"}", 14, 400, "invalid_json");
    body_fails("application/json", "{\"a\":\"\\ud800\"}", 14, 400, "invalid_json");
}

static void
test_errors(void **state)
{
    struct http_response res;
    const char *text;
    char *owned;

    (void)state;
    http_response_init(&res);
    http_error(&res, 500, "internal_error");
    http_error(&res, 404, "user_not_found");    /* replaces */
    text = http_response_body(&res, &owned);
    assert_int_equal(res.status, 404);
    assert_string_equal(text, "{\"errors\":[\"user_not_found\"]}");
    free(owned);
    http_error_add(&res, 422, "message_blank");  /* appends */
    http_error_add(&res, 422, "ttl_blank");
    text = http_response_body(&res, &owned);
    assert_int_equal(res.status, 422);
    assert_string_equal(text,
        "{\"errors\":[\"user_not_found\",\"message_blank\",\"ttl_blank\"]}");
    free(owned);
    http_raw(&res, 200, strdup("[]"));           /* success clears errors */
    text = http_response_body(&res, &owned);
    assert_string_equal(text, "[]");
    assert_null(owned);                          /* passed through, no copy */
    assert_ptr_equal(text, res.raw);
    http_fail(&res, CR_DB_UNAVAILABLE);
    text = http_response_body(&res, &owned);
    assert_int_equal(res.status, 503);
    assert_string_equal(text, "{\"errors\":[\"database_unavailable\"]}");
    free(owned);
    http_response_free(&res);
}

static void
test_unauthorized(void **state)
{
    struct http_response res;
    const char *text;
    char *owned;

    (void)state;
    http_response_init(&res);
    http_unauthorized(&res, "token_missing", HTTP_BEARER_MISSING);
    text = http_response_body(&res, &owned);
    assert_int_equal(res.status, 401);
    assert_string_equal(text,
                        "{\"errors\":[\"unauthorized\",\"token_missing\"]}");
    assert_string_equal(res.challenge, "Bearer realm=\"cruddur\"");
    free(owned);
    http_fail(&res, CR_UNAUTHORIZED);
    text = http_response_body(&res, &owned);
    assert_string_equal(text,
                        "{\"errors\":[\"unauthorized\",\"token_invalid\"]}");
    assert_string_equal(res.challenge,
                        "Bearer realm=\"cruddur\", error=\"invalid_token\"");
    free(owned);
    /* Any other answer drops the challenge with the old body. */
    http_error(&res, 503, "auth_unavailable");
    assert_null(res.challenge);
    http_response_free(&res);
}

static void
test_etag_match(void **state)
{
    const char *tag = "\"0123456789abcdef\"";

    (void)state;
    assert_true(http_etag_matches(tag, tag));
    assert_true(http_etag_matches("W/\"0123456789abcdef\"", tag));
    assert_true(http_etag_matches("\"x\", \"0123456789abcdef\"", tag));
    assert_true(http_etag_matches("\"a,b\" ,W/\"0123456789abcdef\"", tag));
    assert_true(http_etag_matches("*", tag));
    assert_false(http_etag_matches("\"0123456789abcdee\"", tag));
    assert_false(http_etag_matches("\"0123456789abcdef", tag));
    assert_false(http_etag_matches("0123456789abcdef", tag));
    assert_false(http_etag_matches("", tag));
    assert_false(http_etag_matches(" , ", tag));
    assert_false(http_etag_matches("*", ""));
}

static void
test_tagged(void **state)
{
    struct http_request req;
    struct http_response res;
    char *owned;

    (void)state;
    http_request_init(&req);
    http_response_init(&res);
    http_tagged(&res, &req, "[1]", 3, "\"t\"", "no-cache");
    assert_int_equal(res.status, 200);
    assert_string_equal(http_response_body(&res, &owned), "[1]");
    assert_string_equal(res.etag, "\"t\"");
    assert_string_equal(res.cache_control, "no-cache");
    req.if_none_match = "W/\"t\"";
    http_tagged(&res, &req, "[1]", 3, "\"t\"", "no-cache");
    assert_int_equal(res.status, 304);
    assert_null(http_response_body(&res, &owned));
    assert_string_equal(res.etag, "\"t\"");
    http_response_free(&res);
    http_request_free(&req);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_percent_decode),
        cmocka_unit_test(test_target),
        cmocka_unit_test(test_query),
        cmocka_unit_test(test_body),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_unauthorized),
        cmocka_unit_test(test_etag_match),
        cmocka_unit_test(test_tagged),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
