/* tracer.c - sampling, a request's spans, the settings; the spans are
 * queued and exported by trace_queue.c. See tracer.h. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "app/core/log.h"
#include "app/trace/trace_queue.h"
#include "app/trace/tracer.h"

struct tracer {
    char *url;
    struct curl_slist *headers;
    char *resource;                 /* the "resource" JSON object */
    long timeout_ms;
    enum trace_sampler sampler;
    double ratio;
    size_t cap, batch;              /* spans: queued at most, per batch */
    long delay_ms;
    CURL *curl;                     /* the export thread's */
    struct trace_queue *queue;
};

int
tracer_sample(enum trace_sampler s, double ratio, int has_parent,
              int parent_sampled, const unsigned char trace_id[16])
{
    uint64_t r = 0;
    int i;

    switch (s) {
    case SAMPLER_PB_ALWAYS_ON:
    case SAMPLER_PB_ALWAYS_OFF:
    case SAMPLER_PB_RATIO:
        if (has_parent)
            return parent_sampled;
        break;
    default:
        break;
    }
    if (s == SAMPLER_ALWAYS_ON || s == SAMPLER_PB_ALWAYS_ON)
        return 1;
    if (s == SAMPLER_ALWAYS_OFF || s == SAMPLER_PB_ALWAYS_OFF)
        return 0;
    for (i = 9; i < 16; i++)
        r = r << 8 | trace_id[i];
    return ratio >= 1.0 || (double)r < ratio * 72057594037927936.0; /* 2^56 */
}

int
tracer_sampler_parse(const char *name, const char *arg,
                     enum trace_sampler *s, double *ratio)
{
    static const struct { const char *name; enum trace_sampler s; } names[] = {
        { "always_on", SAMPLER_ALWAYS_ON },
        { "always_off", SAMPLER_ALWAYS_OFF },
        { "traceidratio", SAMPLER_RATIO },
        { "parentbased_always_on", SAMPLER_PB_ALWAYS_ON },
        { "parentbased_always_off", SAMPLER_PB_ALWAYS_OFF },
        { "parentbased_traceidratio", SAMPLER_PB_RATIO },
    };
    size_t i;
    char *end;

    *s = SAMPLER_PB_ALWAYS_ON;
    *ratio = 1.0;
    if (name && *name) {
        for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
            if (strcmp(name, names[i].name) == 0)
                break;
        if (i == sizeof(names) / sizeof(names[0]))
            return 0;
        *s = names[i].s;
    }
    if ((*s == SAMPLER_RATIO || *s == SAMPLER_PB_RATIO) && arg && *arg) {
        errno = 0;
        *ratio = strtod(arg, &end);
        if (errno || *end || !(*ratio >= 0.0 && *ratio <= 1.0))
            return 0;
    }
    return 1;
}

/* ---- one request ---- */

static struct span *
trace_req_span(struct trace_req *tr, enum span_kind kind, int64_t start_ns)
{
    struct span *s;

    if (tr->nspans == TRACE_REQ_SPANS) {
        tr->dropped++;
        return NULL;
    }
    s = &tr->spans[tr->nspans++];
    memset(s, 0, offsetof(struct span, attrs));
    s->kind = kind;
    s->start_ns = start_ns;
    memcpy(s->trace_id, tr->trace_id, sizeof(s->trace_id));
    reqid_random_bytes(tr->rng, s->span_id, sizeof(s->span_id));
    return s;
}

/* A new trace id: the Unix time in its first 4 bytes, as AWS X-Ray needs
 * (its exporter drops ids that do not start with a recent time), then 12
 * random ones (the ratio samplers read the last 7). Still a W3C id. */
static void
trace_new_id(struct reqid_rng *rng, int64_t now_ns, unsigned char id[16])
{
    uint32_t secs = (uint32_t)(now_ns / 1000000000);

    id[0] = (unsigned char)(secs >> 24);
    id[1] = (unsigned char)(secs >> 16);
    id[2] = (unsigned char)(secs >> 8);
    id[3] = (unsigned char)secs;
    reqid_random_bytes(rng, id + 4, 12);
}

void
trace_req_begin(struct trace_req *tr, struct tracer *t, struct reqid_rng *rng,
                const char *traceparent, const char *tracestate,
                int64_t start_ns)
{
    struct trace_parent p;

    trace_req_begin_from(tr, t, rng,
                         trace_parent_parse(traceparent, &p) ? &p : NULL,
                         tracestate, start_ns);
}

void
trace_req_begin_from(struct trace_req *tr, struct tracer *t,
                     struct reqid_rng *rng, const struct trace_parent *p,
                     const char *tracestate, int64_t start_ns)
{
    struct span *server = &tr->spans[0];

    tr->t = t;
    tr->rng = rng;
    tr->nspans = 0;
    tr->parent = 0;
    tr->dropped = 0;
    if (p)
        memcpy(tr->trace_id, p->trace_id, sizeof(p->trace_id));
    else
        trace_new_id(rng, start_ns, tr->trace_id);
    reqid_hex(tr->trace_id, sizeof(tr->trace_id), tr->trace_hex);
    tr->sampled = t && tracer_sample(t->sampler, t->ratio, p != NULL,
                                     p && (p->flags & 1), tr->trace_id);
    if (!tr->sampled)
        return;
    trace_req_span(tr, SPAN_KIND_SERVER, start_ns);
    if (p) {
        server->has_parent = 1;
        memcpy(server->parent_id, p->span_id, sizeof(p->span_id));
        trace_state_keep(tracestate, server->trace_state);
    }
}

struct span *
trace_req_child(struct trace_req *tr, enum span_kind kind, int64_t start_ns)
{
    struct span *s;

    if (!tr->sampled || (s = trace_req_span(tr, kind, start_ns)) == NULL)
        return NULL;
    s->has_parent = 1;
    memcpy(s->parent_id, tr->spans[tr->parent].span_id, sizeof(s->parent_id));
    return s;
}

static const char *
trace_kind_name(enum obs_kind k)
{
    return k == OBS_PG ? "PostgreSQL" : k == OBS_DDB ? "DynamoDB" : "JWKS";
}

void
trace_req_call(void *arg, const struct obs_call *c)
{
    struct trace_req *tr = arg;
    struct span *s = trace_req_span(tr, SPAN_KIND_CLIENT, c->start_ns);
    int i;

    if (s == NULL)
        return;
    s->end_ns = c->end_ns;
    s->has_parent = 1;
    memcpy(s->parent_id, tr->spans[tr->parent].span_id, sizeof(s->parent_id));
    switch (c->kind) {
    case OBS_PG:
        /* The prepared statement's name: never its parameters. */
        snprintf(s->name, sizeof(s->name), "%s", c->op);
        span_attr_str(s, "db.system", "postgresql");
        span_attr_str(s, "db.system.name", "postgresql");
        span_attr_str(s, "db.operation.name", c->op);
        break;
    case OBS_DDB:
        snprintf(s->name, sizeof(s->name), "DynamoDB.%s", c->op);
        span_attr_str(s, "rpc.system", "aws-api");
        span_attr_str(s, "rpc.service", "DynamoDB");
        span_attr_str(s, "rpc.method", c->op);
        span_attr_list1(s, "aws.dynamodb.table_names", c->target);
        s->retries = c->attempts > 1 ? c->attempts - 1 : 0;
        for (i = 0; c->retry_ns && i < s->retries && i < SPAN_MAX_RETRIES &&
                    i < OBS_MAX_RETRIES; i++)
            s->retry_ns[i] = c->retry_ns[i];
        break;
    default:
        snprintf(s->name, sizeof(s->name), "GET");
        span_attr_str(s, "http.request.method", "GET");
        span_attr_str(s, "url.full", c->target);
        span_attr_str(s, "cruddur.fetch", "jwks");
        break;
    }
    if (c->error)
        span_set_error(s, trace_kind_name(c->kind), c->error);
}

void
trace_req_end(struct trace_req *tr, const struct trace_server *in,
              int64_t end_ns)
{
    struct span *s = &tr->spans[0];

    if (!tr->sampled)
        return;
    s->end_ns = end_ns;
    if (in->route)
        snprintf(s->name, sizeof(s->name), "%s %s", in->method, in->route);
    else
        snprintf(s->name, sizeof(s->name), "%s", in->method);
    span_attr_str(s, "http.request.method", in->method);
    span_attr_str(s, "http.route", in->route);
    span_attr_int(s, "http.response.status_code", in->status);
    span_attr_str(s, "url.path", in->path);
    span_attr_str(s, "url.scheme", "http");
    span_attr_str(s, "user_agent.original", in->user_agent);
    if (in->user && in->user[0])
        span_attr_str(s, "enduser.id", in->user);
    span_attr_str(s, "cruddur.request_id", in->request_id);
    /* Server spans: only a 5xx is an error (a 4xx is the caller's). */
    if (in->status >= 500)
        span_set_error(s, in->error ? in->error : "internal_error",
                       in->detail && in->detail[0] ? in->detail : in->error);
}

/* ---- the queue (trace_queue.c) ---- */

void
tracer_counts(struct tracer *t, unsigned long *exported,
              unsigned long *failed, unsigned long *dropped)
{
    trace_queue_counts(t->queue, exported, failed, dropped);
}

/* Queues spans[first..nspans) of tr and forgets them (nspans = first). */
static void
tracer_queue(struct tracer *t, struct trace_req *tr, int first)
{
    trace_queue_spans(t->queue, &tr->spans[first], tr->nspans - first,
                      (unsigned long)tr->dropped);
    tr->dropped = 0;
    tr->nspans = first;
}

void
tracer_submit(struct tracer *t, struct trace_req *tr)
{
    if (t == NULL || !tr->sampled)
        return;
    tracer_queue(t, tr, 0);
    tr->sampled = 0;
}

void
tracer_submit_from(struct tracer *t, struct trace_req *tr, int first)
{
    if (t == NULL || !tr->sampled || first >= tr->nspans)
        return;
    tracer_queue(t, tr, first);
}

int
tracer_flush(struct tracer *t, long timeout_ms)
{
    return t == NULL ? 1 : trace_queue_flush(t->queue, timeout_ms);
}

long
tracer_timeout_ms(const struct tracer *t)
{
    return t ? t->timeout_ms : 0;
}

/* ---- settings ---- */

static int
tracer_env_long(const char *name, long def, long min, long max, long *out)
{
    const char *v = getenv(name);
    char *end;

    *out = def;
    if (v == NULL || *v == '\0')
        return 1;
    errno = 0;
    *out = strtol(v, &end, 10);
    if (errno || *end || *out < min || *out > max) {
        log_line("config: %s must be a number from %ld to %ld", name, min, max);
        return 0;
    }
    return 1;
}

static void
tracer_header(void *arg, const char *k, const char *v)
{
    struct tracer *t = arg;
    char line[700];
    struct curl_slist *l;

    snprintf(line, sizeof(line), "%s: %s", k, v);
    if ((l = curl_slist_append(t->headers, line)) != NULL)
        t->headers = l;
}

static char *
tracer_url(void)
{
    const char *traces = getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
    const char *base = getenv("OTEL_EXPORTER_OTLP_ENDPOINT");
    size_t len;
    char *url;

    if (traces && *traces)
        return strdup(traces);          /* used as it is, per the spec */
    if (base == NULL || *base == '\0')
        return NULL;
    len = strlen(base);
    while (len > 0 && base[len - 1] == '/')
        len--;
    url = malloc(len + sizeof("/v1/traces"));
    if (url) {
        memcpy(url, base, len);
        memcpy(url + len, "/v1/traces", sizeof("/v1/traces"));
    }
    return url;
}

static int
tracer_off(void)
{
    const char *dis = getenv("OTEL_SDK_DISABLED");
    const char *exp = getenv("OTEL_TRACES_EXPORTER");

    return (dis && strcasecmp(dis, "true") == 0) ||
           (exp && strcmp(exp, "none") == 0);
}

static cr_code
tracer_settings(struct tracer *t, const struct otlp_attr *res, size_t nres)
{
    const char *hdrs = getenv("OTEL_EXPORTER_OTLP_TRACES_HEADERS");
    struct curl_slist *l;
    long cap, batch, timeout;

    if (!tracer_sampler_parse(getenv("OTEL_TRACES_SAMPLER"),
                              getenv("OTEL_TRACES_SAMPLER_ARG"), &t->sampler,
                              &t->ratio)) {
        log_line("config: OTEL_TRACES_SAMPLER or OTEL_TRACES_SAMPLER_ARG "
                 "is not one this worker knows");
        return CR_INVALID;
    }
    if (!tracer_env_long("OTEL_BSP_MAX_QUEUE_SIZE", 2048, 1, 1 << 20, &cap) ||
        !tracer_env_long("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", 512, 1, 1 << 20,
                         &batch) ||
        !tracer_env_long("OTEL_BSP_SCHEDULE_DELAY", 1000, 1, 3600000,
                         &t->delay_ms) ||
        !tracer_env_long("OTEL_EXPORTER_OTLP_TIMEOUT", 1000, 1, 60000,
                         &timeout) ||
        !tracer_env_long("OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", timeout, 1,
                         60000, &t->timeout_ms))
        return CR_INVALID;
    t->cap = (size_t)cap;
    t->batch = (size_t)(batch < cap ? batch : cap);
    if (hdrs == NULL || *hdrs == '\0')
        hdrs = getenv("OTEL_EXPORTER_OTLP_HEADERS");
    otlp_pairs(hdrs, tracer_header, t);
    tracer_header(t, "Content-Type", "application/json");
    /* No "Expect: 100-continue" for a big batch: a collector that does
     * not answer it would cost each POST a second's wait. */
    if ((l = curl_slist_append(t->headers, "Expect:")) != NULL)
        t->headers = l;
    return otlp_resource_json(getenv("OTEL_SERVICE_NAME"),
                              getenv("OTEL_RESOURCE_ATTRIBUTES"), res, nres,
                              &t->resource);
}

static size_t
tracer_discard(char *p, size_t size, size_t n, void *arg)
{
    (void)p;
    (void)arg;
    return size * n;
}

static cr_code
tracer_curl(struct tracer *t)
{
    t->curl = curl_easy_init();
    if (t->curl == NULL)
        return CR_NOMEM;
    curl_easy_setopt(t->curl, CURLOPT_URL, t->url);
    curl_easy_setopt(t->curl, CURLOPT_HTTPHEADER, t->headers);
    curl_easy_setopt(t->curl, CURLOPT_TIMEOUT_MS, t->timeout_ms);
    curl_easy_setopt(t->curl, CURLOPT_CONNECTTIMEOUT_MS, t->timeout_ms);
    curl_easy_setopt(t->curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(t->curl, CURLOPT_WRITEFUNCTION, tracer_discard);
    curl_easy_setopt(t->curl, CURLOPT_PROTOCOLS_STR, "http,https");
    return CR_OK;
}

cr_code
tracer_new(struct tracer **out)
{
    return tracer_new_detected(out, NULL, 0);
}

cr_code
tracer_new_detected(struct tracer **out, const struct otlp_attr *res,
                    size_t nres)
{
    struct tracer *t;
    cr_code rc = CR_NOMEM;

    *out = NULL;
    if (tracer_off())
        return CR_OK;
    t = calloc(1, sizeof(*t));
    if (t == NULL)
        return CR_NOMEM;
    t->url = tracer_url();
    if (t->url == NULL) {
        tracer_free(t);
        return CR_OK;               /* no endpoint: tracing off */
    }
    if ((rc = tracer_settings(t, res, nres)) || (rc = tracer_curl(t)))
        goto fail;
    if ((rc = trace_queue_new(t->cap, t->batch, t->delay_ms, t->resource,
                              &t->queue)))
        goto fail;
    /* Asked for and not possible (no thread: the process's limits): an
     * error, not tracing quietly off. */
    if (trace_queue_start(t->queue, t->curl) != 0) {
        rc = CR_INTERNAL;
        goto fail;
    }
    *out = t;
    return CR_OK;
fail:
    tracer_free(t);
    return rc;
}

void
tracer_free(struct tracer *t)
{
    if (t == NULL)
        return;
    trace_queue_free(t->queue);     /* first: its thread uses t->curl */
    if (t->curl)
        curl_easy_cleanup(t->curl);
    curl_slist_free_all(t->headers);
    free(t->resource);
    free(t->url);
    free(t);
}
