/* msg_req.h - the DynamoDB requests of the messages table, built in one
 * place so the key conditions exist once. Each *req is a new reference.
 *
 * The access patterns (the Flask app's):
 *   A  list messages: Query pk = MSG#group, newest first, Limit, reversed
 *      for the answer;
 *   B  list conversations: Query pk = GRP#owner, newest first (Limit 20);
 *   C  new conversation: one TransactWriteItems with both group rows and
 *      the first message, all or nothing;
 *   D  message to an existing conversation: Put the message row; the group
 *      rows are moved by the stream processor.
 * No write overwrites a row: Puts carry attribute_not_exists(pk); a key
 * collision (two writes in one microsecond) is retried by the writer with
 * the time advanced by one microsecond. */
#ifndef CRUDDUR_MSG_REQ_H
#define CRUDDUR_MSG_REQ_H

#include <stddef.h>

#include <jansson.h>

#include "app/core/err.h"
#include "aws/messages/msg_row.h"

/* A: at most limit (> 0) rows, only those older than before when before
 * is not NULL. */
cr_code msg_req_list_messages(const char *table, const char *group_uuid,
                              int limit, const char *before, json_t **req);
/* B: limit <= 0 means no Limit. */
cr_code msg_req_list_groups(const char *table, const char *owner_uuid,
                            int limit, json_t **req);
/* C: each Put conditioned on attribute_not_exists(pk). */
cr_code msg_req_new_conversation(const char *table,
                                 const struct msg_group_row *mine,
                                 const struct msg_group_row *theirs,
                                 const struct msg_row *first, json_t **req);
/* C, and D into a conversation that lost group rows (a half-written one:
 * another client's non-atomic start, a crash, a partial restore): one
 * TransactWriteItems of the n (1 or 2) group rows and the message, each
 * Put conditioned on attribute_not_exists(pk). */
cr_code msg_req_put_message_groups(const char *table,
                                   const struct msg_group_row *groups,
                                   size_t n, const struct msg_row *m,
                                   json_t **req);
/* The same with the caller's Idempotency-Key item k after the message
 * (n may be 0 then: pattern D with a key), its Put conditioned on no key
 * or one expired before now (epoch seconds). The key's cancellation reason
 * is the last (index n + 1). */
cr_code msg_req_put_message_keyed(const char *table,
                                  const struct msg_group_row *groups,
                                  size_t n, const struct msg_row *m,
                                  const struct msg_idem *k, int64_t now,
                                  json_t **req);
/* GetItem of owner's Idempotency-Key item key, read consistently. */
cr_code msg_req_get_idem(const char *table, const char *owner_uuid,
                         const char *key, json_t **req);
/* The stream processor's healing: PutItem of group row g, conditioned on
 * attribute_not_exists(pk). */
cr_code msg_req_put_group(const char *table, const struct msg_group_row *g,
                          json_t **req);
/* D: PutItem of a message with attribute_not_exists(pk). */
cr_code msg_req_put_message(const char *table, const struct msg_row *m,
                            json_t **req);
/* Query the index for group_uuid's group rows. */
cr_code msg_req_group_rows(const char *table, const char *group_uuid,
                           json_t **req);
/* The stream processor: TransactWriteItems deleting old (condition
 * attribute_exists(pk)) and putting the same row with sk = new_sk and
 * message = new_message (len bytes: it may hold NULs) (condition
 * attribute_not_exists(pk)). With
 * old_item (the item old was read from), the new row is that item with
 * sk and message replaced: attributes we do not know are kept. */
cr_code msg_req_move_group(const char *table, const struct msg_group_row *old,
                           json_t *old_item, const char *new_sk,
                           const char *new_message, size_t new_message_len,
                           json_t **req);
/* The stream processor: DeleteItem of a group row that a newer row of the
 * same owner and conversation makes redundant (condition
 * attribute_exists(pk)). */
cr_code msg_req_drop_group(const char *table, const struct msg_group_row *old,
                           json_t **req);

#endif
