/* breaker.c - fail fast while a backend is known to hang. */
#include "app/core/breaker.h"

enum breaker_state_code { BS_UNKNOWN, BS_UP, BS_DOWN, BS_TRIPPED };

static struct breaker_slot *
breaker_slot(struct breaker *b)
{
    return b->shared ? b->shared : &b->own;
}

static const struct breaker_slot *
breaker_slot_c(const struct breaker *b)
{
    return b->shared ? b->shared : &b->own;
}

void
breaker_share(struct breaker *b, struct breaker_slot *slot)
{
    b->shared = slot;
}

/* The probe is the caller's that moves probe_until from a time already
 * past (or 0) to its lease: one compare-and-swap, so of the workers that
 * find the cool-down over at the same moment exactly one gets it. The
 * cool-down is read again once it is ours: a probe that has just timed
 * out set a new one before it let go. */
static int
breaker_take_probe(struct breaker_slot *s, int64_t now)
{
    int64_t seen = atomic_load(&s->probe_until);

    if (seen > now ||
        !atomic_compare_exchange_strong(&s->probe_until, &seen,
                                        now + BREAKER_PROBE_LEASE_MS))
        return 0;
    if (now < atomic_load(&s->open_until)) {
        atomic_store(&s->probe_until, 0);
        return 0;
    }
    return 1;
}

enum breaker_pass
breaker_enter(struct breaker *b)
{
    struct breaker_slot *s = breaker_slot(b);
    int64_t now;

    if (atomic_load(&s->state) != BS_TRIPPED)
        return BREAKER_CALL;
    now = deadline_now_ms();
    if (now < atomic_load(&s->open_until) || !breaker_take_probe(s, now))
        return BREAKER_REFUSE;
    return BREAKER_PROBE;
}

cr_deadline
breaker_deadline(enum breaker_pass pass, cr_deadline d)
{
    return pass == BREAKER_PROBE ? deadline_min(d, BREAKER_PROBE_MS) : d;
}

void
breaker_done(struct breaker *b, enum breaker_pass pass, int64_t start_ms,
             enum breaker_outcome how)
{
    struct breaker_slot *s = breaker_slot(b);
    int64_t now = deadline_now_ms();

    atomic_store(&s->last_ms, (long)(now - start_ms));
    if (how == BREAKER_TIMED_OUT) {
        atomic_fetch_add(&s->trips, 1);
        /* The time first, so that no worker sees "tripped" with an old
         * cool-down already over. */
        atomic_store(&s->open_until, now + BREAKER_COOLDOWN_MS);
        atomic_store(&s->state, BS_TRIPPED);
    } else {
        /* Any answer, or a quick refusal, closes it for every worker. */
        atomic_store(&s->state, how == BREAKER_ANSWERED ? BS_UP : BS_DOWN);
    }
    breaker_cancel(b, pass);
}

void
breaker_cancel(struct breaker *b, enum breaker_pass pass)
{
    if (pass == BREAKER_PROBE)
        atomic_store(&breaker_slot(b)->probe_until, 0);
}

const char *
breaker_state(const struct breaker *b)
{
    switch (atomic_load(&breaker_slot_c(b)->state)) {
    case BS_UP:
        return "up";
    case BS_DOWN:
        return "down";
    case BS_TRIPPED:
        return "tripped";
    default:
        return "unknown";
    }
}

int
breaker_tripped(const struct breaker *b)
{
    return atomic_load(&breaker_slot_c(b)->state) == BS_TRIPPED;
}

long
breaker_last_ms(const struct breaker *b)
{
    const struct breaker_slot *s = breaker_slot_c(b);

    return atomic_load(&s->state) == BS_UNKNOWN ? -1
                                                : atomic_load(&s->last_ms);
}

unsigned long
breaker_trips(const struct breaker *b)
{
    return atomic_load(&breaker_slot_c(b)->trips);
}
