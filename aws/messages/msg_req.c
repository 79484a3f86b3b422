/* msg_req.c - the DynamoDB requests of patterns A-D and of the stream
 * processor, built in one place so the key conditions exist once. */
#include <stdio.h>
#include <string.h>

#include "app/core/uuid.h"
#include "aws/messages/msg_key.h"
#include "aws/messages/msg_req.h"

static const char msg_not_exists[] = "attribute_not_exists(pk)";

/* Both are times and later comes strictly after earlier. */
static cr_code
msg_check_time_order(const char *earlier, const char *later)
{
    int64_t a, b;

    if (msg_time_parse(earlier, &a) || msg_time_parse(later, &b) || b <= a)
        return CR_INVALID;
    return CR_OK;
}

/* {"S": v}, a new reference (NULL when v is not UTF-8). */
static json_t *
msg_s_attr(const char *v)
{
    return json_pack("{s:s}", "S", v);
}

/* A Query on pk = key, newest first. */
static cr_code
msg_query_pk(const char *table, const char *key, int limit, json_t **req)
{
    json_t *q = json_pack("{s:s, s:s, s:{s:{s:s}}, s:b}",
                          "TableName", table,
                          "KeyConditionExpression", "pk = :pk",
                          "ExpressionAttributeValues", ":pk", "S", key,
                          "ScanIndexForward", 0);

    if (q == NULL)
        return CR_NOMEM;
    if (limit > 0 && json_object_set_new(q, "Limit", json_integer(limit))) {
        json_decref(q);
        return CR_NOMEM;
    }
    *req = q;
    return CR_OK;
}

cr_code
msg_req_list_messages(const char *table, const char *group_uuid, int limit,
                      const char *before, json_t **req)
{
    char pk[MSG_KEY_SIZE];
    int64_t u;
    json_t *q = NULL, *vals;
    cr_code rc;

    *req = NULL;
    if ((rc = msg_key_messages(group_uuid, pk)))
        return rc;
    if (limit <= 0 || (before && msg_time_parse(before, &u)))
        return CR_INVALID;
    if ((rc = msg_query_pk(table, pk, limit, &q)))
        return rc;
    if (before) {
        vals = json_object_get(q, "ExpressionAttributeValues");
        if (json_object_set_new(q, "KeyConditionExpression",
                                json_string("pk = :pk AND sk < :before")) ||
            json_object_set_new(vals, ":before",
                                json_pack("{s:s}", "S", before))) {
            json_decref(q);
            return CR_NOMEM;
        }
    }
    *req = q;
    return CR_OK;
}

cr_code
msg_req_list_groups(const char *table, const char *owner_uuid, int limit,
                    json_t **req)
{
    char pk[MSG_KEY_SIZE];
    cr_code rc;

    *req = NULL;
    if ((rc = msg_key_group(owner_uuid, pk)))
        return rc;
    return msg_query_pk(table, pk, limit, req);
}

/* {"Put": {"TableName", "Item", "ConditionExpression"}}, taking item. */
static json_t *
msg_put(const char *table, json_t *item)
{
    return json_pack("{s:s, s:o, s:s}", "TableName", table, "Item", item,
                     "ConditionExpression", msg_not_exists);
}

/* {"TransactItems": items}, taking items. */
static cr_code
msg_transact(json_t *items, json_t **req)
{
    return (*req = json_pack("{s:o}", "TransactItems", items)) ? CR_OK
                                                               : CR_NOMEM;
}

static cr_code
msg_transact_add(json_t *items, const char *op, json_t *body)
{
    if (body == NULL)
        return CR_NOMEM;
    return json_array_append_new(items, json_pack("{s:o}", op, body)) ?
           CR_NOMEM : CR_OK;
}

/* The Put of key k: where no key is, or where one expired before now
 * (DynamoDB Local never deletes it). */
static json_t *
msg_put_idem(const char *table, const struct msg_idem *k, int64_t now)
{
    json_t *item = NULL;
    char at[24];

    if (msg_idem_to_item(k, &item))
        return NULL;
    snprintf(at, sizeof(at), "%lld", (long long)now);
    return json_pack("{s:s, s:o, s:s, s:{s:{s:s}}}", "TableName", table,
                     "Item", item, "ConditionExpression",
                     "attribute_not_exists(pk) OR expires_at < :now",
                     "ExpressionAttributeValues", ":now", "N", at);
}

/* The group rows, the message, then key k (when not NULL), each Put
 * conditioned. */
static cr_code
msg_req_transact_put(const char *table, const struct msg_group_row *groups,
                     size_t n, const struct msg_row *m,
                     const struct msg_idem *k, int64_t now, json_t **req)
{
    json_t *item = NULL, *items = NULL;
    size_t i;
    cr_code rc = CR_NOMEM;

    *req = NULL;
    if (n > 2 || (n == 0 && k == NULL))
        return CR_INVALID;
    if ((items = json_array()) == NULL)
        goto out;
    for (i = 0; i <= n; i++) {
        rc = i < n ? msg_group_to_item(&groups[i], &item)
                   : msg_to_item(m, &item);
        /* msg_put takes the item reference, even when it fails. */
        if (rc == CR_OK)
            rc = msg_transact_add(items, "Put", msg_put(table, item));
        if (rc)
            goto out;
    }
    if (k && (rc = msg_transact_add(items, "Put", msg_put_idem(table, k, now))))
        goto out;
    rc = msg_transact(items, req);
    items = NULL;               /* taken */
out:
    json_decref(items);
    return rc;
}

cr_code
msg_req_put_message_groups(const char *table,
                           const struct msg_group_row *groups, size_t n,
                           const struct msg_row *m, json_t **req)
{
    *req = NULL;
    if (n == 0)
        return CR_INVALID;
    return msg_req_transact_put(table, groups, n, m, NULL, 0, req);
}

cr_code
msg_req_put_message_keyed(const char *table,
                          const struct msg_group_row *groups, size_t n,
                          const struct msg_row *m, const struct msg_idem *k,
                          int64_t now, json_t **req)
{
    return msg_req_transact_put(table, groups, n, m, k, now, req);
}

cr_code
msg_req_get_idem(const char *table, const char *owner_uuid, const char *key,
                 json_t **req)
{
    char pk[MSG_KEY_SIZE];
    cr_code rc;

    *req = NULL;
    if ((rc = msg_key_idem(owner_uuid, pk)))
        return rc;
    *req = json_pack("{s:s, s:{s:{s:s}, s:{s:s}}, s:b}", "TableName", table,
                     "Key", "pk", "S", pk, "sk", "S", key,
                     "ConsistentRead", 1);
    return *req ? CR_OK : CR_NOMEM;
}

cr_code
msg_req_new_conversation(const char *table, const struct msg_group_row *mine,
                         const struct msg_group_row *theirs,
                         const struct msg_row *first, json_t **req)
{
    struct msg_group_row both[2];

    both[0] = *mine;
    both[1] = *theirs;
    return msg_req_put_message_groups(table, both, 2, first, req);
}

cr_code
msg_req_put_group(const char *table, const struct msg_group_row *g,
                  json_t **req)
{
    json_t *item;
    cr_code rc;

    *req = NULL;
    if ((rc = msg_group_to_item(g, &item)))
        return rc;
    *req = msg_put(table, item);
    return *req ? CR_OK : CR_NOMEM;
}

cr_code
msg_req_put_message(const char *table, const struct msg_row *m, json_t **req)
{
    json_t *item;
    cr_code rc;

    *req = NULL;
    if ((rc = msg_to_item(m, &item)))
        return rc;
    *req = msg_put(table, item);
    return *req ? CR_OK : CR_NOMEM;
}

cr_code
msg_req_group_rows(const char *table, const char *group_uuid, json_t **req)
{
    *req = NULL;
    if (!uuid_valid(group_uuid))
        return CR_INVALID;
    *req = json_pack("{s:s, s:s, s:s, s:{s:{s:s}}}",
                     "TableName", table, "IndexName", MSG_GROUP_INDEX,
                     "KeyConditionExpression", "message_group_uuid = :g",
                     "ExpressionAttributeValues", ":g", "S", group_uuid);
    return *req ? CR_OK : CR_NOMEM;
}

/* DeleteItem of group row old, only if it is still there; also the
 * Delete element of a transaction (the same members). */
static json_t *
msg_delete_group(const char *table, const struct msg_group_row *old,
                 const char *pk)
{
    return json_pack("{s:s, s:{s:{s:s}, s:{s:s}}, s:s}", "TableName", table,
                     "Key", "pk", "S", pk, "sk", "S", old->sk,
                     "ConditionExpression", "attribute_exists(pk)");
}

cr_code
msg_req_drop_group(const char *table, const struct msg_group_row *old,
                   json_t **req)
{
    char pk[MSG_KEY_SIZE];
    int64_t t;
    cr_code rc;

    *req = NULL;
    if ((rc = msg_key_group(old->owner_uuid, pk)) ||
        (rc = msg_time_parse(old->sk, &t)))
        return rc;
    return (*req = msg_delete_group(table, old, pk)) ? CR_OK : CR_NOMEM;
}

/* old_item with sk and message (len bytes, NULs kept) replaced (a new
 * reference in *item). */
static cr_code
msg_moved_item(json_t *old_item, const char *new_sk, const char *new_message,
               size_t len, json_t **item)
{
    json_t *it = json_deep_copy(old_item);

    if (it == NULL || json_object_set_new(it, "sk", msg_s_attr(new_sk)) ||
        json_object_set_new(it, "message", json_pack("{s:s#}", "S",
                                                     new_message, (int)len))) {
        json_decref(it);
        return CR_NOMEM;
    }
    *item = it;
    return CR_OK;
}

cr_code
msg_req_move_group(const char *table, const struct msg_group_row *old,
                   json_t *old_item, const char *new_sk,
                   const char *new_message, size_t new_message_len,
                   json_t **req)
{
    struct msg_group_row moved = *old;
    char pk[MSG_KEY_SIZE];
    json_t *item = NULL, *items = NULL, *del;
    cr_code rc;

    *req = NULL;
    /* Same key twice in one transaction is refused by DynamoDB, and a
     * group row never moves backwards. */
    if ((rc = msg_key_group(old->owner_uuid, pk)) ||
        (rc = msg_check_time_order(old->sk, new_sk)))
        return rc;
    snprintf(moved.sk, sizeof(moved.sk), "%s", new_sk);
    moved.message = new_message;
    moved.message_len = new_message_len;
    /* The checks of a row we write, whichever way the item is made. */
    if ((rc = msg_group_to_item(&moved, &item)))
        return rc;
    if (json_is_object(old_item)) {
        json_decref(item);
        item = NULL;
        if ((rc = msg_moved_item(old_item, new_sk, new_message,
                                 new_message_len, &item)))
            return rc;
    }
    rc = CR_NOMEM;
    if ((items = json_array()) == NULL)
        goto out;
    del = msg_delete_group(table, old, pk);
    if ((rc = msg_transact_add(items, "Delete", del)))
        goto out;
    rc = msg_transact_add(items, "Put", msg_put(table, item));
    item = NULL;
    if (rc == CR_OK) {
        rc = msg_transact(items, req);
        items = NULL;           /* taken */
    }
out:
    json_decref(item);
    json_decref(items);
    return rc;
}
