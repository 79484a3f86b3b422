/* stream_trace.c - a stream batch's spans; see stream_trace.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/stream/stream_trace.h"

/* Not a registered messaging.system: the conventions want a custom value
 * then, and DynamoDB Streams is the system the records come through. */
#define STREAM_TRACE_SYSTEM "aws_dynamodb_streams"

cr_code
stream_trace_new(struct stream_trace **out)
{
    struct stream_trace *st;
    struct tracer *t = NULL;
    cr_code rc;

    *out = NULL;
    if ((rc = tracer_new(&t)) || t == NULL)
        return rc;
    if ((st = calloc(1, sizeof(*st))) == NULL) {
        tracer_free(t);
        return CR_NOMEM;
    }
    st->t = t;
    reqid_rng_seed(&st->rng);
    *out = st;
    return CR_OK;
}

void
stream_trace_free(struct stream_trace *st)
{
    if (st == NULL)
        return;
    tracer_free(st->t);
    free(st);
}

/* The batch's trace and root span (of kind), and obs_current pointed at
 * it so the handler's DynamoDB calls become spans. NULL when not sampled. */
static struct span *
stream_trace_root(struct stream_trace *st, enum span_kind kind)
{
    trace_req_begin(&st->tr, st->t, &st->rng, NULL, NULL, obs_now_ns());
    if (!st->tr.sampled)
        return NULL;
    memset(&st->obs, 0, sizeof(st->obs));
    st->obs.on_call = trace_req_call;
    st->obs.arg = &st->tr;
    obs_current = &st->obs;
    st->tr.spans[0].kind = kind;
    return &st->tr.spans[0];
}

void
stream_trace_poll_begin(struct stream_trace *st, const char *table,
                        const char *shard)
{
    struct span *s;

    if (st == NULL || (s = stream_trace_root(st, SPAN_KIND_CONSUMER)) == NULL)
        return;
    snprintf(s->name, sizeof(s->name), "process %s", table);
    span_attr_str(s, "messaging.system", STREAM_TRACE_SYSTEM);
    span_attr_str(s, "messaging.operation.type", "process");
    span_attr_str(s, "messaging.operation.name", "process");
    span_attr_str(s, "messaging.destination.name", table);
    span_attr_str(s, "messaging.destination.partition.id", shard);
}

void
stream_trace_lambda_begin(struct stream_trace *st, const char *table)
{
    struct span *s;

    if (st == NULL || (s = stream_trace_root(st, SPAN_KIND_SERVER)) == NULL)
        return;
    /* The conventions for AWS Lambda: a SERVER span named by the function;
     * a table's stream is a "datasource" trigger. */
    snprintf(s->name, sizeof(s->name), "%s",
             st->function ? st->function : "cruddur-messaging-stream");
    span_attr_str(s, "faas.trigger", "datasource");
    span_attr_str(s, "faas.invocation_id",
                  st->lambda && st->lambda->current
                      ? st->lambda->current->request_id : NULL);
    span_attr_str(s, "faas.document.collection", table);
    span_attr_str(s, "cloud.provider", "aws");
    span_attr_str(s, "messaging.system", STREAM_TRACE_SYSTEM);
    span_attr_str(s, "messaging.operation.type", "process");
}

void
stream_trace_batch_end(struct stream_trace *st, size_t nrecords,
                       size_t nfailed, const char *error)
{
    struct span *s;
    char why[64];

    if (st == NULL || !st->tr.sampled)
        return;
    s = &st->tr.spans[0];
    s->end_ns = obs_now_ns();
    span_attr_int(s, "messaging.batch.message_count", (int64_t)nrecords);
    span_attr_int(s, "cruddur.stream.failed_records", (int64_t)nfailed);
    if (error) {
        span_set_error(s, error, NULL);
    } else if (nfailed) {
        /* Reported back for a retry: the batch did not succeed. */
        snprintf(why, sizeof(why), "%zu of %zu records failed", nfailed,
                 nrecords);
        span_set_error(s, "RecordsFailed", why);
    }
    st->tr.parent = 0;
    tracer_submit(st->t, &st->tr);
    obs_current = NULL;
}

/* The conventions' faas.document.operation of a stream event name. */
static const char *
stream_trace_operation(const char *event)
{
    if (event == NULL)
        return NULL;
    if (strcmp(event, "INSERT") == 0)
        return "insert";
    if (strcmp(event, "MODIFY") == 0)
        return "edit";
    return strcmp(event, "REMOVE") == 0 ? "delete" : NULL;
}

void
stream_trace_record_begin(struct stream_trace *st, json_t *record,
                          const char *table)
{
    const char *event;
    struct span *s;

    if (st == NULL ||
        (s = trace_req_child(&st->tr, SPAN_KIND_CONSUMER, obs_now_ns())) == NULL)
        return;
    event = json_string_value(json_object_get(record, "eventName"));
    /* Its keys and images stay out: they hold uuids and the message. */
    snprintf(s->name, sizeof(s->name), "process %s", table);
    span_attr_str(s, "messaging.system", STREAM_TRACE_SYSTEM);
    span_attr_str(s, "messaging.operation.type", "process");
    span_attr_str(s, "messaging.destination.name", table);
    span_attr_str(s, "messaging.message.id", json_string_value(json_object_get(
        json_object_get(record, "dynamodb"), "SequenceNumber")));
    span_attr_str(s, "cruddur.stream.event_name", event);
    span_attr_str(s, "faas.document.operation", stream_trace_operation(event));
    span_attr_list1(s, "aws.dynamodb.table_names", table);
    st->tr.parent = st->tr.nspans - 1;
}

void
stream_trace_record_end(struct stream_trace *st, cr_code rc,
                        const struct aws_error *err)
{
    char why[AWS_ERR_TARGET_SIZE + AWS_ERR_TYPE_SIZE + 64];
    struct span *s;
    int i;

    if (st == NULL || !st->tr.sampled || (i = st->tr.parent) == 0)
        return;
    s = &st->tr.spans[i];
    s->end_ns = obs_now_ns();
    if (rc)
        span_set_error(s, cr_strerror(rc),
                       err && err->target[0]
                           ? aws_error_describe(err, why, sizeof(why))
                           : cr_strerror(rc));
    st->tr.parent = 0;
    /* The record's span and its calls' go now: a batch of a thousand
     * records needs room for one record's spans only. */
    tracer_submit_from(st->t, &st->tr, i);
}

void
stream_trace_flush(struct stream_trace *st)
{
    if (st)
        tracer_flush(st->t, tracer_timeout_ms(st->t) + 250);
}
