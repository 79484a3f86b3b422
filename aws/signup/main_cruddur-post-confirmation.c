/* main_cruddur-post-confirmation.c - the Cognito PostConfirmation trigger
 * as an AWS Lambda custom runtime (provided.al2023): the Runtime API loop
 * around the sign-up handler. Configuration is Lambda's environment:
 * AWS_LAMBDA_RUNTIME_API, and where PostgreSQL is (CONNECTION_URL, or
 * CONNECTION_URL_SECRET / CONNECTION_URL_PARAMETER with AWS_REGION and the
 * role's credentials: aws/signup/signup_conninfo.h). */
#include <stdlib.h>

#include <curl/curl.h>

#include "app/core/log.h"
#include "app/db/db.h"
#include "aws/lambda/lambda_runtime.h"
#include "aws/signup/signup_conninfo.h"
#include "aws/signup/signup_handler.h"
#include "aws/signup/signup_lambda.h"

/* The runtime's failures it goes on from, one line each. */
static void
post_confirmation_report(void *arg, const char *detail)
{
    (void)arg;
    log_line("post-confirmation: lambda: %s", detail);
}

int
main(void)
{
    struct lambda_runtime rt;
    struct signup_handler h = { 0 };
    struct signup_error err = { 0 };
    char *conninfo = NULL;
    cr_code rc;

    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return 1;
    if (lambda_runtime_init(&rt, getenv("AWS_LAMBDA_RUNTIME_API"))) {
        log_line("post-confirmation: not started: %s", rt.error);
        curl_global_cleanup();
        return 1;
    }
    /* The connection itself is made by the first invocation: a database
     * that is down then fails that one sign-up, not the function. */
    if ((rc = signup_conninfo_load(&conninfo, &err)) == CR_OK &&
        (rc = db_new(&h.db, conninfo)) != CR_OK)
        signup_error_set(&err, "ConfigError", "out of memory");
    free(conninfo);
    if (rc) {
        log_line("post-confirmation: not started: %s", err.message);
        lambda_runtime_init_error(&rt, "Runtime.ConfigError", err.message);
        lambda_runtime_free(&rt);
        curl_global_cleanup();
        return 1;
    }
    log_line("post-confirmation: ready");
    rt.report = post_confirmation_report;
    rc = lambda_runtime_run(&rt, signup_lambda_handle, &h, 0);
    log_line("post-confirmation: the Runtime API went away: %s (%s)",
             cr_strerror(rc), rt.error);
    db_free(h.db);
    lambda_runtime_free(&rt);
    curl_global_cleanup();
    return rc ? 1 : 0;
}
