/* create_reply.c - POST /api/activities/UUID/reply {"message"}: a reply by
 * the caller; the parent's replies_count moves in the same statement. */
#include "app/core/uuid.h"
#include "services/input.h"
#include "services/services.h"

#define REPLY_MAX_CHARS 1024

void
service_create_reply(struct app *app, struct http_request *req,
                     struct http_response *res)
{
    const char *message, *params[3];

    if (!uuid_valid(req->params[0])) {
        http_error(res, 400, "invalid_uuid");
        return;
    }
    if (!input_text(req, res, "message", REPLY_MAX_CHARS, &message))
        return;
    params[0] = req->caller.uuid;
    params[1] = req->params[0];
    params[2] = message;
    /* No row: the parent is absent or expired. */
    service_answer_activities(app, res, DBQ_create_reply, 3, params, ROWS_ONE,
                              "activity_not_found");
    /* After the commit, before the answer: no worker of this host serves
     * a feed cached before this write from now on (read-your-writes). */
    hot_cache_wrote(&app->hot);
}
