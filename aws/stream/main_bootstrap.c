/* main_bootstrap.c - cruddur-messaging-stream as an AWS Lambda custom
 * runtime (provided.al2023): the Runtime API loop around the stream
 * handler. Configuration is Lambda's environment: AWS_LAMBDA_RUNTIME_API,
 * AWS_REGION (or AWS_DEFAULT_REGION), the role's AWS_ACCESS_KEY_ID /
 * AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN, and DDB_MESSAGES_TABLE; the
 * OTEL_* variables trace each invocation (stream_trace.h), named by
 * AWS_LAMBDA_FUNCTION_NAME, in the X-Ray trace Lambda hands it when
 * OTEL_PROPAGATORS lists xray-lambda. */
#include <stdlib.h>

#include <curl/curl.h>

#include "app/core/env.h"
#include "app/core/log.h"
#include "aws/client/aws_client.h"
#include "aws/lambda/lambda_runtime.h"
#include "aws/stream/stream_handler.h"
#include "aws/stream/stream_lambda.h"
#include "aws/stream/stream_trace.h"

/* The runtime's failures it goes on from, one line each. */
static void
bootstrap_report(void *arg, const char *detail)
{
    (void)arg;
    log_line("bootstrap: lambda: %s", detail);
}

int
main(void)
{
    struct lambda_runtime rt;
    struct aws_client aws = { 0 };
    struct aws_env env;
    struct stream_handler h;
    struct stream_trace *trace = NULL;
    const char *why = NULL;
    cr_code rc;

    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return 1;
    if (lambda_runtime_init(&rt, env_get("AWS_LAMBDA_RUNTIME_API"))) {
        log_line("bootstrap: %s", rt.error);
        curl_global_cleanup();
        return 1;
    }
    /* Which variable is wrong: logged here and said by the init error. */
    if (aws_env_load(&env, 0))
        why = env.error;
    else if (aws_client_init(&aws, &env))
        why = aws.creds.error;
    else if (stream_trace_new_lambda(&trace, &rt))
        why = "configuration: see the log for the OTEL_ variable";
    if (why) {
        log_line("bootstrap: %s", why);
        aws_client_free(&aws);
        lambda_runtime_init_error(&rt, "Runtime.ConfigError", why);
        lambda_runtime_free(&rt);
        curl_global_cleanup();
        return 1;
    }
    stream_handler_init(&h, &aws, aws.env.table);
    h.trace = trace;
    log_line("bootstrap: table %s, region %s", aws.env.table, aws.env.region);
    rt.report = bootstrap_report;
    rc = lambda_runtime_run(&rt, stream_lambda_handle, &h, 0);
    log_line("bootstrap: the Runtime API went away: %s (%s)", cr_strerror(rc),
             rt.error);
    stream_trace_free(trace);
    aws_client_free(&aws);
    lambda_runtime_free(&rt);
    curl_global_cleanup();
    return rc ? 1 : 0;
}
