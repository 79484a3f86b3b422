/* test_stream_handler.c - the stream handler and the poller against a real
 * DynamoDB Local (tests/unit/ddb_local.h), on batches recorded from the
 * table's own stream: several records, out of order, duplicated, REMOVE,
 * a group whose rows are gone, Idempotency-Key items, a poisoned record,
 * concurrent handlers, and a poller restarted from its checkpoints. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "app/core/uuid.h"
#include "aws/client/aws_client.h"
#include "aws/messages/msg_key.h"
#include "aws/messages/msg_req.h"
#include "aws/messages/msg_row.h"
#include "aws/messages/msg_time.h"
#include "aws/stream/stream_handler.h"
#include "aws/stream/stream_poller.h"
#include "tests/unit/ddb_local.h"

#define TABLE "cruddur-messages-test"

static struct ddb_local ddb;
static int ddb_state = -1;          /* 0 up, 1 skip, -1 failed */
static struct aws_client aws;
static int64_t clock_us;            /* message times: unique, increasing */

struct convo {
    char a[UUID_STR_SIZE], b[UUID_STR_SIZE], g[UUID_STR_SIZE];
};

#define NEED_DDB() do { if (ddb_state == 1) skip(); \
                        assert_int_equal(ddb_state, 0); } while (0)

static void
next_time(char t[MSG_TIME_SIZE])
{
    clock_us += 1000;
    assert_int_equal(msg_time_format(clock_us, t), CR_OK);
}

static json_t *
call(enum aws_service svc, const char *target, json_t *req)
{
    json_t *resp = NULL;

    assert_non_null(req);
    assert_int_equal(aws_call(&aws, svc, target, req, &resp, NULL), CR_OK);
    json_decref(req);
    return resp;
}

static void
group_row(struct msg_group_row *g, const char *owner, const char *other,
          const char *group, const char *sk, const char *text)
{
    memset(g, 0, sizeof(*g));
    strcpy(g->owner_uuid, owner);
    strcpy(g->sk, sk);
    strcpy(g->group_uuid, group);
    strcpy(g->user_uuid, other);
    snprintf(g->user_display_name, sizeof(g->user_display_name), "User %.8s", other);
    snprintf(g->user_handle, sizeof(g->user_handle), "u%.8s", other);
    g->message = text;
}

/* Pattern C for c's users and group: both group rows and a first message
 * at a new time t. */
static void
start_convo(struct convo *c, char t[MSG_TIME_SIZE])
{
    struct msg_group_row mine, theirs;
    struct msg_row first;
    json_t *req;

    next_time(t);
    group_row(&mine, c->a, c->b, c->g, t, "hello");
    group_row(&theirs, c->b, c->a, c->g, t, "hello");
    memset(&first, 0, sizeof(first));
    strcpy(first.group_uuid, c->g);
    strcpy(first.sk, t);
    assert_int_equal(uuid_v4(first.message_uuid), CR_OK);
    strcpy(first.user_uuid, c->a);
    strcpy(first.user_display_name, "Sender");
    strcpy(first.user_handle, "sender");
    first.message = "hello";
    assert_int_equal(msg_req_new_conversation(TABLE, &mine, &theirs, &first,
                                              &req), CR_OK);
    json_decref(call(AWS_DYNAMODB, "TransactWriteItems", req));
}

/* A new conversation between two new users, started at t. */
static void
new_convo(struct convo *c, char t[MSG_TIME_SIZE])
{
    assert_int_equal(uuid_v4(c->a), CR_OK);
    assert_int_equal(uuid_v4(c->b), CR_OK);
    assert_int_equal(msg_conversation_uuid(c->a, c->b, c->g), CR_OK);
    start_convo(c, t);
}

/* Pattern D: a message at a new time; its time in t. */
static void
post(const struct convo *c, const char *text, char t[MSG_TIME_SIZE])
{
    struct msg_row m;
    json_t *req;

    memset(&m, 0, sizeof(m));
    next_time(t);
    strcpy(m.group_uuid, c->g);
    strcpy(m.sk, t);
    assert_int_equal(uuid_v4(m.message_uuid), CR_OK);
    strcpy(m.user_uuid, c->b);
    strcpy(m.user_display_name, "Sender");
    strcpy(m.user_handle, "sender");
    m.message = text;
    assert_int_equal(msg_req_put_message(TABLE, &m, &req), CR_OK);
    json_decref(call(AWS_DYNAMODB, "PutItem", req));
}

/* Every record of the table's stream so far (all shards, from the trim
 * horizon) whose key pk starts with prefix: the recorded batch. */
static json_t *
recorded(const char *prefix)
{
    json_t *out = json_array(), *streams, *desc, *sh, *it, *recs, *r;
    const char *arn, *iter, *pk;
    size_t i, j;

    streams = call(AWS_STREAMS, "ListStreams", json_pack("{s:s}", "TableName", TABLE));
    arn = json_string_value(json_object_get(
        json_array_get(json_object_get(streams, "Streams"), 0), "StreamArn"));
    assert_non_null(arn);
    desc = call(AWS_STREAMS, "DescribeStream", json_pack("{s:s}", "StreamArn", arn));
    json_array_foreach(json_object_get(json_object_get(desc, "StreamDescription"),
                                       "Shards"), i, sh) {
        it = call(AWS_STREAMS, "GetShardIterator",
                  json_pack("{s:s, s:O, s:s}", "StreamArn", arn, "ShardId",
                            json_object_get(sh, "ShardId"),
                            "ShardIteratorType", "TRIM_HORIZON"));
        iter = json_string_value(json_object_get(it, "ShardIterator"));
        while (iter) {
            recs = call(AWS_STREAMS, "GetRecords",
                        json_pack("{s:s}", "ShardIterator", iter));
            json_decref(it);
            it = recs;
            if (json_array_size(json_object_get(recs, "Records")) == 0)
                break;   /* an open shard's end */
            json_array_foreach(json_object_get(recs, "Records"), j, r) {
                pk = json_string_value(json_object_get(json_object_get(
                    json_object_get(json_object_get(r, "dynamodb"), "Keys"),
                    "pk"), "S"));
                if (pk && strncmp(pk, prefix, strlen(prefix)) == 0)
                    json_array_append(out, r);
            }
            iter = json_string_value(json_object_get(recs, "NextShardIterator"));
        }
        json_decref(it);
    }
    json_decref(desc);
    json_decref(streams);
    return out;
}

/* The one group row of owner in c: its sk and message into the buffers. */
static void
row_of(const char *owner, char sk[MSG_TIME_SIZE], char *text, size_t size)
{
    struct msg_group_row g;
    json_t *req, *resp, *items;

    assert_int_equal(msg_req_list_groups(TABLE, owner, 0, &req), CR_OK);
    resp = call(AWS_DYNAMODB, "Query", req);
    assert_int_equal(msg_resp_items(resp, &items), CR_OK);
    assert_int_equal(json_array_size(items), 1);
    assert_int_equal(msg_group_from_item(json_array_get(items, 0), &g), CR_OK);
    strcpy(sk, g.sk);
    snprintf(text, size, "%s", g.message);
    json_decref(resp);
}

static void
assert_rows_at(const struct convo *c, const char *t, const char *text)
{
    char sk[MSG_TIME_SIZE], msg[128];

    row_of(c->a, sk, msg, sizeof(msg));
    assert_string_equal(sk, t);
    assert_string_equal(msg, text);
    row_of(c->b, sk, msg, sizeof(msg));
    assert_string_equal(sk, t);
    assert_string_equal(msg, text);
}

static json_t *
batch_of(json_t *records)
{
    return json_pack("{s:O}", "Records", records);
}

/* Runs the handler on records; returns the report's failure count. */
static size_t
run(struct stream_handler *h, json_t *records, struct stream_report *rep)
{
    json_t *b = batch_of(records);

    assert_int_equal(stream_handle_batch(h, b, rep), CR_OK);
    json_decref(b);
    return rep->nfailed;
}

static void
test_several_records(void **state)
{
    struct stream_handler h;
    struct stream_report rep;
    struct convo c;
    char t0[MSG_TIME_SIZE], t1[MSG_TIME_SIZE], t2[MSG_TIME_SIZE], pk[MSG_KEY_SIZE];
    json_t *recs;

    (void)state;
    NEED_DDB();
    stream_handler_init(&h, &aws, TABLE);
    new_convo(&c, t0);
    post(&c, "one", t1);
    post(&c, "two", t2);
    msg_key_messages(c.g, pk);
    recs = recorded(pk);
    assert_int_equal(json_array_size(recs), 3);   /* hello, one, two */
    assert_int_equal(run(&h, recs, &rep), 0);
    assert_int_equal(rep.nrecords, 3);
    stream_report_free(&rep);
    assert_rows_at(&c, t2, "two");
    /* "hello" left them alone (equal), "one" and "two" moved both rows. */
    assert_int_equal(h.moved, 4);
    json_decref(recs);
}

static void
test_out_of_order_and_duplicates(void **state)
{
    struct stream_handler h;
    struct stream_report rep;
    struct convo c;
    char t0[MSG_TIME_SIZE], t[3][MSG_TIME_SIZE], pk[MSG_KEY_SIZE];
    json_t *recs, *mixed;

    (void)state;
    NEED_DDB();
    stream_handler_init(&h, &aws, TABLE);
    new_convo(&c, t0);
    post(&c, "a", t[0]);
    post(&c, "b", t[1]);
    post(&c, "c", t[2]);
    msg_key_messages(c.g, pk);
    recs = recorded(pk);   /* hello a b c */
    assert_int_equal(json_array_size(recs), 4);
    /* The newest first, then older ones and a duplicate of the newest. */
    mixed = json_pack("[O,O,O,O,O]", json_array_get(recs, 3),
                      json_array_get(recs, 1), json_array_get(recs, 3),
                      json_array_get(recs, 2), json_array_get(recs, 0));
    assert_int_equal(run(&h, mixed, &rep), 0);
    stream_report_free(&rep);
    assert_rows_at(&c, t[2], "c");
    assert_int_equal(h.moved, 2);
    /* The whole stream replayed: nothing moves. */
    assert_int_equal(run(&h, recs, &rep), 0);
    stream_report_free(&rep);
    assert_int_equal(h.moved, 2);
    assert_rows_at(&c, t[2], "c");
    json_decref(mixed);
    json_decref(recs);
}

/* Both sides started the conversation at the same moment: each start
 * wrote both group rows (the same group, whoever starts) at its own time.
 * Whatever order the two first messages' records come in, each owner is
 * left one row, the newest. */
static void
test_twin_starts_merge(void **state)
{
    struct stream_handler h;
    struct stream_report rep;
    struct convo c[2];
    char t0[MSG_TIME_SIZE], t1[MSG_TIME_SIZE], pk[MSG_KEY_SIZE];
    json_t *recs, *order;
    int k;

    (void)state;
    NEED_DDB();
    for (k = 0; k < 2; k++) {
        stream_handler_init(&h, &aws, TABLE);
        new_convo(&c[k], t0);
        start_convo(&c[k], t1);           /* the other side, a moment later */
        msg_key_messages(c[k].g, pk);
        recs = recorded(pk);
        assert_int_equal(json_array_size(recs), 2);
        order = k == 0 ? json_pack("[O,O]", json_array_get(recs, 0),
                                   json_array_get(recs, 1))
                       : json_pack("[O,O]", json_array_get(recs, 1),
                                   json_array_get(recs, 0));
        assert_int_equal(run(&h, order, &rep), 0);
        stream_report_free(&rep);
        assert_rows_at(&c[k], t1, "hello");   /* one row each, at t1 */
        assert_int_equal(h.dropped, 2);
        assert_int_equal(h.moved, 0);
        json_decref(order);
        json_decref(recs);
    }
}

static void
test_remove_and_other_rows(void **state)
{
    struct stream_handler h;
    struct stream_report rep;
    struct convo c;
    char t0[MSG_TIME_SIZE], t1[MSG_TIME_SIZE], pk[MSG_KEY_SIZE], gk[MSG_KEY_SIZE];
    json_t *recs, *grp, *r;
    size_t i, removes = 0;

    (void)state;
    NEED_DDB();
    stream_handler_init(&h, &aws, TABLE);
    new_convo(&c, t0);
    post(&c, "gone", t1);
    msg_key_messages(c.g, pk);
    /* The message deleted: a REMOVE record. */
    json_decref(call(AWS_DYNAMODB, "DeleteItem",
                     json_pack("{s:s, s:{s:{s:s}, s:{s:s}}}", "TableName", TABLE,
                               "Key", "pk", "S", pk, "sk", "S", t1)));
    recs = recorded(pk);
    json_array_foreach(recs, i, r)
        removes += strcmp(json_string_value(json_object_get(r, "eventName")),
                          "REMOVE") == 0;
    assert_int_equal(removes, 1);
    /* Only the REMOVE (and the group rows' own records): nothing moves. */
    msg_key_group(c.a, gk);
    grp = recorded(gk);
    assert_true(json_array_size(grp) >= 1);
    json_array_append(grp, json_array_get(recs, json_array_size(recs) - 1));
    assert_int_equal(run(&h, grp, &rep), 0);
    stream_report_free(&rep);
    assert_int_equal(h.moved, 0);
    assert_rows_at(&c, t0, "hello");
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
    struct convo c;
    struct msg_idem k;
    struct msg_row m;
    struct aws_error err;
    char t0[MSG_TIME_SIZE], t1[MSG_TIME_SIZE], ik[MSG_KEY_SIZE];
    json_t *req, *resp = NULL, *recs;
    int64_t now = 1800000000;

    (void)state;
    NEED_DDB();
    stream_handler_init(&h, &aws, TABLE);
    new_convo(&c, t0);
    memset(&k, 0, sizeof(k));
    strcpy(k.owner_uuid, c.b);
    strcpy(k.key, "retry-me");
    strcpy(k.request, "f00d");
    k.response = "{\"message_group_uuid\":\"x\"}";
    k.expires_at = now + 60;
    memset(&m, 0, sizeof(m));
    next_time(t1);
    strcpy(m.group_uuid, c.g);
    strcpy(m.sk, t1);
    assert_int_equal(uuid_v4(m.message_uuid), CR_OK);
    strcpy(m.user_uuid, c.b);
    strcpy(m.user_display_name, "Sender");
    strcpy(m.user_handle, "sender");
    m.message = "keyed";
    assert_int_equal(msg_req_put_message_keyed(TABLE, NULL, 0, &m, &k, now,
                                               &req), CR_OK);
    json_decref(call(AWS_DYNAMODB, "TransactWriteItems", req));
    /* The same key again, live: the key's Put (index 1) lost. */
    next_time(m.sk);
    assert_int_equal(msg_req_put_message_keyed(TABLE, NULL, 0, &m, &k, now,
                                               &req), CR_OK);
    assert_int_equal(aws_call(&aws, AWS_DYNAMODB, "TransactWriteItems", req,
                              &resp, &err), CR_CONFLICT);
    json_decref(req);
    assert_int_equal(err.nreasons, 2);
    assert_string_equal(err.reasons[0], "None");
    assert_string_equal(err.reasons[1], "ConditionalCheckFailed");
    /* Once it expired, the key is taken again (a new item: a write that
     * changes nothing makes no stream record). */
    k.expires_at = now + 121;
    assert_int_equal(msg_req_put_message_keyed(TABLE, NULL, 0, &m, &k,
                                               now + 61, &req), CR_OK);
    json_decref(call(AWS_DYNAMODB, "TransactWriteItems", req));
    msg_key_idem(c.b, ik);
    recs = recorded(ik);
    assert_int_equal(json_array_size(recs), 2);
    assert_int_equal(run(&h, recs, &rep), 0);
    stream_report_free(&rep);
    assert_int_equal(h.moved + h.dropped + h.healed, 0);
    assert_rows_at(&c, t0, "hello");
    json_decref(recs);
}

static void
test_group_rows_gone(void **state)
{
    struct stream_handler h;
    struct stream_report rep;
    struct convo c;
    char t0[MSG_TIME_SIZE], t1[MSG_TIME_SIZE], pk[MSG_KEY_SIZE];
    json_t *recs;

    (void)state;
    NEED_DDB();
    stream_handler_init(&h, &aws, TABLE);
    /* A group whose rows never existed (or were deleted): just messages. */
    assert_int_equal(uuid_v4(c.a), CR_OK);
    assert_int_equal(uuid_v4(c.b), CR_OK);
    assert_int_equal(uuid_v4(c.g), CR_OK);
    post(&c, "to nobody", t0);
    post(&c, "again", t1);
    msg_key_messages(c.g, pk);
    recs = recorded(pk);
    assert_int_equal(json_array_size(recs), 2);
    assert_int_equal(run(&h, recs, &rep), 0);
    stream_report_free(&rep);
    assert_int_equal(h.moved, 0);
    json_decref(recs);
}

/* One group row, owner's, naming other, at t, with extra attributes of
 * another client when extra is not NULL (taken). */
static void
put_row(const char *owner, const char *other, const char *group,
        const char *t, const char *text, json_t *extra)
{
    struct msg_group_row g;
    json_t *req, *item;

    group_row(&g, owner, other, group, t, text);
    assert_int_equal(msg_req_put_group(TABLE, &g, &req), CR_OK);
    item = json_object_get(req, "Item");
    if (extra) {
        json_object_update(item, extra);
        json_decref(extra);
    }
    json_decref(call(AWS_DYNAMODB, "PutItem", req));
}

/* A message in c's group by who (named name, handle) at a new time t. */
static void
post_as(const struct convo *c, const char *who, const char *name,
        const char *handle, const char *text, char t[MSG_TIME_SIZE])
{
    struct user u;
    struct msg_row m;
    json_t *req;

    memset(&u, 0, sizeof(u));
    strcpy(u.uuid, who);
    strcpy(u.display_name, name);
    strcpy(u.handle, handle);
    next_time(t);
    assert_int_equal(msg_row_new(&m, c->g, &u, text, clock_us), CR_OK);
    assert_int_equal(msg_req_put_message(TABLE, &m, &req), CR_OK);
    json_decref(call(AWS_DYNAMODB, "PutItem", req));
}

/* owner's rows: how many, and the newest's fields. */
static size_t
rows_of(const char *owner, struct msg_group_row *newest, json_t **item)
{
    json_t *req, *resp, *items;
    size_t n;

    assert_int_equal(msg_req_list_groups(TABLE, owner, 0, &req), CR_OK);
    resp = call(AWS_DYNAMODB, "Query", req);
    assert_int_equal(msg_resp_items(resp, &items), CR_OK);
    n = json_array_size(items);
    if (n > 0) {
        assert_int_equal(msg_group_from_item(json_array_get(items, 0), newest),
                         CR_OK);
        newest->message = NULL;
        if (item)
            *item = json_incref(json_array_get(items, 0));
    }
    json_decref(resp);
    return n;
}

/* A conversation another client wrote half: a's group row only. Each of
 * its messages' records gets b the row b lacks, at that message and naming
 * a as a's own messages name a; with no message by a to name a by, it is
 * left alone (the API heals it, naming a from PostgreSQL). */
static void
test_half_written_heals(void **state)
{
    struct stream_handler h;
    struct stream_report rep;
    struct msg_group_row g;
    struct convo c;
    char t0[MSG_TIME_SIZE], t1[MSG_TIME_SIZE], t2[MSG_TIME_SIZE];
    char pk[MSG_KEY_SIZE];
    json_t *recs, *one;
    int k;

    (void)state;
    NEED_DDB();
    for (k = 0; k < 3; k++) {
        stream_handler_init(&h, &aws, TABLE);
        assert_int_equal(uuid_v4(c.a), CR_OK);
        assert_int_equal(uuid_v4(c.b), CR_OK);
        assert_int_equal(uuid_v4(c.g), CR_OK);
        next_time(t0);
        put_row(c.a, c.b, c.g, t0, "hi b", NULL);
        if (k < 2)      /* k 0: a writes; k 1: a wrote before b writes */
            post_as(&c, c.a, "Alpha Old", "alpha", "from a", t1);
        if (k > 0)      /* k 1, 2: b writes */
            post_as(&c, c.b, "Bravo", "bravo", "from b", t2);
        msg_key_messages(c.g, pk);
        recs = recorded(pk);
        /* Only the newest message's record: the processor must find a's
         * name in the older messages itself. */
        one = json_pack("[O]", json_array_get(recs, json_array_size(recs) - 1));
        assert_int_equal(run(&h, one, &rep), 0);
        stream_report_free(&rep);
        if (k == 2) {
            assert_int_equal(h.healed, 0);
            assert_int_equal(rows_of(c.b, &g, NULL), 0);
        } else {
            assert_int_equal(h.healed, 1);
            assert_int_equal(rows_of(c.b, &g, NULL), 1);
            assert_string_equal(g.group_uuid, c.g);
            assert_string_equal(g.user_uuid, c.a);
            assert_string_equal(g.user_display_name, "Alpha Old");
            assert_string_equal(g.user_handle, "alpha");
            assert_string_equal(g.sk, k == 0 ? t1 : t2);
        }
        /* a's own row moved as always; replaying changes nothing more. */
        assert_int_equal(rows_of(c.a, &g, NULL), 1);
        assert_string_equal(g.sk, k == 0 ? t1 : t2);
        assert_int_equal(run(&h, one, &rep), 0);
        stream_report_free(&rep);
        assert_int_equal(h.healed, k == 2 ? 0 : 1);
        json_decref(one);
        json_decref(recs);
    }
}

/* Rows another client (a later version of the app) wrote with attributes
 * we do not know keep them when they move. */
static void
test_move_keeps_foreign_attributes(void **state)
{
    struct stream_handler h;
    struct stream_report rep;
    struct msg_group_row g;
    struct convo c;
    char t0[MSG_TIME_SIZE], t1[MSG_TIME_SIZE], pk[MSG_KEY_SIZE];
    const char *owners[2];
    json_t *recs, *item;
    int k;

    (void)state;
    NEED_DDB();
    stream_handler_init(&h, &aws, TABLE);
    assert_int_equal(uuid_v4(c.a), CR_OK);
    assert_int_equal(uuid_v4(c.b), CR_OK);
    assert_int_equal(uuid_v4(c.g), CR_OK);
    next_time(t0);
    put_row(c.a, c.b, c.g, t0, "v2", json_pack("{s:{s:s}, s:{s:[s,s]}}",
            "unread", "N", "2", "labels", "SS", "work", "x"));
    put_row(c.b, c.a, c.g, t0, "v2", json_pack("{s:{s:b}}", "muted", "BOOL", 1));
    post(&c, "newer", t1);
    msg_key_messages(c.g, pk);
    recs = recorded(pk);
    assert_int_equal(run(&h, recs, &rep), 0);
    stream_report_free(&rep);
    assert_int_equal(h.moved, 2);
    owners[0] = c.a;
    owners[1] = c.b;
    for (k = 0; k < 2; k++) {
        item = NULL;
        assert_int_equal(rows_of(owners[k], &g, &item), 1);
        assert_string_equal(g.sk, t1);
        assert_string_equal(json_string_value(json_object_get(json_object_get(
            item, "message"), "S")), "newer");
        if (k == 0) {
            assert_string_equal(json_string_value(json_object_get(json_object_get(
                item, "unread"), "N")), "2");
            assert_int_equal(json_array_size(json_object_get(json_object_get(
                item, "labels"), "SS")), 2);
        } else {
            assert_true(json_is_true(json_object_get(json_object_get(item, "muted"),
                                                     "BOOL")));
        }
        json_decref(item);
    }
    json_decref(recs);
}

static void
test_poisoned_record_alone(void **state)
{
    struct stream_handler h;
    struct stream_report rep;
    struct convo c, d;
    char t0[MSG_TIME_SIZE], t1[MSG_TIME_SIZE], u0[MSG_TIME_SIZE], u1[MSG_TIME_SIZE];
    char pk[MSG_KEY_SIZE], pk2[MSG_KEY_SIZE];
    json_t *a, *b, *poison, *batch, *resp;

    (void)state;
    NEED_DDB();
    stream_handler_init(&h, &aws, TABLE);
    new_convo(&c, t0);
    new_convo(&d, u0);
    post(&c, "c1", t1);
    post(&d, "d1", u1);
    msg_key_messages(c.g, pk);
    msg_key_messages(d.g, pk2);
    a = recorded(pk);
    b = recorded(pk2);
    /* A MSG# record whose image lost its message_uuid. */
    poison = json_deep_copy(json_array_get(a, 1));
    json_object_del(json_object_get(json_object_get(poison, "dynamodb"),
                                    "NewImage"), "message_uuid");
    json_object_set_new(json_object_get(poison, "dynamodb"), "SequenceNumber",
                        json_string("999000000000000000001"));
    batch = json_pack("[O,o,O]", json_array_get(a, 1), poison,
                      json_array_get(b, 1));
    assert_int_equal(run(&h, batch, &rep), 1);
    assert_string_equal(rep.failed[0].id, "999000000000000000001");
    assert_int_equal(rep.failed[0].rc, CR_INVALID);
    assert_int_equal(stream_report_response(&rep, &resp), CR_OK);
    stream_report_free(&rep);
    assert_string_equal(json_string_value(json_object_get(json_array_get(
        json_object_get(resp, "batchItemFailures"), 0), "itemIdentifier")),
        "999000000000000000001");
    assert_int_equal(json_array_size(json_object_get(resp, "batchItemFailures")), 1);
    assert_rows_at(&c, t1, "c1");
    assert_rows_at(&d, u1, "d1");
    json_decref(resp);
    json_decref(batch);
    json_decref(a);
    json_decref(b);
}

static void
test_not_a_batch(void **state)
{
    struct stream_handler h;
    struct stream_report rep;
    json_t *j = json_pack("{s:i}", "foo", 1);

    (void)state;
    stream_handler_init(&h, &aws, TABLE);
    assert_int_equal(stream_handle_batch(&h, j, &rep), CR_INVALID);
    json_decref(j);
}

/* DynamoDB down: the record fails with DynamoDB's code and is reported. */
static void
test_ddb_unavailable(void **state)
{
    struct aws_client dead;
    struct aws_env env;
    struct stream_handler h;
    struct stream_report rep;
    struct convo c;
    char t0[MSG_TIME_SIZE], t1[MSG_TIME_SIZE], pk[MSG_KEY_SIZE];
    json_t *recs;

    (void)state;
    NEED_DDB();
    new_convo(&c, t0);
    post(&c, "lost?", t1);
    msg_key_messages(c.g, pk);
    recs = recorded(pk);
    assert_int_equal(aws_env_load(&env, 0), CR_OK);
    snprintf(env.ddb_endpoint, sizeof(env.ddb_endpoint), "http://127.0.0.1:%d",
             ddb_local_free_port());
    assert_int_equal(aws_client_init(&dead, &env), CR_OK);
    dead.max_tries = 1;
    stream_handler_init(&h, &dead, TABLE);
    /* Both records (the first message too) needed the index: both fail,
     * each reported by its own sequence number. */
    assert_int_equal(run(&h, recs, &rep), 2);
    assert_int_equal(rep.failed[0].rc, CR_DDB_UNAVAILABLE);
    assert_int_equal(rep.failed[1].rc, CR_DDB_UNAVAILABLE);
    assert_string_equal(rep.failed[0].id,
                        stream_record_seq(json_array_get(recs, 0)));
    assert_string_equal(rep.failed[1].id,
                        stream_record_seq(json_array_get(recs, 1)));
    stream_report_free(&rep);
    aws_client_free(&dead);
    /* Nothing moved; the real handler then applies it. */
    assert_rows_at(&c, t0, "hello");
    stream_handler_init(&h, &aws, TABLE);
    assert_int_equal(run(&h, recs, &rep), 0);
    stream_report_free(&rep);
    assert_rows_at(&c, t1, "lost?");
    json_decref(recs);
}

struct racer {
    json_t *records;
    size_t failed;
};

static void *
race(void *arg)
{
    struct racer *r = arg;
    struct aws_client own;
    struct aws_env env;
    struct stream_handler h;
    struct stream_report rep;
    json_t *b = batch_of(r->records);

    if (aws_env_load(&env, 0) || aws_client_init(&own, &env))
        return NULL;
    stream_handler_init(&h, &own, TABLE);
    if (stream_handle_batch(&h, b, &rep) == CR_OK) {
        r->failed = rep.nfailed;
        stream_report_free(&rep);
    }
    json_decref(b);
    aws_client_free(&own);
    return NULL;
}

/* Two handlers on the same conversation at once (Lambda runs shards in
 * parallel): conditions make the loser re-read; the newest wins. */
static void
test_concurrent_handlers(void **state)
{
    struct racer r[2];
    pthread_t th[2];
    struct convo c;
    char t0[MSG_TIME_SIZE], t[MSG_TIME_SIZE], last[MSG_TIME_SIZE], text[16];
    char pk[MSG_KEY_SIZE];
    json_t *recs, *r0 = json_array(), *r1 = json_array(), *x;
    size_t i;
    int k;

    (void)state;
    NEED_DDB();
    new_convo(&c, t0);
    for (k = 0; k < 30; k++) {
        snprintf(text, sizeof(text), "m%d", k);
        post(&c, text, t);
    }
    strcpy(last, t);
    msg_key_messages(c.g, pk);
    recs = recorded(pk);
    /* Each gets every other record, the newest ones first. */
    for (i = json_array_size(recs); i-- > 0;) {
        x = json_array_get(recs, i);
        json_array_append(i % 2 ? r0 : r1, x);
    }
    r[0] = (struct racer){ r0, 0 };
    r[1] = (struct racer){ r1, 0 };
    for (k = 0; k < 2; k++)
        assert_int_equal(pthread_create(&th[k], NULL, race, &r[k]), 0);
    for (k = 0; k < 2; k++)
        pthread_join(th[k], NULL);
    assert_int_equal(r[0].failed + r[1].failed, 0);
    assert_rows_at(&c, last, "m29");
    json_decref(r0);
    json_decref(r1);
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

/* The poller applies, checkpoints, and after a restart reads only what is
 * new: nothing skipped, nothing replayed. */
static void
test_poller_restart(void **state)
{
    volatile sig_atomic_t stop = 0;
    struct stream_poller p;
    struct convo c;
    char dir[] = "/tmp/cruddur-stream-test.XXXXXX", path[64];
    char t0[MSG_TIME_SIZE], t1[MSG_TIME_SIZE], t2[MSG_TIME_SIZE];
    size_t n, total;
    int i;

    (void)state;
    NEED_DDB();
    assert_non_null(mkdtemp(dir));
    new_convo(&c, t0);
    post(&c, "before", t1);
    assert_int_equal(stream_poller_init(&p, &aws, dir, &stop), CR_OK);
    total = quiesce(&p);
    assert_true(total > 0);
    assert_rows_at(&c, t1, "before");
    stream_poller_free(&p);

    /* A new poller on the same folder: nothing old is read again. */
    assert_int_equal(stream_poller_init(&p, &aws, dir, &stop), CR_OK);
    assert_int_equal(quiesce(&p), 0);
    post(&c, "after", t2);
    /* The first records it reads are exactly the new message. */
    for (i = 0, n = 0; i < 20 && n == 0; i++)
        assert_int_equal(stream_poller_pass(&p, &n), CR_OK);
    assert_int_equal(n, 1);
    assert_rows_at(&c, t2, "after");
    stream_poller_free(&p);
    snprintf(path, sizeof(path), "%s/stream-checkpoints.json", dir);
    unlink(path);
    rmdir(dir);
}

static int
setup(void **state)
{
    (void)state;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    clock_us = msg_time_now();
    ddb_state = ddb_local_start(&ddb, TABLE);
    if (ddb_state != 0) {
        /* The env still needs a region and keys for the offline tests. */
        setenv("AWS_DEFAULT_REGION", "us-east-1", 1);
        setenv("AWS_ACCESS_KEY_ID", "x", 1);
        setenv("AWS_SECRET_ACCESS_KEY", "y", 1);
    }
    {
        struct aws_env env;

        if (aws_env_load(&env, 0) || aws_client_init(&aws, &env))
            return -1;
    }
    return 0;
}

static int
teardown(void **state)
{
    (void)state;
    aws_client_free(&aws);
    ddb_local_stop(&ddb);
    curl_global_cleanup();
    return 0;
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_not_a_batch),
        cmocka_unit_test(test_several_records),
        cmocka_unit_test(test_out_of_order_and_duplicates),
        cmocka_unit_test(test_twin_starts_merge),
        cmocka_unit_test(test_remove_and_other_rows),
        cmocka_unit_test(test_idempotency_key_items),
        cmocka_unit_test(test_group_rows_gone),
        cmocka_unit_test(test_half_written_heals),
        cmocka_unit_test(test_move_keeps_foreign_attributes),
        cmocka_unit_test(test_poisoned_record_alone),
        cmocka_unit_test(test_ddb_unavailable),
        cmocka_unit_test(test_concurrent_handlers),
        cmocka_unit_test(test_poller_restart),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
