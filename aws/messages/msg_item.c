/* msg_item.c - group and message rows to and from DynamoDB items. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/core/uuid.h"
#include "aws/messages/msg_key.h"
#include "aws/messages/msg_row.h"

/* {"S": v} as a new reference; NULL when v is NULL or not UTF-8. */
static json_t *
msg_s(const char *v)
{
    return v ? json_pack("{s:s}", "S", v) : NULL;
}

static cr_code
msg_set(json_t *item, const char *name, const char *v)
{
    json_t *a = msg_s(v);

    if (a == NULL)
        return CR_INVALID;
    return json_object_set_new(item, name, a) ? CR_NOMEM : CR_OK;
}

/* The checks shared by both row kinds, on the way in and out. */
static cr_code
msg_check_person(const char *uuid, const char *name, const char *handle)
{
    if (!uuid_valid(uuid) || name[0] == '\0' || !user_handle_valid(handle))
        return CR_INVALID;
    return CR_OK;
}

static cr_code
msg_check_time(const char *t)
{
    int64_t u;

    return msg_time_parse(t, &u);
}

cr_code
msg_group_to_item(const struct msg_group_row *g, json_t **item)
{
    char pk[MSG_KEY_SIZE];
    json_t *it = NULL;
    cr_code rc;

    *item = NULL;
    if ((rc = msg_key_group(g->owner_uuid, pk)) || (rc = msg_check_time(g->sk)) ||
        (rc = msg_check_person(g->user_uuid, g->user_display_name,
                               g->user_handle)))
        return rc;
    if (!uuid_valid(g->group_uuid) || g->message == NULL)
        return CR_INVALID;
    if ((it = json_object()) == NULL)
        return CR_NOMEM;
    if ((rc = msg_set(it, "pk", pk)) || (rc = msg_set(it, "sk", g->sk)) ||
        (rc = msg_set(it, "message_group_uuid", g->group_uuid)) ||
        (rc = msg_set(it, "message", g->message)) ||
        (rc = msg_set(it, "user_uuid", g->user_uuid)) ||
        (rc = msg_set(it, "user_display_name", g->user_display_name)) ||
        (rc = msg_set(it, "user_handle", g->user_handle))) {
        json_decref(it);
        return rc;
    }
    *item = it;
    return CR_OK;
}

cr_code
msg_to_item(const struct msg_row *m, json_t **item)
{
    char pk[MSG_KEY_SIZE];
    json_t *it = NULL;
    cr_code rc;

    *item = NULL;
    if ((rc = msg_key_messages(m->group_uuid, pk)) ||
        (rc = msg_check_time(m->sk)) ||
        (rc = msg_check_person(m->user_uuid, m->user_display_name,
                               m->user_handle)))
        return rc;
    if (!uuid_valid(m->message_uuid) || m->message == NULL)
        return CR_INVALID;
    if ((it = json_object()) == NULL)
        return CR_NOMEM;
    if ((rc = msg_set(it, "pk", pk)) || (rc = msg_set(it, "sk", m->sk)) ||
        (rc = msg_set(it, "message_uuid", m->message_uuid)) ||
        (rc = msg_set(it, "message", m->message)) ||
        (rc = msg_set(it, "user_uuid", m->user_uuid)) ||
        (rc = msg_set(it, "user_display_name", m->user_display_name)) ||
        (rc = msg_set(it, "user_handle", m->user_handle))) {
        json_decref(it);
        return rc;
    }
    *item = it;
    return CR_OK;
}

/* The string of attribute name, which must be exactly {"S": "..."}. */
static cr_code
msg_get(json_t *item, const char *name, const char **out)
{
    json_t *a = json_object_get(item, name), *s;

    if (!json_is_object(a) || json_object_size(a) != 1)
        return CR_INVALID;
    s = json_object_get(a, "S");
    if (!json_is_string(s))
        return CR_INVALID;
    *out = json_string_value(s);
    return CR_OK;
}

/* Attribute name copied into a field of size bytes; too long is invalid. */
static cr_code
msg_get_copy(json_t *item, const char *name, char *dst, size_t size)
{
    const char *v;
    cr_code rc;

    if ((rc = msg_get(item, name, &v)))
        return rc;
    if (strlen(v) >= size)
        return CR_INVALID;
    strcpy(dst, v);
    return CR_OK;
}

/* pk "<prefix><uuid>" into uuid. */
static cr_code
msg_get_pk(json_t *item, const char *prefix, char uuid[USER_UUID_SIZE])
{
    size_t n = strlen(prefix);
    const char *pk;
    cr_code rc;

    if ((rc = msg_get(item, "pk", &pk)))
        return rc;
    if (strncmp(pk, prefix, n) != 0 || !uuid_valid(pk + n))
        return CR_INVALID;
    strcpy(uuid, pk + n);
    return CR_OK;
}

cr_code
msg_group_from_item(json_t *item, struct msg_group_row *g)
{
    cr_code rc;

    memset(g, 0, sizeof(*g));
    if (!json_is_object(item))
        return CR_INVALID;
    if ((rc = msg_get_pk(item, "GRP#", g->owner_uuid)) ||
        (rc = msg_get_copy(item, "sk", g->sk, sizeof(g->sk))) ||
        (rc = msg_get_copy(item, "message_group_uuid", g->group_uuid,
                           sizeof(g->group_uuid))) ||
        (rc = msg_get(item, "message", &g->message)) ||
        (rc = msg_get_copy(item, "user_uuid", g->user_uuid,
                           sizeof(g->user_uuid))) ||
        (rc = msg_get_copy(item, "user_display_name", g->user_display_name,
                           sizeof(g->user_display_name))) ||
        (rc = msg_get_copy(item, "user_handle", g->user_handle,
                           sizeof(g->user_handle))))
        return rc;
    if ((rc = msg_check_time(g->sk)) || !uuid_valid(g->group_uuid))
        return CR_INVALID;
    return msg_check_person(g->user_uuid, g->user_display_name, g->user_handle);
}

cr_code
msg_from_item(json_t *item, struct msg_row *m)
{
    cr_code rc;

    memset(m, 0, sizeof(*m));
    if (!json_is_object(item))
        return CR_INVALID;
    if ((rc = msg_get_pk(item, "MSG#", m->group_uuid)) ||
        (rc = msg_get_copy(item, "sk", m->sk, sizeof(m->sk))) ||
        (rc = msg_get_copy(item, "message_uuid", m->message_uuid,
                           sizeof(m->message_uuid))) ||
        (rc = msg_get(item, "message", &m->message)) ||
        (rc = msg_get_copy(item, "user_uuid", m->user_uuid,
                           sizeof(m->user_uuid))) ||
        (rc = msg_get_copy(item, "user_display_name", m->user_display_name,
                           sizeof(m->user_display_name))) ||
        (rc = msg_get_copy(item, "user_handle", m->user_handle,
                           sizeof(m->user_handle))))
        return rc;
    if ((rc = msg_check_time(m->sk)) || !uuid_valid(m->message_uuid))
        return CR_INVALID;
    return msg_check_person(m->user_uuid, m->user_display_name, m->user_handle);
}

cr_code
msg_idem_to_item(const struct msg_idem *k, json_t **item)
{
    char pk[MSG_KEY_SIZE], at[24];
    json_t *it = NULL;
    cr_code rc;

    *item = NULL;
    if ((rc = msg_key_idem(k->owner_uuid, pk)))
        return rc;
    if (k->key[0] == '\0' || k->request[0] == '\0' || k->response == NULL)
        return CR_INVALID;
    if ((it = json_object()) == NULL)
        return CR_NOMEM;
    snprintf(at, sizeof(at), "%lld", (long long)k->expires_at);
    if (json_object_set_new(it, "expires_at", json_pack("{s:s}", "N", at)))
        rc = CR_NOMEM;
    if (rc || (rc = msg_set(it, "pk", pk)) ||
        (rc = msg_set(it, "sk", k->key)) ||
        (rc = msg_set(it, "request", k->request)) ||
        (rc = msg_set(it, "response", k->response))) {
        json_decref(it);
        return rc;
    }
    *item = it;
    return CR_OK;
}

cr_code
msg_idem_from_item(json_t *item, struct msg_idem *k)
{
    const char *at;
    cr_code rc;

    memset(k, 0, sizeof(*k));
    if (!json_is_object(item))
        return CR_INVALID;
    if ((rc = msg_get_pk(item, "IDEM#", k->owner_uuid)) ||
        (rc = msg_get_copy(item, "sk", k->key, sizeof(k->key))) ||
        (rc = msg_get_copy(item, "request", k->request,
                           sizeof(k->request))) ||
        (rc = msg_get(item, "response", &k->response)))
        return rc;
    at = json_string_value(json_object_get(json_object_get(item,
                                                           "expires_at"),
                                           "N"));
    /* Epoch seconds as we write them: digits only, no more than fit. */
    if (at == NULL || k->key[0] == '\0' || k->request[0] == '\0' ||
        at[0] == '\0' || strlen(at) > 18 || at[strspn(at, "0123456789")])
        return CR_INVALID;
    k->expires_at = strtoll(at, NULL, 10);
    return CR_OK;
}

/* At most 64 bytes of attribute name's string, printable ASCII only
 * (another client's key may hold anything, a log line must stay one). */
static void
msg_key_part(json_t *item, const char *name, char out[65])
{
    const char *v;
    size_t i;

    if (msg_get(item, name, &v)) {
        strcpy(out, "?");
        return;
    }
    for (i = 0; i < 64 && v[i]; i++)
        out[i] = v[i] >= 0x20 && v[i] < 0x7f ? v[i] : '?';
    out[i] = '\0';
}

void
msg_item_key(json_t *item, char *out, size_t size)
{
    char pk[65], sk[65];

    msg_key_part(item, "pk", pk);
    msg_key_part(item, "sk", sk);
    snprintf(out, size, "pk=%s sk=%s", pk, sk);
}

cr_code
msg_resp_items(json_t *response, json_t **items)
{
    json_t *a = json_object_get(response, "Items");

    *items = NULL;
    if (!json_is_array(a))
        return CR_INVALID;
    *items = a;
    return CR_OK;
}
