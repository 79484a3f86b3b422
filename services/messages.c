/* messages.c - GET /api/messages/GROUP_UUID[?before=TIME][&limit=N]: a
 * conversation's messages, oldest first, for its participants only
 * (pattern A: the newest `limit` older than `before`, reversed). */
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

/* One item of DynamoDB's answer, written straight into the answer (no
 * second JSON tree). */
static cr_code
messages_append(struct buf *out, json_t *item)
{
    char key[MSG_ITEM_KEY_SIZE];
    struct msg_row m;
    cr_code rc;

    if (msg_from_item(item, &m)) {
        /* Another client's row lacking what we show: skip it, serve the
         * rest; one line names it for whoever repairs the data. */
        msg_item_key(item, key, sizeof(key));
        log_line("messages: skipped a message row lacking what we need (%s)",
                 key);
        return CR_OK;
    }
    if (out->len > 1 && (rc = buf_append(out, ",", 1)))
        return rc;
    return message_entry_write(out, m.message_uuid, m.user_display_name,
                               m.user_handle, m.message, m.sk);
}

void
service_messages(struct app *app, struct http_request *req,
                 struct http_response *res)
{
    const char *group = req->params[0];
    json_t *q = NULL, *resp = NULL, *items;
    struct buf out;
    char *body;
    struct aws_error err = { 0 };
    char *before = NULL;
    size_t i;
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
        (rc = msg_store_call(&app->aws, "Query", q, &resp, &err)) ||
        (rc = msg_resp_items(resp, &items)))
        goto out;
    /* The query reads newest first; the answer is oldest first. */
    rc = buf_append(&out, "[", 1);
    for (i = json_array_size(items); i > 0 && rc == CR_OK; i--)
        rc = messages_append(&out, json_array_get(items, i - 1));
    if (rc == CR_OK && (rc = buf_append(&out, "]", 1)) == CR_OK) {
        if ((body = buf_take(&out)) == NULL)
            rc = CR_NOMEM;
        else
            http_raw(res, 200, body);
    }
out:
    if (rc)
        service_fail_aws(res, "messages", rc, &err);
done:
    free(before);
    json_decref(q);
    json_decref(resp);
    buf_free(&out);
}
