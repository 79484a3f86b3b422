/* message_participant.c - the participant rule, with the worker's memory
 * of recent yeses. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "aws/messages/msg_store.h"
#include "services/message_participant.h"

/* What rows say of caller's place in the conversation: caller's own row
 * and whom it names, or a row naming caller and whose it is. */
static void
message_participant_scan(const struct msg_group_rows *rows,
                         const char *caller, struct message_conversation *c)
{
    const struct msg_group_row *g;
    size_t i;

    for (i = 0; i < rows->n; i++) {
        g = &rows->row[i];
        if (strcmp(g->owner_uuid, caller) == 0) {
            c->caller_row = 1;
            snprintf(c->other_uuid, sizeof(c->other_uuid), "%s", g->user_uuid);
        }
    }
    for (i = 0; i < rows->n; i++) {
        g = &rows->row[i];
        if (strcmp(g->owner_uuid, caller) == 0 ||
            (c->other_uuid[0] ? strcmp(g->owner_uuid, c->other_uuid)
                              : strcmp(g->user_uuid, caller)) != 0)
            continue;
        c->other_row = 1;
        snprintf(c->other_uuid, sizeof(c->other_uuid), "%s", g->owner_uuid);
    }
}

/* Whether owner has a group row of the group, read consistently (the index
 * lags a fresh write): CR_OK, CR_NOT_FOUND or the read's failure. */
static cr_code
message_participant_own_row(struct app *app, const char *owner_uuid,
                            const char *group_uuid, char other[USER_UUID_SIZE],
                            struct aws_error *err)
{
    struct msg_group_row g;
    cr_code rc;

    rc = msg_store_find_group(&app->aws, app->cfg.aws.table, owner_uuid,
                              MSG_MATCH_GROUP, group_uuid, &g, err);
    if (rc == CR_OK && other && other[0] == '\0')
        snprintf(other, USER_UUID_SIZE, "%s", g.user_uuid);
    return rc;
}

/* The index's rows of the group, then what it lacks confirmed against the
 * owners' own rows. */
static cr_code
message_participant_read(struct app *app, const char *owner_uuid,
                         const char *group_uuid,
                         struct message_conversation *c,
                         struct aws_error *err)
{
    struct msg_group_rows rows = { 0 };
    cr_code rc;

    rc = msg_store_group_rows(&app->aws, app->cfg.aws.table, group_uuid,
                              &rows, err);
    if (rc == CR_OK)
        message_participant_scan(&rows, owner_uuid, c);
    msg_group_rows_free(&rows);
    if (rc == CR_OK && !c->caller_row) {
        rc = message_participant_own_row(app, owner_uuid, group_uuid,
                                         c->other_uuid, err);
        c->caller_row = rc == CR_OK;
        if (rc == CR_NOT_FOUND)
            rc = CR_OK;
    }
    /* A row naming its own owner names no other participant. */
    if (strcmp(c->other_uuid, owner_uuid) == 0)
        c->other_uuid[0] = '\0';
    if (rc == CR_OK && c->other_uuid[0] == '\0')
        return c->caller_row ? CR_OK : CR_NOT_FOUND;
    if (rc == CR_OK && !c->other_row) {
        rc = message_participant_own_row(app, c->other_uuid, group_uuid, NULL,
                                         err);
        c->other_row = rc == CR_OK;
        if (rc == CR_NOT_FOUND)
            rc = CR_OK;
    }
    return rc;
}

cr_code
message_participant_check(struct app *app, const char *owner_uuid,
                          const char *group_uuid,
                          struct message_conversation *conv,
                          struct aws_error *err)
{
    struct message_conversation c;
    char key[2 * USER_UUID_SIZE];
    time_t now = time(NULL);
    cr_code rc;

    memset(&c, 0, sizeof(c));
    snprintf(key, sizeof(key), "%s/%s", owner_uuid, group_uuid);
    if (ttl_cache_get(&app->participants, key, now, c.other_uuid,
                      sizeof(c.other_uuid))) {
        c.caller_row = c.other_row = 1;
        rc = CR_OK;
    } else {
        rc = message_participant_read(app, owner_uuid, group_uuid, &c, err);
        if (rc == CR_OK && c.caller_row && c.other_row)
            ttl_cache_put(&app->participants, key, c.other_uuid,
                          now + MESSAGE_PARTICIPANT_SECS);
    }
    if (conv)
        *conv = c;
    return rc;
}
