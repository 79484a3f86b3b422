/* message_participant.c - the participant rule, with the worker's memory
 * of recent yeses. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "aws/messages/msg_store.h"
#include "services/message_participant.h"

/* Whether the index lists a group row of owner_uuid's for the group. */
static cr_code
message_participant_in_index(struct app *app, const char *owner_uuid,
                             const char *group_uuid, struct aws_error *err)
{
    struct msg_group_rows rows = { 0 };
    size_t i;
    cr_code rc;

    rc = msg_store_group_rows(&app->aws, app->cfg.aws.table, group_uuid,
                              &rows, err);
    for (i = 0; rc == CR_OK && i < rows.n; i++)
        if (strcmp(rows.row[i].owner_uuid, owner_uuid) == 0)
            break;
    if (rc == CR_OK && i == rows.n)
        rc = CR_NOT_FOUND;
    msg_group_rows_free(&rows);
    return rc;
}

cr_code
message_participant_check(struct app *app, const char *owner_uuid,
                          const char *group_uuid, struct aws_error *err)
{
    char key[2 * USER_UUID_SIZE];
    struct msg_group_row mine;
    time_t now = time(NULL);
    cr_code rc;

    snprintf(key, sizeof(key), "%s/%s", owner_uuid, group_uuid);
    if (ttl_cache_get(&app->participants, key, now, NULL, 0))
        return CR_OK;
    rc = message_participant_in_index(app, owner_uuid, group_uuid, err);
    /* A global secondary index is eventually consistent: a conversation
     * started a moment ago, or a row the stream processor is moving, can
     * be missing there. A miss is confirmed against the owner's own rows,
     * read consistently, before it becomes a 404. */
    if (rc == CR_NOT_FOUND)
        rc = msg_store_find_group(&app->aws, app->cfg.aws.table, owner_uuid,
                                  MSG_MATCH_GROUP, group_uuid, &mine, err);
    if (rc == CR_OK)
        ttl_cache_put(&app->participants, key, "",
                      now + MESSAGE_PARTICIPANT_SECS);
    return rc;
}
