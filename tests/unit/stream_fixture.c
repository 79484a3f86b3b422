/* stream_fixture.c - what the stream tests share: one DynamoDB Local
 * (tests/unit/ddb_local.h) for the test binary, a client on it, and
 * conversations written and their stream records read back the way the
 * API and DynamoDB Streams write them. */
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
#include "aws/messages/msg_key.h"
#include "aws/messages/msg_req.h"
#include "aws/messages/msg_row.h"
#include "tests/unit/ddb_local.h"
#include "tests/unit/stream_fixture.h"

static struct ddb_local sfx_ddb;
int sfx_ddb_state = -1;
struct aws_client sfx_aws;
int64_t sfx_clock_us;

void
sfx_next_time(char t[MSG_TIME_SIZE])
{
    sfx_clock_us += 1000;
    assert_int_equal(msg_time_format(sfx_clock_us, t), CR_OK);
}

json_t *
sfx_call(enum aws_service svc, const char *target, json_t *req)
{
    json_t *resp = NULL;

    assert_non_null(req);
    assert_int_equal(aws_call(&sfx_aws, svc, target, req, &resp, NULL), CR_OK);
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
    g->message_len = strlen(g->message);
}

/* A message of group at sk by author, signed as the fixture's sender. */
static void
message_row(struct msg_row *m, const char *group, const char *sk,
            const char *author, const char *text)
{
    memset(m, 0, sizeof(*m));
    strcpy(m->group_uuid, group);
    strcpy(m->sk, sk);
    assert_int_equal(uuid_v4(m->message_uuid), CR_OK);
    strcpy(m->user_uuid, author);
    strcpy(m->user_display_name, "Sender");
    strcpy(m->user_handle, "sender");
    m->message = text;
    m->message_len = strlen(m->message);
}

/* Pattern C for c's users and group: both group rows and a first message
 * at a new time t. */
void
sfx_start_convo(struct sfx_convo *c, char t[MSG_TIME_SIZE])
{
    struct msg_group_row mine, theirs;
    struct msg_row first;
    json_t *req;

    sfx_next_time(t);
    group_row(&mine, c->a, c->b, c->g, t, "hello");
    group_row(&theirs, c->b, c->a, c->g, t, "hello");
    message_row(&first, c->g, t, c->a, "hello");
    assert_int_equal(msg_req_new_conversation(SFX_TABLE, &mine, &theirs, &first,
                                              &req), CR_OK);
    json_decref(sfx_call(AWS_DYNAMODB, "TransactWriteItems", req));
}

void
sfx_new_ids(struct sfx_convo *c)
{
    assert_int_equal(uuid_v4(c->a), CR_OK);
    assert_int_equal(uuid_v4(c->b), CR_OK);
    assert_int_equal(uuid_v4(c->g), CR_OK);
}

/* A new conversation between two new users, started at t. */
void
sfx_new_convo(struct sfx_convo *c, char t[MSG_TIME_SIZE])
{
    assert_int_equal(uuid_v4(c->a), CR_OK);
    assert_int_equal(uuid_v4(c->b), CR_OK);
    assert_int_equal(msg_conversation_uuid(c->a, c->b, c->g), CR_OK);
    sfx_start_convo(c, t);
}

/* Pattern D: a message at a new time; its time in t. */
void
sfx_post(const struct sfx_convo *c, const char *text, char t[MSG_TIME_SIZE])
{
    struct msg_row m;
    json_t *req;

    sfx_next_time(t);
    message_row(&m, c->g, t, c->b, text);
    assert_int_equal(msg_req_put_message(SFX_TABLE, &m, &req), CR_OK);
    json_decref(sfx_call(AWS_DYNAMODB, "PutItem", req));
}

/* Every record of the table's stream so far (all shards, from the trim
 * horizon) whose key pk starts with prefix: the recorded batch. */
json_t *
sfx_recorded(const char *prefix)
{
    json_t *out = json_array(), *streams, *desc, *sh, *it, *recs, *r;
    const char *arn, *iter, *pk;
    size_t i, j;

    streams = sfx_call(AWS_STREAMS, "ListStreams",
                       json_pack("{s:s}", "TableName", SFX_TABLE));
    arn = json_string_value(json_object_get(
        json_array_get(json_object_get(streams, "Streams"), 0), "StreamArn"));
    assert_non_null(arn);
    desc = sfx_call(AWS_STREAMS, "DescribeStream",
                    json_pack("{s:s}", "StreamArn", arn));
    json_array_foreach(json_object_get(json_object_get(desc, "StreamDescription"),
                                       "Shards"), i, sh) {
        it = sfx_call(AWS_STREAMS, "GetShardIterator",
                      json_pack("{s:s, s:O, s:s}", "StreamArn", arn, "ShardId",
                                json_object_get(sh, "ShardId"),
                                "ShardIteratorType", "TRIM_HORIZON"));
        iter = json_string_value(json_object_get(it, "ShardIterator"));
        while (iter) {
            recs = sfx_call(AWS_STREAMS, "GetRecords",
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

/* A new conversation, then a message of each text: the records read back
 * (see stream_fixture.h). */
json_t *
sfx_convo_records(struct sfx_convo *c, char t0[MSG_TIME_SIZE],
                  const char *const texts[], char t[][MSG_TIME_SIZE],
                  size_t n)
{
    char pk[MSG_KEY_SIZE];
    json_t *recs;
    size_t i;

    sfx_new_convo(c, t0);
    for (i = 0; i < n; i++)
        sfx_post(c, texts[i], t[i]);
    msg_key_messages(c->g, pk);
    recs = sfx_recorded(pk);
    assert_int_equal(json_array_size(recs), n + 1);
    return recs;
}

/* The one group row of owner in c: its sk and message into the buffers. */
static void
row_of(const char *owner, char sk[MSG_TIME_SIZE], char *text, size_t size)
{
    struct msg_group_row g;
    json_t *req, *resp, *items;

    assert_int_equal(msg_req_list_groups(SFX_TABLE, owner, 0, &req), CR_OK);
    resp = sfx_call(AWS_DYNAMODB, "Query", req);
    assert_int_equal(msg_resp_items(resp, &items), CR_OK);
    assert_int_equal(json_array_size(items), 1);
    assert_int_equal(msg_group_from_item(json_array_get(items, 0), &g), CR_OK);
    strcpy(sk, g.sk);
    snprintf(text, size, "%s", g.message);
    json_decref(resp);
}

void
sfx_assert_rows_at(const struct sfx_convo *c, const char *t, const char *text)
{
    char sk[MSG_TIME_SIZE], msg[128];

    row_of(c->a, sk, msg, sizeof(msg));
    assert_string_equal(sk, t);
    assert_string_equal(msg, text);
    row_of(c->b, sk, msg, sizeof(msg));
    assert_string_equal(sk, t);
    assert_string_equal(msg, text);
}

json_t *
sfx_batch_of(json_t *records)
{
    return json_pack("{s:O}", "Records", records);
}

/* Runs the handler on records; returns the report's failure count. */
size_t
sfx_run(struct stream_handler *h, json_t *records, struct stream_report *rep)
{
    json_t *b = sfx_batch_of(records);

    assert_int_equal(stream_handle_batch(h, b, rep), CR_OK);
    json_decref(b);
    return rep->nfailed;
}

/* One group row, owner's, naming other, at t, with extra attributes of
 * another client when extra is not NULL (taken). */
void
sfx_put_row(const char *owner, const char *other, const char *group,
            const char *t, const char *text, json_t *extra)
{
    struct msg_group_row g;
    json_t *req, *item;

    group_row(&g, owner, other, group, t, text);
    assert_int_equal(msg_req_put_group(SFX_TABLE, &g, &req), CR_OK);
    item = json_object_get(req, "Item");
    if (extra) {
        json_object_update(item, extra);
        json_decref(extra);
    }
    json_decref(sfx_call(AWS_DYNAMODB, "PutItem", req));
}

/* A message in c's group by who (named name, handle) at a new time t. */
void
sfx_post_as(const struct sfx_convo *c, const char *who, const char *name,
            const char *handle, const char *text, char t[MSG_TIME_SIZE])
{
    struct user u;
    struct msg_row m;
    json_t *req;

    memset(&u, 0, sizeof(u));
    strcpy(u.uuid, who);
    strcpy(u.display_name, name);
    strcpy(u.handle, handle);
    sfx_next_time(t);
    assert_int_equal(msg_row_new(&m, c->g, &u, text, sfx_clock_us), CR_OK);
    assert_int_equal(msg_req_put_message(SFX_TABLE, &m, &req), CR_OK);
    json_decref(sfx_call(AWS_DYNAMODB, "PutItem", req));
}

/* owner's rows: how many, and the newest's fields. */
size_t
sfx_rows_of(const char *owner, struct msg_group_row *newest, json_t **item)
{
    json_t *req, *resp, *items;
    size_t n;

    assert_int_equal(msg_req_list_groups(SFX_TABLE, owner, 0, &req), CR_OK);
    resp = sfx_call(AWS_DYNAMODB, "Query", req);
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

int
sfx_setup(void **state)
{
    (void)state;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    sfx_clock_us = msg_time_now();
    sfx_ddb_state = ddb_local_start(&sfx_ddb, SFX_TABLE);
    if (sfx_ddb_state != 0) {
        /* The env still needs a region and keys for the offline tests. */
        setenv("AWS_DEFAULT_REGION", "us-east-1", 1);
        setenv("AWS_ACCESS_KEY_ID", "x", 1);
        setenv("AWS_SECRET_ACCESS_KEY", "y", 1);
    }
    {
        struct aws_env env;

        if (aws_env_load(&env, 0) || aws_client_init(&sfx_aws, &env))
            return -1;
    }
    return 0;
}

int
sfx_teardown(void **state)
{
    (void)state;
    aws_client_free(&sfx_aws);
    ddb_local_stop(&sfx_ddb);
    curl_global_cleanup();
    return 0;
}
