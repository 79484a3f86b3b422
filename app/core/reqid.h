/* reqid.h - request ids: keep a caller's well-formed X-Request-Id, make one
 * otherwise; and random ids from a per-worker generator (no lock, no
 * syscall per request).
 *
 * A kept id is 1..REQID_MAX characters of [A-Za-z0-9._:-]: enough for a
 * UUID, an ALB or API Gateway id, and nothing that could break a log line
 * or a header. */
#ifndef CRUDDUR_REQID_H
#define CRUDDUR_REQID_H

#include <stddef.h>
#include <stdint.h>

#define REQID_MAX 128
#define REQID_SIZE (REQID_MAX + 1)

struct reqid_rng {
    uint64_t s[2];          /* xorshift128+ state, never all zero */
};

/* Seeds from getrandom(2); falls back to the clock, pid and address. */
void reqid_rng_seed(struct reqid_rng *r);
uint64_t reqid_rng_next(struct reqid_rng *r);
/* n random bytes into out (for trace and span ids); never all zero. */
void reqid_random_bytes(struct reqid_rng *r, unsigned char *out, size_t n);

/* 1 when s may be kept as a request id. */
int reqid_valid(const char *s);

/* The request's id into out: incoming when reqid_valid, otherwise 32
 * random lowercase hex digits. */
void reqid_choose(struct reqid_rng *r, const char *incoming,
                  char out[REQID_SIZE]);

/* A header value made safe to log: characters outside [A-Za-z0-9._:;=-]
 * become '_', cut at size - 1. NULL or "" gives "". For X-Amzn-Trace-Id
 * ("Root=1-...;Parent=...;Sampled=1"). */
void reqid_sanitize(const char *in, char *out, size_t size);

/* Lowercase hex of n bytes into out (2n + 1 bytes). */
void reqid_hex(const unsigned char *in, size_t n, char *out);

#endif
