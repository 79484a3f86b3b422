/* msg_key.c - the table's keys, and the id two users' conversation gets. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "app/core/uuid.h"
#include "aws/messages/msg_key.h"

static cr_code
msg_key(const char *prefix, const char *uuid, char out[MSG_KEY_SIZE])
{
    if (!uuid_valid(uuid))
        return CR_INVALID;
    snprintf(out, MSG_KEY_SIZE, "%s%s", prefix, uuid);
    return CR_OK;
}

cr_code
msg_key_group(const char *owner_uuid, char out[MSG_KEY_SIZE])
{
    return msg_key("GRP#", owner_uuid, out);
}

cr_code
msg_key_messages(const char *group_uuid, char out[MSG_KEY_SIZE])
{
    return msg_key("MSG#", group_uuid, out);
}

cr_code
msg_key_idem(const char *owner_uuid, char out[MSG_KEY_SIZE])
{
    return msg_key("IDEM#", owner_uuid, out);
}

cr_code
msg_conversation_uuid(const char *a, const char *b, char out[USER_UUID_SIZE])
{
    /* The namespace of Cruddur conversations (a fixed random UUID). */
    static const unsigned char ns[16] = {
        0x08, 0xa1, 0x2f, 0x74, 0x08, 0xf9, 0x46, 0x2f,
        0xb9, 0x76, 0x17, 0x28, 0xa0, 0xfe, 0xd6, 0x6c,
    };
    char name[2 * USER_UUID_SIZE], la[USER_UUID_SIZE], lb[USER_UUID_SIZE];
    size_t i;

    if (!uuid_valid(a) || !uuid_valid(b))
        return CR_INVALID;
    /* Lowercase, then in order: the same pair gives the same name. */
    for (i = 0; i < USER_UUID_SIZE; i++) {
        la[i] = (char)tolower((unsigned char)a[i]);
        lb[i] = (char)tolower((unsigned char)b[i]);
    }
    if (strcmp(la, lb) <= 0)
        snprintf(name, sizeof(name), "%s/%s", la, lb);
    else
        snprintf(name, sizeof(name), "%s/%s", lb, la);
    return uuid_v5(ns, name, out);
}
