/* fz_body.h - a JSON request body through the body checks and into the
 * fields every writing service reads (message, ttl, handle,
 * message_group_uuid). Input: the body bytes, sent as application/json. */
#ifndef CRUDDUR_FZ_BODY_H
#define CRUDDUR_FZ_BODY_H

#include "tests/fuzz/fz_http.h"

static inline int
fz_body(const uint8_t *data, size_t size)
{
    struct http_request req;
    struct http_response res;
    int bad = 0;

    http_request_init(&req);
    http_response_init(&res);
    req.method = "POST";
    req.content_type = "application/json";
    if (buf_append(&req.body, data, size) == CR_OK)
        bad = fz_http_body(&req, &res);
    http_response_free(&res);
    http_request_free(&req);
    return bad;
}

#endif
