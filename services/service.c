/* service.c - what services share: activity rows into an answer; and the
 * one log line of a failed DynamoDB step. */
#include "app/db/activity_json.h"
#include "services/services.h"

cr_code
service_activities_body(struct app *app, enum db_query q, int nparams,
                        const char *const *params, enum service_rows shape,
                        struct buf *b, int64_t *min_expires)
{
    PGresult *r;
    cr_code rc;

    *min_expires = ACTIVITY_NEVER;
    if ((rc = db_run(app->db, q, nparams, params, &r)))
        return rc;
    if (PQntuples(r) == 0 && shape != ROWS_LIST)
        rc = CR_NOT_FOUND;
    else if (shape == ROWS_SHOW)
        rc = activity_json_show(r, b, min_expires);
    else if (shape == ROWS_ONE)
        rc = activity_json_object(r, b, min_expires);
    else
        rc = activity_json_array(r, 0, b, min_expires);
    PQclear(r);
    return rc;
}

void
service_answer_activities(struct app *app, struct http_response *res,
                          enum db_query q, int nparams,
                          const char *const *params, enum service_rows shape,
                          const char *not_found_code)
{
    struct buf b;
    int64_t min_expires;
    char *body;
    cr_code rc;

    buf_init(&b, 0);
    rc = service_activities_body(app, q, nparams, params, shape, &b,
                                 &min_expires);
    if (rc == CR_NOT_FOUND)
        http_error(res, 404, not_found_code ? not_found_code : "not_found");
    else if (rc)
        http_fail(res, rc);
    else if ((body = buf_take(&b)) == NULL)
        http_fail(res, CR_NOMEM);
    else
        http_raw(res, 200, body);
    buf_free(&b);
}

void
service_answer_cached(struct app *app, struct http_request *req,
                      struct http_response *res, const char *key,
                      unsigned deps, service_fill_fn fill, const char *arg,
                      const char *not_found_code)
{
    const struct resp_entry *e = NULL;
    struct resp_stamp made;
    int64_t now = hot_cache_now_us(), until;
    int usable = hot_cache_stamp(&app->hot, &made);
    char etag[RESP_ETAG_SIZE];
    struct buf b;
    cr_code rc;

    if (usable && (e = resp_cache_get(&app->hot.bodies, key, &made, now))) {
        http_tagged(res, req, e->body, e->len, e->etag, "no-cache");
        return;
    }
    buf_init(&b, 0);
    /* The stamp was taken before the query: a change committed while it
     * runs moves a counter past it, and the entry is not served. */
    rc = fill(app, arg, &b, &until);
    if (rc == CR_NOT_FOUND) {
        http_error(res, 404, not_found_code);
    } else if (rc) {
        http_fail(res, rc);
    } else {
        if (usable)
            rc = resp_cache_put(&app->hot.bodies, key, buf_str(&b), b.len,
                                deps, &made, now, until);
        resp_etag(buf_str(&b), b.len, etag);
        /* A failure to keep it is no failure to answer. */
        http_tagged(res, req, buf_str(&b), b.len, etag, "no-cache");
    }
    buf_free(&b);
}

void
service_fail_aws(struct http_response *res, const char *service, cr_code rc,
                 const struct aws_error *err)
{
    /* aws_call reported the failure's detail (obs_call_end): the edge's
     * access line carries it, once. */
    (void)service;
    (void)err;
    http_fail(res, rc);
}
