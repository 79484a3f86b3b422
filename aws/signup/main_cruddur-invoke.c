/* main_cruddur-invoke.c - a local AWS Lambda Invoke endpoint for
 * cognito-local's triggers, running the same sign-up handler as the
 * Lambda (aws/signup/signup_handler.h). A FastCGI program behind its own
 * lighttpd (etc/lighttpd-invoke.conf), as the workers are behind theirs:
 *
 *   POST /2015-03-31/functions/cruddur-post-confirmation/invocations
 *
 * answers as Lambda's Invoke does for a RequestResponse call: 200 and the
 * function's answer, or 200 with X-Amz-Function-Error: Unhandled and
 * {"errorMessage", "errorType"} when the function failed (cognito-local
 * then fails the trigger with that message); 404 ResourceNotFoundException
 * for another function. Every invocation runs at once, whatever its
 * X-Amz-Invocation-Type. Configuration: CONNECTION_URL (or its secret or
 * parameter, aws/signup/signup_conninfo.h). For development only: it checks
 * no signature, so it listens on 127.0.0.1. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <fcgiapp.h>
#include <jansson.h>

#include "app/core/log.h"
#include "app/http/fcgi.h"
#include "aws/signup/signup_conninfo.h"
#include "aws/signup/signup_handler.h"

#define INVOKE_PATH "/2015-03-31/functions/" SIGNUP_FUNCTION_NAME "/invocations"

/* Writes one answer: status, the extra header line (or NULL) and body. */
static void
invoke_write(FCGX_Request *fr, int status, const char *header,
             const char *body)
{
    FCGX_FPrintF(fr->out, "Status: %d %s\r\n"
                 "Content-Type: application/json\r\nContent-Length: %lu\r\n"
                 "%s%s", status, http_status_text(status),
                 (unsigned long)strlen(body), header ? header : "",
                 header ? "\r\n" : "");
    FCGX_FPrintF(fr->out, "X-Amz-Executed-Version: $LATEST\r\n\r\n%s", body);
}

/* Writes json (consumed) as the body. */
static void
invoke_write_json(FCGX_Request *fr, int status, const char *header,
                  json_t *json)
{
    char *body = json ? json_dumps(json, JSON_COMPACT) : NULL;

    invoke_write(fr, status, header, body ? body : "{}");
    free(body);
    json_decref(json);
}

/* The request could not be read (too large, truncated): res says so. */
static void
invoke_write_response(FCGX_Request *fr, const struct http_response *res)
{
    char *owned = NULL;
    const char *body = http_response_body(res, &owned);

    invoke_write(fr, res->status, NULL, body ? body : "{}");
    free(owned);
}

static void
invoke_function(struct signup_handler *h, FCGX_Request *fr,
                const struct http_request *req)
{
    struct signup_result res;
    char *answer = NULL, line[512];
    cr_code rc;

    rc = signup_handle(h, req->body.data ? req->body.data : "", req->body.len,
                       &answer, &res);
    signup_result_describe(&res, rc, line, sizeof(line));
    log_line("cruddur-invoke: %s: %s", SIGNUP_FUNCTION_NAME, line);
    if (rc == CR_OK)
        invoke_write(fr, 200, NULL, answer);
    else
        invoke_write_json(fr, 200, "X-Amz-Function-Error: Unhandled",
                          json_pack("{s:s, s:s}", "errorMessage",
                                    res.err.message, "errorType",
                                    res.err.type));
    free(answer);
}

static void
invoke_serve(struct signup_handler *h, FCGX_Request *fr)
{
    struct http_request req;
    struct http_response res;

    http_request_init(&req);
    http_response_init(&res);
    if (fcgi_request_read(fr, &req, &res) != CR_OK)
        invoke_write_response(fr, &res);
    else if (strcmp(req.path, INVOKE_PATH) != 0)
        invoke_write_json(fr, 404,
                          "X-Amzn-ErrorType: ResourceNotFoundException",
                          json_pack("{s:s, s:s}", "Type", "User", "message",
                                    "Function not found"));
    else if (strcmp(req.method, "POST") != 0)
        invoke_write_json(fr, 405, "Allow: POST",
                          json_pack("{s:s}", "message", "POST only"));
    else
        invoke_function(h, fr, &req);
    http_response_free(&res);
    http_request_free(&req);
}

int
main(void)
{
    struct signup_handler h = { 0 };
    struct signup_error err = { 0 };
    FCGX_Request fr;
    char *conninfo = NULL;
    int unix_listener;
    cr_code rc;

    signal(SIGPIPE, SIG_IGN);
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return 1;
    if ((rc = signup_conninfo_load(&conninfo, &err)) == CR_OK)
        rc = db_new(&h.db, conninfo);
    free(conninfo);
    if (rc || FCGX_Init() != 0 || FCGX_InitRequest(&fr, 0, 0) != 0) {
        log_line("cruddur-invoke: not started: %s",
                 err.message[0] ? err.message : cr_strerror(rc ? rc : CR_INTERNAL));
        db_free(h.db);
        curl_global_cleanup();
        return 1;
    }
    unix_listener = fcgi_listener_is_unix();
    while (FCGX_Accept_r(&fr) >= 0) {
        invoke_serve(&h, &fr);
        fcgi_request_finish(&fr, unix_listener);
    }
    FCGX_Free(&fr, 1);
    db_free(h.db);
    curl_global_cleanup();
    return 0;
}
