/* create_message.c - POST /api/messages, two ways:
 *   {"message", "handle"}              start a conversation with that user
 *                                      (or reuse the one that exists):
 *                                      pattern C, or D into the old group;
 *   {"message", "message_group_uuid"}  add to a conversation the caller is
 *                                      part of: pattern D.
 * No write overwrites a row: a key taken in the same microsecond is tried
 * again one microsecond later, a bounded number of times. */
#include <stdio.h>
#include <string.h>

#include "app/core/log.h"
#include "app/core/utf8.h"
#include "app/core/uuid.h"
#include "services/input.h"
#include "services/message_group_access.h"
#include "services/services.h"

#define MESSAGE_MAX_CHARS  1024
#define MESSAGE_WRITE_TRIES 16

/* A body member that was given: present and not null. */
static json_t *
create_message_member(const struct http_request *req, const char *key)
{
    json_t *v = req->json ? json_object_get(req->json, key) : NULL;

    return json_is_null(v) ? NULL : v;
}

/* The user named handle from PostgreSQL; CR_NOT_FOUND when none. */
static cr_code
create_message_receiver(struct app *app, const char *handle, struct user *u)
{
    const char *params[1] = { handle };
    PGresult *r;
    cr_code rc;

    if (!user_handle_valid(handle))
        return CR_NOT_FOUND;
    if ((rc = db_run(app->db, DBQ_user_by_handle, 1, params, &r)))
        return rc;
    rc = CR_NOT_FOUND;
    if (PQntuples(r) == 1) {
        rc = CR_INTERNAL;   /* the schema's CHECKs make these fit */
        if (snprintf(u->uuid, sizeof(u->uuid), "%s", PQgetvalue(r, 0, 0)) <
                (int)sizeof(u->uuid) &&
            snprintf(u->handle, sizeof(u->handle), "%s", PQgetvalue(r, 0, 1)) <
                (int)sizeof(u->handle) &&
            snprintf(u->display_name, sizeof(u->display_name), "%s",
                     PQgetvalue(r, 0, 2)) < (int)sizeof(u->display_name))
            rc = CR_OK;
    }
    PQclear(r);
    return rc;
}

/* A fresh message row by sender into group, timed now. */
static cr_code
create_message_row(const char *group_uuid, const struct user *sender,
                   const char *text, struct msg_row *m)
{
    cr_code rc;

    memset(m, 0, sizeof(*m));
    snprintf(m->group_uuid, sizeof(m->group_uuid), "%s", group_uuid);
    snprintf(m->user_uuid, sizeof(m->user_uuid), "%s", sender->uuid);
    snprintf(m->user_display_name, sizeof(m->user_display_name), "%s",
             sender->display_name);
    snprintf(m->user_handle, sizeof(m->user_handle), "%s", sender->handle);
    m->message = text;
    if ((rc = uuid_v4(m->message_uuid)))
        return rc;
    return msg_time_format(msg_time_now(), m->sk);
}

/* owner's group row naming other, for a conversation starting at m. */
static void
create_message_group_row(const struct user *owner, const struct user *other,
                         const struct msg_row *m, struct msg_group_row *g)
{
    memset(g, 0, sizeof(*g));
    snprintf(g->owner_uuid, sizeof(g->owner_uuid), "%s", owner->uuid);
    snprintf(g->sk, sizeof(g->sk), "%s", m->sk);
    snprintf(g->group_uuid, sizeof(g->group_uuid), "%s", m->group_uuid);
    snprintf(g->user_uuid, sizeof(g->user_uuid), "%s", other->uuid);
    snprintf(g->user_display_name, sizeof(g->user_display_name), "%s",
             other->display_name);
    snprintf(g->user_handle, sizeof(g->user_handle), "%s", other->handle);
    g->message = m->message;
}

/* One write attempt: pattern D when receiver is NULL, else pattern C. */
static cr_code
create_message_write(struct app *app, const struct user *caller,
                     const struct user *receiver, const struct msg_row *m)
{
    struct msg_group_row mine, theirs;
    json_t *q = NULL, *resp = NULL;
    const char *target = "PutItem";
    cr_code rc;

    if (receiver == NULL) {
        rc = msg_req_put_message(app->cfg.aws.table, m, &q);
    } else {
        create_message_group_row(caller, receiver, m, &mine);
        create_message_group_row(receiver, caller, m, &theirs);
        rc = msg_req_new_conversation(app->cfg.aws.table, &mine, &theirs, m,
                                      &q);
        target = "TransactWriteItems";
    }
    if (rc == CR_OK)
        rc = mgroup_ddb(app, target, q, &resp);
    json_decref(q);
    json_decref(resp);
    return rc;
}

/* Writes m (and, with a receiver, the new conversation's group rows, whose
 * sk is the first message's time), moving its time on after a collision. */
static cr_code
create_message_store(struct app *app, const struct user *caller,
                     const struct user *receiver, struct msg_row *m)
{
    cr_code rc;
    int tries;

    for (tries = 1;; tries++) {
        rc = create_message_write(app, caller, receiver, m);
        if (rc != CR_CONFLICT)
            return rc;
        if (tries == MESSAGE_WRITE_TRIES)
            break;
        if ((rc = msg_time_advance(m->sk)))
            return rc;
    }
    log_line("create_message: %d key collisions in a row", tries);
    return CR_DDB_UNAVAILABLE;
}

/* {"message", "message_group_uuid"}. */
static void
create_message_add(struct app *app, struct http_request *req,
                   struct http_response *res, json_t *group)
{
    const char *text, *g = json_string_value(group);
    struct msg_row m;
    json_t *answer;
    cr_code rc;

    if (g == NULL || !uuid_valid(g)) {
        http_error(res, 400, "invalid_uuid");
        return;
    }
    if (!input_text(req, res, "message", MESSAGE_MAX_CHARS, &text))
        return;
    rc = mgroup_check_participant(app, req->caller.uuid, g);
    if (rc == CR_NOT_FOUND) {
        http_error(res, 404, "message_group_not_found");
        return;
    }
    if (rc == CR_OK)
        rc = create_message_row(g, &req->caller, text, &m);
    if (rc == CR_OK)
        rc = create_message_store(app, &req->caller, NULL, &m);
    if (rc) {
        http_fail(res, rc);
        return;
    }
    answer = mgroup_entry_json(m.message_uuid, m.user_display_name,
                               m.user_handle, m.message, m.sk);
    if (answer && json_object_set_new(answer, "message_group_uuid",
                                      json_string(m.group_uuid))) {
        json_decref(answer);
        answer = NULL;
    }
    http_json(res, 200, answer);
}

/* {"message", "handle"}: reuses the caller's group with that user, or
 * starts one. */
static void
create_message_start(struct app *app, struct http_request *req,
                     struct http_response *res, json_t *handle)
{
    const char *text, *h = json_string_value(handle);
    char group[UUID_STR_SIZE];
    struct msg_group_row mine;
    struct user receiver;
    struct msg_row m;
    int ok, fresh = 1;
    cr_code rc;

    ok = input_text(req, res, "message", MESSAGE_MAX_CHARS, &text);
    if (handle != NULL && h == NULL) {
        http_error_add(res, 422, "user_receiver_handle_invalid");
        ok = 0;
    } else if (h == NULL || utf8_blank(h)) {
        http_error_add(res, 422, "user_receiver_handle_blank");
        ok = 0;
    }
    if (!ok)
        return;
    rc = create_message_receiver(app, h, &receiver);
    if (rc == CR_NOT_FOUND) {
        http_error(res, 404, "user_not_found");
        return;
    }
    if (rc == CR_OK && strcmp(receiver.uuid, req->caller.uuid) == 0) {
        http_error(res, 422, "cannot_message_self");
        return;
    }
    if (rc == CR_OK)
        rc = mgroup_with_user(app, req->caller.uuid, receiver.uuid, &mine);
    if (rc == CR_OK) {
        snprintf(group, sizeof(group), "%s", mine.group_uuid);
        fresh = 0;
    } else if (rc == CR_NOT_FOUND) {
        /* Both sides starting at once compute the same group: their first
         * messages meet in one conversation instead of making twins. */
        rc = msg_conversation_uuid(req->caller.uuid, receiver.uuid, group);
    }
    if (rc == CR_OK)
        rc = create_message_row(group, &req->caller, text, &m);
    if (rc == CR_OK)
        rc = create_message_store(app, &req->caller,
                                  fresh ? &receiver : NULL, &m);
    if (rc) {
        http_fail(res, rc);
        return;
    }
    http_json(res, 200, json_pack("{s:s}", "message_group_uuid", group));
}

SERVICE(create_message)
{
    json_t *handle = create_message_member(req, "handle");
    json_t *group = create_message_member(req, "message_group_uuid");

    if (handle && group) {
        /* Which conversation would be meant is unclear: refuse both. */
        http_error(res, 422, "message_target_ambiguous");
        return;
    }
    if (group)
        create_message_add(app, req, res, group);
    else
        create_message_start(app, req, res, handle);
}
