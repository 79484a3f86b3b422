/* breaker.c - fail fast while a backend is known to hang. */
#include "app/core/breaker.h"

int
breaker_allow(const struct breaker *b)
{
    return !b->tripped || deadline_now_ms() >= b->open_until;
}

cr_deadline
breaker_deadline(const struct breaker *b, cr_deadline d)
{
    return b->tripped ? deadline_min(d, BREAKER_PROBE_MS) : d;
}

void
breaker_done(struct breaker *b, int64_t start_ms, enum breaker_outcome how)
{
    int64_t now = deadline_now_ms();

    b->calls = 1;
    b->last_ms = (long)(now - start_ms);
    b->last_ok = how == BREAKER_ANSWERED;
    b->tripped = how == BREAKER_TIMED_OUT;
    if (b->tripped) {
        b->trips++;
        b->open_until = now + BREAKER_COOLDOWN_MS;
    }
}

const char *
breaker_state(const struct breaker *b)
{
    if (!b->calls)
        return "unknown";
    if (b->tripped)
        return "tripped";
    return b->last_ok ? "up" : "down";
}
