/* latq.h - one direction of a delayed TCP stream: the chunks read from one
 * side, each held until its own due time and written to the other side in
 * the order they were read.
 *
 * A chunk's due time is its arrival plus a fixed delay plus a uniform
 * jitter, but never earlier than the chunk before it: a later chunk that
 * drew a smaller jitter waits for its predecessor instead of overtaking it
 * (TCP never reorders, and the peers would see garbage). A chunk of length
 * 0 stands for the end of the stream, so the EOF is delayed like data.
 * Times are microseconds on CLOCK_MONOTONIC. */
#ifndef CRUDDUR_LATQ_H
#define CRUDDUR_LATQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/core/err.h"

/* Added to every chunk: fixed_us + a uniform draw in [-jitter_us,
 * +jitter_us] (the sum clamped at 0). */
struct latq_delay {
    int64_t fixed_us;
    int64_t jitter_us;
};

struct latq_chunk {
    struct latq_chunk *next;
    int64_t due_us;
    size_t len;                 /* 0: the end of the stream */
    size_t off;                 /* bytes already written */
    unsigned char data[];
};

/* Zeroed is empty. The queue owns its chunks (latq_clear frees them). */
struct latq {
    struct latq_chunk *head, *tail;
    int64_t last_due_us;        /* due time of the newest chunk */
    size_t bytes;               /* unwritten bytes held */
};

/* The next number of a xorshift64* generator (*state must not be 0). */
uint64_t latq_rand(uint64_t *state);

/* The due time of a chunk read at now_us: now + delay (jitter drawn from
 * *rng), never before the newest chunk already queued. */
int64_t latq_due(const struct latq *q, const struct latq_delay *d, int64_t now_us,
                 uint64_t *rng);

/* Appends a copy of len bytes (len 0: the end of the stream), due at
 * due_us. CR_NOMEM leaves the queue as it was. */
cr_code latq_push(struct latq *q, int64_t due_us, const void *data, size_t len);

/* The head's due time, or -1 when the queue is empty. */
int64_t latq_next_due(const struct latq *q);

/* The unwritten bytes of the head chunk if it is due at now_us: returns
 * false when nothing is due. *eof is true (and *len 0) when the head is the
 * end of the stream. */
bool latq_ready(const struct latq *q, int64_t now_us, const void **data, size_t *len,
                bool *eof);

/* n bytes of the head were written (n 0 with the end-of-stream head: it
 * was delivered); a chunk written whole is freed. */
void latq_consume(struct latq *q, size_t n);

/* Frees every chunk; the queue is empty again. */
void latq_clear(struct latq *q);

#endif
