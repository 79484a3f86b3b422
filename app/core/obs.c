/* obs.c - per-request backend time and counts; see obs.h. */
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "app/core/log.h"
#include "app/core/obs.h"

struct obs_request *obs_current;

int64_t
obs_now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static const char *const obs_names[OBS__KINDS] = {
    [OBS_PG] = "db", [OBS_DDB] = "dynamodb", [OBS_JWKS] = "jwks",
};

void
obs_call_end(enum obs_kind kind, const char *op, const char *target,
             int64_t start_ns, const char *error)
{
    obs_call_end_retried(kind, op, target, 1, NULL, start_ns, error);
}

void
obs_call_end_retried(enum obs_kind kind, const char *op, const char *target,
                     int attempts, const int64_t *retry_ns, int64_t start_ns,
                     const char *error)
{
    struct obs_request *o = obs_current;
    struct obs_call call = { kind, op, target, start_ns, obs_now_ns(),
                             attempts, retry_ns, error };

    if (o == NULL) {
        /* No request: PostgreSQL and key fetch failures are logged as their
         * call sites did before; an AWS call's caller logs its own (the
         * stream batch, the tool), with more context than we have. */
        if (error && kind != OBS_DDB)
            log_line("%s: %s: %s", obs_names[kind], op, error);
        return;
    }
    /* A wall clock step backwards must not make a negative time. */
    if (call.end_ns > start_ns)
        o->ns[kind] += call.end_ns - start_ns;
    o->calls[kind]++;
    if (error && o->detail[0] == '\0')
        snprintf(o->detail, sizeof(o->detail), "%s: %s: %s", obs_names[kind],
                 op, error);
    if (o->on_call)
        o->on_call(o->arg, &call);
}

void
obs_fail(const char *fmt, ...)
{
    char msg[OBS_DETAIL_SIZE];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (obs_current == NULL)
        log_line("%s", msg);
    else if (obs_current->detail[0] == '\0')
        snprintf(obs_current->detail, sizeof(obs_current->detail), "%s", msg);
}
