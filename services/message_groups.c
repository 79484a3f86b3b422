/* message_groups.c - GET /api/message_groups: the caller's conversations,
 * most recent first (pattern B), each named by the other participant. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/core/log.h"
#include "aws/messages/msg_req.h"
#include "aws/messages/msg_store.h"
#include "services/message_entry.h"
#include "services/services.h"

#define MESSAGE_GROUPS_LIMIT 20

/* The conversations listed so far; each message points into the answer's
 * text. */
struct message_groups_read {
    struct msg_group_row *rows;
    size_t n, cap;
    struct buf *out;
};

/* Whether the list already holds the conversation group_uuid. */
static int
message_groups_listed(const struct message_groups_read *gr,
                      const char *group_uuid)
{
    size_t i;

    for (i = 0; i < gr->n; i++) {
        if (strcmp(gr->rows[i].group_uuid, group_uuid) == 0)
            return 1;
    }
    return 0;
}

static cr_code
message_groups_row(void *arg, const struct ddb_attr *attrs)
{
    struct message_groups_read *gr = arg;
    char key[MSG_ITEM_KEY_SIZE];
    struct msg_group_row *grown;

    if (gr->n == gr->cap) {
        gr->cap = gr->cap ? 2 * gr->cap : MESSAGE_GROUPS_LIMIT;
        if ((grown = realloc(gr->rows, gr->cap * sizeof(*grown))) == NULL)
            return CR_NOMEM;
        gr->rows = grown;
    }
    if (msg_group_from_attrs(attrs, &gr->rows[gr->n])) {
        /* Another client's row lacking what we show: skip it, serve the
         * rest; one line names it for whoever repairs the data. */
        msg_attrs_key(attrs, key, sizeof(key));
        log_line("message_groups: skipped a group row lacking what we need "
                 "(%s)", key);
        return CR_OK;
    }
    /* Both sides starting the conversation at the same moment leave each
     * of them two rows of it until the stream processor merges them: the
     * newest (listed first) speaks for it. */
    if (!message_groups_listed(gr, gr->rows[gr->n].group_uuid))
        gr->n++;
    return CR_OK;
}

/* The answer's text into the JSON array, in one pass, without a tree. */
static cr_code
message_groups_answer(void *arg, char *text, size_t len,
                      struct aws_error *err)
{
    struct message_groups_read *gr = arg;
    const struct msg_group_row *g;
    const char *why = NULL;
    size_t i;
    cr_code rc;

    rc = ddb_items_read(text, len, msg_group_attrs, MSG_ATTR_COUNT,
                        message_groups_row, gr, NULL, &why);
    if (rc) {
        if (why)
            snprintf(err->message, sizeof(err->message), "answer: %s", why);
        return rc;
    }
    if ((rc = buf_reserve(gr->out, len)) || (rc = buf_append(gr->out, "[", 1)))
        return rc;
    for (i = 0; i < gr->n; i++) {
        g = &gr->rows[i];
        if ((i > 0 && (rc = buf_append(gr->out, ",", 1))) ||
            (rc = message_entry_write(gr->out, g->group_uuid,
                                      g->user_display_name, g->user_handle,
                                      g->message, g->message_len, g->sk)))
            return rc;
    }
    return buf_append(gr->out, "]", 1);
}

void
service_message_groups(struct app *app, struct http_request *req,
                       struct http_response *res)
{
    struct buf out;
    struct message_groups_read gr = { NULL, 0, 0, &out };
    struct aws_error err = { 0 };
    json_t *q = NULL;
    char *body;
    cr_code rc;

    buf_init(&out, 0);
    if ((rc = msg_req_list_groups(app->cfg.aws.table, req->caller.uuid,
                                  MESSAGE_GROUPS_LIMIT, &q)) ||
        (rc = msg_store_read(&app->aws, "Query", q, message_groups_answer,
                             &gr, &err)))
        goto out;
    if ((body = buf_take(&out)) == NULL)
        rc = CR_NOMEM;
    else
        http_raw(res, 200, body);
out:
    if (rc)
        service_fail_aws(res, "message_groups", rc, &err);
    free(gr.rows);
    json_decref(q);
    buf_free(&out);
}
