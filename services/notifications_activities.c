/* notifications_activities.c - GET /api/activities/notifications: replies
 * by others to the caller's activities, newest first. */
#include "services/services.h"

SERVICE(notifications_activities)
{
    const char *params[1] = { req->caller.uuid };
    char *json = NULL;
    cr_code rc;

    rc = db_fetch_text(app->db, DBQ_notifications_activities, 1, params,
                       &json);
    if (rc) {
        http_fail(res, rc);
        return;
    }
    http_raw(res, 200, json);
}
