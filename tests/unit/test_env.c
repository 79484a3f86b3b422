/* test_env.c - the one reader of settings: empty means unset, and the one
 * origin parser behind FRONTEND_URL, BACKEND_URL, AWS_ENDPOINT_URL and
 * AWS_COGNITO_ENDPOINT. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "app/core/env.h"

static void
test_get(void **state)
{
    (void)state;
    setenv("CRUDDUR_TEST_ENV", "x", 1);
    assert_string_equal(env_get("CRUDDUR_TEST_ENV"), "x");
    setenv("CRUDDUR_TEST_ENV", "", 1);
    assert_null(env_get("CRUDDUR_TEST_ENV"));
    unsetenv("CRUDDUR_TEST_ENV");
    assert_null(env_get("CRUDDUR_TEST_ENV"));
}

static void
assert_origin(const char *in, const char *want)
{
    char out[64];

    assert_int_equal(env_url_origin(in, out, sizeof(out)), CR_OK);
    assert_string_equal(out, want);
}

static void
assert_not_origin(const char *in)
{
    char out[64];

    assert_int_equal(env_url_origin(in, out, sizeof(out)), CR_INVALID);
}

static void
test_origin(void **state)
{
    (void)state;
    assert_origin("http://localhost:3000", "http://localhost:3000");
    assert_origin("https://example.com/", "https://example.com");
    assert_origin("http://127.0.0.1:8000", "http://127.0.0.1:8000");
    assert_origin("http://[::1]:8000/", "http://[::1]:8000");
}

static void
test_not_origin(void **state)
{
    (void)state;
    assert_not_origin("");
    assert_not_origin("example.com");
    assert_not_origin("ftp://example.com");
    assert_not_origin("http://");
    assert_not_origin("http:///");
    assert_not_origin("https://example.com/app");
    assert_not_origin("https://example.com//");         /* one slash only */
    assert_not_origin("https://example.com?x=1");
    assert_not_origin("https://example.com#top");
    assert_not_origin("https://exa mple.com");
    assert_not_origin("https://example.com\t");
    assert_not_origin("https://example.com\n");
    assert_not_origin("https://example.com\x7f");
    /* 64 bytes do not fit 63 characters and a NUL. */
    assert_not_origin("https://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.com");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_get),
        cmocka_unit_test(test_origin),
        cmocka_unit_test(test_not_origin),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
