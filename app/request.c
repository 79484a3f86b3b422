/* request.c - the path of every request: preflight -> route -> caller ->
 * body -> handler. */
#include <string.h>
#include <time.h>

#include "app/context/app.h"
#include "app/core/log.h"
#include "app/request.h"
#include "aws/cognito/jwt_verify.h"
#include "services/routes.h"

/* Verifies the token and finds its user. For an optional route any
 * failure just means "signed out"; for a signed-in route it is the answer. */
static cr_code
request_authenticate(struct app *app, const struct route *route,
                 struct http_request *req, struct http_response *res)
{
    char sub[CALLER_SUB_SIZE];
    struct resp_stamp stamp;
    const char *why = NULL;
    time_t now = time(NULL);
    cr_code rc;

    if (route->auth == ROUTE_PUBLIC ||
        (route->auth == ROUTE_OPTIONAL && req->authorization == NULL))
        return CR_OK;
    if (auth_cache_get(&app->tokens, req->authorization, now, sub,
                       sizeof(sub))) {
        rc = CR_OK;
    } else {
        rc = jwt_verify_bearer(app->jwt, req->authorization, now, sub,
                               sizeof(sub), &why);
        if (rc == CR_OK)
            auth_cache_put(&app->tokens, req->authorization, sub, now,
                           JWT_SKEW_SECS);
    }
    if (rc == CR_OK) {
        rc = caller_lookup(&app->callers, app->db, sub, now,
                           hot_cache_stamp(&app->hot, &stamp)
                               ? &stamp.word[RESP_W_USERS] : NULL,
                           &req->caller);
        why = "user_not_registered";
    }
    if (rc == CR_OK) {
        req->has_caller = 1;
        return CR_OK;
    }
    if (route->auth == ROUTE_OPTIONAL)
        return CR_OK;
    if (rc == CR_UNAUTHORIZED) {
        log_line("auth: rejected token: %s", why ? why : "invalid");
        http_error(res, 401, "unauthorized");
    } else if (rc == CR_NOT_FOUND) {
        http_error(res, 401, "user_not_registered");
    } else {
        http_fail(res, rc);
    }
    return rc;
}

static void
request_route(struct app *app, struct http_request *req,
          struct http_response *res)
{
    const struct route *route;

    switch (router_match(routes, routes_count, req->method, req, &route,
                         res->allow, sizeof(res->allow))) {
    case ROUTER_FOUND:
        break;
    case ROUTER_WRONG_METHOD:
        http_error(res, 405, "method_not_allowed");
        return;
    case ROUTER_BAD_PATH:
        http_error(res, 400, "bad_path");
        return;
    case ROUTER_NO_MEMORY:
        http_fail(res, CR_NOMEM);
        return;
    default:
        http_error(res, 404, "not_found");
        return;
    }
    /* Who calls is settled before the body is looked at: a caller without
     * a valid token learns nothing about what the route would accept. */
    if (request_authenticate(app, route, req, res) != CR_OK)
        return;
    if (http_request_parse_body(req, res) != CR_OK)
        return;
    route->handler(app, req, res);
}

void
request_handle(struct app *app, struct http_request *req,
           struct http_response *res)
{
    if (strcmp(req->method, "OPTIONS") == 0) {
        /* CORS preflight: the headers are added on the way out. */
        res->status = 204;
        return;
    }
    request_route(app, req, res);
}
