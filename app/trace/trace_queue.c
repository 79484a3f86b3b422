/* trace_queue.c - the ring of batches a tracer's spans are encoded into,
 * and the thread that sends them; see trace_queue.h. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "app/core/buf.h"
#include "app/core/log.h"
#include "app/trace/trace_queue.h"

#define TRACE_QUEUE_REPORT_SECS 60

/* A batch: the POST body being written, OTLP text of n spans after the
 * resource (otlp_batch_open); it keeps its memory from one use to the
 * next. */
struct trace_batch {
    struct buf text;
    size_t n;
};

struct trace_queue {
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
    struct trace_batch *batches;
    size_t nbatches, head, used;
    size_t cap, n, batch;           /* spans: at most, queued, per batch */
    size_t open_len;                /* a batch's text before its spans */
    long delay_ms;
    struct timespec first;          /* when the oldest queued span came */

    /* Counted by both threads under mu; reported by the queuing one. */
    unsigned long failed, dropped, exported;
    char why[CURL_ERROR_SIZE + 32];
    time_t reported;
    CURL *curl;                     /* the thread's; the caller's to free */
};

static void
trace_queue_deadline(const struct timespec *from, long ms,
                     struct timespec *out)
{
    out->tv_sec = from->tv_sec + ms / 1000;
    out->tv_nsec = from->tv_nsec + (ms % 1000) * 1000000L;
    if (out->tv_nsec >= 1000000000L) {
        out->tv_sec++;
        out->tv_nsec -= 1000000000L;
    }
}

/* Back to the text before the spans, its memory kept. */
static void
trace_queue_empty(const struct trace_queue *q, struct trace_batch *bt)
{
    bt->text.len = q->open_len;
    bt->text.data[q->open_len] = '\0';
    bt->n = 0;
}

/* ---- the export thread ---- */

/* Sends one batch (the thread owns it while busy) and empties it; on
 * failure records why (under mu). */
static void
trace_queue_export(struct trace_queue *q, struct trace_batch *bt)
{
    char err[CURL_ERROR_SIZE] = "";
    long status = 0;
    CURLcode cc = CURLE_OUT_OF_MEMORY;

    if (buf_append_str(&bt->text, OTLP_BATCH_CLOSE) == CR_OK) {
        curl_easy_setopt(q->curl, CURLOPT_POSTFIELDS, bt->text.data);
        curl_easy_setopt(q->curl, CURLOPT_POSTFIELDSIZE, (long)bt->text.len);
        curl_easy_setopt(q->curl, CURLOPT_ERRORBUFFER, err);
        cc = curl_easy_perform(q->curl);
        curl_easy_getinfo(q->curl, CURLINFO_RESPONSE_CODE, &status);
    }
    pthread_mutex_lock(&q->mu);
    if (cc == CURLE_OK && status >= 200 && status < 300) {
        q->exported += bt->n;
    } else {
        q->failed++;
        q->dropped += bt->n;
        if (cc != CURLE_OK)
            snprintf(q->why, sizeof(q->why), "%s",
                     err[0] ? err : curl_easy_strerror(cc));
        else
            snprintf(q->why, sizeof(q->why), "answered %ld", status);
    }
    trace_queue_empty(q, bt);
    pthread_mutex_unlock(&q->mu);
}

/* The oldest batch is full, or the only one has waited long enough. */
static int
trace_queue_ready(const struct trace_queue *q)
{
    return q->used > 1 || q->batches[q->head].n >= q->batch;
}

/* Stopping and the collector failed: one timeout is all the worker's exit
 * waits for, not one per batch still queued. Called with mu held. */
static void
trace_queue_drop_queued(struct trace_queue *q)
{
    size_t i;

    for (i = 0; i < q->used; i++)
        trace_queue_empty(q, &q->batches[(q->head + i) % q->nbatches]);
    q->dropped += q->n;
    q->n = 0;
    q->used = 0;
}

static void *
trace_queue_main(void *arg)
{
    struct trace_queue *q = arg;
    struct trace_batch *bt;
    struct timespec due;

    pthread_mutex_lock(&q->mu);
    for (;;) {
        while (!q->stop && q->n == 0)
            pthread_cond_wait(&q->cv, &q->mu);
        if (q->n == 0)
            break;                  /* stopping, nothing left */
        /* A full batch goes at once; a smaller one when its oldest span
         * has waited delay_ms (or we are stopping). */
        trace_queue_deadline(&q->first, q->delay_ms, &due);
        while (!q->stop && !q->flush && !trace_queue_ready(q) &&
               pthread_cond_timedwait(&q->cv, &q->mu, &due) != ETIMEDOUT)
            ;
        bt = &q->batches[q->head];
        q->head = (q->head + 1) % q->nbatches;
        q->used--;
        q->n -= bt->n;
        clock_gettime(CLOCK_MONOTONIC, &q->first);
        q->busy = 1;
        pthread_mutex_unlock(&q->mu);
        trace_queue_export(q, bt);
        pthread_mutex_lock(&q->mu);
        q->busy = 0;
        pthread_cond_broadcast(&q->idle);
        if (q->stop && q->failed && q->n)
            trace_queue_drop_queued(q);
    }
    pthread_mutex_unlock(&q->mu);
    return NULL;
}

/* ---- filling ---- */

/* The queuing thread: log what went wrong since the last report, at most
 * once per TRACE_QUEUE_REPORT_SECS. Called with mu held. */
static void
trace_queue_report(struct trace_queue *q)
{
    time_t now = time(NULL);

    if ((q->failed == 0 && q->dropped == 0) ||
        now - q->reported < TRACE_QUEUE_REPORT_SECS)
        return;
    log_warn("trace export: %lu failed exports and %lu spans dropped since "
             "the last report (last failure: %s)", q->failed, q->dropped,
             q->why[0] ? q->why : "-");
    q->failed = 0;
    q->dropped = 0;
    q->reported = now;
}

/* The batch the next span goes into: the filling one, or a free one when
 * it is full (or none is queued); NULL when none is free. Called with mu
 * held. */
static struct trace_batch *
trace_queue_tail(struct trace_queue *q)
{
    struct trace_batch *bt;

    if (q->used > 0) {
        bt = &q->batches[(q->head + q->used - 1) % q->nbatches];
        if (bt->n < q->batch)
            return bt;
    }
    if (q->used + (size_t)q->busy == q->nbatches)
        return NULL;
    bt = &q->batches[(q->head + q->used) % q->nbatches];
    q->used++;
    return bt;
}

/* Encodes one span into the queue; 0 when it is full or out of memory.
 * Called with mu held: the thread only takes it to swap batches. */
static int
trace_queue_put(struct trace_queue *q, const struct span *s)
{
    struct trace_batch *bt;
    size_t len;

    if (q->n == q->cap || (bt = trace_queue_tail(q)) == NULL)
        return 0;
    len = bt->text.len;
    if ((bt->n > 0 && buf_append(&bt->text, ",", 1) != CR_OK) ||
        otlp_span_json(&bt->text, s) != CR_OK) {
        bt->text.len = len;
        bt->text.data[len] = '\0';
        return 0;
    }
    bt->n++;
    q->n++;
    return 1;
}

void
trace_queue_spans(struct trace_queue *q, const struct span *spans, int n,
                  unsigned long extra_dropped)
{
    size_t before, was_full;
    int i;

    pthread_mutex_lock(&q->mu);
    before = q->n;
    was_full = before > 0 && trace_queue_ready(q);
    if (before == 0)
        clock_gettime(CLOCK_MONOTONIC, &q->first);
    for (i = 0; i < n; i++)
        if (!trace_queue_put(q, &spans[i]))
            q->dropped++;
    q->dropped += extra_dropped;
    trace_queue_report(q);
    /* Wake the thread only to start a batch's clock or to send a full
     * one: a wake-up per request would cost two context switches each. */
    if (q->n > 0 && (before == 0 || (!was_full && trace_queue_ready(q))))
        pthread_cond_signal(&q->cv);
    pthread_mutex_unlock(&q->mu);
}

int
trace_queue_flush(struct trace_queue *q, long timeout_ms)
{
    struct timespec now, due;
    int done;

    clock_gettime(CLOCK_MONOTONIC, &now);
    trace_queue_deadline(&now, timeout_ms, &due);
    pthread_mutex_lock(&q->mu);
    q->flush = 1;
    pthread_cond_signal(&q->cv);
    while ((q->n > 0 || q->busy) &&
           pthread_cond_timedwait(&q->idle, &q->mu, &due) != ETIMEDOUT)
        ;
    done = q->n == 0 && !q->busy;
    q->flush = 0;
    pthread_mutex_unlock(&q->mu);
    return done;
}

void
trace_queue_counts(struct trace_queue *q, unsigned long *exported,
                   unsigned long *failed, unsigned long *dropped)
{
    pthread_mutex_lock(&q->mu);
    *exported = q->exported;
    *failed = q->failed;
    *dropped = q->dropped;
    pthread_mutex_unlock(&q->mu);
}

/* ---- set-up ---- */

/* The batch deadline is on the monotonic clock (q->first): the condition
 * variable must wait on that clock too, or every wait ends at once. */
static void
trace_queue_cond_init(pthread_cond_t *cv)
{
    pthread_condattr_t attr;

    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(cv, &attr);
    pthread_condattr_destroy(&attr);
}

/* Enough batches for cap queued spans in batches of batch, and the one
 * being sent. Each is opened now, so open_len is known; its memory grows
 * to a full batch's text once and is kept. */
cr_code
trace_queue_new(size_t cap, size_t batch, long delay_ms, const char *resource,
                struct trace_queue **out)
{
    struct trace_queue *q;
    size_t i;
    cr_code rc = CR_NOMEM;

    *out = NULL;
    q = calloc(1, sizeof(*q));
    if (q == NULL)
        return CR_NOMEM;
    pthread_mutex_init(&q->mu, NULL);
    trace_queue_cond_init(&q->cv);
    trace_queue_cond_init(&q->idle);
    q->cap = cap;
    q->batch = batch;
    q->delay_ms = delay_ms;
    q->nbatches = (cap + batch - 1) / batch + 1;
    q->batches = calloc(q->nbatches, sizeof(*q->batches));
    if (q->batches == NULL)
        goto fail;
    for (i = 0; i < q->nbatches; i++) {
        buf_init(&q->batches[i].text, 0);
        if ((rc = otlp_batch_open(&q->batches[i].text, resource)))
            goto fail;
    }
    q->open_len = q->batches[0].text.len;
    *out = q;
    return CR_OK;
fail:
    trace_queue_free(q);
    return rc;
}

/* The thread blocks every signal: a SIGTERM must reach the main thread,
 * whose accept() it interrupts so the worker ends (and frees) cleanly. */
int
trace_queue_start(struct trace_queue *q, CURL *curl)
{
    sigset_t all, old;
    int rc;

    q->curl = curl;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    rc = pthread_create(&q->thread, NULL, trace_queue_main, q);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    q->started = rc == 0;
    return rc;
}

void
trace_queue_free(struct trace_queue *q)
{
    size_t i;

    if (q == NULL)
        return;
    if (q->started) {
        pthread_mutex_lock(&q->mu);
        q->stop = 1;
        pthread_cond_signal(&q->cv);
        pthread_mutex_unlock(&q->mu);
        pthread_join(q->thread, NULL);
    }
    pthread_cond_destroy(&q->cv);
    pthread_cond_destroy(&q->idle);
    pthread_mutex_destroy(&q->mu);
    for (i = 0; q->batches && i < q->nbatches; i++)
        buf_free(&q->batches[i].text);
    free(q->batches);
    free(q);
}
