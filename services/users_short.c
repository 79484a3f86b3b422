/* users_short.c - GET /api/users/@HANDLE/short: uuid, handle and display
 * name, for the new-conversation page. */
#include "services/services.h"

SERVICE(users_short)
{
    const char *handle = req->params[0];

    if (!user_handle_valid(handle)) {
        http_error(res, 404, "user_not_found");
        return;
    }
    service_answer_query(app, res, DBQ_users_short, 1, &handle,
                         "user_not_found");
}
