/* show_activity.c - GET /api/activities/UUID: the activity and its replies,
 * oldest first; 404 when absent or expired. */
#include "app/uuid.h"
#include "services/services.h"

SERVICE(show_activity)
{
    const char *uuid = req->params[0];
    char *json = NULL;
    cr_code rc;

    if (!uuid_valid(uuid)) {
        http_error(res, 400, "invalid_uuid");
        return;
    }
    rc = db_fetch_text(app->db, DBQ_show_activity, 1, &uuid, &json);
    if (rc) {
        http_fail(res, rc);
        return;
    }
    if (json == NULL) {
        http_error(res, 404, "activity_not_found");
        return;
    }
    http_raw(res, 200, json);
}
