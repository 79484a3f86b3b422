/* tracer.c - sampling, a request's spans, the bounded queue and the export
 * thread; see tracer.h. */
#include <errno.h>
#include <stddef.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "app/core/log.h"
#include "app/trace/tracer.h"

#define TRACER_REPORT_SECS 60

/* A batch: the POST body being written, OTLP text of n spans after the
 * resource (otlp_batch_open); it keeps its memory from one use to the
 * next. */
struct tracer_batch {
    struct buf text;
    size_t n;
};

struct tracer {
    char *url;
    struct curl_slist *headers;
    char *resource;                 /* the "resource" JSON object */
    long timeout_ms;
    enum trace_sampler sampler;
    double ratio;

    pthread_mutex_t mu;
    pthread_cond_t cv;
    pthread_cond_t idle;            /* a flush waits on it */
    pthread_t thread;
    int started, stop;
    int flush;                      /* send what is queued now */
    int busy;                       /* the thread is sending batches[head - 1] */
    /* A ring of nbatches: [head, head + used) are queued, the last one
     * filling, the others full (batch spans); the rest are free. Spans are
     * encoded as they are queued, so the queue holds text, not structs. */
    struct tracer_batch *batches;
    size_t nbatches, head, used;
    size_t cap, n, batch;           /* spans: at most, queued, per batch */
    size_t open_len;                /* a batch's text before its spans */
    long delay_ms;
    struct timespec first;          /* when the oldest queued span came */

    /* Counted by both threads under mu; reported by the worker's. */
    unsigned long failed, dropped, exported;
    char why[CURL_ERROR_SIZE + 32];
    time_t reported;
    CURL *curl;                     /* the thread's */
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

/* ---- the queue and the export thread ---- */

static void
tracer_deadline(const struct timespec *from, long ms, struct timespec *out)
{
    out->tv_sec = from->tv_sec + ms / 1000;
    out->tv_nsec = from->tv_nsec + (ms % 1000) * 1000000L;
    if (out->tv_nsec >= 1000000000L) {
        out->tv_sec++;
        out->tv_nsec -= 1000000000L;
    }
}

static size_t
tracer_discard(char *p, size_t size, size_t n, void *arg)
{
    (void)p;
    (void)arg;
    return size * n;
}

/* Back to the text before the spans, its memory kept. */
static void
tracer_batch_empty(const struct tracer *t, struct tracer_batch *bt)
{
    bt->text.len = t->open_len;
    bt->text.data[t->open_len] = '\0';
    bt->n = 0;
}

/* Sends one batch (the thread owns it while busy) and empties it; on
 * failure records why (under mu). */
static void
tracer_export(struct tracer *t, struct tracer_batch *bt)
{
    char err[CURL_ERROR_SIZE] = "";
    long status = 0;
    CURLcode cc = CURLE_OUT_OF_MEMORY;

    if (buf_append_str(&bt->text, OTLP_BATCH_CLOSE) == CR_OK) {
        curl_easy_setopt(t->curl, CURLOPT_POSTFIELDS, bt->text.data);
        curl_easy_setopt(t->curl, CURLOPT_POSTFIELDSIZE, (long)bt->text.len);
        curl_easy_setopt(t->curl, CURLOPT_ERRORBUFFER, err);
        cc = curl_easy_perform(t->curl);
        curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &status);
    }
    pthread_mutex_lock(&t->mu);
    if (cc == CURLE_OK && status >= 200 && status < 300) {
        t->exported += bt->n;
    } else {
        t->failed++;
        t->dropped += bt->n;
        if (cc != CURLE_OK)
            snprintf(t->why, sizeof(t->why), "%s",
                     err[0] ? err : curl_easy_strerror(cc));
        else
            snprintf(t->why, sizeof(t->why), "answered %ld", status);
    }
    tracer_batch_empty(t, bt);
    pthread_mutex_unlock(&t->mu);
}

/* The oldest batch is full, or the only one has waited long enough. */
static int
tracer_ready(const struct tracer *t)
{
    return t->used > 1 || t->batches[t->head].n >= t->batch;
}

/* Stopping and the collector failed: one timeout is all the worker's exit
 * waits for, not one per batch still queued. Called with mu held. */
static void
tracer_drop_queued(struct tracer *t)
{
    size_t i;

    for (i = 0; i < t->used; i++)
        tracer_batch_empty(t, &t->batches[(t->head + i) % t->nbatches]);
    t->dropped += t->n;
    t->n = 0;
    t->used = 0;
}

static void *
tracer_main(void *arg)
{
    struct tracer *t = arg;
    struct tracer_batch *bt;
    struct timespec due;

    pthread_mutex_lock(&t->mu);
    for (;;) {
        while (!t->stop && t->n == 0)
            pthread_cond_wait(&t->cv, &t->mu);
        if (t->n == 0)
            break;                  /* stopping, nothing left */
        /* A full batch goes at once; a smaller one when its oldest span
         * has waited delay_ms (or we are stopping). */
        tracer_deadline(&t->first, t->delay_ms, &due);
        while (!t->stop && !t->flush && !tracer_ready(t) &&
               pthread_cond_timedwait(&t->cv, &t->mu, &due) != ETIMEDOUT)
            ;
        bt = &t->batches[t->head];
        t->head = (t->head + 1) % t->nbatches;
        t->used--;
        t->n -= bt->n;
        clock_gettime(CLOCK_MONOTONIC, &t->first);
        t->busy = 1;
        pthread_mutex_unlock(&t->mu);
        tracer_export(t, bt);
        pthread_mutex_lock(&t->mu);
        t->busy = 0;
        pthread_cond_broadcast(&t->idle);
        if (t->stop && t->failed && t->n)
            tracer_drop_queued(t);
    }
    pthread_mutex_unlock(&t->mu);
    return NULL;
}

/* Worker thread: log what went wrong since the last report, at most once
 * per TRACER_REPORT_SECS. Called with mu held. */
static void
tracer_report(struct tracer *t)
{
    time_t now = time(NULL);

    if ((t->failed == 0 && t->dropped == 0) ||
        now - t->reported < TRACER_REPORT_SECS)
        return;
    log_warn("trace export: %lu failed exports and %lu spans dropped since "
             "the last report (last failure: %s)", t->failed, t->dropped,
             t->why[0] ? t->why : "-");
    t->failed = 0;
    t->dropped = 0;
    t->reported = now;
}

void
tracer_counts(struct tracer *t, unsigned long *exported,
              unsigned long *failed, unsigned long *dropped)
{
    pthread_mutex_lock(&t->mu);
    *exported = t->exported;
    *failed = t->failed;
    *dropped = t->dropped;
    pthread_mutex_unlock(&t->mu);
}

/* The batch the next span goes into: the filling one, or a free one when
 * it is full (or none is queued); NULL when none is free. Called with mu
 * held. */
static struct tracer_batch *
tracer_tail(struct tracer *t)
{
    struct tracer_batch *bt;

    if (t->used > 0) {
        bt = &t->batches[(t->head + t->used - 1) % t->nbatches];
        if (bt->n < t->batch)
            return bt;
    }
    if (t->used + (size_t)t->busy == t->nbatches)
        return NULL;
    bt = &t->batches[(t->head + t->used) % t->nbatches];
    t->used++;
    return bt;
}

/* Encodes one span into the queue; 0 when it is full or out of memory.
 * Called with mu held: the thread only takes it to swap batches. */
static int
tracer_put(struct tracer *t, const struct span *s)
{
    struct tracer_batch *bt;
    size_t len;

    if (t->n == t->cap || (bt = tracer_tail(t)) == NULL)
        return 0;
    len = bt->text.len;
    if ((bt->n > 0 && buf_append(&bt->text, ",", 1) != CR_OK) ||
        otlp_span_json(&bt->text, s) != CR_OK) {
        bt->text.len = len;
        bt->text.data[len] = '\0';
        return 0;
    }
    bt->n++;
    t->n++;
    return 1;
}

/* Queues spans[first..nspans) of tr and forgets them (nspans = first). */
static void
tracer_queue(struct tracer *t, struct trace_req *tr, int first)
{
    size_t before, was_full;
    int i;

    pthread_mutex_lock(&t->mu);
    before = t->n;
    was_full = before > 0 && tracer_ready(t);
    if (before == 0)
        clock_gettime(CLOCK_MONOTONIC, &t->first);
    for (i = first; i < tr->nspans; i++)
        if (!tracer_put(t, &tr->spans[i]))
            t->dropped++;
    t->dropped += (unsigned long)tr->dropped;
    tr->dropped = 0;
    tr->nspans = first;
    tracer_report(t);
    /* Wake the thread only to start a batch's clock or to send a full
     * one: a wake-up per request would cost two context switches each. */
    if (t->n > 0 && (before == 0 || (!was_full && tracer_ready(t))))
        pthread_cond_signal(&t->cv);
    pthread_mutex_unlock(&t->mu);
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
    struct timespec now, due;
    int done;

    if (t == NULL)
        return 1;
    clock_gettime(CLOCK_MONOTONIC, &now);
    tracer_deadline(&now, timeout_ms, &due);
    pthread_mutex_lock(&t->mu);
    t->flush = 1;
    pthread_cond_signal(&t->cv);
    while ((t->n > 0 || t->busy) &&
           pthread_cond_timedwait(&t->idle, &t->mu, &due) != ETIMEDOUT)
        ;
    done = t->n == 0 && !t->busy;
    t->flush = 0;
    pthread_mutex_unlock(&t->mu);
    return done;
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

/* The batch deadline is on the monotonic clock (t->first): the condition
 * variable must wait on that clock too, or every wait ends at once. */
static void
tracer_cond_init(pthread_cond_t *cv)
{
    pthread_condattr_t attr;

    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(cv, &attr);
    pthread_condattr_destroy(&attr);
}

/* The thread blocks every signal: a SIGTERM must reach the main thread,
 * whose accept() it interrupts so the worker ends (and frees) cleanly. */
static int
tracer_start(struct tracer *t)
{
    sigset_t all, old;
    int rc;

    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    rc = pthread_create(&t->thread, NULL, tracer_main, t);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return rc;
}

/* Enough batches for cap queued spans in batches of batch, and the one
 * being sent. Each is opened now, so open_len is known; its memory grows
 * to a full batch's text once and is kept. */
static cr_code
tracer_batches(struct tracer *t)
{
    size_t i;
    cr_code rc;

    t->nbatches = (t->cap + t->batch - 1) / t->batch + 1;
    t->batches = calloc(t->nbatches, sizeof(*t->batches));
    if (t->batches == NULL)
        return CR_NOMEM;
    for (i = 0; i < t->nbatches; i++) {
        buf_init(&t->batches[i].text, 0);
        if ((rc = otlp_batch_open(&t->batches[i].text, t->resource)))
            return rc;
    }
    t->open_len = t->batches[0].text.len;
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
    pthread_mutex_init(&t->mu, NULL);
    tracer_cond_init(&t->cv);
    tracer_cond_init(&t->idle);
    t->url = tracer_url();
    if (t->url == NULL) {
        tracer_free(t);
        return CR_OK;               /* no endpoint: tracing off */
    }
    if ((rc = tracer_settings(t, res, nres)) || (rc = tracer_curl(t)))
        goto fail;
    if ((rc = tracer_batches(t)))
        goto fail;
    if (tracer_start(t) != 0)
        goto fail;
    t->started = 1;
    *out = t;
    return CR_OK;
fail:
    tracer_free(t);
    return rc;
}

void
tracer_free(struct tracer *t)
{
    size_t i;

    if (t == NULL)
        return;
    if (t->started) {
        pthread_mutex_lock(&t->mu);
        t->stop = 1;
        pthread_cond_signal(&t->cv);
        pthread_mutex_unlock(&t->mu);
        pthread_join(t->thread, NULL);
    }
    if (t->curl)
        curl_easy_cleanup(t->curl);
    curl_slist_free_all(t->headers);
    pthread_cond_destroy(&t->cv);
    pthread_cond_destroy(&t->idle);
    pthread_mutex_destroy(&t->mu);
    for (i = 0; t->batches && i < t->nbatches; i++)
        buf_free(&t->batches[i].text);
    free(t->batches);
    free(t->resource);
    free(t->url);
    free(t);
}
