/* stream_trace.c - a stream batch's spans; see stream_trace.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/core/env.h"
#include "aws/stream/stream_trace.h"

/* Not a registered messaging.system: the conventions want a custom value
 * then, and DynamoDB Streams is the system the records come through. */
#define STREAM_TRACE_SYSTEM "aws_dynamodb_streams"

/* A tracer with the resource attributes res (nres), and its stream_trace. */
static cr_code
stream_trace_make(struct stream_trace **out, const struct otlp_attr *res,
                  size_t nres)
{
    struct stream_trace *st;
    struct tracer *t = NULL;
    cr_code rc;

    *out = NULL;
    if ((rc = tracer_new_detected(&t, res, nres)) || t == NULL)
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

cr_code
stream_trace_new(struct stream_trace **out)
{
    return stream_trace_make(out, NULL, 0);
}

/* res[*n] = key: value when value is set (a NULL one marks an integer). */
static void
stream_trace_res(struct otlp_attr *res, size_t *n, const char *key,
                 const char *value)
{
    if (value)
        res[(*n)++] = (struct otlp_attr){ key, value, 0 };
}

cr_code
stream_trace_new_lambda(struct stream_trace **out,
                        const struct lambda_runtime *rt)
{
    const char *name = env_get("AWS_LAMBDA_FUNCTION_NAME");
    const char *mem = env_get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE");
    const char *region = env_get("AWS_REGION");
    struct otlp_attr res[8];
    size_t n = 0;
    char *end = NULL;
    long long mb = mem ? strtoll(mem, &end, 10) : 0;
    cr_code rc;

    stream_trace_res(res, &n, "cloud.provider", "aws");
    stream_trace_res(res, &n, "cloud.platform", "aws_lambda");
    stream_trace_res(res, &n, "cloud.region",
                     region ? region : env_get("AWS_DEFAULT_REGION"));
    stream_trace_res(res, &n, "faas.name", name);
    stream_trace_res(res, &n, "service.name", name);
    stream_trace_res(res, &n, "faas.version",
                     env_get("AWS_LAMBDA_FUNCTION_VERSION"));
    stream_trace_res(res, &n, "faas.instance",
                     env_get("AWS_LAMBDA_LOG_STREAM_NAME"));
    /* Lambda gives MB; the conventions want bytes. */
    if (mem && *end == '\0' && mb > 0 && mb <= 1024 * 1024)
        res[n++] = (struct otlp_attr){ "faas.max_memory", NULL,
                                       mb * 1024 * 1024 };
    if ((rc = stream_trace_make(out, res, n)) || *out == NULL)
        return rc;
    (*out)->function = name;
    (*out)->lambda = rt;
    (*out)->xray = trace_propagator_listed(env_get("OTEL_PROPAGATORS"),
                                           "xray-lambda");
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

/* The batch's trace (parent's when given, else a new one) and root span
 * (of kind), and obs_current pointed at it so the handler's DynamoDB calls
 * become spans. NULL when not sampled. */
static struct span *
stream_trace_root(struct stream_trace *st, enum span_kind kind,
                  const struct trace_parent *parent)
{
    trace_req_begin_from(&st->tr, st->t, &st->rng, parent, NULL,
                         obs_now_ns());
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

    if (st == NULL ||
        (s = stream_trace_root(st, SPAN_KIND_CONSUMER, NULL)) == NULL)
        return;
    snprintf(s->name, sizeof(s->name), "process %s", table);
    span_attr_str(s, "messaging.system", STREAM_TRACE_SYSTEM);
    span_attr_str(s, "messaging.operation.type", "process");
    span_attr_str(s, "messaging.operation.name", "process");
    span_attr_str(s, "messaging.destination.name", table);
    span_attr_str(s, "messaging.destination.partition.id", shard);
}

/* The account of an ARN "arn:aws:lambda:REGION:ACCOUNT:function:NAME[:Q]",
 * its fifth field (the conventions' way to cloud.account.id), into out. */
static const char *
stream_trace_account(const char *arn, char *out, size_t size)
{
    const char *p = arn, *end;
    int i;

    for (i = 0; i < 4 && p; i++)
        if ((p = strchr(p, ':')))
            p++;
    if (p == NULL || (end = strchr(p, ':')) == NULL || end == p ||
        (size_t)(end - p) >= size)
        return NULL;
    memcpy(out, p, (size_t)(end - p));
    out[end - p] = '\0';
    return out;
}

void
stream_trace_lambda_begin(struct stream_trace *st, const char *table)
{
    const struct lambda_invocation *inv;
    struct trace_parent xray, *parent = NULL;
    struct span *s;
    char account[32];

    if (st == NULL)
        return;
    inv = st->lambda ? st->lambda->current : NULL;
    if (st->xray && inv && trace_xray_parse(inv->trace_id, &xray))
        parent = &xray;
    if ((s = stream_trace_root(st, SPAN_KIND_SERVER, parent)) == NULL)
        return;
    /* The conventions for AWS Lambda: a SERVER span named by the function;
     * a table's stream is a "datasource" trigger. */
    snprintf(s->name, sizeof(s->name), "%s",
             st->function ? st->function : "cruddur-messaging-stream");
    span_attr_str(s, "faas.trigger", "datasource");
    span_attr_str(s, "faas.invocation_id", inv ? inv->request_id : NULL);
    if (inv && inv->function_arn[0]) {
        span_attr_str(s, "aws.lambda.invoked_arn", inv->function_arn);
        span_attr_str(s, "cloud.account.id",
                      stream_trace_account(inv->function_arn, account,
                                           sizeof(account)));
    }
    span_attr_str(s, "faas.document.collection", table);
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
