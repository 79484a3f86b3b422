/* user_activities.c - GET /api/activities/@HANDLE: that user's unexpired
 * activities, newest first; 404 for a handle nobody has. */
#include "services/services.h"

void
service_user_activities(struct app *app, struct http_request *req,
                        struct http_response *res)
{
    const char *handle = req->params[0];

    if (!user_handle_valid(handle)) {
        http_error(res, 404, "user_not_found");
        return;
    }
    service_answer_activities(app, res, DBQ_user_activities, 1, &handle,
                              ROWS_OWNED_LIST, "user_not_found");
}
