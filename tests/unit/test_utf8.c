/* test_utf8.c - strict validation and code point counting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "app/core/utf8.h"
#include "app/db/user.h"

#define VALID(s) utf8_valid(s, sizeof(s) - 1)

static void
test_valid(void **state)
{
    (void)state;
    assert_true(VALID(""));
    assert_true(VALID("plain ascii"));
    assert_true(VALID("caf\xc3\xa9"));
    assert_true(VALID("\xe2\x82\xac"));             /* U+20AC */
    assert_true(VALID("\xf0\x9f\x98\x80"));         /* U+1F600 */
    assert_true(VALID("\xf4\x8f\xbf\xbf"));         /* U+10FFFF */
    assert_true(VALID("\xef\xbf\xbd"));             /* U+FFFD */
}

static void
test_invalid(void **state)
{
    (void)state;
    assert_false(VALID("\x80"));                    /* lone continuation */
    assert_false(VALID("\xc3"));                    /* truncated */
    assert_false(VALID("\xe2\x82"));
    assert_false(VALID("\xc0\xaf"));                /* overlong '/' */
    assert_false(VALID("\xc1\xbf"));
    assert_false(VALID("\xe0\x80\xaf"));            /* overlong, 3 bytes */
    assert_false(VALID("\xf0\x80\x80\xaf"));        /* overlong, 4 bytes */
    assert_false(VALID("\xed\xa0\x80"));            /* U+D800 */
    assert_false(VALID("\xed\xbf\xbf"));            /* U+DFFF */
    assert_false(VALID("\xf4\x90\x80\x80"));        /* above U+10FFFF */
    assert_false(VALID("\xf5\x80\x80\x80"));
    assert_false(VALID("\xff"));
    assert_false(VALID("a\0b"));                    /* NUL */
    assert_false(VALID("\xc3\x28"));                /* bad continuation */
}

static void
test_count(void **state)
{
    (void)state;
    assert_int_equal(utf8_count(""), 0);
    assert_int_equal(utf8_count("abc"), 3);
    assert_int_equal(utf8_count("caf\xc3\xa9"), 4);
    assert_int_equal(utf8_count("\xf0\x9f\x98\x80\xf0\x9f\x98\x80"), 2);
    assert_int_equal(utf8_count("a\xe2\x82\xac" "b"), 3);
}

static void
test_handles(void **state)
{
    (void)state;
    assert_true(user_handle_valid("andrewbrown"));
    assert_true(user_handle_valid("a.b-c_d"));
    assert_true(user_handle_valid("x"));
    assert_true(user_handle_valid("abcdefghijklmnopqrstuvwxyz012345"));  /* 32 */
    assert_false(user_handle_valid("abcdefghijklmnopqrstuvwxyz0123456")); /* 33 */
    assert_false(user_handle_valid(""));
    assert_false(user_handle_valid(".."));
    assert_false(user_handle_valid("../etc"));
    assert_false(user_handle_valid("-x"));
    assert_false(user_handle_valid("a b"));
    assert_false(user_handle_valid("a/b"));
    assert_false(user_handle_valid("caf\xc3\xa9"));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid),
        cmocka_unit_test(test_invalid),
        cmocka_unit_test(test_count),
        cmocka_unit_test(test_handles),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
