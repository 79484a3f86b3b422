/* create_message.c - POST /api/messages, two ways:
 *   {"message", "handle"}              start a conversation with that user
 *                                      (or reuse the one that exists):
 *                                      pattern C, or D into the old group;
 *   {"message", "message_group_uuid"}  add to a conversation the caller is
 *                                      part of: pattern D.
 * A conversation found with one participant's group row only (written half
 * by another client) gets the other's row in the same transaction as the
 * message, named from PostgreSQL, so nobody's messages go unseen.
 * No write overwrites a row: a key taken in the same microsecond is tried
 * again one microsecond later, a bounded number of times.
 * With an Idempotency-Key header (services/idempotency.h) the answer is
 * kept in a key item written in the message's transaction, and a retry
 * answers it instead of posting again. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/core/utf8.h"
#include "app/core/uuid.h"
#include "app/db/users.h"
#include "aws/messages/msg_key.h"
#include "aws/messages/msg_req.h"
#include "aws/messages/msg_store.h"
#include "services/idempotency.h"
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

/* The group rows a message must bring along: none into a whole
 * conversation (pattern D), both for a new one (pattern C), one for a
 * conversation a participant has no row of (another client wrote it half):
 * owner[i]'s row, naming other[i]. */
struct create_message_rows {
    const struct user *owner[2], *other[2];
    size_t n;
};

static void
create_message_rows_add(struct create_message_rows *r,
                        const struct user *owner, const struct user *other)
{
    r->owner[r->n] = owner;
    r->other[r->n++] = other;
}

/* One write attempt: m alone, or m with its rows and key k (NULL: none)
 * in one transaction, each row at the message's time and conditioned on
 * its absence. */
static cr_code
create_message_write(struct app *app, const struct create_message_rows *r,
                     const struct msg_row *m, const struct msg_idem *k,
                     struct aws_error *err)
{
    struct msg_group_row g[2];
    json_t *q = NULL, *resp = NULL;
    size_t i;
    cr_code rc = CR_OK;

    for (i = 0; rc == CR_OK && i < r->n; i++)
        rc = msg_group_row_new(&g[i], r->owner[i], r->other[i], m->group_uuid,
                               m->sk, m->message, m->message_len);
    if (rc == CR_OK && k)
        rc = msg_req_put_message_keyed(app->cfg.aws.table, g, r->n, m, k,
                                       time(NULL), &q);
    else if (rc == CR_OK && r->n == 0)
        rc = msg_req_put_message(app->cfg.aws.table, m, &q);
    else if (rc == CR_OK)
        rc = msg_req_put_message_groups(app->cfg.aws.table, g, r->n, m, &q);
    if (rc == CR_OK)
        rc = msg_store_call(&app->aws,
                            r->n || k ? "TransactWriteItems" : "PutItem", q,
                            &resp, err);
    json_decref(q);
    json_decref(resp);
    return rc;
}

/* The answer to a post as sent (a new string, NULL when out of memory):
 * the new message and its group for a message into a conversation, the
 * group alone for a start. */
static char *
create_message_answer(const struct msg_row *m, int start)
{
    json_t *a;
    char *text;

    if (start)
        a = json_pack("{s:s}", "message_group_uuid", m->group_uuid);
    else
        a = message_entry_json(m->message_uuid, m->user_display_name,
                               m->user_handle, m->message, m->sk);
    if (a && !start && json_object_set_new(a, "message_group_uuid",
                                           json_string(m->group_uuid))) {
        json_decref(a);
        a = NULL;
    }
    text = a ? json_dumps(a, JSON_COMPACT) : NULL;
    json_decref(a);
    return text;
}

/* Whether key k's Put, the transaction's last, lost its condition. */
static int
create_message_key_lost(const struct create_message_rows *r,
                        const struct aws_error *err)
{
    int last = (int)r->n + 1;

    return err->nreasons == last + 1 &&
           strcmp(err->reasons[last], "ConditionalCheckFailed") == 0;
}

/* Writes m with its rows and key k (NULL: none), moving its time on after
 * a collision; *answer (free() it) is what the post answers, kept in k.
 * CR_CONFLICT: k was taken (a twin's, or this post's own first attempt,
 * sent unanswered), its holder answers. CR_OUTCOME_UNKNOWN: an attempt
 * went unanswered, and what a later one collided with may be its row. */
static cr_code
create_message_store(struct app *app, const struct create_message_rows *r,
                     struct msg_row *m, struct msg_idem *k, int start,
                     char **answer, struct aws_error *err)
{
    cr_code rc;
    int tries;

    for (tries = 1;; tries++) {
        free(*answer);
        if ((*answer = create_message_answer(m, start)) == NULL)
            return CR_NOMEM;
        if (k)
            k->response = *answer;
        rc = create_message_write(app, r, m, k, err);
        if (rc != CR_CONFLICT)
            return rc;
        if (k && (create_message_key_lost(r, err) || err->sent_unanswered))
            return CR_CONFLICT;
        if (err->sent_unanswered)
            return CR_OUTCOME_UNKNOWN;
        if (tries == MESSAGE_WRITE_TRIES)
            break;
        if ((rc = msg_time_advance(m->sk)))
            return rc;
    }
    /* err still names the lost condition: the edge's log line says that
     * the key stayed taken, MESSAGE_WRITE_TRIES times. */
    return CR_DDB_UNAVAILABLE;
}

/* The rows that caller's message into a conversation found as conv must
 * bring: the missing ones, named from PostgreSQL (other, read into *other
 * unless the caller knows it already: then other_known). A participant
 * PostgreSQL no longer knows cannot be named: no row is made for them. */
static cr_code
create_message_heal(struct app *app, const struct user *caller,
                    const struct message_conversation *conv,
                    const struct user *other_known, struct user *other,
                    struct create_message_rows *r)
{
    cr_code rc;

    r->n = 0;
    if ((conv->caller_row && conv->other_row) || conv->other_uuid[0] == '\0')
        return CR_OK;
    /* Rows naming someone else than the one the caller named: not ours to
     * mend. */
    if (other_known && strcmp(other_known->uuid, conv->other_uuid) != 0)
        return CR_OK;
    if (other_known) {
        *other = *other_known;
    } else if ((rc = users_by_uuid(app->db, conv->other_uuid, other))) {
        return rc == CR_NOT_FOUND ? CR_OK : rc;
    }
    if (!conv->caller_row)
        create_message_rows_add(r, caller, other);
    if (!conv->other_row)
        create_message_rows_add(r, other, caller);
    return CR_OK;
}

/* The answer kept under the caller's live key k, if any
 * (idem_answer_kept; an item not ours is another post's): *answered. */
static cr_code
create_message_replay(struct app *app, struct http_response *res,
                      const struct msg_idem *k, int *answered,
                      struct aws_error *err)
{
    struct msg_idem kept;
    json_t *item = NULL;
    cr_code rc;

    *answered = 0;
    rc = msg_store_get_idem(&app->aws, app->cfg.aws.table, k->owner_uuid,
                            k->key, time(NULL), &item, &kept, err);
    if (rc == CR_OK)
        rc = idem_answer_kept(res, kept.request, k->request, kept.response);
    else if (rc == CR_INVALID)
        http_error(res, 422, "idempotency_key_reused");
    *answered = rc == CR_OK || rc == CR_INVALID;
    json_decref(item);
    return rc == CR_NOT_FOUND || rc == CR_INVALID ? CR_OK : rc;
}

/* With an Idempotency-Key: checks it (400), fills k for the post of the n
 * parts, and answers a key the caller used already. 1 when the post goes
 * on (*use: k, or NULL without a key), 0 when res holds the answer. */
static int
create_message_key(struct app *app, struct http_request *req,
                   struct http_response *res, const char *const *parts,
                   size_t n, struct msg_idem *k, struct msg_idem **use)
{
    struct aws_error err = { 0 };
    int answered = 0;
    cr_code rc;

    *use = NULL;
    if (req->idempotency_key == NULL)
        return 1;
    if (!idem_key_valid(req->idempotency_key)) {
        http_error(res, 400, "idempotency_key_invalid");
        return 0;
    }
    memset(k, 0, sizeof(*k));
    snprintf(k->owner_uuid, sizeof(k->owner_uuid), "%s", req->caller.uuid);
    snprintf(k->key, sizeof(k->key), "%s", req->idempotency_key);
    k->expires_at = (int64_t)time(NULL) + IDEM_TTL_S;
    rc = idem_fingerprint(parts, n, k->request);
    if (rc == CR_OK)
        rc = create_message_replay(app, res, k, &answered, &err);
    if (rc)
        service_fail_aws(res, "create_message", rc, &err);
    *use = k;
    return rc == CR_OK && !answered;
}

/* Stores m with its rows and key k (NULL: none) and answers the post; a
 * key found taken answers as its holder did. */
static void
create_message_finish(struct app *app, struct http_response *res,
                      const struct create_message_rows *r, struct msg_row *m,
                      struct msg_idem *k, int start, struct aws_error *err)
{
    char *answer = NULL;
    int answered = 0;
    cr_code rc;

    rc = create_message_store(app, r, m, k, start, &answer, err);
    if (rc == CR_CONFLICT && k &&
        (rc = create_message_replay(app, res, k, &answered, err)) == CR_OK &&
        !answered)
        rc = CR_OUTCOME_UNKNOWN;    /* lost to a key no longer there */
    if (rc == CR_OK && !answered) {
        http_raw(res, 200, answer);
        answer = NULL;
    } else if (rc) {
        service_fail_aws(res, "create_message", rc, err);
    }
    free(answer);
}

/* {"message", "message_group_uuid"}. */
static void
create_message_add(struct app *app, struct http_request *req,
                   struct http_response *res, json_t *group)
{
    const char *text, *g = json_string_value(group);
    struct create_message_rows rows = { { 0 }, { 0 }, 0 };
    struct message_conversation conv;
    struct aws_error err = { 0 };
    struct msg_idem key, *k;
    struct user other;
    struct msg_row m;
    cr_code rc;

    if (g == NULL || !uuid_valid(g)) {
        http_error(res, 400, "invalid_uuid");
        return;
    }
    if (!input_text(req, res, "message", MESSAGE_MAX_CHARS, &text) ||
        !create_message_key(app, req, res,
                            (const char *[]){ "messages", "group", g, text },
                            4, &key, &k))
        return;
    rc = message_participant_check(app, req->caller.uuid, g, &conv, &err);
    if (rc == CR_NOT_FOUND) {
        http_error(res, 404, "message_group_not_found");
        return;
    }
    if (rc == CR_OK)
        rc = create_message_heal(app, &req->caller, &conv, NULL, &other,
                                 &rows);
    if (rc == CR_OK)
        rc = msg_row_new(&m, g, &req->caller, text, msg_time_now());
    if (rc)
        service_fail_aws(res, "create_message", rc, &err);
    else
        create_message_finish(app, res, &rows, &m, k, 0, &err);
}

/* The conversation between caller and receiver, found through either's
 * rows (one of them may lack theirs), into group; CR_NOT_FOUND when they
 * have none. */
static cr_code
create_message_find(struct app *app, const struct user *caller,
                    const struct user *receiver, char group[UUID_STR_SIZE],
                    struct aws_error *err)
{
    struct msg_group_row g;
    cr_code rc;

    rc = msg_store_find_group(&app->aws, app->cfg.aws.table, caller->uuid,
                              MSG_MATCH_OTHER_USER, receiver->uuid, &g, err);
    if (rc == CR_NOT_FOUND)
        rc = msg_store_find_group(&app->aws, app->cfg.aws.table,
                                  receiver->uuid, MSG_MATCH_OTHER_USER,
                                  caller->uuid, &g, err);
    if (rc == CR_OK)
        snprintf(group, UUID_STR_SIZE, "%s", g.group_uuid);
    return rc;
}

/* {"message", "handle"}: reuses the conversation with that user, making
 * sure both have their row of it, or starts one. */
static void
create_message_start(struct app *app, struct http_request *req,
                     struct http_response *res, json_t *handle)
{
    const char *text, *h = json_string_value(handle);
    struct create_message_rows rows = { { 0 }, { 0 }, 0 };
    struct message_conversation conv;
    char group[UUID_STR_SIZE];
    struct aws_error err = { 0 };
    struct user receiver, other;
    struct msg_idem key, *k;
    struct msg_row m;
    int ok;
    cr_code rc;

    ok = input_text(req, res, "message", MESSAGE_MAX_CHARS, &text);
    if (handle != NULL && h == NULL) {
        http_error_add(res, 422, "user_receiver_handle_invalid");
        ok = 0;
    } else if (h == NULL || utf8_blank(h)) {
        http_error_add(res, 422, "user_receiver_handle_blank");
        ok = 0;
    }
    if (!ok ||
        !create_message_key(app, req, res,
                            (const char *[]){ "messages", "handle", h, text },
                            4, &key, &k))
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
        rc = create_message_find(app, &req->caller, &receiver, group, &err);
    if (rc == CR_OK) {
        rc = message_participant_check(app, req->caller.uuid, group, &conv,
                                       &err);
        if (rc == CR_OK)
            rc = create_message_heal(app, &req->caller, &conv, &receiver,
                                     &other, &rows);
    } else if (rc == CR_NOT_FOUND) {
        /* Both sides starting at once compute the same group: their first
         * messages meet in one conversation instead of making twins. */
        rc = msg_conversation_uuid(req->caller.uuid, receiver.uuid, group);
        create_message_rows_add(&rows, &req->caller, &receiver);
        create_message_rows_add(&rows, &receiver, &req->caller);
    }
    if (rc == CR_OK)
        rc = msg_row_new(&m, group, &req->caller, text, msg_time_now());
    if (rc)
        service_fail_aws(res, "create_message", rc, &err);
    else
        create_message_finish(app, res, &rows, &m, k, 1, &err);
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
