/* msg_store.c - the messages table's calls and its two paged readers. */
#include <stdlib.h>
#include <string.h>

#include "aws/messages/msg_req.h"
#include "aws/messages/msg_store.h"

/* What a missing table or index means for this table (see the header). */
static cr_code
msg_store_code(cr_code rc)
{
    return rc == CR_NOT_FOUND ? CR_DDB_UNAVAILABLE : rc;
}

cr_code
msg_store_call(struct aws_client *aws, const char *target, json_t *req,
               json_t **resp, struct aws_error *err)
{
    return msg_store_code(aws_call(aws, AWS_DYNAMODB, target, req, resp, err));
}

cr_code
msg_store_read(struct aws_client *aws, const char *target, json_t *req,
               aws_answer_fn fn, void *arg, struct aws_error *err)
{
    return msg_store_code(aws_call_read(aws, AWS_DYNAMODB, target, req, fn,
                                        arg, err));
}

cr_code
msg_store_get_idem(struct aws_client *aws, const char *table,
                   const char *owner_uuid, const char *key, int64_t now,
                   json_t **item, struct msg_idem *k, struct aws_error *err)
{
    json_t *req = NULL, *resp = NULL;
    cr_code rc;

    *item = NULL;
    if ((rc = msg_req_get_idem(table, owner_uuid, key, &req)) == CR_OK)
        rc = msg_store_call(aws, "GetItem", req, &resp, err);
    json_decref(req);
    if (rc)
        return rc;
    *item = json_incref(json_object_get(resp, "Item"));
    json_decref(resp);
    if (*item == NULL)
        return CR_NOT_FOUND;
    if ((rc = msg_idem_from_item(*item, k)))
        return rc;
    return k->expires_at < now ? CR_NOT_FOUND : CR_OK;
}

/* Keeps g and the item it was read from (g->message points into it). */
static cr_code
msg_group_rows_add(struct msg_group_rows *r, const struct msg_group_row *g,
                   json_t *item)
{
    struct msg_group_row *grown;

    if (r->items == NULL && (r->items = json_array()) == NULL)
        return CR_NOMEM;
    if (r->n == r->cap) {
        r->cap = r->cap ? 2 * r->cap : 4;
        if ((grown = realloc(r->row, r->cap * sizeof(*grown))) == NULL)
            return CR_NOMEM;
        r->row = grown;
    }
    if (json_array_append(r->items, item))
        return CR_NOMEM;
    r->row[r->n++] = *g;
    return CR_OK;
}

static cr_code
msg_group_rows_skip(struct msg_group_rows *r, json_t *item)
{
    if (r->skipped == NULL && (r->skipped = json_array()) == NULL)
        return CR_NOMEM;
    return json_array_append(r->skipped, item) ? CR_NOMEM : CR_OK;
}

void
msg_group_rows_free(struct msg_group_rows *rows)
{
    free(rows->row);
    json_decref(rows->items);
    json_decref(rows->skipped);
    memset(rows, 0, sizeof(*rows));
}

struct msg_rows_page {
    const char *group_uuid;
    struct msg_group_rows *rows;
};

static cr_code
msg_rows_page(void *arg, json_t *resp, int *stop)
{
    struct msg_rows_page *p = arg;
    struct msg_group_row g;
    json_t *items, *it;
    size_t i;
    cr_code rc;

    (void)stop;
    if ((rc = msg_resp_items(resp, &items)))
        return rc;
    json_array_foreach(items, i, it) {
        if (msg_group_from_item(it, &g) != CR_OK ||
            strcmp(g.group_uuid, p->group_uuid) != 0)
            rc = msg_group_rows_skip(p->rows, it);
        else
            rc = msg_group_rows_add(p->rows, &g, it);
        if (rc)
            return rc;
    }
    return CR_OK;
}

cr_code
msg_store_group_rows(struct aws_client *aws, const char *table,
                     const char *group_uuid, struct msg_group_rows *rows,
                     struct aws_error *err)
{
    struct msg_rows_page page = { group_uuid, rows };
    json_t *req = NULL;
    cr_code rc;

    if ((rc = msg_req_group_rows(table, group_uuid, &req)))
        return rc;
    rc = aws_call_pages(aws, AWS_DYNAMODB, "Query", req, "LastEvaluatedKey",
                        "ExclusiveStartKey", msg_rows_page, &page, err);
    json_decref(req);
    return msg_store_code(rc);
}

struct msg_find_page {
    enum msg_match match;
    const char *value;
    struct msg_group_row *out;
    int found;
};

static cr_code
msg_find_page(void *arg, json_t *resp, int *stop)
{
    struct msg_find_page *p = arg;
    struct msg_group_row g;
    json_t *items, *it;
    const char *field;
    size_t i;
    cr_code rc;

    if ((rc = msg_resp_items(resp, &items)))
        return rc;
    json_array_foreach(items, i, it) {
        if (msg_group_from_item(it, &g) != CR_OK)
            continue;
        field = p->match == MSG_MATCH_GROUP ? g.group_uuid : g.user_uuid;
        if (strcmp(field, p->value) == 0) {
            *p->out = g;
            p->out->message = NULL;
            p->found = *stop = 1;
            return CR_OK;
        }
    }
    return CR_OK;
}

cr_code
msg_store_find_group(struct aws_client *aws, const char *table,
                     const char *owner_uuid, enum msg_match match,
                     const char *value, struct msg_group_row *out,
                     struct aws_error *err)
{
    struct msg_find_page page = { match, value, out, 0 };
    json_t *req = NULL;
    cr_code rc;

    if ((rc = msg_req_list_groups(table, owner_uuid, 0, &req)))
        return rc;
    rc = CR_NOMEM;
    if (json_object_set_new(req, "ConsistentRead", json_true()) == 0)
        rc = aws_call_pages(aws, AWS_DYNAMODB, "Query", req,
                            "LastEvaluatedKey", "ExclusiveStartKey",
                            msg_find_page, &page, err);
    json_decref(req);
    if (rc)
        return msg_store_code(rc);
    return page.found ? CR_OK : CR_NOT_FOUND;
}
