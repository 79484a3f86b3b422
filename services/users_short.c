/* users_short.c - GET /api/users/@HANDLE/short: uuid, handle and display
 * name, for the new-conversation page; from the worker's cache while the
 * users table is unchanged. */
#include <stdio.h>

#include "app/db/activity_json.h"
#include "app/db/users.h"
#include "services/services.h"

static cr_code
users_short_fill(struct app *app, const char *handle, struct buf *b,
                 int64_t *until_us)
{
    struct user u;
    cr_code rc;

    *until_us = ACTIVITY_NEVER;
    if ((rc = users_by_handle(app->db, handle, &u)))
        return rc;
    return users_short_json(&u, b);
}

void
service_users_short(struct app *app, struct http_request *req,
                    struct http_response *res)
{
    char key[RESP_CACHE_KEY_MAX];
    const char *handle = req->params[0];

    if (!user_handle_valid(handle)) {
        http_error(res, 404, "user_not_found");
        return;
    }
    /* A valid handle is at most 32 bytes: the key always fits. */
    snprintf(key, sizeof(key), "short/%s", handle);
    service_answer_cached(app, req, res, key, RESP_DEP(RESP_W_USERS),
                          users_short_fill, handle, "user_not_found");
}
