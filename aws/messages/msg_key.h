/* msg_key.h - the messages table's partition keys, and the id of the
 * conversation two users start. */
#ifndef CRUDDUR_MSG_KEY_H
#define CRUDDUR_MSG_KEY_H

#include "app/core/err.h"
#include "app/db/user.h"

#define MSG_KEY_SIZE    42   /* "GRP#", "MSG#" or "IDEM#", a uuid, a NUL */

/* "GRP#<uuid>" / "MSG#<uuid>"; CR_INVALID when uuid is not one. */
cr_code msg_key_group(const char *owner_uuid, char out[MSG_KEY_SIZE]);
cr_code msg_key_messages(const char *group_uuid, char out[MSG_KEY_SIZE]);
/* "IDEM#<uuid>": the partition of owner's idempotency keys. */
cr_code msg_key_idem(const char *owner_uuid, char out[MSG_KEY_SIZE]);

/* The group uuid of a conversation started between users a and b: the same
 * whichever of the two starts it (a version 5 UUID of the pair), so that
 * two first messages sent at the same moment land in one conversation. */
cr_code msg_conversation_uuid(const char *a, const char *b,
                              char out[USER_UUID_SIZE]);

#endif
