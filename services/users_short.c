/* users_short.c - GET /api/users/@HANDLE/short: uuid, handle and display
 * name, for the new-conversation page. */
#include "services/services.h"

SERVICE(users_short)
{
    const char *handle = req->params[0];
    char *json = NULL;
    cr_code rc;

    if (!user_handle_valid(handle)) {
        http_error(res, 404, "user_not_found");
        return;
    }
    rc = db_fetch_text(app->db, DBQ_users_short, 1, &handle, &json);
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
