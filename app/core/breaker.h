/* breaker.h - one backend as one worker has seen it: a circuit breaker and
 * the figures readiness reports.
 *
 * After a call to a backend runs out of time, the worker fails further
 * calls to it at once for BREAKER_COOLDOWN_MS instead of spending each
 * request's budget on a backend known to hang; then one call goes through
 * as a probe with at most BREAKER_PROBE_MS (so a probe into a backend still
 * hung holds the worker only briefly). An answer closes the breaker. A
 * backend that refuses at once does not trip it: that failure is already
 * fast. A worker is one thread serving one request at a time, so "one call
 * through" needs no lock: the next call after the cool-down is the probe. */
#ifndef CRUDDUR_BREAKER_H
#define CRUDDUR_BREAKER_H

#include <stdint.h>

#include "app/core/deadline.h"

#define BREAKER_COOLDOWN_MS 750
#define BREAKER_PROBE_MS 100

enum breaker_outcome {
    BREAKER_ANSWERED,     /* the backend answered (even with an error) */
    BREAKER_FAILED,       /* no answer, quickly: refused, reset */
    BREAKER_TIMED_OUT     /* no answer within the deadline */
};

struct breaker {
    int64_t open_until;   /* ms (deadline clock): fail at once before it */
    int tripped;          /* the last call timed out */
    int calls;            /* any call made yet */
    int last_ok;          /* the last call got an answer */
    long last_ms;         /* how long the last call took */
    unsigned long trips;  /* timeouts so far */
};

/* 0: fail this call at once (cooling down after a timeout). */
int breaker_allow(const struct breaker *b);

/* The deadline a call may use: d, or less for a probe after a trip. */
cr_deadline breaker_deadline(const struct breaker *b, cr_deadline d);

/* Records how the call that started at start_ms (deadline_now_ms) ended. */
void breaker_done(struct breaker *b, int64_t start_ms,
                  enum breaker_outcome how);

/* "unknown" (no call yet), "up", "down" (refused), "tripped" (timed out). */
const char *breaker_state(const struct breaker *b);

#endif
