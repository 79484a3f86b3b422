/* tracer.h - OpenTelemetry traces of the worker's requests, exported as
 * OTLP/HTTP JSON by a per-worker thread.
 *
 * Configured by the standard variables (README, "Observability"): with no
 * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or OTEL_EXPORTER_OTLP_ENDPOINT there
 * is no tracer at all and a request only gets a trace id for its log line.
 *
 * A request records its spans into its own struct trace_req (no lock, no
 * allocation): the server span and one client span per backend call (the
 * obs hook). After the FastCGI request is finished, tracer_submit() writes
 * them as OTLP JSON into the batch being filled, in a bounded queue of
 * batches (trace_queue.h; OTEL_BSP_MAX_QUEUE_SIZE spans; full: they are
 * dropped and counted); the export thread POSTs a batch's buffer as it is
 * when it holds OTEL_BSP_MAX_EXPORT_BATCH_SIZE spans or its oldest has
 * waited OTEL_BSP_SCHEDULE_DELAY ms, with a short timeout. A collector
 * that is down, hanging or failing only costs that thread its time; the
 * worker logs the failures at most once a minute. */
#ifndef CRUDDUR_TRACER_H
#define CRUDDUR_TRACER_H

#include <stdint.h>

#include "app/core/err.h"
#include "app/core/obs.h"
#include "app/core/reqid.h"
#include "app/trace/otlp.h"
#include "app/trace/trace_context.h"

#define TRACE_REQ_SPANS 32      /* spans a request keeps; later ones dropped */

enum trace_sampler {
    SAMPLER_ALWAYS_ON, SAMPLER_ALWAYS_OFF, SAMPLER_RATIO,
    SAMPLER_PB_ALWAYS_ON, SAMPLER_PB_ALWAYS_OFF, SAMPLER_PB_RATIO
};

struct tracer;

/* Reads the OTEL_* variables. *out is NULL when tracing is off. CR_INVALID
 * (after logging which variable) for a malformed one; CR_NOMEM. */
cr_code tracer_new(struct tracer **out);
/* The same with resource attributes the program found itself (a Lambda
 * function's, stream_trace.c), below OTEL_RESOURCE_ATTRIBUTES's. */
cr_code tracer_new_detected(struct tracer **out, const struct otlp_attr *res,
                            size_t nres);
/* Stops the export thread after one last export of what is queued. */
void tracer_free(struct tracer *t);

/* 1 when a trace with this id and parent is recorded. The ratio samplers
 * compare the id's last 56 bits with ratio * 2^56 (the W3C random part),
 * so every service sampling at one ratio keeps the same traces. */
int tracer_sample(enum trace_sampler s, double ratio, int has_parent,
                  int parent_sampled, const unsigned char trace_id[16]);

/* Parses OTEL_TRACES_SAMPLER and its _ARG; 0 when malformed. NULL or ""
 * is the default, parentbased_always_on. */
int tracer_sampler_parse(const char *name, const char *arg,
                         enum trace_sampler *s, double *ratio);

struct trace_req {
    struct tracer *t;
    struct reqid_rng *rng;
    int sampled;
    unsigned char trace_id[16];
    char trace_hex[33];             /* for the log line, always set */
    struct span spans[TRACE_REQ_SPANS]; /* [0]: the root span */
    int nspans;
    int parent;                     /* the span a backend call's is a child
                                     * of: 0, or a child span of the root */
    int dropped;
};

/* Starts a request's trace: the caller's (traceparent, tracestate) when
 * valid, a new trace id otherwise. t may be NULL (tracing off). */
void trace_req_begin(struct trace_req *tr, struct tracer *t,
                     struct reqid_rng *rng, const char *traceparent,
                     const char *tracestate, int64_t start_ns);
/* The same with the caller's context already parsed (a W3C traceparent or
 * an X-Ray header, trace_context.h), NULL for none: the one place a
 * parent's trace id, span id and sampled flag decide the trace. */
void trace_req_begin_from(struct trace_req *tr, struct tracer *t,
                          struct reqid_rng *rng,
                          const struct trace_parent *parent,
                          const char *tracestate, int64_t start_ns);

/* The obs hook (obs_call_fn): one client span per backend call, a child
 * of spans[parent]. */
void trace_req_call(void *arg, const struct obs_call *call);

/* A new span of the trace, a child of spans[parent] (the caller names it
 * and sets its end); NULL when the trace is not sampled or is full. */
struct span *trace_req_child(struct trace_req *tr, enum span_kind kind,
                             int64_t start_ns);

/* What the server span says of the request, once it is answered. */
struct trace_server {
    const char *method;
    const char *route;              /* the pattern, or NULL */
    const char *path;
    const char *user_agent;
    const char *user;               /* uuid, or NULL */
    const char *request_id;
    const char *error;              /* the error code of a 4xx/5xx */
    const char *detail;             /* the backend's detail, or "" */
    int status;
};
void trace_req_end(struct trace_req *tr, const struct trace_server *info,
                   int64_t end_ns);

/* What the export thread did so far: spans sent, exports failed (since
 * the last report of failures), spans dropped. For tests. */
void tracer_counts(struct tracer *t, unsigned long *exported,
                   unsigned long *failed, unsigned long *dropped);

/* Queues a finished request's spans (after FCGX_Finish_r) and logs the
 * export failures and drops, rate-limited. */
void tracer_submit(struct tracer *t, struct trace_req *tr);

/* Queues the finished spans[first..nspans) of a trace still going on (a
 * stream batch's records) and forgets them: a long trace needs no more
 * room than its widest part. */
void tracer_submit_from(struct tracer *t, struct trace_req *tr, int first);

/* Has the export thread send what is queued now and waits for it, at most
 * timeout_ms: a Lambda function's process is frozen once it answers, so it
 * flushes before. 1 when nothing is left queued or being sent. t NULL: 1. */
int tracer_flush(struct tracer *t, long timeout_ms);

/* OTEL_EXPORTER_OTLP_(TRACES_)TIMEOUT, ms; 0 when t is NULL. */
long tracer_timeout_ms(const struct tracer *t);

#endif
