/* http.h - the request a worker answers and the response it writes.
 *
 * A request is filled from the FastCGI parameters by http_request_read()
 * (app/http/fcgi.c); everything else here is pure and unit-tested: target
 * splitting, percent-decoding, query parameters, body checks. A response
 * holds one status and one JSON body; http_error() appends an error code. */
#ifndef CRUDDUR_HTTP_H
#define CRUDDUR_HTTP_H

#include <jansson.h>
#include <stddef.h>

#include "app/core/buf.h"
#include "app/core/deadline.h"
#include "app/core/err.h"
#include "app/core/reqid.h"
#include "app/db/user.h"

#define HTTP_MAX_BODY   (64 * 1024)
#define HTTP_MAX_TARGET 4096
#define HTTP_MAX_PARAMS 4

struct http_request {
    const char *method;         /* not owned: the FastCGI environment's */
    const char *origin;         /* may be NULL */
    const char *authorization;  /* may be NULL */
    const char *content_type;   /* may be NULL */
    const char *idempotency_key; /* Idempotency-Key; may be NULL */
    const char *if_none_match;  /* may be NULL */
    char *path;                 /* owned: the target up to '?', still encoded */
    char *query;                /* owned: after '?', still encoded; "" if none */
    struct buf body;            /* raw body bytes */
    json_t *json;               /* owned: the parsed body (an object) or NULL */
    char *params[HTTP_MAX_PARAMS]; /* owned: decoded path captures */
    int nparams;
    int head;                   /* HEAD: answer as GET without a body */
    struct user caller;         /* the signed-in user when has_caller */
    int has_caller;
    cr_deadline deadline;       /* when its backend calls must be done */
    /* Observability: the headers as sent (not owned, may be NULL), the
     * matched route's pattern (NULL until matched) and the request's id,
     * which the response returns as X-Request-Id when set. */
    const char *x_request_id;
    const char *x_amzn_trace_id;
    const char *traceparent;
    const char *tracestate;
    const char *user_agent;
    const char *route;
    char request_id[REQID_SIZE];
};

struct http_response {
    int status;
    json_t *json;               /* owned body, or NULL */
    char *raw;                  /* owned body already serialised (from
                                 * PostgreSQL's json functions), or NULL */
    json_t *errors;             /* owned {"errors": [...]} array, or NULL */
    char allow[64];             /* for 405: the Allow header */
    const char *challenge;      /* for 401: WWW-Authenticate (static) */
    char etag[24];              /* the ETag header, or "" */
    const char *cache_control;  /* static text; NULL: "no-store" */
};

/* The two challenges of RFC 6750: a request that sent no token, and one
 * whose token was refused (the client should sign in again). */
#define HTTP_BEARER_MISSING "Bearer realm=\"cruddur\""
#define HTTP_BEARER_INVALID "Bearer realm=\"cruddur\", error=\"invalid_token\""

void http_request_init(struct http_request *req);
void http_request_free(struct http_request *req);

/* Splits a request target into path and query. CR_INVALID when it is not
 * an origin-form target ("/..."), too long or holds a NUL/control byte. */
cr_code http_request_set_target(struct http_request *req, const char *target);

/* Percent-decodes src[0..len) into a new string. plus_is_space for query
 * strings. CR_INVALID on a bad escape, a decoded NUL or invalid UTF-8. */
cr_code http_percent_decode(const char *src, size_t len, int plus_is_space,
                            char **out);

/* The decoded value of query parameter name (first occurrence), or NULL in
 * *out when absent. CR_INVALID when the query string is malformed. */
cr_code http_query_param(const struct http_request *req, const char *name,
                         char **out);

/* Checks and parses req->body as a JSON object into req->json. Sets the
 * response's error (415/400) and returns CR_INVALID when it is not one. An
 * empty body leaves req->json NULL and returns CR_OK. */
cr_code http_request_parse_body(struct http_request *req,
                                struct http_response *res);

void http_response_init(struct http_response *res);
void http_response_free(struct http_response *res);
/* Makes the response the error {"errors": [code]} with status, replacing
 * whatever it held: a handler can set its failure first and overwrite it. */
void http_error(struct http_response *res, int status, const char *code);
/* Appends code to the errors already set (validation reports them all). */
void http_error_add(struct http_response *res, int status, const char *code);
/* 401 {"errors": ["unauthorized", code]} with WWW-Authenticate challenge
 * (HTTP_BEARER_MISSING or HTTP_BEARER_INVALID). */
void http_unauthorized(struct http_response *res, const char *code,
                       const char *challenge);
/* Answers a result code a handler could not handle itself: 503 for a
 * backend that is down, 500 for anything else. */
void http_fail(struct http_response *res, cr_code rc);
/* Takes ownership of body (or of raw). */
void http_json(struct http_response *res, int status, json_t *body);
void http_raw(struct http_response *res, int status, char *raw);

/* The serialised body of a response, or NULL for none. *owned is what the
 * caller must free(): NULL when the body is the response's own raw text,
 * which is passed through without a copy (the PostgreSQL answers). */
const char *http_response_body(const struct http_response *res,
                               char **owned);
/* 1 when an If-None-Match header value (a list of entity tags, or "*")
 * matches etag, compared weakly as RFC 9110 says for this header. */
int http_etag_matches(const char *if_none_match, const char *etag);

/* Answers body (copied) with 200 and its etag, or 304 without a body when
 * the request's If-None-Match already holds etag. cache_control is the
 * header's static text. */
void http_tagged(struct http_response *res, const struct http_request *req,
                 const char *body, size_t len, const char *etag,
                 const char *cache_control);

/* Reason phrase for a status. */
const char *http_status_text(int status);

#endif
