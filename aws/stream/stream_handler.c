/* stream_handler.c - move a conversation's group rows up to its newest
 * message, one stream record at a time. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/core/log.h"
#include "aws/messages/msg_req.h"
#include "aws/messages/msg_store.h"
#include "aws/stream/stream_handler.h"
#include "aws/stream/stream_trace.h"

void
stream_handler_init(struct stream_handler *h, struct aws_client *aws,
                    const char *table)
{
    memset(h, 0, sizeof(*h));
    h->aws = aws;
    h->table = table;
    h->max_rounds = 5;
    h->round_delay_ms = 20;
}

const char *
stream_record_seq(json_t *record)
{
    return json_string_value(json_object_get(
        json_object_get(record, "dynamodb"), "SequenceNumber"));
}

static void
stream_sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

    nanosleep(&ts, NULL);
}

/* Sends one conditioned write (req is borrowed) and counts it in *done.
 * A lost condition means the row was no longer where the index said (moved
 * by someone else, or the index lagging): *changed is set, and the caller
 * reads again and decides again. */
static cr_code
stream_write(struct stream_handler *h, const char *target, json_t *req,
             int *changed, size_t *done)
{
    json_t *resp = NULL;
    cr_code rc = msg_store_call(h->aws, target, req, &resp, &h->err);

    json_decref(resp);
    if (rc == CR_CONFLICT) {
        *changed = 1;
        return CR_OK;
    }
    if (rc == CR_OK)
        (*done)++;
    return rc;
}

/* Moves group row i to the message if it is older, keeping whatever else
 * its item holds. */
static cr_code
stream_move_one(struct stream_handler *h, const struct msg_group_rows *r,
                size_t i, const struct msg_row *m, int *changed)
{
    const struct msg_group_row *g = &r->row[i];
    json_t *req = NULL;
    cr_code rc;

    /* Same format on both sides: string order is time order. */
    if (strcmp(g->sk, m->sk) >= 0)
        return CR_OK;
    if ((rc = msg_req_move_group(h->table, g, json_array_get(r->items, i),
                                 m->sk, m->message, m->message_len, &req)))
        return rc;
    rc = stream_write(h, "TransactWriteItems", req, changed, &h->moved);
    json_decref(req);
    return rc;
}

/* Deletes a row that a newer row of the same owner and conversation
 * supersedes (both sides started the conversation at once). */
static cr_code
stream_drop_one(struct stream_handler *h, const struct msg_group_row *g,
                int *changed)
{
    json_t *req = NULL;
    cr_code rc;

    if ((rc = msg_req_drop_group(h->table, g, &req)))
        return rc;
    rc = stream_write(h, "DeleteItem", req, changed, &h->dropped);
    json_decref(req);
    return rc;
}

/* Whether another row of the same owner is newer than row i. */
static int
stream_superseded(const struct msg_group_rows *r, size_t i)
{
    size_t j;

    for (j = 0; j < r->n; j++) {
        if (j != i &&
            strcmp(r->row[j].owner_uuid, r->row[i].owner_uuid) == 0 &&
            strcmp(r->row[j].sk, r->row[i].sk) > 0)
            return 1;
    }
    return 0;
}

/* The newest row of a conversation whose rows all belong to one owner (a
 * half-written one: the other participant's row was never written), or
 * -1 when both participants have theirs (or there is none). */
static long
stream_lone_row(const struct msg_group_rows *r)
{
    size_t i, best = 0;

    if (r->n == 0)
        return -1;
    for (i = 1; i < r->n; i++) {
        if (strcmp(r->row[i].owner_uuid, r->row[0].owner_uuid) != 0)
            return -1;
        if (strcmp(r->row[i].sk, r->row[best].sk) > 0)
            best = i;
    }
    return (long)best;
}

struct stream_sender_page {
    const char *uuid;
    struct user *who;
    int found;
};

static cr_code
stream_sender_page(void *arg, json_t *resp, int *stop)
{
    struct stream_sender_page *p = arg;
    struct msg_row m;
    json_t *items, *it;
    size_t i;
    cr_code rc;

    if ((rc = msg_resp_items(resp, &items)))
        return rc;
    json_array_foreach(items, i, it) {
        if (msg_from_item(it, &m) == CR_OK && strcmp(m.user_uuid, p->uuid) == 0) {
            snprintf(p->who->uuid, sizeof(p->who->uuid), "%s", m.user_uuid);
            snprintf(p->who->handle, sizeof(p->who->handle), "%s",
                     m.user_handle);
            snprintf(p->who->display_name, sizeof(p->who->display_name), "%s",
                     m.user_display_name);
            p->found = *stop = 1;
            break;
        }
    }
    return CR_OK;
}

/* uuid as the conversation's messages name them: the message at hand, or
 * the newest one uuid sent (the processor has no other source of names).
 * CR_NOT_FOUND when uuid sent none. */
static cr_code
stream_sender(struct stream_handler *h, const struct msg_row *m,
              const char *uuid, struct user *who)
{
    struct stream_sender_page page = { uuid, who, 0 };
    json_t *req = NULL;
    cr_code rc;

    if (strcmp(m->user_uuid, uuid) == 0) {
        snprintf(who->uuid, sizeof(who->uuid), "%s", m->user_uuid);
        snprintf(who->handle, sizeof(who->handle), "%s", m->user_handle);
        snprintf(who->display_name, sizeof(who->display_name), "%s",
                 m->user_display_name);
        return CR_OK;
    }
    if ((rc = msg_req_list_messages(h->table, m->group_uuid, 100, NULL, &req)))
        return rc;
    rc = aws_call_pages(h->aws, AWS_DYNAMODB, "Query", req, "LastEvaluatedKey",
                        "ExclusiveStartKey", stream_sender_page, &page,
                        &h->err);
    json_decref(req);
    if (rc)
        return rc == CR_NOT_FOUND ? CR_DDB_UNAVAILABLE : rc;
    return page.found ? CR_OK : CR_NOT_FOUND;
}

/* A conversation with one participant's rows only gets the other's, at
 * the message, naming the first; conditioned on its absence, so two
 * healers (this and the API, say) never overwrite each other. */
static cr_code
stream_heal(struct stream_handler *h, const struct msg_group_rows *r,
            const struct msg_row *m, int *changed)
{
    long i = stream_lone_row(r);
    const struct msg_group_row *lone;
    struct msg_group_row g;
    struct user owner, named;
    json_t *req = NULL;
    cr_code rc;

    if (i < 0)
        return CR_OK;
    lone = &r->row[i];
    if (strcmp(lone->user_uuid, lone->owner_uuid) == 0)
        return CR_OK;           /* names its own owner: nobody to heal */
    rc = stream_sender(h, m, lone->owner_uuid, &named);
    if (rc == CR_NOT_FOUND) {
        log_line("stream: group %s has no group row of %s and no message by "
                 "%s to name them by; left for the API to heal", m->group_uuid,
                 lone->user_uuid, lone->owner_uuid);
        return CR_OK;
    }
    memset(&owner, 0, sizeof(owner));
    snprintf(owner.uuid, sizeof(owner.uuid), "%s", lone->user_uuid);
    if (rc == CR_OK)
        rc = msg_group_row_new(&g, &owner, &named, m->group_uuid, m->sk,
                               m->message, m->message_len);
    if (rc == CR_OK)
        rc = msg_req_put_group(h->table, &g, &req);
    if (rc == CR_OK)
        rc = stream_write(h, "PutItem", req, changed, &h->healed);
    json_decref(req);
    return rc;
}

/* One read of the group's rows and what follows: each owner's newest row
 * moves up to the message, any older row of the same owner goes, and a
 * participant without a row gets one. */
static cr_code
stream_settle(struct stream_handler *h, const struct msg_row *m,
              int *changed)
{
    struct msg_group_rows rows = { 0 };
    char key[MSG_ITEM_KEY_SIZE];
    json_t *bad;
    size_t i;
    cr_code rc;

    rc = msg_store_group_rows(h->aws, h->table, m->group_uuid, &rows, &h->err);
    /* Not this record's fault; moving such a row would only spread it. */
    json_array_foreach(rows.skipped, i, bad) {
        msg_item_key(bad, key, sizeof(key));
        log_line("stream: group %s: skipped a group row lacking what we "
                 "need (%s); left as it is", m->group_uuid, key);
    }
    for (i = 0; rc == CR_OK && i < rows.n; i++) {
        if (stream_superseded(&rows, i))
            rc = stream_drop_one(h, &rows.row[i], changed);
        else
            rc = stream_move_one(h, &rows, i, m, changed);
    }
    if (rc == CR_OK)
        rc = stream_heal(h, &rows, m, changed);
    msg_group_rows_free(&rows);
    return rc;
}

/* Reads the group rows and settles them, again while some row changed
 * under us, at most max_rounds times. */
static cr_code
stream_apply(struct stream_handler *h, const struct msg_row *m)
{
    int round, changed = 0;
    cr_code rc;

    for (round = 0; round < h->max_rounds; round++) {
        if (round > 0)
            stream_sleep_ms(h->round_delay_ms * round);
        changed = 0;
        if ((rc = stream_settle(h, m, &changed)) || !changed)
            return rc;
    }
    return CR_CONFLICT;     /* the group kept changing: the batch says so */
}

cr_code
stream_handle_record(struct stream_handler *h, json_t *record)
{
    const char *name, *pk;
    json_t *ddb;
    struct msg_row m;

    aws_error_clear(&h->err);
    name = json_string_value(json_object_get(record, "eventName"));
    ddb = json_object_get(record, "dynamodb");
    if (name == NULL || !json_is_object(ddb))
        return CR_INVALID;
    if (strcmp(name, "REMOVE") == 0)
        return CR_OK;
    if (strcmp(name, "INSERT") != 0 && strcmp(name, "MODIFY") != 0)
        return CR_INVALID;
    pk = json_string_value(json_object_get(
        json_object_get(json_object_get(ddb, "Keys"), "pk"), "S"));
    if (pk == NULL)
        return CR_INVALID;
    if (strncmp(pk, "MSG#", 4) != 0)
        return CR_OK;                /* group rows: our own moves */
    if (msg_from_item(json_object_get(ddb, "NewImage"), &m) != CR_OK)
        return CR_INVALID;
    return stream_apply(h, &m);
}

static cr_code
stream_report_add(struct stream_report *rep, size_t cap, const char *id,
                  cr_code rc)
{
    if (rep->failed == NULL &&
        (rep->failed = calloc(cap, sizeof(*rep->failed))) == NULL)
        return CR_NOMEM;
    rep->failed[rep->nfailed].id = id ? id : "";
    rep->failed[rep->nfailed].rc = rc;
    rep->nfailed++;
    return CR_OK;
}

cr_code
stream_handle_batch(struct stream_handler *h, json_t *batch,
                    struct stream_report *rep)
{
    json_t *records = json_object_get(batch, "Records"), *r;
    char why[AWS_ERR_TARGET_SIZE + AWS_ERR_TYPE_SIZE + 64];
    const char *seq;
    size_t i;
    cr_code rc;

    memset(rep, 0, sizeof(*rep));
    if (!json_is_array(records))
        return CR_INVALID;
    rep->nrecords = json_array_size(records);
    json_array_foreach(records, i, r) {
        stream_trace_record_begin(h->trace, r, h->table);
        rc = stream_handle_record(h, r);
        stream_trace_record_end(h->trace, rc, &h->err);
        if (rc == CR_OK)
            continue;
        seq = stream_record_seq(r);
        /* The one line of this failure: the edge of the handler. */
        aws_error_describe(&h->err, why, sizeof(why));
        log_line("stream: record %s failed: %s%s%s",
                 seq ? seq : "(no sequence)", cr_strerror(rc),
                 why[0] ? ": DynamoDB " : "", why);
        if (stream_report_add(rep, rep->nrecords, seq, rc)) {
            stream_report_free(rep);
            return CR_NOMEM;
        }
    }
    return CR_OK;
}

void
stream_report_free(struct stream_report *rep)
{
    free(rep->failed);
    memset(rep, 0, sizeof(*rep));
}

cr_code
stream_report_response(const struct stream_report *rep, json_t **resp)
{
    json_t *list = json_array(), *one;
    size_t i;

    *resp = NULL;
    if (list == NULL)
        return CR_NOMEM;
    for (i = 0; i < rep->nfailed; i++) {
        one = json_pack("{s:s}", "itemIdentifier", rep->failed[i].id);
        if (one == NULL || json_array_append_new(list, one)) {
            json_decref(list);
            return CR_NOMEM;
        }
    }
    *resp = json_pack("{s:o}", "batchItemFailures", list);
    return *resp ? CR_OK : CR_NOMEM;
}
