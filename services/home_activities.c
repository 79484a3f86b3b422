/* home_activities.c - GET /api/activities/home: the newest unexpired
 * activities. The same answer for every caller (the caller is not read),
 * so it is answered from the worker's cache while no activity or user has
 * changed and none of its activities has expired. */
#include "app/db/activity_json.h"
#include "services/services.h"

static cr_code
home_activities_fill(struct app *app, const char *arg, struct buf *b,
                     int64_t *until_us)
{
    (void)arg;
    return service_activities_body(app, DBQ_home_activities, 0, NULL,
                                   ROWS_LIST, b, until_us);
}

void
service_home_activities(struct app *app, struct http_request *req,
                        struct http_response *res)
{
    service_answer_cached(app, req, res, "home",
                          RESP_DEP(RESP_W_ACTIVITIES) | RESP_DEP(RESP_W_USERS) |
                              RESP_DEP(RESP_W_HOST_WRITES),
                          home_activities_fill, NULL, NULL);
}
