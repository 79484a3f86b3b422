/* httpc.h - one HTTP request on a kept libcurl easy handle.
 *
 * Every outbound call of a worker (DynamoDB, Cognito, the JWKS, the ECS
 * credentials endpoint, the Lambda Runtime API) goes through here, so
 * timeouts, connection reuse and error mapping live in one place. The caller
 * owns the CURL handle and keeps it across requests: libcurl then reuses the
 * connection. */
#ifndef CRUDDUR_HTTPC_H
#define CRUDDUR_HTTPC_H

#include <curl/curl.h>

#include "app/core/buf.h"
#include "app/core/err.h"

struct httpc_req {
    const char *method;          /* "GET", "POST", ... */
    const char *url;
    struct curl_slist *headers;  /* owned by the caller; may be NULL */
    const char *body;            /* may be NULL for no body */
    size_t body_len;
    long timeout_ms;             /* whole transfer; 0 means 10 s */
    long connect_timeout_ms;     /* 0 means 2 s */
};

/* Performs the request and appends the response body to out (which may
 * carry a size limit). On CR_OK *status holds the HTTP status, whatever it
 * is. CR_BACKEND means no HTTP answer arrived (refused, reset), CR_TIMEOUT
 * none within the timeouts;
 * CR_INVALID means the answer was larger than out's limit. On failure *why
 * (when why is not NULL) says what happened, in a static string; nothing
 * is logged: the caller decides. */
cr_code httpc_perform(CURL *h, const struct httpc_req *r, long *status,
                      struct buf *out, const char **why);

#endif
