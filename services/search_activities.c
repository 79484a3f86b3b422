/* search_activities.c - GET /api/activities/search?term=T: unexpired
 * activities whose message contains T as plain text. */
#include <stdlib.h>

#include "app/core/utf8.h"
#include "services/input.h"
#include "services/services.h"

#define SEARCH_MAX_CHARS 280

void
service_search_activities(struct app *app, struct http_request *req,
                          struct http_response *res)
{
    const char *params[1];
    char *term = NULL;
    cr_code rc;

    http_error(res, 400, "search_term_invalid");
    rc = http_query_param(req, "term", &term);
    if (rc == CR_NOMEM) {
        http_fail(res, rc);
        goto out;
    }
    if (rc)
        goto out;
    if (term == NULL || utf8_blank(term)) {
        http_error(res, 422, "search_term_blank");
        goto out;
    }
    if (utf8_count(term) > SEARCH_MAX_CHARS) {
        http_error(res, 422, "search_term_exceed_max_chars");
        goto out;
    }
    params[0] = term;
    service_answer_activities(app, res, DBQ_search_activities, 1, params,
                              ROWS_LIST, NULL);
out:
    free(term);
}
