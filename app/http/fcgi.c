/* fcgi.c - FastCGI parameters and streams to and from our request and
 * response. The only file that knows about libfcgi besides the main loop. */
#include <stdlib.h>
#include <string.h>
#include <fastcgi.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "app/http/fcgi.h"

/* CONTENT_LENGTH as a number: digits only, no sign, at most 10 of them.
 * -1 when malformed. */
static long
fcgi_content_length(const char *s)
{
    long n = 0;
    int digits = 0;

    if (s == NULL || *s == '\0')
        return 0;
    for (; *s; s++, digits++) {
        if (*s < '0' || *s > '9' || digits == 10)
            return -1;
        n = n * 10 + (*s - '0');
    }
    return n;
}

static cr_code
fcgi_read_body(FCGX_Request *fr, struct http_request *req,
               struct http_response *res)
{
    long want = fcgi_content_length(FCGX_GetParam("CONTENT_LENGTH", fr->envp));
    char chunk[8192];
    int got;
    cr_code rc;

    if (want < 0) {
        http_error(res, 400, "bad_content_length");
        return CR_INVALID;
    }
    if (want > HTTP_MAX_BODY) {
        http_error(res, 413, "payload_too_large");
        return CR_INVALID;
    }
    while ((long)req->body.len < want) {
        got = FCGX_GetStr(chunk, (int)sizeof(chunk), fr->in);
        if (got <= 0)
            break;
        if ((long)req->body.len + got > want)
            got = (int)(want - (long)req->body.len);
        rc = buf_append(&req->body, chunk, (size_t)got);
        if (rc) {
            http_fail(res, rc);
            return rc;
        }
    }
    if ((long)req->body.len != want) {
        http_error(res, 400, "body_truncated");
        return CR_INVALID;
    }
    return CR_OK;
}

cr_code
fcgi_request_read(FCGX_Request *fr, struct http_request *req,
                  struct http_response *res)
{
    FCGX_ParamArray env = fr->envp;
    cr_code rc;

    /* First, so that even a request refused below keeps its ids. */
    req->x_request_id = FCGX_GetParam("HTTP_X_REQUEST_ID", env);
    req->x_amzn_trace_id = FCGX_GetParam("HTTP_X_AMZN_TRACE_ID", env);
    req->traceparent = FCGX_GetParam("HTTP_TRACEPARENT", env);
    req->tracestate = FCGX_GetParam("HTTP_TRACESTATE", env);
    req->user_agent = FCGX_GetParam("HTTP_USER_AGENT", env);
    req->method = FCGX_GetParam("REQUEST_METHOD", env);
    if (req->method == NULL)
        req->method = "";
    req->head = strcmp(req->method, "HEAD") == 0;
    req->origin = FCGX_GetParam("HTTP_ORIGIN", env);
    req->authorization = FCGX_GetParam("HTTP_AUTHORIZATION", env);
    req->content_type = FCGX_GetParam("CONTENT_TYPE", env);
    req->idempotency_key = FCGX_GetParam("HTTP_IDEMPOTENCY_KEY", env);
    req->if_none_match = FCGX_GetParam("HTTP_IF_NONE_MATCH", env);
    rc = http_request_set_target(req, FCGX_GetParam("REQUEST_URI", env));
    if (rc) {
        http_error(res, rc == CR_NOMEM ? 500 : 400, "bad_request");
        return CR_INVALID;
    }
    return fcgi_read_body(fr, req, res);
}

static void
fcgi_write_cors(FCGX_Request *fr, int cors, const struct http_request *req)
{
    if (!cors)
        return;
    FCGX_FPrintF(fr->out,
                 "Access-Control-Allow-Origin: %s\r\n"
                 "Access-Control-Allow-Headers: Content-Type, Authorization\r\n"
                 "Access-Control-Allow-Methods: OPTIONS, GET, HEAD, POST\r\n"
                 "Access-Control-Expose-Headers: Authorization, "
                 "WWW-Authenticate, X-Request-Id\r\n",
                 req->origin);
    if (strcmp(req->method, "OPTIONS") == 0)
        FCGX_PutS("Access-Control-Max-Age: 600\r\n", fr->out);
}

void
fcgi_response_write(FCGX_Request *fr, int cors,
                    const struct http_request *req,
                    const struct http_response *res)
{
    char *owned = NULL;
    const char *body = res->status == 204 || res->status == 304
                           ? NULL : http_response_body(res, &owned);
    size_t len = body ? strlen(body) : 0;

    FCGX_FPrintF(fr->out, "Status: %d %s\r\n", res->status,
                 http_status_text(res->status));
    if (body)
        FCGX_FPrintF(fr->out,
                     "Content-Type: application/json; charset=utf-8\r\n"
                     "Content-Length: %lu\r\n", (unsigned long)len);
    if (res->allow[0])
        FCGX_FPrintF(fr->out, "Allow: %s\r\n", res->allow);
    if (res->status == 401 && res->challenge)
        FCGX_FPrintF(fr->out, "WWW-Authenticate: %s\r\n", res->challenge);
    if (req->request_id[0])
        FCGX_FPrintF(fr->out, "X-Request-Id: %s\r\n", req->request_id);
    if (res->etag[0])
        FCGX_FPrintF(fr->out, "ETag: %s\r\n", res->etag);
    FCGX_FPrintF(fr->out, "Cache-Control: %s\r\nVary: Origin\r\n",
                 res->cache_control ? res->cache_control : "no-store");
    fcgi_write_cors(fr, cors, req);
    FCGX_PutS("\r\n", fr->out);
    if (body && !req->head)
        FCGX_PutStr(body, (int)len, fr->out);
    free(owned);
}

int
fcgi_listener_is_unix(void)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);

    if (getsockname(FCGI_LISTENSOCK_FILENO, (struct sockaddr *)&ss, &len))
        return 0;
    return ss.ss_family == AF_UNIX;
}

cr_code
fcgi_listener_scope(char *out, size_t size)
{
    struct sockaddr_un sa;
    socklen_t len = sizeof(sa);
    size_t full, n;

    memset(&sa, 0, sizeof(sa));
    if (getsockname(FCGI_LISTENSOCK_FILENO, (struct sockaddr *)&sa, &len) ||
        sa.sun_family != AF_UNIX || sa.sun_path[0] == '\0')
        return CR_NOT_FOUND;
    full = n = strnlen(sa.sun_path, sizeof(sa.sun_path));
    while (n > 0 && sa.sun_path[n - 1] >= '0' && sa.sun_path[n - 1] <= '9')
        n--;
    /* Only digits after a dash are lighttpd's number. */
    n = n < full && n > 0 && sa.sun_path[n - 1] == '-' ? n - 1 : full;
    if (n >= size)
        return CR_INVALID;
    memcpy(out, sa.sun_path, n);
    out[n] = '\0';
    return CR_OK;
}

/* Reads what is left of the request's stdin, up to FCGI_DRAIN_MAX bytes.
 * 1 when its end record has arrived: the server has sent all it will. */
static int
fcgi_stdin_drained(FCGX_Request *fr)
{
    char trash[4096];
    long total = 0;
    int got;

    while ((got = FCGX_GetStr(trash, (int)sizeof(trash), fr->in)) > 0) {
        total += got;
        if (total > FCGI_DRAIN_MAX)
            return 0;
    }
    return FCGX_HasSeenEOF(fr->in) == EOF;
}

void
fcgi_request_finish(FCGX_Request *fr, int listener_is_unix)
{
    /* libfcgi closes a connection by shutting down its side and waiting,
     * up to 2 s, for the server to close too, so that a TCP reset cannot
     * discard the answer. A Unix socket sends no reset, and once the whole
     * request has been read nothing more is coming: a plain close() spares
     * the worker that wait, one sleep and wake-up per request during which
     * it cannot take the next one. */
    if (listener_is_unix && fr->in != NULL && fcgi_stdin_drained(fr))
        FCGX_Detach(fr);
    FCGX_Finish_r(fr);
}
