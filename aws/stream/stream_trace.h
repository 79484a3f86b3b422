/* stream_trace.h - OpenTelemetry traces of the stream processor, the
 * poller's and the Lambda function's, through the worker's tracer
 * (app/trace: the same OTEL_* variables, the same exporter).
 *
 * A batch is one trace: its root span (the poller's CONSUMER span
 * "process TABLE", or the Lambda invocation's SERVER span named by the
 * function), a CONSUMER span per record under it (event name, table,
 * sequence number; never the message), and a CLIENT span per DynamoDB call
 * under the record's, as a request's are (the obs hook). A record's spans
 * are queued when it is done, the root's when the batch is; a Lambda
 * function then flushes (stream_trace_flush) before it answers.
 *
 * With no endpoint stream_trace_new() gives NULL, and every function here
 * takes NULL and returns at once: tracing off costs a test per record. */
#ifndef CRUDDUR_STREAM_TRACE_H
#define CRUDDUR_STREAM_TRACE_H

#include <stddef.h>

#include <jansson.h>

#include "app/core/err.h"
#include "app/trace/tracer.h"
#include "aws/client/aws_error.h"
#include "aws/lambda/lambda_runtime.h"

struct stream_trace {
    struct tracer *t;               /* owned */
    /* The Lambda function's: its name and the runtime whose current
     * invocation's id the invocation span carries. NULL in the poller. */
    const char *function;
    const struct lambda_runtime *lambda;
    /* The invocation's X-Ray header is its span's parent (OTEL_PROPAGATORS
     * lists xray-lambda, see stream_trace_new_lambda). */
    int xray;
    struct reqid_rng rng;
    struct trace_req tr;            /* the batch's spans */
    struct obs_request obs;         /* obs_current during a batch */
};

/* Reads the OTEL_* variables (tracer_new): *out NULL when tracing is off.
 * CR_INVALID for a malformed variable (logged), CR_NOMEM. */
cr_code stream_trace_new(struct stream_trace **out);
/* The Lambda function's, tracing rt's invocations: named by
 * AWS_LAMBDA_FUNCTION_NAME; the resource says what Lambda's variables say
 * of the function (cloud.*, faas.name, faas.version, faas.instance,
 * faas.max_memory in bytes; service.name the function's when neither
 * OTEL_SERVICE_NAME nor OTEL_RESOURCE_ATTRIBUTES names one). With
 * "xray-lambda" in OTEL_PROPAGATORS an invocation continues the X-Ray
 * trace Lambda hands it (Lambda-Runtime-Trace-Id), its Sampled flag
 * honoured by the parent-based samplers; without, as the conventions
 * advise when spans go elsewhere than X-Ray, it starts a trace of its own:
 * a function without active tracing gets Sampled=0, which would silence
 * it. */
cr_code stream_trace_new_lambda(struct stream_trace **out,
                                const struct lambda_runtime *rt);
void stream_trace_free(struct stream_trace *st);

/* The poller's batch from a shard of table's stream. */
void stream_trace_poll_begin(struct stream_trace *st, const char *table,
                             const char *shard);
/* One Lambda invocation (st->lambda's current one) on table: a SERVER
 * span with the faas attributes of the conventions for AWS Lambda. */
void stream_trace_lambda_begin(struct stream_trace *st, const char *table);
/* Records a batch's size and outcome on its root span and queues it:
 * error (a static string, or NULL) when the batch failed as a whole,
 * nfailed records failed otherwise. */
void stream_trace_batch_end(struct stream_trace *st, size_t nrecords,
                            size_t nfailed, const char *error);

/* Around the handling of one record. */
void stream_trace_record_begin(struct stream_trace *st, json_t *record,
                               const char *table);
void stream_trace_record_end(struct stream_trace *st, cr_code rc,
                             const struct aws_error *err);

/* Sends what is queued now and waits for it, at most the export timeout
 * and a little more. */
void stream_trace_flush(struct stream_trace *st);

#endif
