/* obs.h - what one request spent in its backends, for the access line and
 * the trace.
 *
 * The worker answers one request at a time, so the edge points obs_current
 * at the request's struct obs_request for its duration (NULL otherwise:
 * the stream processor and the tools). The calls into PostgreSQL, DynamoDB
 * and the key fetch report each backend call with obs_call_end(): it adds
 * to the request's time and count, keeps the first failure's detail for
 * the edge's one line, and hands the call to the tracer's hook when the
 * request is traced. Outside a request obs_call_end() only logs a
 * PostgreSQL or key fetch failure, as those call sites did before (an AWS
 * call's caller logs its own). Nothing here allocates. */
#ifndef CRUDDUR_OBS_H
#define CRUDDUR_OBS_H

#include <stdint.h>

enum obs_kind { OBS_PG, OBS_DDB, OBS_JWKS, OBS__KINDS };

#define OBS_DETAIL_SIZE 256
#define OBS_MAX_RETRIES 8   /* retry times a call keeps; later ones counted */

struct obs_call {
    enum obs_kind kind;
    const char *op;         /* statement name, DynamoDB operation, "GET" */
    const char *target;     /* table name or URL; may be NULL */
    int64_t start_ns;       /* wall clock, ns since the epoch */
    int64_t end_ns;
    int attempts;           /* 1 unless retried */
    const int64_t *retry_ns; /* when each retry began (the first
                             * OBS_MAX_RETRIES of attempts - 1), or NULL */
    const char *error;      /* the backend's detail on failure, else NULL */
};

typedef void (*obs_call_fn)(void *arg, const struct obs_call *call);

struct obs_request {
    int64_t ns[OBS__KINDS];
    int calls[OBS__KINDS];
    char detail[OBS_DETAIL_SIZE]; /* the first backend failure, or "" */
    obs_call_fn on_call;    /* the tracer's, when this request is traced */
    void *arg;
};

extern struct obs_request *obs_current;

/* Wall clock in ns since the epoch (span times want it). */
int64_t obs_now_ns(void);

/* One backend call is over: see above. error NULL on success. */
void obs_call_end(enum obs_kind kind, const char *op, const char *target,
                  int64_t start_ns, const char *error);
/* The same for a call that was tried attempts times, retry_ns[i] the wall
 * clock when retry i began (the trace's retry events carry it). */
void obs_call_end_retried(enum obs_kind kind, const char *op,
                          const char *target, int attempts,
                          const int64_t *retry_ns, int64_t start_ns,
                          const char *error);

/* A backend failure outside any one call (a connect, a prepare): kept as
 * the request's detail, or logged when no request is being answered. */
void obs_fail(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

#endif
