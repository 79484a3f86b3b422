/* test_b64url.c - strict unpadded base64url: RFC 4648 vectors in the URL
 * alphabet, round trips, and the spellings the decoder must refuse. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "app/core/b64url.h"

static void
roundtrip(const char *plain, const char *enc)
{
    unsigned char *dec = NULL;
    char *out = NULL;
    size_t len = 0;

    assert_int_equal(b64url_encode((const unsigned char *)plain,
                                   strlen(plain), &out), CR_OK);
    assert_string_equal(out, enc);
    assert_int_equal(b64url_decode(enc, strlen(enc), &dec, &len), CR_OK);
    assert_int_equal(len, strlen(plain));
    assert_memory_equal(dec, plain, len);
    assert_int_equal(dec[len], '\0');
    free(dec);
    free(out);
}

static void
test_vectors(void **state)
{
    (void)state;
    roundtrip("", "");
    roundtrip("f", "Zg");
    roundtrip("fo", "Zm8");
    roundtrip("foo", "Zm9v");
    roundtrip("foob", "Zm9vYg");
    roundtrip("fooba", "Zm9vYmE");
    roundtrip("foobar", "Zm9vYmFy");
    roundtrip("\xfb\xff\xbf", "-_-_");     /* the two URL-safe characters */
    roundtrip("{\"alg\":\"RS256\"}", "eyJhbGciOiJSUzI1NiJ9");
}

static void
test_all_bytes(void **state)
{
    unsigned char in[256], *dec = NULL;
    char *enc = NULL;
    size_t i, n, len;

    (void)state;
    for (i = 0; i < sizeof(in); i++)
        in[i] = (unsigned char)i;
    for (n = 0; n <= sizeof(in); n += 17) {
        assert_int_equal(b64url_encode(in, n, &enc), CR_OK);
        assert_int_equal(strlen(enc), (n * 4 + 2) / 3);
        assert_int_equal(b64url_decode(enc, strlen(enc), &dec, &len), CR_OK);
        assert_int_equal(len, n);
        assert_memory_equal(dec, in, n);
        free(dec);
        free(enc);
    }
}

static void
bad(const char *s)
{
    unsigned char *dec = (unsigned char *)"x";
    size_t len = 7;

    assert_int_equal(b64url_decode(s, strlen(s), &dec, &len), CR_INVALID);
    assert_null(dec);
    assert_int_equal(len, 0);
}

static void
test_refused(void **state)
{
    (void)state;
    bad("Zg==");        /* padding */
    bad("Zm8=");
    bad("Z");           /* a lone character holds no byte */
    bad("Zm9vY");
    bad("Zm+v");        /* standard alphabet */
    bad("Zm/v");
    bad("Zm 9v");       /* whitespace */
    bad("Zm9v\n");
    bad("Zh");          /* non-zero unused bits: "Zg" is the one spelling */
    bad("Zm9");         /* "Zm8" is */
}

static void
test_length_bound(void **state)
{
    unsigned char *dec = NULL;
    size_t len;

    (void)state;
    /* Only len characters are read: the rest may be anything. */
    assert_int_equal(b64url_decode("Zm9v.junk", 4, &dec, &len), CR_OK);
    assert_int_equal(len, 3);
    assert_memory_equal(dec, "foo", 3);
    free(dec);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vectors),
        cmocka_unit_test(test_all_bytes),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_length_bound),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
