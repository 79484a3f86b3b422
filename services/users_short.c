/* users_short.c - GET /api/users/@HANDLE/short: uuid, handle and display
 * name, for the new-conversation page. */
#include "services/services.h"

void
service_users_short(struct app *app, struct http_request *req,
                    struct http_response *res)
{
    const char *handle = req->params[0];

    if (!user_handle_valid(handle)) {
        http_error(res, 404, "user_not_found");
        return;
    }
    service_answer_query(app, res, DBQ_users_short, 1, &handle,
                         "user_not_found");
}
