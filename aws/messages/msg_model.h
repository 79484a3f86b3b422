/* msg_model.h - the messages table's single-table layout, written once.
 *
 * Used by the worker's services, the stream processor and cruddur-aws.
 * Rows (SPEC section 6):
 *   message group  pk GRP#<owner uuid>  sk <last message time>
 *                  message_group_uuid, message, user_uuid,
 *                  user_display_name, user_handle (of the OTHER person)
 *   message        pk MSG#<group uuid>  sk <created time>
 *                  message_uuid, message, user_uuid, user_display_name,
 *                  user_handle (of the sender)
 * Message rows carry no message_group_uuid, so the index
 * message-group-sk-index holds group rows only.
 *
 * Times are UTC "YYYY-MM-DDTHH:MM:SS.ffffff+00:00": string order is time
 * order. Items are DynamoDB's JSON ({"pk": {"S": "..."}, ...}). */
#ifndef CRUDDUR_MSG_MODEL_H
#define CRUDDUR_MSG_MODEL_H

#include <stdint.h>

#include <jansson.h>

#include "app/core/err.h"
#include "app/db/user.h"

#define MSG_TIME_SIZE   33   /* 32 characters and a NUL */
#define MSG_KEY_SIZE    41   /* "GRP#" or "MSG#", a uuid, a NUL */
#define MSG_GROUP_INDEX "message-group-sk-index"

/* ---- times ---- */

/* Microseconds since the epoch to the key format. CR_INVALID outside the
 * years 0001..9999. */
cr_code msg_time_format(int64_t usec, char out[MSG_TIME_SIZE]);
/* The key format back to microseconds; anything else (another offset,
 * missing digits, 2023-02-30, trailing bytes) is CR_INVALID. */
cr_code msg_time_parse(const char *s, int64_t *usec);
/* The clock, in microseconds since the epoch. */
int64_t msg_time_now(void);
/* t advanced by one microsecond in place (after a key collision). */
cr_code msg_time_advance(char t[MSG_TIME_SIZE]);

/* ---- keys ---- */

/* "GRP#<uuid>" / "MSG#<uuid>"; CR_INVALID when uuid is not one. */
cr_code msg_key_group(const char *owner_uuid, char out[MSG_KEY_SIZE]);
cr_code msg_key_messages(const char *group_uuid, char out[MSG_KEY_SIZE]);

/* The group uuid of a conversation started between users a and b: the same
 * whichever of the two starts it (a version 5 UUID of the pair), so that
 * two first messages sent at the same moment land in one conversation. */
cr_code msg_conversation_uuid(const char *a, const char *b,
                              char out[USER_UUID_SIZE]);

/* ---- rows ---- */

struct msg_group_row {
    char owner_uuid[USER_UUID_SIZE];       /* from pk GRP#<owner> */
    char sk[MSG_TIME_SIZE];                /* time of the last message */
    char group_uuid[USER_UUID_SIZE];       /* message_group_uuid */
    char user_uuid[USER_UUID_SIZE];        /* the other participant */
    char user_display_name[USER_NAME_SIZE];
    char user_handle[USER_HANDLE_SIZE];
    /* Last message text. Not owned: when read, it points into the item it
     * was read from (valid while that json lives); when written, the
     * caller's string. */
    const char *message;
};

struct msg_row {
    char group_uuid[USER_UUID_SIZE];       /* from pk MSG#<group> */
    char sk[MSG_TIME_SIZE];                /* created time */
    char message_uuid[USER_UUID_SIZE];
    char user_uuid[USER_UUID_SIZE];        /* the sender */
    char user_display_name[USER_NAME_SIZE];
    char user_handle[USER_HANDLE_SIZE];
    const char *message;                   /* not owned, as above */
};

/* Struct -> new item (*item: a new reference). CR_INVALID when a field is
 * malformed (uuid, time, empty name or handle, NULL message). */
cr_code msg_group_to_item(const struct msg_group_row *g, json_t **item);
cr_code msg_to_item(const struct msg_row *m, json_t **item);

/* Item -> struct, strict: a missing attribute, one that is not {"S": ..},
 * a pk of the other kind, a bad uuid or time, or a value too long for its
 * field is CR_INVALID. Unknown extra attributes are ignored. */
cr_code msg_group_from_item(json_t *item, struct msg_group_row *g);
cr_code msg_from_item(json_t *item, struct msg_row *m);

/* The "Items" array of a Query or Scan answer (borrowed); CR_INVALID when
 * absent or not an array. */
cr_code msg_resp_items(json_t *response, json_t **items);

/* ---- requests (each *req is a new reference) ---- */

/* A: Query pk = MSG#group, newest first, at most limit (> 0) rows, only
 * those older than before when before is not NULL. */
cr_code msg_req_list_messages(const char *table, const char *group_uuid,
                              int limit, const char *before, json_t **req);
/* B: Query pk = GRP#owner, newest first; limit <= 0 means no Limit. */
cr_code msg_req_list_groups(const char *table, const char *owner_uuid,
                            int limit, json_t **req);
/* C: TransactWriteItems of both group rows and the first message, each
 * Put conditioned on attribute_not_exists(pk). */
cr_code msg_req_new_conversation(const char *table,
                                 const struct msg_group_row *mine,
                                 const struct msg_group_row *theirs,
                                 const struct msg_row *first, json_t **req);
/* D: PutItem of a message with attribute_not_exists(pk). */
cr_code msg_req_put_message(const char *table, const struct msg_row *m,
                            json_t **req);
/* The stream processor: Query the index for group_uuid's group rows. */
cr_code msg_req_group_rows(const char *table, const char *group_uuid,
                           json_t **req);
/* The stream processor: TransactWriteItems deleting old (condition
 * attribute_exists(pk)) and putting the same row with sk = new_sk and
 * message = new_message (condition attribute_not_exists(pk)). */
cr_code msg_req_move_group(const char *table, const struct msg_group_row *old,
                           const char *new_sk, const char *new_message,
                           json_t **req);
/* The stream processor: DeleteItem of a group row that a newer row of the
 * same owner and conversation makes redundant (condition
 * attribute_exists(pk)). */
cr_code msg_req_drop_group(const char *table, const struct msg_group_row *old,
                           json_t **req);

#endif
