/* user_activities.c - GET /api/activities/@HANDLE: that user's unexpired
 * activities, newest first; 404 for a handle nobody has. */
#include "services/services.h"

SERVICE(user_activities)
{
    const char *handle = req->params[0];
    char *json = NULL;
    cr_code rc;

    if (!user_handle_valid(handle)) {
        http_error(res, 404, "user_not_found");
        return;
    }
    rc = db_fetch_text(app->db, DBQ_user_activities, 1, &handle, &json);
    if (rc) {
        http_fail(res, rc);
        return;
    }
    if (json == NULL) {
        http_error(res, 404, "user_not_found");
        return;
    }
    http_raw(res, 200, json);
}
