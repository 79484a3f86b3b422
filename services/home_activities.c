/* home_activities.c - GET /api/activities/home: the newest unexpired
 * activities. The JSON is built by PostgreSQL and passed through. */
#include "services/services.h"

void
service_home_activities(struct app *app, struct http_request *req,
                        struct http_response *res)
{
    (void)req;
    service_answer_activities(app, res, DBQ_home_activities, 0, NULL,
                              ROWS_LIST, NULL);
}
