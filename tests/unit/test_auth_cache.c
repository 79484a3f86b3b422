/* test_auth_cache.c - the cache of recently verified tokens: exact bytes
 * only, kept by digest and never as the header itself, never past exp +
 * skew, never longer than AUTH_CACHE_SECS. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "app/context/auth_cache.h"
#include "app/core/b64url.h"

#define NOW 1700000000L
#define SKEW 60

/* "Bearer <hdr>.<payload>.sig" with the given claims JSON. */
static char *
make_header(const char *claims)
{
    char *h = NULL, *p = NULL, *out;

    assert_int_equal(b64url_encode((const unsigned char *)"{\"alg\":\"RS256\"}",
                                   15, &h), CR_OK);
    assert_int_equal(b64url_encode((const unsigned char *)claims,
                                   strlen(claims), &p), CR_OK);
    out = malloc(strlen(h) + strlen(p) + 32);
    assert_non_null(out);
    sprintf(out, "Bearer %s.%s.c2lnbmF0dXJl", h, p);
    free(h);
    free(p);
    return out;
}

static struct auth_cache *
new_cache(void)
{
    struct auth_cache *c = calloc(1, sizeof(*c));

    assert_non_null(c);
    assert_int_equal(auth_cache_init(c), CR_OK);
    return c;
}

static void
free_cache(struct auth_cache *c)
{
    auth_cache_free(c);
    free(c);
}

static void
test_hit_and_exact_bytes(void **state)
{
    struct auth_cache *c = new_cache();
    char *h = make_header("{\"sub\":\"u1\",\"exp\":1700003600}");
    char sub[CALLER_SUB_SIZE];

    (void)state;
    assert_false(auth_cache_get(c, h, NOW, sub, sizeof(sub)));
    auth_cache_put(c, h, "u1", NOW, SKEW);
    assert_true(auth_cache_get(c, h, NOW + 5, sub, sizeof(sub)));
    assert_string_equal(sub, "u1");
    /* One byte different (another signature) is another token. */
    h[strlen(h) - 1] = 'X';
    assert_false(auth_cache_get(c, h, NOW + 5, sub, sizeof(sub)));
    assert_false(auth_cache_get(c, NULL, NOW, sub, sizeof(sub)));
    free(h);
    free_cache(c);
}

static void
test_expiry(void **state)
{
    struct auth_cache *c = new_cache();
    /* Expired 30 s ago, still inside the skew: usable until exp + skew
     * (NOW + 30), not a second more. */
    char *soon = make_header("{\"sub\":\"u1\",\"exp\":1699999970}");
    char *later = make_header("{\"sub\":\"u2\",\"exp\":1700086400}");
    char sub[CALLER_SUB_SIZE];

    (void)state;
    auth_cache_put(c, soon, "u1", NOW, SKEW);
    assert_true(auth_cache_get(c, soon, NOW - 30 + SKEW, sub, sizeof(sub)));
    assert_false(auth_cache_get(c, soon, NOW - 29 + SKEW, sub, sizeof(sub)));
    /* A long-lived token still goes back to full verification. */
    auth_cache_put(c, later, "u2", NOW, SKEW);
    assert_true(auth_cache_get(c, later, NOW + AUTH_CACHE_SECS, sub,
                               sizeof(sub)));
    assert_false(auth_cache_get(c, later, NOW + AUTH_CACHE_SECS + 1, sub,
                                sizeof(sub)));
    free(soon);
    free(later);
    free_cache(c);
}

static void
test_not_kept(void **state)
{
    struct auth_cache *c = new_cache();
    char *no_exp = make_header("{\"sub\":\"u1\"}");
    char *bad_exp = make_header("{\"sub\":\"u1\",\"exp\":\"tomorrow\"}");
    char *huge = malloc(AUTH_CACHE_HEADER_MAX + 16);
    char sub[CALLER_SUB_SIZE], tiny[2];
    char *ok = make_header("{\"sub\":\"u1\",\"exp\":1700003600}");

    (void)state;
    assert_non_null(huge);
    memset(huge, 'a', AUTH_CACHE_HEADER_MAX + 15);
    huge[AUTH_CACHE_HEADER_MAX + 15] = '\0';
    memcpy(huge, "Bearer a.", 9);
    auth_cache_put(c, no_exp, "u1", NOW, SKEW);
    auth_cache_put(c, bad_exp, "u1", NOW, SKEW);
    auth_cache_put(c, huge, "u1", NOW, SKEW);
    auth_cache_put(c, "Bearer nodots", "u1", NOW, SKEW);
    assert_false(auth_cache_get(c, no_exp, NOW, sub, sizeof(sub)));
    assert_false(auth_cache_get(c, bad_exp, NOW, sub, sizeof(sub)));
    assert_false(auth_cache_get(c, huge, NOW, sub, sizeof(sub)));
    assert_false(auth_cache_get(c, "Bearer nodots", NOW, sub, sizeof(sub)));
    /* A sub that does not fit the caller's buffer is a miss, not a cut. */
    auth_cache_put(c, ok, "u1", NOW, SKEW);
    assert_false(auth_cache_get(c, ok, NOW, tiny, sizeof(tiny)));
    free(no_exp);
    free(bad_exp);
    free(huge);
    free(ok);
    free_cache(c);
}

/* The cache holds the SHA-256 of the header, not the header: nothing in
 * its memory reads as the token. */
static void
test_keyed_by_digest(void **state)
{
    struct auth_cache *c = new_cache();
    char *h = make_header("{\"sub\":\"u1\",\"exp\":1700003600}");
    char sub[CALLER_SUB_SIZE], *dot = strchr(h, '.');
    unsigned i, kept = 0;

    (void)state;
    auth_cache_put(c, h, "u1", NOW, SKEW);
    for (i = 0; i < TTL_CACHE_SLOTS; i++) {
        const char *k = c->headers.slots[i].key;

        if (k[0] == '\0')
            continue;
        kept++;
        assert_int_equal(strlen(k), 64);
        assert_int_equal(strspn(k, "0123456789abcdef"), 64);
    }
    assert_int_equal(kept, 1);
    assert_null(memmem(c, sizeof(*c), dot, strlen(dot)));
    assert_null(memmem(c, sizeof(*c), "Bearer", 6));
    assert_true(auth_cache_get(c, h, NOW, sub, sizeof(sub)));
    /* Without the digest (init not run, or failed) nothing is kept. */
    auth_cache_free(c);
    assert_false(auth_cache_get(c, h, NOW, sub, sizeof(sub)));
    memset(c, 0, sizeof(*c));
    auth_cache_put(c, h, "u1", NOW, SKEW);
    assert_false(auth_cache_get(c, h, NOW, sub, sizeof(sub)));
    free(h);
    free_cache(c);
}

static void
test_round_robin(void **state)
{
    struct auth_cache *c = new_cache();
    char claims[64], *h[TTL_CACHE_SLOTS + 1], sub[CALLER_SUB_SIZE];
    int i;

    (void)state;
    for (i = 0; i <= TTL_CACHE_SLOTS; i++) {
        snprintf(claims, sizeof(claims), "{\"sub\":\"u%d\",\"exp\":1700003600}", i);
        h[i] = make_header(claims);
        auth_cache_put(c, h[i], claims + 8, NOW, SKEW);
    }
    /* The oldest was overwritten; the newest are all there. */
    assert_false(auth_cache_get(c, h[0], NOW, sub, sizeof(sub)));
    for (i = 1; i <= TTL_CACHE_SLOTS; i++)
        assert_true(auth_cache_get(c, h[i], NOW, sub, sizeof(sub)));
    for (i = 0; i <= TTL_CACHE_SLOTS; i++)
        free(h[i]);
    free_cache(c);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hit_and_exact_bytes),
        cmocka_unit_test(test_expiry),
        cmocka_unit_test(test_not_kept),
        cmocka_unit_test(test_keyed_by_digest),
        cmocka_unit_test(test_round_robin),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
