/* create_activity.c - POST /api/activities {"message", "ttl"}: a new
 * activity by the caller (never by whoever the body names). */
#include <string.h>

#include "services/input.h"
#include "services/services.h"

#define ACTIVITY_MAX_CHARS 280

/* The time-to-live choices the frontend offers, as PostgreSQL intervals. */
static const char *
create_activity_interval(const char *ttl)
{
    static const char *const map[][2] = {
        { "30-days", "30 days" }, { "7-days", "7 days" },
        { "3-days", "3 days" },   { "1-day", "1 day" },
        { "12-hours", "12 hours" }, { "3-hours", "3 hours" },
        { "1-hour", "1 hour" },
    };
    size_t i;

    for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
        if (strcmp(ttl, map[i][0]) == 0)
            return map[i][1];
    }
    return NULL;
}

void
service_create_activity(struct app *app, struct http_request *req,
                        struct http_response *res)
{
    const char *message, *ttl, *params[3];
    int ok;

    ok = input_text(req, res, "message", ACTIVITY_MAX_CHARS, &message);
    ok &= input_text(req, res, "ttl", 32, &ttl);
    if (ttl && create_activity_interval(ttl) == NULL) {
        http_error_add(res, 422, "ttl_invalid");
        ok = 0;
    }
    if (!ok)
        return;
    params[0] = req->caller.uuid;
    params[1] = message;
    params[2] = create_activity_interval(ttl);
    service_answer_activities(app, res, DBQ_create_activity, 3, params,
                              ROWS_ONE, NULL);
    /* After the commit, before the answer: no worker of this host serves
     * a feed cached before this write from now on (read-your-writes). */
    hot_cache_wrote(&app->hot);
}
