/* lat_timers.h - the due times of every queued chunk of the proxy, earliest
 * first (a binary min-heap), so that one timer serves any number of
 * connections: the proxy sleeps until the earliest, then flushes the
 * directions whose chunks are due.
 *
 * An entry names a connection slot, the generation of the connection that
 * held the slot when it was pushed, and a direction: a connection closed
 * since (the slot's generation moved on) leaves entries that the proxy
 * skips when they come up. */
#ifndef CRUDDUR_LAT_TIMERS_H
#define CRUDDUR_LAT_TIMERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/core/err.h"

struct lat_timer {
    int64_t due_us;
    uint32_t slot;
    uint32_t gen;
    int dir;
};

/* Zeroed is empty; lat_timers_free releases it. */
struct lat_timers {
    struct lat_timer *v;
    size_t n, cap;
};

cr_code lat_timers_push(struct lat_timers *h, struct lat_timer t);

/* The earliest entry's due time, or -1 when there is none. */
int64_t lat_timers_next(const struct lat_timers *h);

/* Removes the earliest entry into *out if it is due at now_us. */
bool lat_timers_pop_due(struct lat_timers *h, int64_t now_us, struct lat_timer *out);

void lat_timers_free(struct lat_timers *h);

#endif
