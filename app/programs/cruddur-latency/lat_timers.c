/* lat_timers.c - the earliest-first heap of chunk due times (see
 * lat_timers.h). */
#include "app/programs/cruddur-latency/lat_timers.h"

#include <stdlib.h>

static void
timers_swap(struct lat_timer *a, struct lat_timer *b)
{
    struct lat_timer t = *a;

    *a = *b;
    *b = t;
}

cr_code
lat_timers_push(struct lat_timers *h, struct lat_timer t)
{
    size_t i;

    if (h->n == h->cap) {
        size_t cap = h->cap ? 2 * h->cap : 256;
        struct lat_timer *v = realloc(h->v, cap * sizeof(*v));

        if (!v)
            return CR_NOMEM;
        h->v = v;
        h->cap = cap;
    }
    i = h->n++;
    h->v[i] = t;
    while (i > 0 && h->v[(i - 1) / 2].due_us > h->v[i].due_us) {
        timers_swap(&h->v[(i - 1) / 2], &h->v[i]);
        i = (i - 1) / 2;
    }
    return CR_OK;
}

int64_t
lat_timers_next(const struct lat_timers *h)
{
    return h->n ? h->v[0].due_us : -1;
}

bool
lat_timers_pop_due(struct lat_timers *h, int64_t now_us, struct lat_timer *out)
{
    size_t i = 0;

    if (!h->n || h->v[0].due_us > now_us)
        return false;
    *out = h->v[0];
    h->v[0] = h->v[--h->n];
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;

        if (l < h->n && h->v[l].due_us < h->v[m].due_us)
            m = l;
        if (r < h->n && h->v[r].due_us < h->v[m].due_us)
            m = r;
        if (m == i)
            break;
        timers_swap(&h->v[i], &h->v[m]);
        i = m;
    }
    return true;
}

void
lat_timers_free(struct lat_timers *h)
{
    free(h->v);
    h->v = NULL;
    h->n = h->cap = 0;
}
