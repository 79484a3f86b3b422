/* users_short.c - GET /api/users/@HANDLE/short: uuid, handle and display
 * name, for the new-conversation page. */
#include "app/db/users.h"
#include "services/services.h"

void
service_users_short(struct app *app, struct http_request *req,
                    struct http_response *res)
{
    struct user u;
    struct buf b;
    char *body;
    cr_code rc;

    buf_init(&b, 0);
    http_error(res, 404, "user_not_found");
    rc = users_by_handle(app->db, req->params[0], &u);
    if (rc == CR_NOT_FOUND)
        goto out;
    if (rc == CR_OK)
        rc = users_short_json(&u, &b);
    if (rc == CR_OK && (body = buf_take(&b)) != NULL)
        http_raw(res, 200, body);
    else
        http_fail(res, rc ? rc : CR_NOMEM);
out:
    buf_free(&b);
}
