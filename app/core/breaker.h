/* breaker.h - one backend as the workers of a host have seen it: a circuit
 * breaker and the figures readiness reports.
 *
 * After a call to a backend runs out of time, calls to it fail at once for
 * BREAKER_COOLDOWN_MS instead of spending each request's budget on a
 * backend known to hang; then one call at a time goes through as a probe
 * with at most BREAKER_PROBE_MS (so a probe into a backend still hung
 * holds its worker only briefly), while the others keep failing at once.
 * An answer closes the breaker. A backend that refuses at once does not
 * trip it: that failure is already fast.
 *
 * The state lives in a slot that the workers of one server share (app/core/
 * breaker_shm.h): once one worker has waited a budget, the others fail
 * fast too, and the probe is taken by one worker (a compare-and-swap), not
 * by each. A breaker not given a shared slot keeps its own (the worker's
 * fallback, the tools). */
#ifndef CRUDDUR_BREAKER_H
#define CRUDDUR_BREAKER_H

#include <stdatomic.h>
#include <stdint.h>

#include "app/core/deadline.h"

#define BREAKER_COOLDOWN_MS 750
#define BREAKER_PROBE_MS 100
/* How long a taken probe keeps the others out: its own deadline and then
 * some. A worker that dies mid-probe costs at most this. */
#define BREAKER_PROBE_LEASE_MS (BREAKER_PROBE_MS + BREAKER_COOLDOWN_MS)

enum breaker_outcome {
    BREAKER_ANSWERED,     /* the backend answered (even with an error) */
    BREAKER_FAILED,       /* no answer, quickly: refused, reset */
    BREAKER_TIMED_OUT     /* no answer within the deadline */
};

/* What breaker_enter lets a caller do. */
enum breaker_pass {
    BREAKER_REFUSE,       /* fail at once: cooling down, or probed by another */
    BREAKER_CALL,         /* closed: call with the request's deadline */
    BREAKER_PROBE         /* the one probe: call with at most the probe's */
};

/* One backend's shared state. All zeros is "no call yet", closed. Each
 * word is read and written on its own; readiness may see the figures of
 * two calls mixed, the breaker's own decisions use one word each. */
struct breaker_slot {
    _Atomic int state;          /* enum breaker_state_code, below */
    _Atomic int64_t open_until; /* tripped: fail at once before (ms) */
    _Atomic int64_t probe_until;/* a probe is out until then (ms); 0: none */
    _Atomic long last_ms;       /* how long the last call took */
    _Atomic unsigned long trips;/* timeouts so far */
};

struct breaker {
    struct breaker_slot *shared;    /* NULL: own, below */
    struct breaker_slot own;
};

/* Makes b use slot (shared with other processes), or its own when NULL. */
void breaker_share(struct breaker *b, struct breaker_slot *slot);

/* Whether a call may go out now; a BREAKER_PROBE must be ended by
 * breaker_done (or breaker_cancel when no call was made). */
enum breaker_pass breaker_enter(struct breaker *b);

/* The deadline a call may use: d, or less for a probe. */
cr_deadline breaker_deadline(enum breaker_pass pass, cr_deadline d);

/* Records how the call that started at start_ms (deadline_now_ms) ended. */
void breaker_done(struct breaker *b, enum breaker_pass pass, int64_t start_ms,
                  enum breaker_outcome how);

/* No call was made after all: a probe taken is handed back. */
void breaker_cancel(struct breaker *b, enum breaker_pass pass);

/* "unknown" (no call yet), "up", "down" (refused), "tripped" (timed out). */
const char *breaker_state(const struct breaker *b);
int breaker_tripped(const struct breaker *b);
long breaker_last_ms(const struct breaker *b);      /* -1: no call yet */
unsigned long breaker_trips(const struct breaker *b);

#endif
