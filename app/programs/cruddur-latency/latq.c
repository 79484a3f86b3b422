/* latq.c - one direction of a delayed TCP stream (see latq.h). */
#include "app/programs/cruddur-latency/latq.h"

#include <stdlib.h>
#include <string.h>

uint64_t
latq_rand(uint64_t *state)
{
    uint64_t x = *state;

    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    return x * 0x2545F4914F6CDD1DULL;
}

int64_t
latq_due(const struct latq *q, const struct latq_delay *d, int64_t now_us, uint64_t *rng)
{
    int64_t delay = d->fixed_us;
    int64_t due;

    if (d->jitter_us > 0)
        delay += (int64_t)(latq_rand(rng) % (uint64_t)(2 * d->jitter_us + 1)) - d->jitter_us;
    if (delay < 0)
        delay = 0;
    due = now_us + delay;
    /* Never overtake the chunk before: order beats the drawn jitter. */
    if (q->head && due < q->last_due_us)
        due = q->last_due_us;
    return due;
}

cr_code
latq_push(struct latq *q, int64_t due_us, const void *data, size_t len)
{
    struct latq_chunk *c = malloc(sizeof(*c) + len);

    if (!c)
        return CR_NOMEM;
    c->next = NULL;
    c->due_us = due_us;
    c->len = len;
    c->off = 0;
    if (len)
        memcpy(c->data, data, len);
    if (q->tail)
        q->tail->next = c;
    else
        q->head = c;
    q->tail = c;
    q->last_due_us = due_us;
    q->bytes += len;
    return CR_OK;
}

int64_t
latq_next_due(const struct latq *q)
{
    return q->head ? q->head->due_us : -1;
}

bool
latq_ready(const struct latq *q, int64_t now_us, const void **data, size_t *len, bool *eof)
{
    const struct latq_chunk *c = q->head;

    if (!c || c->due_us > now_us)
        return false;
    *data = c->data + c->off;
    *len = c->len - c->off;
    *eof = c->len == 0;
    return true;
}

void
latq_consume(struct latq *q, size_t n)
{
    struct latq_chunk *c = q->head;

    if (!c)
        return;
    if (n > c->len - c->off)
        n = c->len - c->off;
    c->off += n;
    q->bytes -= n;
    if (c->off < c->len)
        return;
    q->head = c->next;
    if (!q->head)
        q->tail = NULL;
    free(c);
}

void
latq_clear(struct latq *q)
{
    while (q->head) {
        struct latq_chunk *c = q->head;

        q->head = c->next;
        free(c);
    }
    q->tail = NULL;
    q->bytes = 0;
}
