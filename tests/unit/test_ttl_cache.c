/* test_ttl_cache.c - the fixed cache of recent facts: exact keys, expiry
 * to the second, one entry per key, the oldest overwritten, nothing too
 * long kept. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "app/core/ttl_cache.h"

#define NOW 1700000000L

static struct ttl_cache *
new_cache(void)
{
    struct ttl_cache *c = calloc(1, sizeof(*c));

    assert_non_null(c);
    return c;
}

static void
test_hit_until_expiry(void **state)
{
    struct ttl_cache *c = new_cache();
    char v[16];

    (void)state;
    assert_false(ttl_cache_get(c, "k", NOW, v, sizeof(v)));
    ttl_cache_put(c, "k", "v1", NOW + 10);
    assert_true(ttl_cache_get(c, "k", NOW, v, sizeof(v)));
    assert_string_equal(v, "v1");
    assert_true(ttl_cache_get(c, "k", NOW + 10, NULL, 0));   /* last second */
    assert_false(ttl_cache_get(c, "k", NOW + 11, v, sizeof(v)));
    /* Exact bytes only. */
    assert_false(ttl_cache_get(c, "K", NOW, v, sizeof(v)));
    assert_false(ttl_cache_get(c, "k ", NOW, v, sizeof(v)));
    assert_false(ttl_cache_get(c, NULL, NOW, v, sizeof(v)));
    assert_false(ttl_cache_get(c, "", NOW, v, sizeof(v)));
    free(c);
}

static void
test_value_must_fit(void **state)
{
    struct ttl_cache *c = new_cache();
    char small[3];

    (void)state;
    ttl_cache_put(c, "k", "abc", NOW + 10);
    assert_false(ttl_cache_get(c, "k", NOW, small, sizeof(small)));
    assert_true(ttl_cache_get(c, "k", NOW, NULL, 0));
    free(c);
}

static void
test_one_entry_per_key(void **state)
{
    struct ttl_cache *c = new_cache();
    char key[16], v[16];
    int i;

    (void)state;
    ttl_cache_put(c, "k", "old", NOW + 10);
    ttl_cache_put(c, "k", "new", NOW + 20);
    assert_true(ttl_cache_get(c, "k", NOW + 15, v, sizeof(v)));
    assert_string_equal(v, "new");
    /* The refresh took no second slot: 15 more keys still leave "k". */
    for (i = 0; i < TTL_CACHE_SLOTS - 1; i++) {
        snprintf(key, sizeof(key), "o%d", i);
        ttl_cache_put(c, key, "x", NOW + 10);
    }
    assert_true(ttl_cache_get(c, "k", NOW, v, sizeof(v)));
    free(c);
}

static void
test_oldest_overwritten(void **state)
{
    struct ttl_cache *c = new_cache();
    char key[16];
    int i;

    (void)state;
    for (i = 0; i <= TTL_CACHE_SLOTS; i++) {
        snprintf(key, sizeof(key), "k%d", i);
        ttl_cache_put(c, key, "x", NOW + 10);
    }
    assert_false(ttl_cache_get(c, "k0", NOW, NULL, 0));
    for (i = 1; i <= TTL_CACHE_SLOTS; i++) {
        snprintf(key, sizeof(key), "k%d", i);
        assert_true(ttl_cache_get(c, key, NOW, NULL, 0));
    }
    free(c);
}

static void
test_too_long_not_kept(void **state)
{
    struct ttl_cache *c = new_cache();
    char *key = malloc(TTL_CACHE_KEY_MAX + 1);
    char value[TTL_CACHE_VALUE_MAX + 1];

    (void)state;
    assert_non_null(key);
    memset(key, 'a', TTL_CACHE_KEY_MAX);
    key[TTL_CACHE_KEY_MAX] = '\0';
    ttl_cache_put(c, key, "x", NOW + 10);
    assert_false(ttl_cache_get(c, key, NOW, NULL, 0));
    key[TTL_CACHE_KEY_MAX - 1] = '\0';              /* the longest kept */
    ttl_cache_put(c, key, "x", NOW + 10);
    assert_true(ttl_cache_get(c, key, NOW, NULL, 0));
    memset(value, 'v', TTL_CACHE_VALUE_MAX);
    value[TTL_CACHE_VALUE_MAX] = '\0';
    ttl_cache_put(c, "k", value, NOW + 10);
    assert_false(ttl_cache_get(c, "k", NOW, NULL, 0));
    ttl_cache_put(c, "", "x", NOW + 10);
    assert_false(ttl_cache_get(c, "", NOW, NULL, 0));
    free(key);
    free(c);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hit_until_expiry),
        cmocka_unit_test(test_value_must_fit),
        cmocka_unit_test(test_one_entry_per_key),
        cmocka_unit_test(test_oldest_overwritten),
        cmocka_unit_test(test_too_long_not_kept),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
