/* router.h - method + path pattern -> handler.
 *
 * A pattern is a path of segments: a literal ("activities"), a capture
 * (":uuid") or a capture behind a fixed prefix ("@:handle" matches "@bayko"
 * and captures "bayko"). Segments are percent-decoded before they are
 * compared or captured, so "%40bayko" is "@bayko" and an encoded slash stays
 * inside its segment. The first route whose method and pattern match wins;
 * a path that only matches with other methods answers 405 with Allow. */
#ifndef CRUDDUR_ROUTER_H
#define CRUDDUR_ROUTER_H

#include <stddef.h>

#include "app/core/err.h"
#include "app/http/http.h"

struct app;

enum route_auth {
    ROUTE_PUBLIC,       /* no caller */
    ROUTE_OPTIONAL,     /* the caller when a valid token comes */
    ROUTE_SIGNED_IN     /* 401 without a valid token */
};

typedef void (*route_handler)(struct app *app, struct http_request *req,
                              struct http_response *res);

struct route {
    const char *method;
    const char *pattern;
    route_handler handler;
    enum route_auth auth;
};

enum router_result {
    ROUTER_FOUND,
    ROUTER_NOT_FOUND,
    ROUTER_WRONG_METHOD,    /* allow holds "GET, HEAD, OPTIONS" etc. */
    ROUTER_BAD_PATH,        /* a segment is not valid percent-encoding */
    ROUTER_NO_MEMORY
};

/* Finds the route for method and req->path, filling req->params with the
 * captures on ROUTER_FOUND. HEAD matches GET routes. */
enum router_result router_match(const struct route *routes, size_t nroutes,
                                const char *method, struct http_request *req,
                                const struct route **found,
                                char *allow, size_t allow_size);

/* The pattern as OpenTelemetry's http.route and the logs show it: a
 * capture ":name" as "{name}" ("/api/activities/@:handle" ->
 * "/api/activities/@{handle}"), cut to fit out. */
void router_template(const char *pattern, char *out, size_t size);

#endif
