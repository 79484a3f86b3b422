/* test_stream_records.c - the stream handler's reading of record batches
 * recorded from DynamoDB Local's own stream (tests/unit/stream_fixture.h):
 * several records, out of order, duplicated, REMOVE, Idempotency-Key items, a poisoned record,
 * a message text holding U+0000, DynamoDB down, not a batch; a poller
 * restarted from its checkpoints reads each record once, and one that
 * meets a poisoned record never checkpoints past it before giving it up. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "aws/client/aws_env.h"
#include "aws/messages/msg_key.h"
#include "aws/messages/msg_req.h"
#include "aws/stream/stream_handler.h"
#include "aws/stream/stream_poller.h"
#include "tests/unit/ddb_local.h"
#include "tests/unit/stream_fixture.h"

static void
test_not_a_batch(void **state)
{
    struct stream_handler h;
    struct stream_report rep;
    json_t *j = json_pack("{s:i}", "foo", 1);

    (void)state;
    stream_handler_init(&h, &sfx_aws, SFX_TABLE);
    assert_int_equal(stream_handle_batch(&h, j, &rep), CR_INVALID);
    json_decref(j);
}

static void
test_several_records(void **state)
{
    struct stream_handler h;
    struct stream_report rep;
    struct sfx_convo c;
    static const char *const texts[] = { "one", "two" };
    char t0[MSG_TIME_SIZE], t[2][MSG_TIME_SIZE];
    json_t *recs;

    (void)state;
    SFX_NEED_DDB();
    stream_handler_init(&h, &sfx_aws, SFX_TABLE);
    recs = sfx_convo_records(&c, t0, texts, t, 2);   /* hello, one, two */
    assert_int_equal(sfx_run(&h, recs, &rep), 0);
    assert_int_equal(rep.nrecords, 3);
    stream_report_free(&rep);
    sfx_assert_rows_at(&c, t[1], "two");
    /* "hello" left them alone (equal), "one" and "two" moved both rows. */
    assert_int_equal(h.moved, 4);
    json_decref(recs);
}

static void
test_out_of_order_and_duplicates(void **state)
{
    struct stream_handler h;
    struct stream_report rep;
    struct sfx_convo c;
    static const char *const texts[] = { "a", "b", "c" };
    char t0[MSG_TIME_SIZE], t[3][MSG_TIME_SIZE];
    json_t *recs, *mixed;

    (void)state;
    SFX_NEED_DDB();
    stream_handler_init(&h, &sfx_aws, SFX_TABLE);
    recs = sfx_convo_records(&c, t0, texts, t, 3);   /* hello a b c */
    /* The newest first, then older ones and a duplicate of the newest. */
    mixed = json_pack("[O,O,O,O,O]", json_array_get(recs, 3),
                      json_array_get(recs, 1), json_array_get(recs, 3),
                      json_array_get(recs, 2), json_array_get(recs, 0));
    assert_int_equal(sfx_run(&h, mixed, &rep), 0);
    stream_report_free(&rep);
    sfx_assert_rows_at(&c, t[2], "c");
    assert_int_equal(h.moved, 2);
    /* The whole stream replayed: nothing moves. */
    assert_int_equal(sfx_run(&h, recs, &rep), 0);
    stream_report_free(&rep);
    assert_int_equal(h.moved, 2);
    sfx_assert_rows_at(&c, t[2], "c");
    json_decref(mixed);
    json_decref(recs);
}

static void
test_remove_and_other_rows(void **state)
{
    struct stream_handler h;
    struct stream_report rep;
    struct sfx_convo c;
    char t0[MSG_TIME_SIZE], t1[MSG_TIME_SIZE], pk[MSG_KEY_SIZE], gk[MSG_KEY_SIZE];
    json_t *recs, *grp, *r;
    size_t i, removes = 0;

    (void)state;
    SFX_NEED_DDB();
    stream_handler_init(&h, &sfx_aws, SFX_TABLE);
    sfx_new_convo(&c, t0);
    sfx_post(&c, "gone", t1);
    msg_key_messages(c.g, pk);
    /* The message deleted: a REMOVE record. */
    json_decref(sfx_call(AWS_DYNAMODB, "DeleteItem",
                         json_pack("{s:s, s:{s:{s:s}, s:{s:s}}}",
                                   "TableName", SFX_TABLE, "Key", "pk", "S",
                                   pk, "sk", "S", t1)));
    recs = sfx_recorded(pk);
    json_array_foreach(recs, i, r)
        removes += strcmp(json_string_value(json_object_get(r, "eventName")),
                          "REMOVE") == 0;
    assert_int_equal(removes, 1);
    /* Only the REMOVE (and the group rows' own records): nothing moves. */
    msg_key_group(c.a, gk);
    grp = sfx_recorded(gk);
    assert_true(json_array_size(grp) >= 1);
    json_array_append(grp, json_array_get(recs, json_array_size(recs) - 1));
    assert_int_equal(sfx_run(&h, grp, &rep), 0);
    stream_report_free(&rep);
    assert_int_equal(h.moved, 0);
    sfx_assert_rows_at(&c, t0, "hello");
    json_decref(grp);
    json_decref(recs);
}

/* A message written with an Idempotency-Key item (pattern D with a key):
 * the key's own stream records (INSERT, and a MODIFY when an expired key
 * is taken again) move nothing, fail nothing and are not messages; a live
 * key refuses a second write (the transaction's last reason), an expired
 * one does not. */
static void
test_idempotency_key_items(void **state)
{
    struct stream_handler h;
    struct stream_report rep;
    struct sfx_convo c;
    struct msg_idem k;
    struct msg_row m;
    struct aws_error err;
    char t0[MSG_TIME_SIZE], t1[MSG_TIME_SIZE], ik[MSG_KEY_SIZE];
    json_t *req, *resp = NULL, *recs;
    int64_t now = 1800000000;

    (void)state;
    SFX_NEED_DDB();
    stream_handler_init(&h, &sfx_aws, SFX_TABLE);
    sfx_new_convo(&c, t0);
    memset(&k, 0, sizeof(k));
    strcpy(k.owner_uuid, c.b);
    strcpy(k.key, "retry-me");
    strcpy(k.request, "f00d");
    k.response = "{\"message_group_uuid\":\"x\"}";
    k.expires_at = now + 60;
    memset(&m, 0, sizeof(m));
    sfx_next_time(t1);
    strcpy(m.group_uuid, c.g);
    strcpy(m.sk, t1);
    assert_int_equal(uuid_v4(m.message_uuid), CR_OK);
    strcpy(m.user_uuid, c.b);
    strcpy(m.user_display_name, "Sender");
    strcpy(m.user_handle, "sender");
    m.message = "keyed";
    m.message_len = strlen(m.message);
    assert_int_equal(msg_req_put_message_keyed(SFX_TABLE, NULL, 0, &m, &k, now,
                                               &req), CR_OK);
    json_decref(sfx_call(AWS_DYNAMODB, "TransactWriteItems", req));
    /* The same key again, live: the key's Put (index 1) lost. */
    sfx_next_time(m.sk);
    assert_int_equal(msg_req_put_message_keyed(SFX_TABLE, NULL, 0, &m, &k, now,
                                               &req), CR_OK);
    assert_int_equal(aws_call(&sfx_aws, AWS_DYNAMODB, "TransactWriteItems", req,
                              &resp, &err), CR_CONFLICT);
    json_decref(req);
    assert_int_equal(err.nreasons, 2);
    assert_string_equal(err.reasons[0], "None");
    assert_string_equal(err.reasons[1], "ConditionalCheckFailed");
    /* Once it expired, the key is taken again (a new item: a write that
     * changes nothing makes no stream record). */
    k.expires_at = now + 121;
    assert_int_equal(msg_req_put_message_keyed(SFX_TABLE, NULL, 0, &m, &k,
                                               now + 61, &req), CR_OK);
    json_decref(sfx_call(AWS_DYNAMODB, "TransactWriteItems", req));
    msg_key_idem(c.b, ik);
    recs = sfx_recorded(ik);
    assert_int_equal(json_array_size(recs), 2);
    assert_int_equal(sfx_run(&h, recs, &rep), 0);
    stream_report_free(&rep);
    assert_int_equal(h.moved + h.dropped + h.healed, 0);
    sfx_assert_rows_at(&c, t0, "hello");
    json_decref(recs);
}

static void
test_poisoned_record_alone(void **state)
{
    struct stream_handler h;
    struct stream_report rep;
    struct sfx_convo c, d;
    char t0[MSG_TIME_SIZE], t1[MSG_TIME_SIZE], u0[MSG_TIME_SIZE], u1[MSG_TIME_SIZE];
    char pk[MSG_KEY_SIZE], pk2[MSG_KEY_SIZE];
    json_t *a, *b, *poison, *batch, *resp;

    (void)state;
    SFX_NEED_DDB();
    stream_handler_init(&h, &sfx_aws, SFX_TABLE);
    sfx_new_convo(&c, t0);
    sfx_new_convo(&d, u0);
    sfx_post(&c, "c1", t1);
    sfx_post(&d, "d1", u1);
    msg_key_messages(c.g, pk);
    msg_key_messages(d.g, pk2);
    a = sfx_recorded(pk);
    b = sfx_recorded(pk2);
    /* A MSG# record whose image lost its message_uuid. */
    poison = json_deep_copy(json_array_get(a, 1));
    json_object_del(json_object_get(json_object_get(poison, "dynamodb"),
                                    "NewImage"), "message_uuid");
    json_object_set_new(json_object_get(poison, "dynamodb"), "SequenceNumber",
                        json_string("999000000000000000001"));
    batch = json_pack("[O,o,O]", json_array_get(a, 1), poison,
                      json_array_get(b, 1));
    assert_int_equal(sfx_run(&h, batch, &rep), 1);
    assert_string_equal(rep.failed[0].id, "999000000000000000001");
    assert_int_equal(rep.failed[0].rc, CR_INVALID);
    assert_int_equal(stream_report_response(&rep, &resp), CR_OK);
    stream_report_free(&rep);
    assert_string_equal(json_string_value(json_object_get(json_array_get(
        json_object_get(resp, "batchItemFailures"), 0), "itemIdentifier")),
        "999000000000000000001");
    assert_int_equal(json_array_size(json_object_get(resp, "batchItemFailures")), 1);
    sfx_assert_rows_at(&c, t1, "c1");
    sfx_assert_rows_at(&d, u1, "d1");
    json_decref(resp);
    json_decref(batch);
    json_decref(a);
    json_decref(b);
}

/* owner's one group row is at t and holds text, len bytes exactly. */
static void
assert_row_text(const char *owner, const char *t, const char *text,
                size_t len)
{
    struct msg_group_row g;
    json_t *item = NULL, *s;

    assert_int_equal(sfx_rows_of(owner, &g, &item), 1);
    assert_string_equal(g.sk, t);
    s = json_object_get(json_object_get(item, "message"), "S");
    assert_int_equal(json_string_length(s), len);
    assert_memory_equal(json_string_value(s), text, len);
    json_decref(item);
}

/* A message another client wrote with U+0000 in its text (legal in
 * DynamoDB; botocore sends it as \u0000): its stream record is read and
 * both group rows move to it with the same text, NUL and all. */
static void
test_nul_in_message(void **state)
{
    static const char text[] = "a\0b \xc3\xa9\0";
    struct stream_handler h;
    struct stream_report rep;
    struct sfx_convo c;
    char t0[MSG_TIME_SIZE], t1[MSG_TIME_SIZE], pk[MSG_KEY_SIZE];
    char id[UUID_STR_SIZE];
    json_t *recs;

    (void)state;
    SFX_NEED_DDB();
    stream_handler_init(&h, &sfx_aws, SFX_TABLE);
    sfx_new_convo(&c, t0);
    msg_key_messages(c.g, pk);
    sfx_next_time(t1);
    assert_int_equal(uuid_v4(id), CR_OK);
    json_decref(sfx_call(AWS_DYNAMODB, "PutItem",
        json_pack("{s:s, s:{s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s#}, s:{s:s},"
                  " s:{s:s}, s:{s:s}}}", "TableName", SFX_TABLE, "Item",
                  "pk", "S", pk, "sk", "S", t1, "message_uuid", "S", id,
                  "message", "S", text, (int)(sizeof(text) - 1),
                  "user_uuid", "S", c.b, "user_display_name", "S", "Sender",
                  "user_handle", "S", "sender")));
    recs = sfx_recorded(pk);                /* hello, the NUL message */
    assert_int_equal(json_array_size(recs), 2);
    assert_int_equal(sfx_run(&h, recs, &rep), 0);
    stream_report_free(&rep);
    assert_int_equal(h.moved, 2);
    assert_row_text(c.a, t1, text, sizeof(text) - 1);
    assert_row_text(c.b, t1, text, sizeof(text) - 1);
    json_decref(recs);
}

/* DynamoDB down: the record fails with DynamoDB's code and is reported. */
static void
test_ddb_unavailable(void **state)
{
    struct aws_client dead;
    struct aws_env env;
    struct stream_handler h;
    struct stream_report rep;
    struct sfx_convo c;
    static const char *const texts[] = { "lost?" };
    char t0[MSG_TIME_SIZE], t[1][MSG_TIME_SIZE];
    json_t *recs;

    (void)state;
    SFX_NEED_DDB();
    recs = sfx_convo_records(&c, t0, texts, t, 1);   /* hello, lost? */
    assert_int_equal(aws_env_load(&env, 0), CR_OK);
    snprintf(env.ddb_endpoint, sizeof(env.ddb_endpoint), "http://127.0.0.1:%d",
             ddb_local_free_port());
    assert_int_equal(aws_client_init(&dead, &env), CR_OK);
    dead.max_tries = 1;
    stream_handler_init(&h, &dead, SFX_TABLE);
    /* Both records (the first message too) needed the index: both fail,
     * each reported by its own sequence number. */
    assert_int_equal(sfx_run(&h, recs, &rep), 2);
    assert_int_equal(rep.failed[0].rc, CR_DDB_UNAVAILABLE);
    assert_int_equal(rep.failed[1].rc, CR_DDB_UNAVAILABLE);
    assert_string_equal(rep.failed[0].id,
                        stream_record_seq(json_array_get(recs, 0)));
    assert_string_equal(rep.failed[1].id,
                        stream_record_seq(json_array_get(recs, 1)));
    stream_report_free(&rep);
    aws_client_free(&dead);
    /* Nothing moved; the real handler then applies it. */
    sfx_assert_rows_at(&c, t0, "hello");
    stream_handler_init(&h, &sfx_aws, SFX_TABLE);
    assert_int_equal(sfx_run(&h, recs, &rep), 0);
    stream_report_free(&rep);
    sfx_assert_rows_at(&c, t[0], "lost?");
    json_decref(recs);
}

/* Passes until two in a row read nothing; the records read. */
static size_t
quiesce(struct stream_poller *p)
{
    size_t n, total = 0;
    int i, quiet = 0;

    for (i = 0; i < 50 && quiet < 2; i++) {
        assert_int_equal(stream_poller_pass(p, &n), CR_OK);
        total += n;
        quiet = n ? 0 : quiet + 1;
    }
    assert_int_equal(quiet, 2);
    return total;
}

/* A poller test's folder removed, with the checkpoints written there. */
static void
ckpt_dir_remove(const char *dir)
{
    char path[64];

    snprintf(path, sizeof(path), "%s/stream-checkpoints.json", dir);
    unlink(path);
    rmdir(dir);
}

/* The poller applies, checkpoints, and after a restart reads only what is
 * new: nothing skipped, nothing replayed. */
static void
test_poller_restart(void **state)
{
    volatile sig_atomic_t stop = 0;
    struct stream_poller p;
    struct sfx_convo c;
    char dir[] = "/tmp/cruddur-stream-test.XXXXXX";
    char t0[MSG_TIME_SIZE], t1[MSG_TIME_SIZE], t2[MSG_TIME_SIZE];
    size_t n, total;
    int i;

    (void)state;
    SFX_NEED_DDB();
    assert_non_null(mkdtemp(dir));
    sfx_new_convo(&c, t0);
    sfx_post(&c, "before", t1);
    assert_int_equal(stream_poller_init(&p, &sfx_aws, dir, &stop), CR_OK);
    total = quiesce(&p);
    assert_true(total > 0);
    sfx_assert_rows_at(&c, t1, "before");
    stream_poller_free(&p);

    /* A new poller on the same folder: nothing old is read again. */
    assert_int_equal(stream_poller_init(&p, &sfx_aws, dir, &stop), CR_OK);
    assert_int_equal(quiesce(&p), 0);
    sfx_post(&c, "after", t2);
    /* The first records it reads are exactly the new message. */
    for (i = 0, n = 0; i < 20 && n == 0; i++)
        assert_int_equal(stream_poller_pass(&p, &n), CR_OK);
    assert_int_equal(n, 1);
    sfx_assert_rows_at(&c, t2, "after");
    stream_poller_free(&p);
    ckpt_dir_remove(dir);
}

/* The sequence number of the record of the row pk, sk (the last one). */
static char *
seq_of(const char *pk, const char *sk)
{
    json_t *recs = sfx_recorded(pk), *r;
    const char *rsk;
    char *seq = NULL;
    size_t i;

    json_array_foreach(recs, i, r) {
        rsk = json_string_value(json_object_get(json_object_get(json_object_get(
            json_object_get(r, "dynamodb"), "Keys"), "sk"), "S"));
        if (rsk && strcmp(rsk, sk) == 0) {
            free(seq);
            seq = strdup(stream_record_seq(r));
        }
    }
    json_decref(recs);
    assert_non_null(seq);
    return seq;
}

/* Sequence number order: digits, a longer one is greater. */
static int
seq_cmp(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);

    return la != lb ? (la < lb ? -1 : 1) : strcmp(a, b);
}

/* The index of the shard whose checkpoint is seq; -1 when none. */
static long
shard_at(struct stream_poller *p, const char *seq)
{
    const char *c;
    size_t i;

    for (i = 0; i < p->nshards; i++)
        if ((c = stream_ckpt_get(&p->ckpt, p->shards[i].id)) &&
            strcmp(c, seq) == 0)
            return (long)i;
    return -1;
}

/* A malformed message row between two good ones: the batch applies the
 * record before it and the one after it, but the checkpoint stops before
 * it (the applied line says so) until it is given up after
 * POLL_POISON_TRIES tries; only then does it move past it. Last of the
 * poller tests: the given-up row stays in the table's stream. */
static void
test_poller_poisoned_checkpoint(void **state)
{
    volatile sig_atomic_t stop = 0;
    struct stream_poller p;
    struct sfx_convo c;
    char dir[] = "/tmp/cruddur-stream-test.XXXXXX";
    char t0[MSG_TIME_SIZE], t1[MSG_TIME_SIZE], tp[MSG_TIME_SIZE];
    char t2[MSG_TIME_SIZE], pk[MSG_KEY_SIZE];
    char *seq[3];
    const char *ck;
    struct timespec step = { 0, 20 * 1000000L };
    size_t n, seen_poison = 0;
    long k = -1;
    int i;

    (void)state;
    SFX_NEED_DDB();
    assert_non_null(mkdtemp(dir));
    sfx_new_convo(&c, t0);
    sfx_post(&c, "before", t1);
    msg_key_messages(c.g, pk);
    sfx_next_time(tp);
    json_decref(sfx_call(AWS_DYNAMODB, "PutItem",
        json_pack("{s:s, s:{s:{s:s}, s:{s:s}, s:{s:s}}}", "TableName",
                  SFX_TABLE, "Item", "pk", "S", pk, "sk", "S", tp,
                  "message", "S", "no uuid, no sender")));
    sfx_post(&c, "after", t2);
    seq[0] = seq_of(pk, t1);
    seq[1] = seq_of(pk, tp);
    seq[2] = seq_of(pk, t2);
    assert_int_equal(stream_poller_init(&p, &sfx_aws, dir, &stop), CR_OK);
    /* The first pass reads the three in one batch: the checkpoint stops
     * at the record before the poisoned one. */
    for (i = 0; i < 200 && (k = shard_at(&p, seq[0])) < 0; i++) {
        assert_int_equal(stream_poller_pass(&p, &n), CR_OK);
        nanosleep(&step, NULL);
    }
    assert_true(k >= 0);
    assert_int_equal(p.shards[k].fail_count, 1);
    sfx_assert_rows_at(&c, t2, "after");    /* the batch went on past it */
    /* Retried from there until given up (the checkpoint at it, once),
     * then read on from it: never past it before. */
    for (i = 0; i < 1000; i++) {
        ck = stream_ckpt_get(&p.ckpt, p.shards[k].id);
        if (seq_cmp(ck, seq[1]) > 0)
            break;
        if (strcmp(ck, seq[1]) == 0) {
            assert_int_equal(p.shards[k].fail_count, 5);  /* POLL_POISON_TRIES */
            seen_poison++;
        } else {
            assert_string_equal(ck, seq[0]);
        }
        assert_int_equal(stream_poller_pass(&p, &n), CR_OK);
        nanosleep(&step, NULL);
    }
    assert_true(i < 1000);
    assert_int_equal(seen_poison, 1);
    sfx_assert_rows_at(&c, t2, "after");
    for (i = 0; i < 3; i++)
        free(seq[i]);
    stream_poller_free(&p);
    ckpt_dir_remove(dir);
}

static size_t
discard(char *p, size_t size, size_t n, void *arg)
{
    (void)p;
    (void)arg;
    return size * n;
}

/* A PutItem whose body is text as given (what jansson would not write),
 * signed for sfx_aws's DynamoDB Local. */
static void
put_raw(const char *body)
{
    CURL *h = curl_easy_init();
    struct curl_slist *hd = NULL;
    char url[AWS_URL_SIZE + 2], sig[AWS_REGION_SIZE + 32];
    long status = 0;

    assert_non_null(h);
    snprintf(url, sizeof(url), "%s/", sfx_aws.env.ddb_endpoint);
    snprintf(sig, sizeof(sig), "aws:amz:%s:dynamodb", sfx_aws.env.region);
    hd = curl_slist_append(hd, "Content-Type: application/x-amz-json-1.0");
    hd = curl_slist_append(hd, "X-Amz-Target: DynamoDB_20120810.PutItem");
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hd);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(h, CURLOPT_AWS_SIGV4, sig);
    curl_easy_setopt(h, CURLOPT_USERPWD, sfx_aws.creds.userpwd);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
    assert_int_equal(curl_easy_perform(h), CURLE_OK);
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    assert_int_equal(status, 200);
    curl_slist_free_all(hd);
    curl_easy_cleanup(h);
}

/* A record no reader takes: DynamoDB Local keeps a lone surrogate that
 * another client sent (\ud800) and echoes it in GetRecords' answer, which
 * jansson refuses whole. The poller reads one record at a time up to it,
 * gives it up as a malformed record (after POLL_POISON_TRIES) and goes on:
 * the message after it moves the group rows, and only after the give-up.
 * Last: the record stays in the stream, and sfx_recorded() cannot read
 * it. */
static void
test_poller_unreadable_record(void **state)
{
    volatile sig_atomic_t stop = 0;
    struct stream_poller p;
    struct sfx_convo c;
    struct msg_group_row g;
    char dir[] = "/tmp/cruddur-stream-test.XXXXXX", body[1024];
    char t0[MSG_TIME_SIZE], t1[MSG_TIME_SIZE], tp[MSG_TIME_SIZE];
    char t2[MSG_TIME_SIZE], pk[MSG_KEY_SIZE], id[UUID_STR_SIZE];
    struct timespec step = { 0, 20 * 1000000L };
    size_t n, i;
    int seen_one_by_one = 0, done = 0, k;

    (void)state;
    SFX_NEED_DDB();
    assert_non_null(mkdtemp(dir));
    sfx_new_convo(&c, t0);
    sfx_post(&c, "before", t1);
    msg_key_messages(c.g, pk);
    sfx_next_time(tp);
    assert_int_equal(uuid_v4(id), CR_OK);
    snprintf(body, sizeof(body),
             "{\"TableName\":\"%s\",\"Item\":{\"pk\":{\"S\":\"%s\"},"
             "\"sk\":{\"S\":\"%s\"},\"message_uuid\":{\"S\":\"%s\"},"
             "\"message\":{\"S\":\"half \\ud800 a pair\"},"
             "\"user_uuid\":{\"S\":\"%s\"},"
             "\"user_display_name\":{\"S\":\"Sender\"},"
             "\"user_handle\":{\"S\":\"sender\"}}}",
             SFX_TABLE, pk, tp, id, c.b);
    put_raw(body);
    sfx_post(&c, "after", t2);
    assert_int_equal(stream_poller_init(&p, &sfx_aws, dir, &stop), CR_OK);
    for (k = 0; k < 1500 && !done; k++) {
        assert_int_equal(stream_poller_pass(&p, &n), CR_OK);
        for (i = 0; i < p.nshards; i++)
            seen_one_by_one |= p.shards[i].one_by_one;
        assert_int_equal(sfx_rows_of(c.a, &g, NULL), 1);
        if ((done = strcmp(g.sk, t2) == 0))
            break;
        nanosleep(&step, NULL);
    }
    assert_true(done);
    /* Read one by one up to it, given up: only then the message after. */
    assert_true(seen_one_by_one);
    for (i = 0; i < p.nshards; i++)
        assert_int_equal(p.shards[i].one_by_one, 0);
    sfx_assert_rows_at(&c, t2, "after");
    stream_poller_free(&p);
    ckpt_dir_remove(dir);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_not_a_batch),
        cmocka_unit_test(test_several_records),
        cmocka_unit_test(test_out_of_order_and_duplicates),
        cmocka_unit_test(test_remove_and_other_rows),
        cmocka_unit_test(test_idempotency_key_items),
        cmocka_unit_test(test_poisoned_record_alone),
        cmocka_unit_test(test_nul_in_message),
        cmocka_unit_test(test_ddb_unavailable),
        cmocka_unit_test(test_poller_restart),
        cmocka_unit_test(test_poller_poisoned_checkpoint),
        cmocka_unit_test(test_poller_unreadable_record),
    };

    return cmocka_run_group_tests(tests, sfx_setup, sfx_teardown);
}
