/* stream_poller.c - follow the table's stream shard by shard. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/core/log.h"
#include "aws/stream/stream_poller.h"
#include "aws/stream/stream_trace.h"

#define POLL_DESCRIBE_MS   1000   /* look for new shards this often */
#define POLL_IDLE_MIN_MS   100
#define POLL_IDLE_MAX_MS   1000
#define POLL_RETRY_MAX_MS  5000   /* a failed record is read again after */
/* A malformed record can never succeed: like Lambda's MaximumRetryAttempts,
 * it is given up after this many tries (logged). Others are retried until
 * they succeed. */
#define POLL_POISON_TRIES  5
#define POLL_SEQ_SIZE      48     /* a sequence number: 21 to 40 digits */

static long long
poll_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Sleeps ms in small steps, so SIGTERM is answered at once. */
static void
poll_sleep(struct stream_poller *p, long ms)
{
    struct timespec step = { 0, 50 * 1000000L };

    for (; ms > 0 && !*p->stop; ms -= 50)
        nanosleep(&step, NULL);
}

static void
poll_shard_free(struct poll_shard *s)
{
    free(s->id);
    free(s->iterator);
    free(s->fail_seq);
}

static void
poll_forget(struct stream_poller *p)
{
    size_t i;

    for (i = 0; i < p->nshards; i++)
        poll_shard_free(&p->shards[i]);
    free(p->shards);
    p->shards = NULL;
    p->nshards = 0;
    free(p->stream_arn);
    p->stream_arn = NULL;
    p->described_ms = 0;
}

/* What the checkpoint file's last call has to tell, logged here: the
 * poller is the program's loop, stream_ckpt logs nothing. */
static void
poll_ckpt_told(struct stream_poller *p)
{
    if (p->ckpt.detail[0])
        log_line("stream: %s", p->ckpt.detail);
}

cr_code
stream_poller_init(struct stream_poller *p, struct aws_client *aws,
                   const char *state_dir, volatile sig_atomic_t *stop)
{
    cr_code rc;

    memset(p, 0, sizeof(*p));
    p->aws = aws;
    p->stop = stop;
    p->idle_ms = POLL_IDLE_MIN_MS;
    stream_handler_init(&p->handler, aws, aws->env.table);
    rc = stream_ckpt_load(&p->ckpt, state_dir);
    poll_ckpt_told(p);
    return rc;
}

void
stream_poller_free(struct stream_poller *p)
{
    poll_forget(p);
    stream_ckpt_free(&p->ckpt);
}

/* One Streams call (req borrowed; NULL when the caller's json_pack
 * failed); a failure's detail in p->err. p->err is cleared before anything
 * can fail, as callers read p->err.type after every failure. */
static cr_code
poll_call(struct stream_poller *p, const char *target, json_t *req,
          json_t **resp)
{
    aws_error_clear(&p->err);
    *resp = NULL;
    if (req == NULL)
        return CR_NOMEM;
    return aws_call(p->aws, AWS_STREAMS, target, req, resp, &p->err);
}

/* The table's newest stream (greatest StreamLabel, a timestamp). */
static cr_code
poll_find_stream(struct stream_poller *p)
{
    json_t *req, *resp = NULL, *s;
    const char *arn = NULL, *label, *best = "";
    size_t i;
    cr_code rc;

    req = json_pack("{s:s}", "TableName", p->aws->env.table);
    rc = poll_call(p, "ListStreams", req, &resp);
    json_decref(req);
    if (rc)
        return rc;
    json_array_foreach(json_object_get(resp, "Streams"), i, s) {
        label = json_string_value(json_object_get(s, "StreamLabel"));
        if (label && strcmp(label, best) > 0) {
            best = label;
            arn = json_string_value(json_object_get(s, "StreamArn"));
        }
    }
    rc = CR_NOT_FOUND;
    if (arn && (p->stream_arn = strdup(arn)) == NULL)
        rc = CR_NOMEM;
    else if (arn) {
        rc = stream_ckpt_use_stream(&p->ckpt, arn);
        poll_ckpt_told(p);
        if (rc == CR_OK)
            log_line("stream: following %s", arn);
    }
    json_decref(resp);
    return rc;
}

/* Adds shard id unless known. */
static cr_code
poll_add_shard(struct stream_poller *p, const char *id)
{
    struct poll_shard *n;
    size_t i;

    for (i = 0; i < p->nshards; i++)
        if (strcmp(p->shards[i].id, id) == 0)
            return CR_OK;
    n = realloc(p->shards, (p->nshards + 1) * sizeof(*n));
    if (n == NULL)
        return CR_NOMEM;
    p->shards = n;
    memset(&n[p->nshards], 0, sizeof(*n));
    if ((n[p->nshards].id = strdup(id)) == NULL)
        return CR_NOMEM;
    p->nshards++;
    return CR_OK;
}

struct poll_shards_page {
    struct stream_poller *p;
    json_t *live;           /* ids of every shard listed */
};

static cr_code
poll_shards_page(void *arg, json_t *resp, int *stop)
{
    struct poll_shards_page *pg = arg;
    json_t *desc = json_object_get(resp, "StreamDescription"), *sh;
    const char *id;
    size_t i;
    cr_code rc;

    (void)stop;
    json_array_foreach(json_object_get(desc, "Shards"), i, sh) {
        id = json_string_value(json_object_get(sh, "ShardId"));
        if (id && ((rc = poll_add_shard(pg->p, id)) ||
                   (rc = json_array_append_new(pg->live, json_string(id))
                         ? CR_NOMEM : CR_OK)))
            return rc;
    }
    return CR_OK;
}

/* Every shard of the stream (all pages); checkpoints of shards that are
 * gone (trimmed) are dropped. */
static cr_code
poll_describe(struct stream_poller *p)
{
    struct poll_shards_page pg = { p, json_array() };
    json_t *req = json_pack("{s:s}", "StreamArn", p->stream_arn);
    cr_code rc = CR_NOMEM;

    aws_error_clear(&p->err);
    if (pg.live && req)
        rc = aws_call_pages(p->aws, AWS_STREAMS, "DescribeStream", req,
                            "StreamDescription.LastEvaluatedShardId",
                            "ExclusiveStartShardId", poll_shards_page, &pg,
                            &p->err);
    if (rc == CR_OK) {
        rc = stream_ckpt_prune(&p->ckpt, pg.live);
        poll_ckpt_told(p);
        if (rc == CR_BACKEND)
            rc = CR_OK;   /* the file is rewritten with the next checkpoint */
    }
    if (rc == CR_OK)
        p->described_ms = poll_now_ms();
    json_decref(req);
    json_decref(pg.live);
    return rc;
}

/* An iterator after the shard's checkpoint, else at its trim horizon (also
 * when the checkpoint's record was trimmed away: nothing older is left). */
static cr_code
poll_iterator(struct stream_poller *p, struct poll_shard *s)
{
    const char *seq = stream_ckpt_get(&p->ckpt, s->id), *it;
    json_t *req, *resp = NULL;
    cr_code rc;

    req = json_pack("{s:s, s:s, s:s, s:s?}", "StreamArn", p->stream_arn,
                    "ShardId", s->id, "ShardIteratorType",
                    seq ? "AFTER_SEQUENCE_NUMBER" : "TRIM_HORIZON",
                    "SequenceNumber", seq);
    rc = poll_call(p, "GetShardIterator", req, &resp);
    json_decref(req);
    if (rc && seq && strcmp(p->err.type, "TrimmedDataAccessException") == 0) {
        log_line("stream: shard %s: checkpoint trimmed; from the horizon", s->id);
        json_object_del(p->ckpt.shards, s->id);
        return poll_iterator(p, s);
    }
    if (rc)
        return rc;
    log_line("stream: shard %s from %s%s", s->id, seq ? "after " : "the trim horizon",
             seq ? seq : "");
    it = json_string_value(json_object_get(resp, "ShardIterator"));
    if (it == NULL)
        s->closed_done = 1;
    else if ((s->iterator = strdup(it)) == NULL)
        rc = CR_NOMEM;
    json_decref(resp);
    return rc;
}

/* s's checkpoint moved to seq; a file that cannot be written is told and
 * left (the memory copy holds, the next save tries again). */
static void
poll_save(struct stream_poller *p, struct poll_shard *s, const char *seq)
{
    stream_ckpt_set(&p->ckpt, s->id, seq);
    poll_ckpt_told(p);
}

/* Index of the record whose sequence number is seq; 0 when none is (a
 * failure without a sequence number: nothing before it counts as done). */
static size_t
poll_index_of(json_t *records, const char *seq)
{
    const char *s;
    json_t *r;
    size_t i;

    json_array_foreach(records, i, r)
        if ((s = stream_record_seq(r)) && strcmp(s, seq) == 0)
            return i;
    return 0;
}

/* The first k records of the batch were applied: the checkpoint moves to
 * the last of them, and the one line says so. Never further: a record
 * after them was neither applied nor given up. */
static void
poll_applied(struct stream_poller *p, struct poll_shard *s, json_t *records,
             size_t k)
{
    const char *first, *last;

    if (k == 0)
        return;
    first = stream_record_seq(json_array_get(records, 0));
    last = stream_record_seq(json_array_get(records, k - 1));
    if (last)
        poll_save(p, s, last);
    log_line("stream: shard %s: applied %zu records %s..%s", s->id, k,
             first ? first : "?", last ? last : "?");
}

/* Record f of the batch failed (the first that did; those before it are
 * applied and saved): read again from it after a backoff. A malformed
 * record is given up after POLL_POISON_TRIES, logged, and only then
 * does the checkpoint move past it; 1 then. */
static int
poll_failed(struct stream_poller *p, struct poll_shard *s,
            const struct stream_failure *f)
{
    if (s->fail_seq && strcmp(s->fail_seq, f->id) == 0) {
        s->fail_count++;
    } else {
        free(s->fail_seq);
        s->fail_seq = strdup(f->id);
        s->fail_count = 1;
    }
    free(s->iterator);
    s->iterator = NULL;
    if (f->rc == CR_INVALID && f->id[0] && s->fail_count >= POLL_POISON_TRIES) {
        log_line("stream: shard %s: giving up malformed record %s after %d "
                 "tries", s->id, f->id, s->fail_count);
        poll_save(p, s, f->id);
        s->backoff_ms = 0;
        return 1;
    }
    s->backoff_ms = s->backoff_ms ? s->backoff_ms * 2 : POLL_IDLE_MIN_MS;
    if (s->backoff_ms > POLL_RETRY_MAX_MS)
        s->backoff_ms = POLL_RETRY_MAX_MS;
    s->retry_at_ms = poll_now_ms() + s->backoff_ms;
    return 0;
}

/* The first "SequenceNumber": "<digits>" in text, into seq ("" when there
 * is none). Inside a string a quote is escaped, so a message text cannot
 * pass for the member. */
static void
poll_first_seq(const char *text, char seq[POLL_SEQ_SIZE])
{
    static const char key[] = "\"SequenceNumber\"";
    const char *p = text, *v;
    size_t n;

    seq[0] = '\0';
    while ((p = strstr(p, key)) != NULL) {
        for (p += sizeof(key) - 1; isspace((unsigned char)*p); p++)
            ;
        if (*p++ != ':')
            continue;
        for (; isspace((unsigned char)*p); p++)
            ;
        if (*p++ != '"')
            continue;
        for (v = p, n = 0; isdigit((unsigned char)v[n]); n++)
            ;
        if (n > 0 && n < POLL_SEQ_SIZE && v[n] == '"') {
            memcpy(seq, v, n);
            seq[n] = '\0';
            return;
        }
    }
}

struct poll_records {
    json_t *tree;
    char seq[POLL_SEQ_SIZE];    /* the first record's, when tree is NULL */
};

/* GetRecords' reader: the tree, read as aws_call reads; when jansson
 * cannot read the text (DynamoDB Local echoes a lone surrogate, \uD800,
 * that it refuses), the first record's sequence number in it, so that
 * the record can be given up like a malformed one. */
static cr_code
poll_records_answer(void *arg, char *text, size_t len, struct aws_error *err)
{
    struct poll_records *a = arg;

    if ((a->tree = json_loadb(text, len, JSON_ALLOW_NUL, NULL)) != NULL)
        return CR_OK;
    poll_first_seq(text, a->seq);
    snprintf(err->message, sizeof(err->message), "answer is not JSON");
    return CR_BACKEND;
}

/* An answer that held record seq could not be read. Read one record at a
 * time from the checkpoint, so the answer holds that record alone; then
 * it fails as a malformed record, given up after POLL_POISON_TRIES. */
static void
poll_unreadable(struct stream_poller *p, struct poll_shard *s,
                const char *seq)
{
    struct stream_failure f = { seq, CR_INVALID };

    free(s->iterator);
    s->iterator = NULL;
    if (!s->one_by_one) {
        s->one_by_one = 1;
        log_line("stream: shard %s: an answer we cannot read (records from "
                 "%s); reading one record at a time", s->id, seq);
        return;
    }
    log_line("stream: record %s failed: its answer cannot be read", seq);
    if (poll_failed(p, s, &f))
        s->one_by_one = 0;
}

/* The handler on a batch of n records read from s, traced. */
static cr_code
poll_handle(struct stream_poller *p, struct poll_shard *s, json_t *batch,
            size_t n, struct stream_report *rep)
{
    struct stream_trace *st = p->handler.trace;
    cr_code rc;

    stream_trace_poll_begin(st, p->handler.table, s->id);
    rc = stream_handle_batch(&p->handler, batch, rep);
    stream_trace_batch_end(st, n, rc ? n : rep->nfailed,
                           rc ? cr_strerror(rc) : NULL);
    return rc;
}

/* One GetRecords on s and the handler on what it read. */
static cr_code
poll_shard(struct stream_poller *p, struct poll_shard *s, size_t *count)
{
    struct stream_report rep;
    struct poll_records got = { NULL, "" };
    json_t *req, *resp = NULL, *records;
    const char *next;
    size_t n;
    cr_code rc;

    if (s->iterator == NULL && (rc = poll_iterator(p, s)))
        return rc;
    if (s->closed_done)
        return CR_OK;
    req = json_pack("{s:s, s:i}", "ShardIterator", s->iterator, "Limit",
                    s->one_by_one ? 1 : 1000);
    aws_error_clear(&p->err);
    rc = req ? aws_call_read(p->aws, AWS_STREAMS, "GetRecords", req,
                             poll_records_answer, &got, &p->err) : CR_NOMEM;
    resp = got.tree;
    json_decref(req);
    if (rc == CR_BACKEND && p->err.status == 200 && got.seq[0]) {
        poll_unreadable(p, s, got.seq);
        return CR_OK;
    }
    if (rc && strcmp(p->err.type, "ExpiredIteratorException") == 0) {
        free(s->iterator);
        s->iterator = NULL;   /* a new one from the checkpoint next pass */
        return CR_OK;
    }
    if (rc)
        return rc;
    records = json_object_get(resp, "Records");
    n = json_array_size(records);
    *count += n;
    if (n == 0)
        s->one_by_one = 0;      /* nothing unreadable ahead (trimmed?) */
    if (n > 0 && (rc = poll_handle(p, s, resp, n, &rep)) == CR_OK) {
        if (rep.nfailed) {
            poll_applied(p, s, records,
                         poll_index_of(records, rep.failed[0].id));
            poll_failed(p, s, &rep.failed[0]);
            stream_report_free(&rep);
            goto out;
        }
        stream_report_free(&rep);
        s->backoff_ms = 0;
        poll_applied(p, s, records, n);
    }
    if (rc)
        goto out;
    next = json_string_value(json_object_get(resp, "NextShardIterator"));
    free(s->iterator);
    s->iterator = next ? strdup(next) : NULL;
    if (next == NULL) {
        s->closed_done = 1;     /* closed and drained */
        p->described_ms = 0;    /* its children are new shards */
        log_line("stream: shard %s closed and drained", s->id);
    } else if (s->iterator == NULL) {
        rc = CR_NOMEM;
    }
out:
    json_decref(resp);
    return rc;
}

static int
poll_all_drained(const struct stream_poller *p)
{
    size_t i;

    for (i = 0; i < p->nshards; i++)
        if (!p->shards[i].closed_done)
            return 0;
    return p->nshards > 0;
}

cr_code
stream_poller_pass(struct stream_poller *p, size_t *records)
{
    long long now = poll_now_ms();
    size_t i;
    cr_code rc = CR_OK;

    *records = 0;
    if (p->stream_arn == NULL && (rc = poll_find_stream(p)))
        goto out;
    if (now - p->described_ms >= POLL_DESCRIBE_MS && (rc = poll_describe(p)))
        goto out;
    for (i = 0; i < p->nshards && !*p->stop; i++) {
        struct poll_shard *s = &p->shards[i];

        if (s->closed_done || (s->backoff_ms && now < s->retry_at_ms))
            continue;
        if ((rc = poll_shard(p, s, records)))
            goto out;
    }
    /* A stream whose every shard is closed and read to the end has ended:
     * its table was deleted (and maybe made again) or its stream turned
     * off. Start over from ListStreams, which names the newest stream. */
    if (rc == CR_OK && poll_all_drained(p)) {
        log_line("stream: %s has ended; looking for a newer one",
                 p->stream_arn);
        poll_forget(p);
    }
out:
    if (rc)
        poll_forget(p);
    return rc;
}

void
stream_poller_run(struct stream_poller *p)
{
    char why[AWS_ERR_TARGET_SIZE + AWS_ERR_TYPE_SIZE + 64];
    long err_ms = 0;
    size_t n;
    cr_code rc;

    while (!*p->stop) {
        aws_error_clear(&p->err);
        rc = stream_poller_pass(p, &n);
        if (rc) {
            /* DynamoDB Local down or restarted, or no table yet. */
            err_ms = err_ms ? err_ms * 2 : 250;
            if (err_ms > 2000)
                err_ms = 2000;
            if (rc != CR_NOT_FOUND || err_ms == 250)
                log_line("stream: %s%s%s; starting over", cr_strerror(rc),
                         p->err.target[0] ? ": Streams " : "",
                         aws_error_describe(&p->err, why, sizeof(why)));
            poll_sleep(p, err_ms);
            continue;
        }
        err_ms = 0;
        if (n > 0) {
            p->idle_ms = POLL_IDLE_MIN_MS;
            continue;
        }
        poll_sleep(p, p->idle_ms);
        p->idle_ms = p->idle_ms * 2 > POLL_IDLE_MAX_MS ? POLL_IDLE_MAX_MS
                                                       : p->idle_ms * 2;
    }
}
