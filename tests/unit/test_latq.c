/* test_latq.c - the latency proxy's timing: each chunk due at arrival +
 * delay + jitter within bounds, never before the chunk ahead of it, bytes
 * and the end of stream handed out in order and only once due; the timer
 * heap yields due times earliest first. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "app/programs/cruddur-latency/lat_timers.h"
#include "app/programs/cruddur-latency/latq.h"

static void
test_due_within_jitter(void **state)
{
    struct latq q = { 0 };
    struct latq_delay d = { 4000, 1000 };
    uint64_t rng = 42;
    int64_t lo = INT64_MAX, hi = 0;

    (void)state;
    /* An empty queue: every draw is arrival + 3..5 ms, and both ends of
     * the range come up. */
    for (int i = 0; i < 20000; i++) {
        int64_t due = latq_due(&q, &d, 1000000, &rng) - 1000000;

        assert_in_range(due, 3000, 5000);
        lo = due < lo ? due : lo;
        hi = due > hi ? due : hi;
    }
    assert_int_equal(lo, 3000);
    assert_int_equal(hi, 5000);
}

static void
test_fixed_and_clamped(void **state)
{
    struct latq q = { 0 };
    struct latq_delay fixed = { 1000, 0 }, neg = { 100, 500 };
    uint64_t rng = 7;

    (void)state;
    assert_int_equal(latq_due(&q, &fixed, 50, &rng), 1050);
    /* A jitter larger than the delay never makes a chunk due in the past. */
    for (int i = 0; i < 1000; i++)
        assert_true(latq_due(&q, &neg, 50, &rng) >= 50);
}

static void
test_never_overtakes(void **state)
{
    struct latq q = { 0 };
    struct latq_delay d = { 4000, 1000 };
    uint64_t rng = 3;
    int64_t prev = 0;

    (void)state;
    /* Chunks 100 us apart draw jitters 2 ms wide: many draw earlier than
     * their predecessor and must wait for it. */
    for (int i = 0; i < 1000; i++) {
        int64_t now = 1000000 + 100 * i, due = latq_due(&q, &d, now, &rng);

        assert_true(due >= prev);
        assert_true(due >= now + 3000);
        assert_int_equal(latq_push(&q, due, "x", 1), CR_OK);
        prev = due;
    }
    assert_int_equal(q.bytes, 1000);
    latq_clear(&q);
    assert_null(q.head);
    assert_int_equal(q.bytes, 0);
    /* Once drained, a queue is free to draw again from now. */
    assert_true(latq_due(&q, &d, 10, &rng) <= 5010);
}

static void
test_ready_only_when_due(void **state)
{
    struct latq q = { 0 };
    const void *data;
    size_t len;
    bool eof;

    (void)state;
    assert_false(latq_ready(&q, 0, &data, &len, &eof));
    assert_int_equal(latq_next_due(&q), -1);
    assert_int_equal(latq_push(&q, 100, "hello", 5), CR_OK);
    assert_int_equal(latq_push(&q, 200, "world", 5), CR_OK);
    assert_int_equal(latq_push(&q, 300, NULL, 0), CR_OK);
    assert_int_equal(latq_next_due(&q), 100);
    assert_false(latq_ready(&q, 99, &data, &len, &eof));
    /* Due: a partial write leaves the rest at the head. */
    assert_true(latq_ready(&q, 100, &data, &len, &eof));
    assert_false(eof);
    assert_int_equal(len, 5);
    assert_memory_equal(data, "hello", 5);
    latq_consume(&q, 2);
    assert_int_equal(q.bytes, 8);
    assert_true(latq_ready(&q, 100, &data, &len, &eof));
    assert_int_equal(len, 3);
    assert_memory_equal(data, "llo", 3);
    latq_consume(&q, 3);
    /* The next is not due yet even though the first is gone. */
    assert_false(latq_ready(&q, 150, &data, &len, &eof));
    assert_true(latq_ready(&q, 250, &data, &len, &eof));
    assert_memory_equal(data, "world", 5);
    latq_consume(&q, 5);
    /* The end of the stream comes last, at its own due time. */
    assert_false(latq_ready(&q, 299, &data, &len, &eof));
    assert_true(latq_ready(&q, 300, &data, &len, &eof));
    assert_true(eof);
    assert_int_equal(len, 0);
    latq_consume(&q, 0);
    assert_null(q.head);
    assert_null(q.tail);
    assert_int_equal(q.bytes, 0);
}

static void
test_timers_earliest_first(void **state)
{
    struct lat_timers h = { 0 };
    struct lat_timer t;
    uint64_t rng = 9;
    int64_t prev = -1;
    int n = 0;

    (void)state;
    assert_int_equal(lat_timers_next(&h), -1);
    for (uint32_t i = 0; i < 5000; i++) {
        struct lat_timer e = { (int64_t)(latq_rand(&rng) % 100000), i, i * 3, (int)(i & 1) };

        assert_int_equal(lat_timers_push(&h, e), CR_OK);
    }
    /* Nothing before its time, then all in order with their fields. */
    assert_false(lat_timers_pop_due(&h, lat_timers_next(&h) - 1, &t));
    while (lat_timers_pop_due(&h, 50000, &t)) {
        assert_true(t.due_us >= prev && t.due_us <= 50000);
        assert_int_equal(t.gen, t.slot * 3);
        assert_int_equal(t.dir, (int)(t.slot & 1));
        prev = t.due_us;
        n++;
    }
    assert_true(lat_timers_next(&h) > 50000);
    while (lat_timers_pop_due(&h, INT64_MAX, &t)) {
        assert_true(t.due_us >= prev);
        prev = t.due_us;
        n++;
    }
    assert_int_equal(n, 5000);
    assert_int_equal(lat_timers_next(&h), -1);
    lat_timers_free(&h);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_due_within_jitter),
        cmocka_unit_test(test_fixed_and_clamped),
        cmocka_unit_test(test_never_overtakes),
        cmocka_unit_test(test_ready_only_when_due),
        cmocka_unit_test(test_timers_earliest_first),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
