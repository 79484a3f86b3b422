/* request.c - the path of every request: preflight -> route -> caller ->
 * body -> handler. */
#include <string.h>
#include <time.h>

#include "app/context/app.h"
#include "app/core/log.h"
#include "app/request.h"
#include "aws/cognito/jwt_verify.h"
#include "services/routes.h"

/* The sub of a verified token, from this worker's cache or the verifier. */
static cr_code
request_verify(struct app *app, const char *header, time_t now, char *sub,
               size_t sub_size, const char **why)
{
    cr_code rc;

    if (auth_cache_get(&app->tokens, header, now, sub, sub_size))
        return CR_OK;
    rc = jwt_verify_bearer(app->jwt, header, now, sub, sub_size, why);
    if (rc == CR_OK)
        auth_cache_put(&app->tokens, header, sub, now, JWT_SKEW_SECS);
    return rc;
}

/* Verifies the token and finds its user. A request without a token (see
 * jwt_bearer_absent: "Bearer null" is a signed-out browser) is signed out;
 * for an optional route any failure just means "signed out", for a
 * signed-in route it is the answer: 401 with the RFC 6750 challenge that
 * tells a client whether to send a token or to get a new one. */
static cr_code
request_authenticate(struct app *app, const struct route *route,
                     struct http_request *req, struct http_response *res)
{
    char sub[CALLER_SUB_SIZE];
    struct resp_stamp stamp;
    const char *why = NULL;
    time_t now = time(NULL);
    cr_code rc;

    if (route->auth == ROUTE_PUBLIC)
        return CR_OK;
    if (jwt_bearer_absent(req->authorization)) {
        if (route->auth == ROUTE_OPTIONAL)
            return CR_OK;
        http_unauthorized(res, "token_missing", HTTP_BEARER_MISSING);
        return CR_UNAUTHORIZED;
    }
    rc = request_verify(app, req->authorization, now, sub, sizeof(sub), &why);
    if (rc == CR_OK)
        rc = caller_lookup(&app->callers, app->db, sub, now,
                           hot_cache_stamp(&app->hot, &stamp)
                               ? &stamp.word[RESP_W_USERS] : NULL,
                           &req->caller);
    req->has_caller = rc == CR_OK;
    if (rc == CR_OK || route->auth == ROUTE_OPTIONAL)
        return CR_OK;
    if (rc == CR_UNAUTHORIZED) {
        /* A kid the pool's set names but we could not use shows as
         * unknown: say that the set held such keys. */
        size_t skipped = jwt_verifier_keys_skipped(app->jwt);

        log_line("auth: rejected token: %s%s", why,
                 skipped && strcmp(why, "unknown_kid") == 0
                     ? " (the pool's key set holds unusable keys)" : "");
        http_unauthorized(res, "token_invalid", HTTP_BEARER_INVALID);
    } else if (rc == CR_NOT_FOUND) {
        http_unauthorized(res, "user_not_registered", HTTP_BEARER_INVALID);
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
        req->route = route->pattern;
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
    app_set_deadline(app, req->deadline);
    if (strcmp(req->method, "OPTIONS") == 0) {
        /* CORS preflight: the headers are added on the way out. */
        res->status = 204;
        return;
    }
    request_route(app, req, res);
}
