/* test_resp_cache.c - cached bodies serve exactly while the counters they
 * depend on are unchanged, before their deadline and the maximum age. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "app/context/resp_cache.h"

#define NOW 1795851613000000LL
#define ALL (RESP_DEP(RESP_W_ACTIVITIES) | RESP_DEP(RESP_W_USERS) | \
             RESP_DEP(RESP_W_HOST_WRITES))

static struct resp_cache *
new_cache(void)
{
    struct resp_cache *c = calloc(1, sizeof(*c));

    assert_non_null(c);
    return c;
}

static void
free_cache(struct resp_cache *c)
{
    resp_cache_clear(c);
    free(c);
}

static void
test_serves_while_stamp_holds(void **state)
{
    struct resp_cache *c = new_cache();
    struct resp_stamp st = { { 1, 1, 7 } }, now;
    const struct resp_entry *e;
    int w;

    (void)state;
    assert_null(resp_cache_get(c, "home", &st, NOW));
    assert_int_equal(resp_cache_put(c, "home", "[1]", 3, ALL, &st, NOW,
                                    INT64_MAX), CR_OK);
    e = resp_cache_get(c, "home", &st, NOW + 1);
    assert_non_null(e);
    assert_int_equal(e->len, 3);
    assert_memory_equal(e->body, "[1]", 3);
    /* Each counter it depends on ends it. */
    for (w = 0; w < RESP_W__COUNT; w++) {
        now = st;
        now.word[w]++;
        assert_null(resp_cache_get(c, "home", &now, NOW + 1));
    }
    free_cache(c);
}

static void
test_only_its_dependencies(void **state)
{
    struct resp_cache *c = new_cache();
    struct resp_stamp st = { { 1, 1, 1 } }, now = { { 9, 1, 9 } };

    (void)state;
    resp_cache_put(c, "short/bayko", "{}", 2, RESP_DEP(RESP_W_USERS), &st,
                   NOW, INT64_MAX);
    assert_non_null(resp_cache_get(c, "short/bayko", &now, NOW));
    now.word[RESP_W_USERS]++;
    assert_null(resp_cache_get(c, "short/bayko", &now, NOW));
    free_cache(c);
}

static void
test_deadline_and_max_age(void **state)
{
    struct resp_cache *c = new_cache();
    struct resp_stamp st = { { 1, 1, 1 } };

    (void)state;
    /* The earliest expires_at ends it: served before, not at. */
    resp_cache_put(c, "home", "[]", 2, ALL, &st, NOW, NOW + 500);
    assert_non_null(resp_cache_get(c, "home", &st, NOW + 499));
    assert_null(resp_cache_get(c, "home", &st, NOW + 500));
    /* Nothing expires: the maximum age does. */
    resp_cache_put(c, "home", "[]", 2, ALL, &st, NOW, INT64_MAX);
    assert_non_null(resp_cache_get(c, "home", &st,
                                   NOW + RESP_CACHE_MAX_AGE_US - 1));
    assert_null(resp_cache_get(c, "home", &st, NOW + RESP_CACHE_MAX_AGE_US));
    free_cache(c);
}

static void
test_replace_and_evict(void **state)
{
    struct resp_cache *c = new_cache();
    struct resp_stamp st = { { 1, 1, 1 } };
    char key[32], longkey[RESP_CACHE_KEY_MAX + 8];
    int i;

    (void)state;
    resp_cache_put(c, "k", "old", 3, ALL, &st, NOW, INT64_MAX);
    resp_cache_put(c, "k", "new!", 4, ALL, &st, NOW, INT64_MAX);
    assert_string_equal(resp_cache_get(c, "k", &st, NOW)->body, "new!");
    for (i = 0; i < RESP_CACHE_SLOTS; i++) {
        snprintf(key, sizeof(key), "other/%d", i);
        resp_cache_put(c, key, "x", 1, ALL, &st, NOW, INT64_MAX);
    }
    assert_null(resp_cache_get(c, "k", &st, NOW));      /* overwritten */
    assert_non_null(resp_cache_get(c, "other/0", &st, NOW));
    /* A key too long is not kept, and that is no error. */
    memset(longkey, 'a', sizeof(longkey) - 1);
    longkey[sizeof(longkey) - 1] = '\0';
    assert_int_equal(resp_cache_put(c, longkey, "x", 1, ALL, &st, NOW,
                                    INT64_MAX), CR_OK);
    assert_null(resp_cache_get(c, longkey, &st, NOW));
    free_cache(c);
}

static void
test_etag(void **state)
{
    char a[RESP_ETAG_SIZE], b[RESP_ETAG_SIZE];

    (void)state;
    resp_etag("[1]", 3, a);
    resp_etag("[1]", 3, b);
    assert_string_equal(a, b);
    assert_int_equal(strlen(a), 18);
    assert_true(a[0] == '"' && a[17] == '"');
    resp_etag("[2]", 3, b);
    assert_string_not_equal(a, b);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_serves_while_stamp_holds),
        cmocka_unit_test(test_only_its_dependencies),
        cmocka_unit_test(test_deadline_and_max_age),
        cmocka_unit_test(test_replace_and_evict),
        cmocka_unit_test(test_etag),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
