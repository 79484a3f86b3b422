/* deadline.h - the time a request may still spend on its backends.
 *
 * A request gets one budget when it starts (CRUDDUR_REQUEST_BUDGET_MS,
 * README "Configuration"); every backend call below it waits
 * at most what is left, so a backend that hangs costs a request its budget
 * and never lighttpd's timeout. A deadline is a point on CLOCK_MONOTONIC in
 * milliseconds; DEADLINE_NONE means "no limit" (the tools, the stream
 * processor). */
#ifndef CRUDDUR_DEADLINE_H
#define CRUDDUR_DEADLINE_H

#include <stdint.h>

typedef int64_t cr_deadline;

#define DEADLINE_NONE 0

/* Milliseconds on CLOCK_MONOTONIC. */
int64_t deadline_now_ms(void);

/* The deadline ms from now (ms <= 0: already expired, never NONE). */
cr_deadline deadline_in(long ms);

/* What is left of d in ms: 0 once it has passed, `none` when d is
 * DEADLINE_NONE (the caller's own limit for an unbounded call). */
long deadline_left_ms(cr_deadline d, long none);

/* The earlier of d and ms from now: a step that has its own bound. */
cr_deadline deadline_min(cr_deadline d, long ms);

#endif
