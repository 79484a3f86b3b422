/* service.c - what services share: one PostgreSQL query, one answer; and
 * the one log line of a failed DynamoDB step. */
#include "app/core/log.h"
#include "services/services.h"

void
service_answer_query(struct app *app, struct http_response *res,
                     enum db_query q, int nparams, const char *const *params,
                     const char *not_found_code)
{
    char *json = NULL;
    cr_code rc;

    rc = db_fetch_text(app->db, q, nparams, params, &json);
    if (rc) {
        http_fail(res, rc);
        return;
    }
    if (json == NULL) {
        /* Aggregate queries always return a row; only lookups miss. */
        http_error(res, 404, not_found_code ? not_found_code : "not_found");
        return;
    }
    http_raw(res, 200, json);
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
