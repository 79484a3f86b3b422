/* message_groups.c - GET /api/message_groups: the caller's conversations,
 * most recent first (pattern B), each named by the other participant. */
#include <string.h>

#include "app/core/log.h"
#include "aws/messages/msg_req.h"
#include "aws/messages/msg_store.h"
#include "services/message_entry.h"
#include "services/services.h"

#define MESSAGE_GROUPS_LIMIT 20

/* Whether out already lists the conversation group_uuid. */
static int
message_groups_listed(json_t *out, const char *group_uuid)
{
    json_t *entry;
    size_t i;

    json_array_foreach(out, i, entry) {
        if (strcmp(json_string_value(json_object_get(entry, "uuid")),
                   group_uuid) == 0)
            return 1;
    }
    return 0;
}

static cr_code
message_groups_append(json_t *out, json_t *item)
{
    char key[MSG_ITEM_KEY_SIZE];
    struct msg_group_row g;

    if (msg_group_from_item(item, &g)) {
        /* Another client's row lacking what we show: skip it, serve the
         * rest; one line names it for whoever repairs the data. */
        msg_item_key(item, key, sizeof(key));
        log_line("message_groups: skipped a group row lacking what we need "
                 "(%s)", key);
        return CR_OK;
    }
    /* Both sides starting the conversation at the same moment leave each
     * of them two rows of it until the stream processor merges them: the
     * newest (listed first) speaks for it. */
    if (message_groups_listed(out, g.group_uuid))
        return CR_OK;
    return json_array_append_new(out, message_entry_json(
        g.group_uuid, g.user_display_name, g.user_handle, g.message,
        g.sk)) ? CR_NOMEM : CR_OK;
}

void
service_message_groups(struct app *app, struct http_request *req,
                       struct http_response *res)
{
    json_t *q = NULL, *resp = NULL, *items, *item, *out = NULL;
    struct aws_error err = { 0 };
    size_t i;
    cr_code rc;

    if ((rc = msg_req_list_groups(app->cfg.aws.table, req->caller.uuid,
                                  MESSAGE_GROUPS_LIMIT, &q)) ||
        (rc = msg_store_call(&app->aws, "Query", q, &resp, &err)) ||
        (rc = msg_resp_items(resp, &items)))
        goto out;
    rc = CR_NOMEM;
    if ((out = json_array()) == NULL)
        goto out;
    rc = CR_OK;
    json_array_foreach(items, i, item) {
        if ((rc = message_groups_append(out, item)))
            goto out;
    }
    http_json(res, 200, out);
    out = NULL;
out:
    if (rc)
        service_fail_aws(res, "message_groups", rc, &err);
    json_decref(q);
    json_decref(resp);
    json_decref(out);
}
