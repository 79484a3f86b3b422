/* home_activities.c - GET /api/activities/home: the newest unexpired
 * activities. The JSON is built by PostgreSQL and passed through. */
#include "services/services.h"

SERVICE(home_activities)
{
    char *json = NULL;
    cr_code rc;

    (void)req;
    rc = db_fetch_text(app->db, DBQ_home_activities, 0, NULL, &json);
    if (rc) {
        http_fail(res, rc);
        return;
    }
    http_raw(res, 200, json);
}
