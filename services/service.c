/* service.c - what services share: one PostgreSQL query, one answer; and
 * the one log line of a failed DynamoDB step. */
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
    /* aws_call reported the failure's detail (obs_call_end): the edge's
     * access line carries it, once. */
    (void)service;
    (void)err;
    http_fail(res, rc);
}
