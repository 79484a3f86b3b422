/* create_reply.c - POST /api/activities/UUID/reply {"message"}: a reply by
 * the caller; the parent's replies_count moves in the same statement. */
#include "app/uuid.h"
#include "services/input.h"
#include "services/services.h"

#define REPLY_MAX_CHARS 1024

SERVICE(create_reply)
{
    const char *message, *params[3];
    char *json = NULL;
    cr_code rc;

    if (!uuid_valid(req->params[0])) {
        http_error(res, 400, "invalid_uuid");
        return;
    }
    if (!input_text(req, res, "message", REPLY_MAX_CHARS, &message))
        return;
    params[0] = req->caller.uuid;
    params[1] = req->params[0];
    params[2] = message;
    rc = db_fetch_text(app->db, DBQ_create_reply, 3, params, &json);
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
