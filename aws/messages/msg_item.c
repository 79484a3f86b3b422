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

/* The message text, by length: it may hold NULs (msg_row.h). */
static cr_code
msg_set_text(json_t *item, const char *v, size_t len)
{
    json_t *a = v ? json_pack("{s:s#}", "S", v, (int)len) : NULL;

    if (a == NULL)
        return CR_INVALID;
    return json_object_set_new(item, "message", a) ? CR_NOMEM : CR_OK;
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
        (rc = msg_set_text(it, g->message, g->message_len)) ||
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
        (rc = msg_set_text(it, m->message, m->message_len)) ||
        (rc = msg_set(it, "user_uuid", m->user_uuid)) ||
        (rc = msg_set(it, "user_display_name", m->user_display_name)) ||
        (rc = msg_set(it, "user_handle", m->user_handle))) {
        json_decref(it);
        return rc;
    }
    *item = it;
    return CR_OK;
}

const char *const msg_message_attrs[MSG_ATTR_COUNT] = {
    "pk", "sk", "message_uuid", "message", "user_uuid", "user_display_name",
    "user_handle",
};
const char *const msg_group_attrs[MSG_ATTR_COUNT] = {
    "pk", "sk", "message_group_uuid", "message", "user_uuid",
    "user_display_name", "user_handle",
};

/* The string of attribute name, which must be exactly {"S": "..."}: the
 * tree's attributes as ddb_items_read() hands them, so both readers share
 * one set of checks. */
static void
msg_attr_of(json_t *item, const char *name, struct ddb_attr *a)
{
    json_t *v, *s;

    memset(a, 0, sizeof(*a));
    if ((v = json_object_get(item, name)) == NULL)
        return;
    a->present = 1;
    s = json_object_get(v, "S");
    if (json_is_object(v) && json_object_size(v) == 1 && json_is_string(s)) {
        a->s = json_string_value(s);
        a->len = json_string_length(s);
    }
}

static void
msg_attrs_of(json_t *item, const char *const *names, struct ddb_attr *a)
{
    size_t i;

    for (i = 0; i < MSG_ATTR_COUNT; i++)
        msg_attr_of(item, names[i], &a[i]);
}

/* a's string when it holds no NUL (every field but the message text is
 * used as a C string); NULL otherwise. */
static const char *
msg_attr_cstr(const struct ddb_attr *a)
{
    return a->s && strlen(a->s) == a->len ? a->s : NULL;
}

/* Attribute a copied into a field of size bytes; too long is invalid. */
static cr_code
msg_get_copy(const struct ddb_attr *a, char *dst, size_t size)
{
    if (msg_attr_cstr(a) == NULL || a->len >= size)
        return CR_INVALID;
    memcpy(dst, a->s, a->len + 1);
    return CR_OK;
}

/* pk "<prefix><uuid>" into uuid. */
static cr_code
msg_get_pk(const struct ddb_attr *a, const char *prefix,
           char uuid[USER_UUID_SIZE])
{
    size_t n = strlen(prefix);

    if (msg_attr_cstr(a) == NULL || strncmp(a->s, prefix, n) != 0 ||
        !uuid_valid(a->s + n))
        return CR_INVALID;
    strcpy(uuid, a->s + n);
    return CR_OK;
}

/* What both row kinds share: sk, the person, the message text (by
 * length: it may hold NULs). */
static cr_code
msg_get_common(const struct ddb_attr *a, char *sk, char *user_uuid,
               char *name, char *handle, const char **message,
               size_t *message_len)
{
    cr_code rc;

    if ((rc = msg_get_copy(&a[MSG_ATTR_SK], sk, MSG_TIME_SIZE)) ||
        (rc = msg_get_copy(&a[MSG_ATTR_USER_UUID], user_uuid,
                           USER_UUID_SIZE)) ||
        (rc = msg_get_copy(&a[MSG_ATTR_NAME], name, USER_NAME_SIZE)) ||
        (rc = msg_get_copy(&a[MSG_ATTR_HANDLE], handle, USER_HANDLE_SIZE)))
        return rc;
    if ((*message = a[MSG_ATTR_MESSAGE].s) == NULL)
        return CR_INVALID;
    *message_len = a[MSG_ATTR_MESSAGE].len;
    if ((rc = msg_check_time(sk)))
        return rc;
    return msg_check_person(user_uuid, name, handle);
}

cr_code
msg_group_from_attrs(const struct ddb_attr *a, struct msg_group_row *g)
{
    cr_code rc;

    memset(g, 0, sizeof(*g));
    if ((rc = msg_get_pk(&a[MSG_ATTR_PK], "GRP#", g->owner_uuid)) ||
        (rc = msg_get_copy(&a[MSG_ATTR_ID], g->group_uuid,
                           sizeof(g->group_uuid))))
        return rc;
    if (!uuid_valid(g->group_uuid))
        return CR_INVALID;
    return msg_get_common(a, g->sk, g->user_uuid, g->user_display_name,
                          g->user_handle, &g->message, &g->message_len);
}

cr_code
msg_from_attrs(const struct ddb_attr *a, struct msg_row *m)
{
    cr_code rc;

    memset(m, 0, sizeof(*m));
    if ((rc = msg_get_pk(&a[MSG_ATTR_PK], "MSG#", m->group_uuid)) ||
        (rc = msg_get_copy(&a[MSG_ATTR_ID], m->message_uuid,
                           sizeof(m->message_uuid))))
        return rc;
    if (!uuid_valid(m->message_uuid))
        return CR_INVALID;
    return msg_get_common(a, m->sk, m->user_uuid, m->user_display_name,
                          m->user_handle, &m->message, &m->message_len);
}

cr_code
msg_group_from_item(json_t *item, struct msg_group_row *g)
{
    struct ddb_attr a[MSG_ATTR_COUNT];

    memset(g, 0, sizeof(*g));
    if (!json_is_object(item))
        return CR_INVALID;
    msg_attrs_of(item, msg_group_attrs, a);
    return msg_group_from_attrs(a, g);
}

cr_code
msg_from_item(json_t *item, struct msg_row *m)
{
    struct ddb_attr a[MSG_ATTR_COUNT];

    memset(m, 0, sizeof(*m));
    if (!json_is_object(item))
        return CR_INVALID;
    msg_attrs_of(item, msg_message_attrs, a);
    return msg_from_attrs(a, m);
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
    struct ddb_attr pk, sk, request, response;
    const char *at;
    cr_code rc;

    memset(k, 0, sizeof(*k));
    if (!json_is_object(item))
        return CR_INVALID;
    msg_attr_of(item, "pk", &pk);
    msg_attr_of(item, "sk", &sk);
    msg_attr_of(item, "request", &request);
    msg_attr_of(item, "response", &response);
    if ((rc = msg_get_pk(&pk, "IDEM#", k->owner_uuid)) ||
        (rc = msg_get_copy(&sk, k->key, sizeof(k->key))) ||
        (rc = msg_get_copy(&request, k->request, sizeof(k->request))))
        return rc;
    if ((k->response = msg_attr_cstr(&response)) == NULL)
        return CR_INVALID;
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

/* At most 64 bytes of attribute a, printable ASCII only (another client's
 * key may hold anything, a log line must stay one). */
static void
msg_key_part(const struct ddb_attr *a, char out[65])
{
    size_t i;

    if (a->s == NULL) {
        strcpy(out, "?");
        return;
    }
    for (i = 0; i < 64 && a->s[i]; i++)
        out[i] = a->s[i] >= 0x20 && a->s[i] < 0x7f ? a->s[i] : '?';
    out[i] = '\0';
}

void
msg_attrs_key(const struct ddb_attr *a, char *out, size_t size)
{
    char pk[65], sk[65];

    msg_key_part(&a[MSG_ATTR_PK], pk);
    msg_key_part(&a[MSG_ATTR_SK], sk);
    snprintf(out, size, "pk=%s sk=%s", pk, sk);
}

void
msg_item_key(json_t *item, char *out, size_t size)
{
    struct ddb_attr a[MSG_ATTR_COUNT];

    /* pk and sk are the same two names in either kind of row. */
    msg_attrs_of(item, msg_message_attrs, a);
    msg_attrs_key(a, out, size);
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
