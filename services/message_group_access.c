/* message_group_access.c - the participant check and the DynamoDB call the
 * message services share. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "app/core/log.h"
#include "services/message_group_access.h"

cr_code
mgroup_ddb(struct app *app, const char *target, json_t *req, json_t **resp)
{
    struct aws_error err;
    cr_code rc;

    rc = aws_call(&app->aws, AWS_DYNAMODB, target, req, resp, &err);
    /* ResourceNotFoundException names a missing table or index, never a
     * missing item: the backend is not there for us (e.g. a DynamoDB Local
     * restarted empty), which the caller must see as 503, not 404. */
    if (rc == CR_NOT_FOUND)
        rc = CR_DDB_UNAVAILABLE;
    if (rc && rc != CR_CONFLICT)
        log_line("messages: DynamoDB %s failed: %s (status %ld%s%s)",
                 target, cr_strerror(rc), err.status, err.type[0] ? " " : "",
                 err.type);
    return rc;
}

/* Which field of a group row a scan compares. */
enum mgroup_field { MGROUP_GROUP_UUID, MGROUP_OTHER_USER };

static int
mgroup_matches(const struct msg_group_row *g, enum mgroup_field field,
               const char *value)
{
    return strcmp(field == MGROUP_GROUP_UUID ? g->group_uuid : g->user_uuid,
                  value) == 0;
}

/* Pattern B over every page, strongly consistent: the first of owner's
 * rows whose field equals value. Rows another client left malformed are
 * skipped, not fatal. */
static cr_code
mgroup_scan(struct app *app, const char *owner_uuid, enum mgroup_field field,
            const char *value, struct msg_group_row *out)
{
    json_t *req = NULL, *resp = NULL, *items, *item;
    struct msg_group_row g;
    size_t i;
    cr_code rc;

    if ((rc = msg_req_list_groups(app->cfg.aws.table, owner_uuid, 0, &req)))
        return rc;
    rc = CR_NOMEM;
    if (json_object_set_new(req, "ConsistentRead", json_true()))
        goto out;
    for (;;) {
        if ((rc = mgroup_ddb(app, "Query", req, &resp)) ||
            (rc = msg_resp_items(resp, &items)))
            goto out;
        json_array_foreach(items, i, item) {
            if (msg_group_from_item(item, &g) == CR_OK &&
                mgroup_matches(&g, field, value)) {
                *out = g;
                out->message = NULL;
                rc = CR_OK;
                goto out;
            }
        }
        /* CR_NOT_FOUND after the last page is this function's answer too. */
        if ((rc = aws_next_page(req, resp, "LastEvaluatedKey",
                                "ExclusiveStartKey")))
            goto out;
        json_decref(resp);
        resp = NULL;
    }
out:
    json_decref(req);
    json_decref(resp);
    return rc;
}

/* The group's rows through message-group-sk-index (one per participant). */
static cr_code
mgroup_index_lookup(struct app *app, const char *owner_uuid,
                    const char *group_uuid, struct msg_group_row *mine)
{
    json_t *req = NULL, *resp = NULL, *items, *item;
    struct msg_group_row g;
    size_t i;
    cr_code rc;

    if ((rc = msg_req_group_rows(app->cfg.aws.table, group_uuid, &req)))
        return rc;
    if ((rc = mgroup_ddb(app, "Query", req, &resp)) ||
        (rc = msg_resp_items(resp, &items)))
        goto out;
    rc = CR_NOT_FOUND;
    json_array_foreach(items, i, item) {
        if (msg_group_from_item(item, &g) == CR_OK &&
            strcmp(g.owner_uuid, owner_uuid) == 0 &&
            strcmp(g.group_uuid, group_uuid) == 0) {
            *mine = g;
            mine->message = NULL;
            rc = CR_OK;
            break;
        }
    }
out:
    json_decref(req);
    json_decref(resp);
    return rc;
}

cr_code
mgroup_check_participant(struct app *app, const char *owner_uuid,
                         const char *group_uuid)
{
    char key[2 * USER_UUID_SIZE];
    struct msg_group_row mine;
    time_t now = time(NULL);
    cr_code rc;

    snprintf(key, sizeof(key), "%s/%s", owner_uuid, group_uuid);
    if (ttl_cache_get(&app->participants, key, now, NULL, 0))
        return CR_OK;
    rc = mgroup_index_lookup(app, owner_uuid, group_uuid, &mine);
    /* A global secondary index is eventually consistent: a conversation
     * started a moment ago, or a row the stream processor is moving, can
     * be missing there. A miss is confirmed against the owner's own rows,
     * read consistently, before it becomes a 404. */
    if (rc == CR_NOT_FOUND)
        rc = mgroup_scan(app, owner_uuid, MGROUP_GROUP_UUID, group_uuid, &mine);
    if (rc == CR_OK)
        ttl_cache_put(&app->participants, key, "",
                      now + MGROUP_PARTICIPANT_SECS);
    return rc;
}

cr_code
mgroup_with_user(struct app *app, const char *owner_uuid,
                 const char *other_uuid, struct msg_group_row *mine)
{
    return mgroup_scan(app, owner_uuid, MGROUP_OTHER_USER, other_uuid, mine);
}

json_t *
mgroup_entry_json(const char *uuid, const char *display_name,
                  const char *handle, const char *message,
                  const char *created_at)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:s}", "uuid", uuid,
                     "display_name", display_name, "handle", handle,
                     "message", message, "created_at", created_at);
}
