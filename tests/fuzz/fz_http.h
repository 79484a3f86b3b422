/* fz_http.h - one request through what the worker does before a handler
 * runs: target splitting, routing against the real table, the query
 * parameters the services read, the body checks, and the body fields each
 * service reads with input_text().
 *
 * Input: "METHOD TARGET\nCONTENT-TYPE\nBODY"; missing parts are empty, the
 * body may hold any bytes. */
#ifndef CRUDDUR_FZ_HTTP_H
#define CRUDDUR_FZ_HTTP_H

#include "app/core/utf8.h"
#include "app/core/uuid.h"
#include "app/db/user.h"
#include "app/http/http.h"
#include "app/http/router.h"
#include "services/input.h"
#include "services/routes.h"
#include "tests/fuzz/fz.h"

/* A decoded value the services may use: a C string of valid UTF-8. */
static inline int
fz_http_decoded_ok(const char *s)
{
    return s != NULL && utf8_valid(s, strlen(s));
}

static inline int
fz_http_route(struct http_request *req, const char *method)
{
    const struct route *found;
    char allow[64];
    enum router_result r;
    const char *p;
    int i, ncolons = 0;

    r = router_match(routes, routes_count, method, req, &found, allow,
                     sizeof(allow));
    if (r != ROUTER_FOUND)
        return found == NULL && req->nparams == 0 &&
               (r != ROUTER_WRONG_METHOD || allow[0] != '\0') ? 0 : FZ_BROKEN;
    if (found == NULL)
        return FZ_BROKEN;
    for (p = found->pattern; *p; p++)
        ncolons += *p == ':';
    if (req->nparams != ncolons)
        return FZ_BROKEN;
    for (i = 0; i < req->nparams; i++) {
        /* What the handlers then do with a capture. */
        if (!fz_http_decoded_ok(req->params[i]) || req->params[i][0] == '\0')
            return FZ_BROKEN;
        (void)uuid_valid(req->params[i]);
        (void)user_handle_valid(req->params[i]);
    }
    return 0;
}

static inline int
fz_http_query(const struct http_request *req)
{
    static const char *const names[] = { "term", "before", "limit", "" };
    char *v;
    size_t i;
    int bad = 0;

    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (http_query_param(req, names[i], &v) == CR_OK && v != NULL &&
            !fz_http_decoded_ok(v))
            bad = FZ_BROKEN;
        free(v);
    }
    return bad;
}

/* input_text() as the services call it: on success a non-blank string of
 * at most max code points, on failure a 422 in the response. */
static inline int
fz_http_inputs(const struct http_request *req, struct http_response *res)
{
    static const struct { const char *key; size_t max; } fields[] = {
        { "message", 280 }, { "message", 1024 }, { "ttl", 32 },
        { "handle", 32 }, { "message_group_uuid", 36 },
    };
    const char *v;
    size_t i;

    for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
        if (input_text(req, res, fields[i].key, fields[i].max, &v)) {
            if (v == NULL || !input_not_blank(v) ||
                !fz_http_decoded_ok(v) || utf8_count(v) > fields[i].max)
                return FZ_BROKEN;
        } else if (v != NULL || res->status != 422) {
            return FZ_BROKEN;
        }
    }
    return 0;
}

/* The body checks: CR_OK with an object (or nothing for an empty body),
 * or CR_INVALID with a 400/415 error. */
static inline int
fz_http_body(struct http_request *req, struct http_response *res)
{
    char *out;
    cr_code rc;
    int bad = 0;

    rc = http_request_parse_body(req, res);
    if (rc == CR_OK) {
        if (req->body.len > 0 ? !json_is_object(req->json) : req->json != NULL)
            return FZ_BROKEN;
        bad = fz_http_inputs(req, res);
    } else if (rc != CR_INVALID || req->json != NULL ||
               (res->status != 400 && res->status != 415)) {
        return FZ_BROKEN;
    }
    (void)http_response_body(res, &out);
    free(out);
    return bad;
}

static inline int
fz_http(const uint8_t *data, size_t size)
{
    struct http_request req;
    struct http_response res;
    char *method, *target, *ctype;
    int bad = 0;

    method = fz_take(&data, &size, ' ');
    target = fz_take(&data, &size, '\n');
    ctype = fz_take(&data, &size, '\n');
    http_request_init(&req);
    http_response_init(&res);
    req.method = method;
    req.content_type = ctype;
    if (http_request_set_target(&req, target) == CR_OK) {
        if (req.path == NULL || req.path[0] != '/' || req.query == NULL ||
            strchr(req.path, '?') != NULL)
            bad = FZ_BROKEN;
        bad |= fz_http_route(&req, method);
        bad |= fz_http_query(&req);
    }
    /* Bodies past HTTP_MAX_BODY never reach the parser: the append fails. */
    if (buf_append(&req.body, data, size) == CR_OK)
        bad |= fz_http_body(&req, &res);
    http_response_free(&res);
    http_request_free(&req);
    free(ctype);
    free(target);
    free(method);
    return bad;
}

#endif
