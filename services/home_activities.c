/* home_activities.c - GET /api/activities/home: the newest unexpired
 * activities. The JSON is built by PostgreSQL and passed through. */
#include "services/services.h"

SERVICE(home_activities)
{
    (void)req;
    service_answer_query(app, res, DBQ_home_activities, 0, NULL, NULL);
}
