/* lambda_runtime.h - the AWS Lambda Runtime API client of a custom runtime
 * (provided.al2023), over one kept libcurl handle (aws/client/httpc.h),
 * shared by the functions (aws/stream, aws/signup).
 *
 * A runtime asks for the next event (a long poll), then answers it with a
 * response or an invocation error; a runtime whose set-up failed reports an
 * init error instead and exits. The API's base comes from
 * AWS_LAMBDA_RUNTIME_API ("host:port"). Nothing here logs: a failure's
 * detail is left in rt->error, and the failures the loop goes on from are
 * handed to the program's rt->report. */
#ifndef CRUDDUR_LAMBDA_RUNTIME_H
#define CRUDDUR_LAMBDA_RUNTIME_H

#include <curl/curl.h>

#include "app/core/buf.h"
#include "app/core/err.h"

#define LAMBDA_URL_SIZE 320
#define LAMBDA_ID_SIZE  128
#define LAMBDA_ERROR_SIZE 256
#define LAMBDA_HEADER_SIZE 512      /* a longer trace header or ARN: "" */

typedef void (*lambda_report_fn)(void *arg, const char *detail);

struct lambda_invocation {
    char request_id[LAMBDA_ID_SIZE];   /* Lambda-Runtime-Aws-Request-Id */
    long long deadline_ms;             /* Lambda-Runtime-Deadline-Ms; 0 */
    /* Lambda-Runtime-Trace-Id: the X-Ray trace of the invocation, for the
     * handler's spans. Not copied into _X_AMZN_TRACE_ID as runtimes with
     * an X-Ray SDK do: setenv would race the exporter thread's getenv
     * (libcurl's proxy variables), and nothing here reads it. */
    char trace_id[LAMBDA_HEADER_SIZE];
    char function_arn[LAMBDA_HEADER_SIZE]; /* -Invoked-Function-Arn */
    struct buf event;                  /* the event's bytes */
};

struct lambda_runtime {
    CURL *curl;
    char base[LAMBDA_URL_SIZE];   /* http://host:port/2018-06-01/runtime */
    char error[LAMBDA_ERROR_SIZE];  /* the last failure's detail, or "" */
    /* Told each failure lambda_runtime_run goes on from (an event missed,
     * an answer Lambda did not take), to log; NULL: nobody. */
    lambda_report_fn report;
    void *report_arg;
    /* The invocation being handled (its request id for the handler's
     * trace), set by lambda_runtime_run around the handler; else NULL. */
    const struct lambda_invocation *current;
};

/* api is AWS_LAMBDA_RUNTIME_API's value. CR_INVALID when it is missing or
 * not a host:port (rt->error says which), CR_NOMEM. On failure nothing is
 * left to free. */
cr_code lambda_runtime_init(struct lambda_runtime *rt, const char *api);
void lambda_runtime_free(struct lambda_runtime *rt);

void lambda_invocation_init(struct lambda_invocation *inv);
void lambda_invocation_free(struct lambda_invocation *inv);

/* GET .../invocation/next: waits for the next event. CR_BACKEND when the
 * API did not answer or answered without a request id. */
cr_code lambda_runtime_next(struct lambda_runtime *rt,
                            struct lambda_invocation *inv);

/* POST .../invocation/<id>/response with body (JSON). */
cr_code lambda_runtime_respond(struct lambda_runtime *rt,
                               const char *request_id, const char *body);

/* POST .../invocation/<id>/error: {"errorMessage", "errorType"} and the
 * Lambda-Runtime-Function-Error-Type header. */
cr_code lambda_runtime_fail(struct lambda_runtime *rt, const char *request_id,
                            const char *type, const char *message);

/* POST .../init/error, the same body: set-up failed. */
cr_code lambda_runtime_init_error(struct lambda_runtime *rt, const char *type,
                                  const char *message);

/* What the runtime does with one event: on CR_OK *response is the JSON to
 * answer (malloc'd, the runtime frees it); any other code makes the
 * invocation an error of type *error_type (a static string) whose message
 * is *response when the handler set one (malloc'd text, shown to whoever
 * invoked the function), else the code's name. */
typedef cr_code (*lambda_handler_fn)(void *arg, const char *event, size_t len,
                                     char **response, const char **error_type);

/* The runtime loop: next, handler, response or error; again. Returns after
 * max_events events (0: never) or when the API stops answering (rt->error
 * says how). */
cr_code lambda_runtime_run(struct lambda_runtime *rt, lambda_handler_fn fn,
                           void *arg, long max_events);

#endif
