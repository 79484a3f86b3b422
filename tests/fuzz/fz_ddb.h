/* fz_ddb.h - a DynamoDB Query/Scan answer through the row readers: every
 * item of "Items" as a group row, a message row and an Idempotency-Key. An item read back
 * must write out again (msg_*_to_item) and read the same: what we accept
 * from the table we can also store, a message text with U+0000 byte for
 * byte. Input: the answer's JSON. */
#ifndef CRUDDUR_FZ_DDB_H
#define CRUDDUR_FZ_DDB_H

#include <jansson.h>

#include "aws/messages/msg_row.h"
#include "tests/fuzz/fz.h"

static inline int
fz_ddb_group(json_t *item)
{
    struct msg_group_row g, g2;
    json_t *out = NULL;
    int bad = 0;

    if (msg_group_from_item(item, &g) != CR_OK)
        return 0;
    if (msg_group_to_item(&g, &out) != CR_OK ||
        msg_group_from_item(out, &g2) != CR_OK ||
        strcmp(g.owner_uuid, g2.owner_uuid) || strcmp(g.sk, g2.sk) ||
        strcmp(g.group_uuid, g2.group_uuid) ||
        strcmp(g.user_uuid, g2.user_uuid) ||
        strcmp(g.user_display_name, g2.user_display_name) ||
        strcmp(g.user_handle, g2.user_handle) ||
        g.message_len != g2.message_len ||
        memcmp(g.message, g2.message, g.message_len))
        bad = FZ_BROKEN;
    json_decref(out);
    return bad;
}

static inline int
fz_ddb_message(json_t *item)
{
    struct msg_row m, m2;
    json_t *out = NULL;
    int bad = 0;

    if (msg_from_item(item, &m) != CR_OK)
        return 0;
    if (msg_to_item(&m, &out) != CR_OK || msg_from_item(out, &m2) != CR_OK ||
        strcmp(m.group_uuid, m2.group_uuid) || strcmp(m.sk, m2.sk) ||
        strcmp(m.message_uuid, m2.message_uuid) ||
        strcmp(m.user_uuid, m2.user_uuid) ||
        strcmp(m.user_display_name, m2.user_display_name) ||
        strcmp(m.user_handle, m2.user_handle) ||
        m.message_len != m2.message_len ||
        memcmp(m.message, m2.message, m.message_len))
        bad = FZ_BROKEN;
    json_decref(out);
    return bad;
}

static inline int
fz_ddb_idem(json_t *item)
{
    struct msg_idem k, k2;
    json_t *out = NULL;
    int bad = 0;

    if (msg_idem_from_item(item, &k) != CR_OK)
        return 0;
    if (msg_idem_to_item(&k, &out) != CR_OK ||
        msg_idem_from_item(out, &k2) != CR_OK ||
        strcmp(k.owner_uuid, k2.owner_uuid) || strcmp(k.key, k2.key) ||
        strcmp(k.request, k2.request) || strcmp(k.response, k2.response) ||
        k.expires_at != k2.expires_at)
        bad = FZ_BROKEN;
    json_decref(out);
    return bad;
}

static inline int
fz_ddb(const uint8_t *data, size_t size)
{
    struct msg_group_row g;
    struct msg_row m;
    struct msg_idem k;
    json_t *resp, *items, *item;
    size_t i;
    int bad = 0;

    /* As aws_client.c reads every answer. */
    resp = json_loadb((const char *)data, size, JSON_ALLOW_NUL, NULL);
    if (msg_resp_items(resp, &items) == CR_OK) {
        json_array_foreach(items, i, item) {
            /* pk is GRP#, MSG# or IDEM#: no item is two kinds. */
            if ((msg_group_from_item(item, &g) == CR_OK) +
                (msg_from_item(item, &m) == CR_OK) +
                (msg_idem_from_item(item, &k) == CR_OK) > 1)
                bad = FZ_BROKEN;
            bad |= fz_ddb_group(item);
            bad |= fz_ddb_message(item);
            bad |= fz_ddb_idem(item);
        }
    } else if (items != NULL) {
        bad = FZ_BROKEN;
    }
    json_decref(resp);
    return bad;
}

#endif
