/* notifications_activities.c - GET /api/activities/notifications: replies
 * by others to the caller's activities, newest first. */
#include "services/services.h"

void
service_notifications_activities(struct app *app, struct http_request *req,
                                 struct http_response *res)
{
    const char *params[1] = { req->caller.uuid };

    service_answer_activities(app, res, DBQ_notifications_activities, 1,
                              params, ROWS_LIST, NULL);
}
