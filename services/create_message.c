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

#include "app/core/uuid.h"
#include "app/db/users.h"
#include "aws/messages/msg_key.h"
#include "aws/messages/msg_req.h"
#include "aws/messages/msg_store.h"
#include "services/input.h"
#include "services/message_entry.h"
#include "services/message_participant.h"
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

/* One write attempt: pattern D when receiver is NULL, else pattern C
 * (the new conversation's group rows at the first message's time). */
static cr_code
create_message_write(struct app *app, const struct user *caller,
                     const struct user *receiver, const struct msg_row *m,
                     struct aws_error *err)
{
    struct msg_group_row mine, theirs;
    json_t *q = NULL, *resp = NULL;
    const char *target = "PutItem";
    cr_code rc;

    if (receiver == NULL) {
        rc = msg_req_put_message(app->cfg.aws.table, m, &q);
    } else if ((rc = msg_group_row_new(&mine, caller, receiver, m->group_uuid,
                                       m->sk, m->message)) == CR_OK &&
               (rc = msg_group_row_new(&theirs, receiver, caller,
                                       m->group_uuid, m->sk,
                                       m->message)) == CR_OK) {
        rc = msg_req_new_conversation(app->cfg.aws.table, &mine, &theirs, m,
                                      &q);
        target = "TransactWriteItems";
    }
    if (rc == CR_OK)
        rc = msg_store_call(&app->aws, target, q, &resp, err);
    json_decref(q);
    json_decref(resp);
    return rc;
}

/* Writes m (and, with a receiver, the new conversation's group rows, whose
 * sk is the first message's time), moving its time on after a collision. */
static cr_code
create_message_store(struct app *app, const struct user *caller,
                     const struct user *receiver, struct msg_row *m,
                     struct aws_error *err)
{
    cr_code rc;
    int tries;

    for (tries = 1;; tries++) {
        rc = create_message_write(app, caller, receiver, m, err);
        if (rc != CR_CONFLICT)
            return rc;
        if (tries == MESSAGE_WRITE_TRIES)
            break;
        if ((rc = msg_time_advance(m->sk)))
            return rc;
    }
    /* err still names the lost condition: the edge's log line says that
     * the key stayed taken, MESSAGE_WRITE_TRIES times. */
    return CR_DDB_UNAVAILABLE;
}

/* {"message", "message_group_uuid"}. */
static void
create_message_add(struct app *app, struct http_request *req,
                   struct http_response *res, json_t *group)
{
    const char *text, *g = json_string_value(group);
    struct aws_error err = { 0 };
    struct msg_row m;
    json_t *answer;
    cr_code rc;

    if (g == NULL || !uuid_valid(g)) {
        http_error(res, 400, "invalid_uuid");
        return;
    }
    if (!input_text(req, res, "message", MESSAGE_MAX_CHARS, &text))
        return;
    rc = message_participant_check(app, req->caller.uuid, g, &err);
    if (rc == CR_NOT_FOUND) {
        http_error(res, 404, "message_group_not_found");
        return;
    }
    if (rc == CR_OK)
        rc = msg_row_new(&m, g, &req->caller, text, msg_time_now());
    if (rc == CR_OK)
        rc = create_message_store(app, &req->caller, NULL, &m, &err);
    if (rc) {
        service_fail_aws(res, "create_message", rc, &err);
        return;
    }
    answer = message_entry_json(m.message_uuid, m.user_display_name,
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
    struct aws_error err = { 0 };
    struct msg_group_row mine;
    struct user receiver;
    struct msg_row m;
    int ok, fresh = 1;
    cr_code rc;

    ok = input_text(req, res, "message", MESSAGE_MAX_CHARS, &text);
    if (handle != NULL && h == NULL) {
        http_error_add(res, 422, "user_receiver_handle_invalid");
        ok = 0;
    } else if (h == NULL || !input_not_blank(h)) {
        http_error_add(res, 422, "user_receiver_handle_blank");
        ok = 0;
    }
    if (!ok)
        return;
    rc = users_by_handle(app->db, h, &receiver);
    if (rc == CR_NOT_FOUND) {
        http_error(res, 404, "user_not_found");
        return;
    }
    if (rc == CR_OK && strcmp(receiver.uuid, req->caller.uuid) == 0) {
        http_error(res, 422, "cannot_message_self");
        return;
    }
    if (rc == CR_OK)
        rc = msg_store_find_group(&app->aws, app->cfg.aws.table,
                                  req->caller.uuid, MSG_MATCH_OTHER_USER,
                                  receiver.uuid, &mine, &err);
    if (rc == CR_OK) {
        snprintf(group, sizeof(group), "%s", mine.group_uuid);
        fresh = 0;
    } else if (rc == CR_NOT_FOUND) {
        /* Both sides starting at once compute the same group: their first
         * messages meet in one conversation instead of making twins. */
        rc = msg_conversation_uuid(req->caller.uuid, receiver.uuid, group);
    }
    if (rc == CR_OK)
        rc = msg_row_new(&m, group, &req->caller, text, msg_time_now());
    if (rc == CR_OK)
        rc = create_message_store(app, &req->caller,
                                  fresh ? &receiver : NULL, &m, &err);
    if (rc) {
        service_fail_aws(res, "create_message", rc, &err);
        return;
    }
    http_json(res, 200, json_pack("{s:s}", "message_group_uuid", group));
}

void
service_create_message(struct app *app, struct http_request *req,
                       struct http_response *res)
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
