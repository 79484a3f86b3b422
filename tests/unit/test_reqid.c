/* test_reqid.c - request ids: which incoming ids are kept, what a made
 * one looks like, and how X-Amzn-Trace-Id is made safe to log. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "app/core/reqid.h"

static void
test_valid(void **state)
{
    char max[REQID_MAX + 2];

    (void)state;
    assert_true(reqid_valid("abc-123"));
    assert_true(reqid_valid("6f1c0b5e-2b1d-4a3e-9c1d-0e5a7b9c1d2f"));
    assert_true(reqid_valid("Root=1") == 0);           /* '=' is not kept */
    assert_true(reqid_valid("a.b_c:d-E9"));
    assert_false(reqid_valid(NULL));
    assert_false(reqid_valid(""));
    assert_false(reqid_valid("a b"));
    assert_false(reqid_valid("a\nb"));
    assert_false(reqid_valid("a\"b"));
    assert_false(reqid_valid("<script>"));
    assert_false(reqid_valid("caf\xc3\xa9"));
    memset(max, 'x', REQID_MAX);
    max[REQID_MAX] = '\0';
    assert_true(reqid_valid(max));                      /* 128: kept */
    max[REQID_MAX] = 'x';
    max[REQID_MAX + 1] = '\0';
    assert_false(reqid_valid(max));                     /* 129: made anew */
}

static void
assert_hex32(const char *id)
{
    size_t i;

    assert_int_equal(strlen(id), 32);
    for (i = 0; i < 32; i++)
        assert_non_null(strchr("0123456789abcdef", id[i]));
}

static void
test_choose(void **state)
{
    struct reqid_rng rng;
    char a[REQID_SIZE], b[REQID_SIZE];

    (void)state;
    reqid_rng_seed(&rng);
    reqid_choose(&rng, "kept.id:1", a);
    assert_string_equal(a, "kept.id:1");
    reqid_choose(&rng, NULL, a);
    reqid_choose(&rng, "bad id", b);
    assert_hex32(a);
    assert_hex32(b);
    assert_string_not_equal(a, b);
}

static void
test_random_bytes_never_zero(void **state)
{
    struct reqid_rng rng = { { 0, 0 } };
    unsigned char id[8];
    size_t i;
    int any = 0;

    (void)state;
    reqid_rng_seed(&rng);
    reqid_random_bytes(&rng, id, sizeof(id));
    for (i = 0; i < sizeof(id); i++)
        any |= id[i];
    assert_true(any);
}

static void
test_sanitize(void **state)
{
    char out[REQID_SIZE], small[8];

    (void)state;
    reqid_sanitize("Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1", out,
                   sizeof(out));
    assert_string_equal(out,
                        "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1");
    reqid_sanitize("a b\"c\n{}", out, sizeof(out));
    assert_string_equal(out, "a_b_c___");
    reqid_sanitize(NULL, out, sizeof(out));
    assert_string_equal(out, "");
    reqid_sanitize("0123456789", small, sizeof(small));
    assert_string_equal(small, "0123456");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid),
        cmocka_unit_test(test_choose),
        cmocka_unit_test(test_random_bytes_never_zero),
        cmocka_unit_test(test_sanitize),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
