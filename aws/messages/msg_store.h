/* msg_store.h - the messages table read and written through an AWS client.
 *
 * Every function returns a cr_code and, when a DynamoDB call failed, fills
 * err (aws_error_describe() makes the log line); none logs. Requests are
 * borrowed, as everywhere (aws_client.h). A missing table or index
 * (ResourceNotFoundException) is CR_DDB_UNAVAILABLE: for this table it
 * means DynamoDB is not there for us (e.g. DynamoDB Local restarted empty),
 * never a missing item. */
#ifndef CRUDDUR_MSG_STORE_H
#define CRUDDUR_MSG_STORE_H

#include <stddef.h>

#include <jansson.h>

#include "app/core/err.h"
#include "aws/client/aws_client.h"
#include "aws/messages/msg_row.h"

/* One DynamoDB call on the table. Codes as aws_error_code(): CR_CONFLICT
 * for a lost condition, CR_DDB_UNAVAILABLE after the client's retries. */
cr_code msg_store_call(struct aws_client *aws, const char *target,
                       json_t *req, json_t **resp, struct aws_error *err);

/* The same, the answer handed to fn as text (aws_call_read): the list
 * routes read it with ddb_items_read(), without a tree. */
cr_code msg_store_read(struct aws_client *aws, const char *target,
                       json_t *req, aws_answer_fn fn, void *arg,
                       struct aws_error *err);

/* A conversation's group rows (one per participant, two for an owner
 * while both sides' simultaneous starts await the stream processor), with
 * the items they were read from: row[i] is items[i], and its message
 * points into it. A writer that moves a row starts from the item, so what
 * another client (a later version of the app) added to it is kept. */
struct msg_group_rows {
    struct msg_group_row *row;
    size_t n, cap;
    json_t *items;      /* owned: the n items of row[] */
    json_t *skipped;    /* owned: items left out, malformed (another
                         * client's, or half-written); NULL when none */
};

/* The one reader of a conversation's rows: every group row of group_uuid,
 * through the index, all pages. rows starts empty ({0}); free it with
 * msg_group_rows_free() whatever the answer. */
cr_code msg_store_group_rows(struct aws_client *aws, const char *table,
                             const char *group_uuid,
                             struct msg_group_rows *rows,
                             struct aws_error *err);
void msg_group_rows_free(struct msg_group_rows *rows);

/* Which field of owner's group rows msg_store_find_group() compares. */
enum msg_match { MSG_MATCH_GROUP, MSG_MATCH_OTHER_USER };

/* The newest of owner's group rows whose group uuid (or other participant)
 * is value: pattern B over every page, read consistently (unlike the
 * index, which lags a fresh write). CR_NOT_FOUND when there is none. Rows
 * another client left malformed are skipped. out->message is NULL. */
cr_code msg_store_find_group(struct aws_client *aws, const char *table,
                             const char *owner_uuid, enum msg_match match,
                             const char *value, struct msg_group_row *out,
                             struct aws_error *err);

/* owner's Idempotency-Key item key, read consistently into *k, which
 * points into *item (json_decref() it whatever the answer). CR_NOT_FOUND
 * when there is none or it expired before now (epoch seconds); CR_INVALID
 * for an item that is not one of ours. */
cr_code msg_store_get_idem(struct aws_client *aws, const char *table,
                           const char *owner_uuid, const char *key,
                           int64_t now, json_t **item, struct msg_idem *k,
                           struct aws_error *err);

#endif
