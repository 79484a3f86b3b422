/* service.c - what services share: activity rows into an answer; and the
 * one log line of a failed DynamoDB step. */
#include "app/core/log.h"
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
service_fail_aws(struct http_response *res, const char *service, cr_code rc,
                 const struct aws_error *err)
{
    char why[AWS_ERR_TARGET_SIZE + AWS_ERR_TYPE_SIZE + 64];

    if (rc != CR_CONFLICT && err->target[0])
        log_line("%s: %s: DynamoDB %s", service, cr_strerror(rc),
                 aws_error_describe(err, why, sizeof(why)));
    http_fail(res, rc);
}
