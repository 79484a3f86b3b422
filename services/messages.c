/* messages.c - GET /api/messages/GROUP_UUID[?before=TIME][&limit=N]: a
 * conversation's messages, oldest first, for its participants only
 * (pattern A: the newest `limit` older than `before`, reversed). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/core/log.h"
#include "app/core/uuid.h"
#include "aws/messages/msg_req.h"
#include "aws/messages/msg_store.h"
#include "services/message_entry.h"
#include "services/message_participant.h"
#include "services/services.h"

#define MESSAGES_LIMIT_DEFAULT 20
#define MESSAGES_LIMIT_MAX     100

/* "1".."100" exactly: no sign, no blanks, no leading zero. */
static int
messages_parse_limit(const char *s, int *limit)
{
    size_t n = strlen(s);

    if (n == 0 || n > 3 || s[0] == '0' || strspn(s, "0123456789") != n)
        return 0;
    *limit = atoi(s);
    return *limit <= MESSAGES_LIMIT_MAX;
}

/* ?before= and ?limit=; on failure the response holds the error. */
static cr_code
messages_query(const struct http_request *req, struct http_response *res,
               char **before, int *limit)
{
    char *lim = NULL;
    int64_t usec;
    cr_code rc;

    *limit = MESSAGES_LIMIT_DEFAULT;
    if ((rc = http_query_param(req, "before", before)) ||
        (rc = http_query_param(req, "limit", &lim))) {
        if (rc == CR_NOMEM)
            http_fail(res, rc);
        else
            http_error(res, 400, "invalid_query");
        goto out;
    }
    rc = CR_INVALID;
    if (*before && msg_time_parse(*before, &usec)) {
        http_error(res, 400, "invalid_before");
        goto out;
    }
    if (lim && !messages_parse_limit(lim, limit)) {
        http_error(res, 422, "limit_invalid");
        goto out;
    }
    rc = CR_OK;
out:
    free(lim);
    return rc;
}

/* The rows of DynamoDB's answer, kept to be written oldest first: each
 * message points into the answer's text. */
struct messages_read {
    struct msg_row *rows;
    size_t n, cap;
    struct buf *out;
};

static cr_code
messages_row(void *arg, const struct ddb_attr *attrs)
{
    struct messages_read *mr = arg;
    char key[MSG_ITEM_KEY_SIZE];
    struct msg_row *grown;

    if (mr->n == mr->cap) {
        mr->cap = mr->cap ? 2 * mr->cap : MESSAGES_LIMIT_DEFAULT;
        if ((grown = realloc(mr->rows, mr->cap * sizeof(*grown))) == NULL)
            return CR_NOMEM;
        mr->rows = grown;
    }
    if (msg_from_attrs(attrs, &mr->rows[mr->n])) {
        /* Another client's row lacking what we show: skip it, serve the
         * rest; one line names it for whoever repairs the data. */
        msg_attrs_key(attrs, key, sizeof(key));
        log_line("messages: skipped a message row lacking what we need (%s)",
                 key);
        return CR_OK;
    }
    mr->n++;
    return CR_OK;
}

/* The answer's text into the JSON array, in one pass and without a tree.
 * The query reads newest first; the answer is oldest first. */
static cr_code
messages_answer(void *arg, char *text, size_t len, struct aws_error *err)
{
    struct messages_read *mr = arg;
    const struct msg_row *m;
    const char *why = NULL;
    size_t i;
    cr_code rc;

    rc = ddb_items_read(text, len, msg_message_attrs, MSG_ATTR_COUNT,
                        messages_row, mr, NULL, &why);
    if (rc) {
        if (why)
            snprintf(err->message, sizeof(err->message), "answer: %s", why);
        return rc;
    }
    /* The entries take about as much room as the items they came from. */
    if ((rc = buf_reserve(mr->out, len)) || (rc = buf_append(mr->out, "[", 1)))
        return rc;
    for (i = mr->n; i > 0; i--) {
        m = &mr->rows[i - 1];
        if ((i < mr->n && (rc = buf_append(mr->out, ",", 1))) ||
            (rc = message_entry_write(mr->out, m->message_uuid,
                                      m->user_display_name, m->user_handle,
                                      m->message, m->message_len, m->sk)))
            return rc;
    }
    return buf_append(mr->out, "]", 1);
}

void
service_messages(struct app *app, struct http_request *req,
                 struct http_response *res)
{
    const char *group = req->params[0];
    struct buf out;
    struct messages_read mr = { NULL, 0, 0, &out };
    struct aws_error err = { 0 };
    json_t *q = NULL;
    char *before = NULL, *body;
    int limit;
    cr_code rc;

    buf_init(&out, 0);
    if (!uuid_valid(group)) {
        http_error(res, 400, "invalid_uuid");
        return;
    }
    if (messages_query(req, res, &before, &limit))
        goto done;
    rc = message_participant_check(app, req->caller.uuid, group, NULL, &err);
    if (rc == CR_NOT_FOUND) {
        http_error(res, 404, "message_group_not_found");
        goto done;
    }
    if (rc ||
        (rc = msg_req_list_messages(app->cfg.aws.table, group, limit, before,
                                    &q)) ||
        (rc = msg_store_read(&app->aws, "Query", q, messages_answer, &mr,
                             &err)))
        goto out;
    if ((body = buf_take(&out)) == NULL)
        rc = CR_NOMEM;
    else
        http_raw(res, 200, body);
out:
    if (rc)
        service_fail_aws(res, "messages", rc, &err);
done:
    free(before);
    free(mr.rows);
    json_decref(q);
    buf_free(&out);
}
