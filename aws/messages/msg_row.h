/* msg_row.h - the messages table's two kinds of rows, written once: what
 * they hold, how one is made, and how it becomes a DynamoDB item and back.
 *
 * Used by the worker's message services, the stream processor, cruddur-aws
 * (seed, listings) and cruddur-load. One table, keys pk (S, hash) and sk
 * (S, range), the Flask app's names and formats, so an existing table and
 * its data keep working:
 *   message group  pk GRP#<owner uuid>  sk <last message time>
 *                  message_group_uuid, message, user_uuid,
 *                  user_display_name, user_handle (of the OTHER person)
 *                  one per participant
 *   message        pk MSG#<group uuid>  sk <created time>
 *                  message_uuid, message, user_uuid, user_display_name,
 *                  user_handle (of the sender)
 *   idempotency    pk IDEM#<caller uuid>  sk <the Idempotency-Key sent>
 *   key            request (the post's fingerprint), response (the JSON
 *                  text its answer had), expires_at (N, epoch seconds:
 *                  the table's TTL attribute); written in the transaction
 *                  of the message it posted (services/idempotency.h)
 * The global secondary index message-group-sk-index (message_group_uuid,
 * sk; projection ALL) lists a conversation's group rows; message rows
 * and keys carry no message_group_uuid, so it holds group rows only. The
 * table's stream (new images) feeds the stream processor, which acts on
 * MSG# rows only. DynamoDB deletes a key some time after its expires_at;
 * DynamoDB Local never does: readers take an expired key for absent, and
 * the write of a key is conditioned on its absence or expiry.
 *
 * Items are DynamoDB's JSON ({"pk": {"S": "..."}, ...}). */
#ifndef CRUDDUR_MSG_ROW_H
#define CRUDDUR_MSG_ROW_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "app/core/err.h"
#include "app/db/user.h"
#include "aws/client/ddb_items.h"
#include "aws/messages/msg_time.h"

#define MSG_GROUP_INDEX "message-group-sk-index"

struct msg_group_row {
    char owner_uuid[USER_UUID_SIZE];       /* from pk GRP#<owner> */
    char sk[MSG_TIME_SIZE];                /* time of the last message */
    char group_uuid[USER_UUID_SIZE];       /* message_group_uuid */
    char user_uuid[USER_UUID_SIZE];        /* the other participant */
    char user_display_name[USER_NAME_SIZE];
    char user_handle[USER_HANDLE_SIZE];
    /* Last message text. Not owned: when read, it points into the item it
     * was read from (valid while that json lives); when written, the
     * caller's string. message_len bytes: another client may have written
     * U+0000 into it, so it is copied by length, never as a C string. */
    const char *message;
    size_t message_len;
};

struct msg_row {
    char group_uuid[USER_UUID_SIZE];       /* from pk MSG#<group> */
    char sk[MSG_TIME_SIZE];                /* created time */
    char message_uuid[USER_UUID_SIZE];
    char user_uuid[USER_UUID_SIZE];        /* the sender */
    char user_display_name[USER_NAME_SIZE];
    char user_handle[USER_HANDLE_SIZE];
    const char *message;                   /* not owned, as above */
    size_t message_len;
};

#define MSG_IDEM_KEY_SIZE     129   /* 1..128 characters, a NUL */
#define MSG_IDEM_REQUEST_SIZE 65

struct msg_idem {
    char owner_uuid[USER_UUID_SIZE];       /* from pk IDEM#<caller> */
    char key[MSG_IDEM_KEY_SIZE];           /* sk */
    char request[MSG_IDEM_REQUEST_SIZE];   /* the post's fingerprint */
    const char *response;                  /* not owned, as above */
    int64_t expires_at;                    /* epoch seconds */
};

/* ---- making rows (msg_row.c): the only place a row is filled ---- */

/* A new message by sender in group_uuid at usec (microseconds since the
 * epoch), with a fresh message uuid; text is borrowed. */
cr_code msg_row_new(struct msg_row *m, const char *group_uuid,
                    const struct user *sender, const char *text,
                    int64_t usec);

/* owner's group row of conversation group_uuid with other, at sk with the
 * last message text (borrowed, len bytes). */
cr_code msg_group_row_new(struct msg_group_row *g, const struct user *owner,
                          const struct user *other, const char *group_uuid,
                          const char *sk, const char *message,
                          size_t message_len);

/* ---- items (msg_item.c) ---- */

/* Struct -> new item (*item: a new reference). CR_INVALID when a field is
 * malformed (uuid, time, empty name or handle, NULL message). */
cr_code msg_group_to_item(const struct msg_group_row *g, json_t **item);
cr_code msg_to_item(const struct msg_row *m, json_t **item);

/* Item -> struct, strict: a missing attribute, one that is not {"S": ..},
 * a pk of the other kind, a bad uuid or time, or a value too long for its
 * field is CR_INVALID. Unknown extra attributes are ignored. */
cr_code msg_group_from_item(json_t *item, struct msg_group_row *g);
cr_code msg_from_item(json_t *item, struct msg_row *m);
/* The same for an idempotency key: an empty key or request, a NULL
 * response or an expires_at that is not a number is CR_INVALID. */
cr_code msg_idem_to_item(const struct msg_idem *k, json_t **item);
cr_code msg_idem_from_item(json_t *item, struct msg_idem *k);

/* The same from the attributes ddb_items_read() hands over for the names
 * msg_message_attrs (or msg_group_attrs), in this order: the one set of
 * checks both readers share. */
enum {
    MSG_ATTR_PK, MSG_ATTR_SK,
    MSG_ATTR_ID,                /* message_uuid, or message_group_uuid */
    MSG_ATTR_MESSAGE, MSG_ATTR_USER_UUID, MSG_ATTR_NAME, MSG_ATTR_HANDLE,
    MSG_ATTR_COUNT
};
extern const char *const msg_message_attrs[MSG_ATTR_COUNT];
extern const char *const msg_group_attrs[MSG_ATTR_COUNT];
cr_code msg_group_from_attrs(const struct ddb_attr *a,
                             struct msg_group_row *g);
cr_code msg_from_attrs(const struct ddb_attr *a, struct msg_row *m);

/* "pk=<pk> sk=<sk>" of item for a log line: each "?" when it is not a
 * string attribute, at most 64 bytes, bytes other than printable ASCII as
 * "?"; cut to size. */
#define MSG_ITEM_KEY_SIZE 144
void msg_item_key(json_t *item, char *out, size_t size);
void msg_attrs_key(const struct ddb_attr *a, char *out, size_t size);

/* The "Items" array of a Query or Scan answer (borrowed); CR_INVALID when
 * absent or not an array. */
cr_code msg_resp_items(json_t *response, json_t **items);

#endif
