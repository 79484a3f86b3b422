/* show_activity.c - GET /api/activities/UUID: the activity and its replies,
 * oldest first; 404 when absent or expired. */
#include "app/core/uuid.h"
#include "services/services.h"

void
service_show_activity(struct app *app, struct http_request *req,
                      struct http_response *res)
{
    const char *uuid = req->params[0];

    if (!uuid_valid(uuid)) {
        http_error(res, 400, "invalid_uuid");
        return;
    }
    service_answer_activities(app, res, DBQ_show_activity, 1, &uuid,
                              ROWS_SHOW, "activity_not_found");
}
