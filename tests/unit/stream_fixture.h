/* stream_fixture.h - what the stream tests (test_stream_*.c) share: a
 * DynamoDB Local of the test binary's own (tests/unit/ddb_local.h), a
 * client on it, conversations written as the API writes them and the
 * table's stream records read back. sfx_setup and sfx_teardown are the
 * cmocka group set-up and tear-down. */
#ifndef CRUDDUR_TEST_STREAM_FIXTURE_H
#define CRUDDUR_TEST_STREAM_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "app/core/uuid.h"
#include "aws/client/aws_client.h"
#include "aws/messages/msg_row.h"
#include "aws/messages/msg_time.h"
#include "aws/stream/stream_handler.h"

#define SFX_TABLE "cruddur-messages-test"

extern int sfx_ddb_state;           /* 0 up, 1 skip, -1 failed */
extern struct aws_client sfx_aws;   /* on the DynamoDB Local */
extern int64_t sfx_clock_us;        /* message times: unique, increasing */

/* Skips the test when java or the jar is absent, fails it when DynamoDB
 * Local did not come up. */
#define SFX_NEED_DDB() do { if (sfx_ddb_state == 1) skip(); \
                            assert_int_equal(sfx_ddb_state, 0); } while (0)

struct sfx_convo {
    char a[UUID_STR_SIZE], b[UUID_STR_SIZE], g[UUID_STR_SIZE];
};

int sfx_setup(void **state);
int sfx_teardown(void **state);

/* A new message time in t. */
void sfx_next_time(char t[MSG_TIME_SIZE]);
/* One DynamoDB call that must succeed; req is taken, the answer returned. */
json_t *sfx_call(enum aws_service svc, const char *target, json_t *req);
/* c's conversation started again: both group rows and a first message at
 * a new time t (the API's pattern C). */
void sfx_start_convo(struct sfx_convo *c, char t[MSG_TIME_SIZE]);
/* New users and a group of theirs, nothing written (rows made by hand). */
void sfx_new_ids(struct sfx_convo *c);
/* A new conversation between two new users, started at t. */
void sfx_new_convo(struct sfx_convo *c, char t[MSG_TIME_SIZE]);
/* A message by c->b at a new time t (pattern D). */
void sfx_post(const struct sfx_convo *c, const char *text,
              char t[MSG_TIME_SIZE]);
/* A message in c's group by who (named name, handle) at a new time t. */
void sfx_post_as(const struct sfx_convo *c, const char *who, const char *name,
                 const char *handle, const char *text, char t[MSG_TIME_SIZE]);
/* One group row, owner's, naming other, at t, with attributes of another
 * client added when extra is not NULL (taken). */
void sfx_put_row(const char *owner, const char *other, const char *group,
                 const char *t, const char *text, json_t *extra);
/* A new conversation started at t0, then a message by c->b of each
 * texts[i] at a new time t[i]: its messages' stream records, the first
 * message's (hello) first, n + 1 of them. */
json_t *sfx_convo_records(struct sfx_convo *c, char t0[MSG_TIME_SIZE],
                          const char *const texts[],
                          char t[][MSG_TIME_SIZE], size_t n);
/* Every stream record so far whose key pk starts with prefix. */
json_t *sfx_recorded(const char *prefix);
/* Both users' one group row of c are at t and show text. */
void sfx_assert_rows_at(const struct sfx_convo *c, const char *t,
                        const char *text);
/* owner's group rows: how many, the newest's fields (its item too when
 * item is not NULL, a new reference). */
size_t sfx_rows_of(const char *owner, struct msg_group_row *newest,
                   json_t **item);
/* {"Records": records}, a new reference. */
json_t *sfx_batch_of(json_t *records);
/* The handler run on records; the report's failure count. */
size_t sfx_run(struct stream_handler *h, json_t *records,
               struct stream_report *rep);

#endif
