/* create_activity.c - POST /api/activities {"message", "ttl"}: a new
 * activity by the caller (never by whoever the body names). With an
 * Idempotency-Key header, a retry of the same caller's post with the same
 * key answers what the first one answered instead of posting again
 * (services/idempotency.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "services/idempotency.h"
#include "services/input.h"
#include "services/services.h"

#define ACTIVITY_MAX_CHARS 280

/* The time-to-live choices the frontend offers, as PostgreSQL intervals. */
static const char *
create_activity_interval(const char *ttl)
{
    static const char *const map[][2] = {
        { "30-days", "30 days" }, { "7-days", "7 days" },
        { "3-days", "3 days" },   { "1-day", "1 day" },
        { "12-hours", "12 hours" }, { "3-hours", "3 hours" },
        { "1-hour", "1 hour" },
    };
    size_t i;

    for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
        if (strcmp(ttl, map[i][0]) == 0)
            return map[i][1];
    }
    return NULL;
}

/* The answer kept under the caller's live key, if any (idem_answer_kept):
 * *answered then. */
static cr_code
create_activity_replay(struct app *app, struct http_request *req,
                       struct http_response *res, const char *fp,
                       int *answered)
{
    const char *params[2] = { req->caller.uuid, req->idempotency_key };
    PGresult *r = NULL;
    cr_code rc;

    *answered = 0;
    rc = db_run(app->db, DBQ_idempotent_answer, 2, params, &r);
    if (rc == CR_OK && PQntuples(r) > 0) {
        rc = idem_answer_kept(res, PQgetvalue(r, 0, 0), fp,
                              PQgetvalue(r, 0, 1));
        *answered = 1;
    }
    PQclear(r);
    return rc;
}

/* Deletes the caller's key if it expired, and a few other expired keys. */
static cr_code
create_activity_expire(struct app *app, struct http_request *req)
{
    const char *params[2] = { req->caller.uuid, req->idempotency_key };
    PGresult *r = NULL;
    cr_code rc = db_run(app->db, DBQ_idempotency_expire, 2, params, &r);

    PQclear(r);
    return rc;
}

/* Posts once per key: the activity and its answer in one statement, after
 * the caller's expired key (and a few others) are gone; a twin that won
 * the race (the key exists now) is answered as a replay. */
static void
create_activity_keyed(struct app *app, struct http_request *req,
                      struct http_response *res, const char *const *post,
                      const char *ttl)
{
    const char *parts[3] = { "activities", post[1], ttl };
    char fp[IDEM_FINGERPRINT_SIZE], secs[16];
    const char *params[6] = { post[0], post[1], post[2],
                              req->idempotency_key, fp, secs };
    char *json = NULL;
    int answered;
    cr_code rc;

    http_error(res, 400, "idempotency_key_invalid");
    if (!idem_key_valid(req->idempotency_key))
        goto out;
    snprintf(secs, sizeof(secs), "%d", IDEM_TTL_S);
    if ((rc = idem_fingerprint(parts, 3, fp)) == CR_OK)
        rc = create_activity_replay(app, req, res, fp, &answered);
    if (rc == CR_OK && !answered)
        rc = create_activity_expire(app, req);
    if (rc == CR_OK && !answered) {
        rc = db_fetch_text(app->db, DBQ_create_activity_keyed, 6, params,
                           &json);
        if (rc == CR_OK && json == NULL)
            rc = CR_INTERNAL;           /* an insert always answers a row */
        else if (rc == CR_OK)
            http_raw(res, 200, json);
        else if (rc == CR_CONFLICT &&
                 (rc = create_activity_replay(app, req, res, fp,
                                              &answered)) == CR_OK &&
                 !answered)
            rc = CR_CONFLICT;           /* not the key: the caller is gone */
    }
    if (rc == CR_CONFLICT)
        http_error(res, 409, "idempotency_key_conflict");
    else if (rc)
        http_fail(res, rc);
out:
    return;
}

void
service_create_activity(struct app *app, struct http_request *req,
                        struct http_response *res)
{
    const char *message, *ttl, *params[3];
    int ok;

    ok = input_text(req, res, "message", ACTIVITY_MAX_CHARS, &message);
    ok &= input_text(req, res, "ttl", 32, &ttl);
    if (ttl && create_activity_interval(ttl) == NULL) {
        http_error_add(res, 422, "ttl_invalid");
        ok = 0;
    }
    if (!ok)
        return;
    params[0] = req->caller.uuid;
    params[1] = message;
    params[2] = create_activity_interval(ttl);
    if (req->idempotency_key != NULL)
        create_activity_keyed(app, req, res, params, ttl);
    else
        service_answer_activities(app, res, DBQ_create_activity, 3, params,
                                  ROWS_ONE, NULL);
    /* After the commit, before the answer: no worker of this host serves
     * a feed cached before this write from now on (read-your-writes). */
    if (res->status == 200)
        hot_cache_wrote(&app->hot);
}
