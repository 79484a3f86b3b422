/* test_signup_lambda.c - cruddur-post-confirmation as a Lambda: the
 * handler in the Runtime API loop, then the real program (build/
 * cruddur-post-confirmation, or $LAMBDA_SIGNUP_BOOTSTRAP: the zip's
 * bootstrap, unzipped) with an environment holding only what Lambda and
 * the template set, against the stand-in Lambda service of lambda_fake.h.
 *
 * PostgreSQL is a closed port here: a confirmation fails as it must when
 * the database is down. With $SIGNUP_LIVE_CONNECTION_URL (set by
 * tests/e2e/55-lambda-zip.t, aimed at the test stack) the program also
 * makes a users row, and a replay of the same event leaves it alone. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <curl/curl.h>
#include <jansson.h>

#include "app/core/uuid.h"
#include "app/db/db.h"
#include "app/db/users.h"
#include "aws/lambda/lambda_runtime.h"
#include "aws/signup/signup_handler.h"
#include "aws/signup/signup_lambda.h"
#include "tests/unit/lambda_fake.h"

#define DB_DOWN "postgresql://postgres@127.0.0.1:1/cruddur"
#define SUB "4f2c8a1e-9b3d-4c5e-8f70-1a2b3c4d5e6f"

/* A ConfirmSignUp event of the shape AWS sends, for sub and handle
 * (malloc'd). */
static char *
confirm_event(const char *sub, const char *handle)
{
    char email[64];
    json_t *j;
    char *s;

    snprintf(email, sizeof(email), "%s@example.com", handle);
    j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:{s:s, s:s}, s:{s:{s:s, s:s, "
                  "s:s, s:s, s:s, s:s}}, s:{}}",
                  "version", "1", "region", "us-east-1",
                  "userPoolId", "us-east-1_AbCdEfGhI", "userName", sub,
                  "triggerSource", "PostConfirmation_ConfirmSignUp",
                  "callerContext", "awsSdkVersion", "aws-sdk-unknown-unknown",
                  "clientId", "1example23456789abcdefghij",
                  "request", "userAttributes", "sub", sub,
                  "email_verified", "true", "cognito:user_status", "CONFIRMED",
                  "name", "Zip Tester", "preferred_username", handle,
                  "email", email, "response");
    assert_non_null(j);
    s = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    assert_non_null(s);
    return s;
}

static const char forgot_event[] =
    "{\"version\":\"1\",\"userName\":\"" SUB "\","
    "\"triggerSource\":\"PostConfirmation_ConfirmForgotPassword\","
    "\"request\":{\"userAttributes\":{\"sub\":\"" SUB "\"}},\"response\":{}}";

static const char bad_handle_event[] =
    "{\"triggerSource\":\"PostConfirmation_ConfirmSignUp\","
    "\"request\":{\"userAttributes\":{\"sub\":\"" SUB "\","
    "\"preferred_username\":\"mal/../x\",\"name\":\"M\","
    "\"email\":\"m@example.com\"}}}";

/* The errorMessage of an error the function posted. */
static void
assert_error(const struct fake_req *r, const char *id, const char *type,
             const char *part)
{
    char path[96];
    json_t *j = json_loads(r->body, 0, NULL);
    const char *msg = json_string_value(json_object_get(j, "errorMessage"));

    snprintf(path, sizeof(path), "/2018-06-01/runtime/invocation/%s/error", id);
    assert_string_equal(r->path, path);
    assert_string_equal(r->error_type, type);
    assert_string_equal(json_string_value(json_object_get(j, "errorType")),
                        type);
    assert_non_null(msg);
    if (strstr(msg, part) == NULL)
        fail_msg("errorMessage \"%s\" lacks \"%s\"", msg, part);
    json_decref(j);
}

static void
assert_response(const struct fake_req *r, const char *id, const char *event)
{
    char path[96];

    snprintf(path, sizeof(path), "/2018-06-01/runtime/invocation/%s/response",
             id);
    assert_string_equal(r->path, path);
    assert_string_equal(r->body, event);     /* the event, unchanged */
}

/* In the process: the handler behind the runtime loop. */
static void
test_loop(void **state)
{
    char *confirm = confirm_event(SUB, "mal");
    const char *events[] = { confirm, forgot_event, bad_handle_event,
                             "[1]" };
    struct signup_handler h = { 0 };
    struct lambda_runtime rt;
    struct fake f;
    char api[64];

    (void)state;
    assert_int_equal(db_new(&h.db, DB_DOWN), CR_OK);
    fake_start(&f, events, 4);
    fake_api(&f, api, sizeof(api));
    assert_int_equal(lambda_runtime_init(&rt, api), CR_OK);
    assert_int_equal(lambda_runtime_run(&rt, signup_lambda_handle, &h, 4),
                     CR_OK);
    lambda_runtime_free(&rt);
    fake_stop(&f);
    db_free(h.db);

    assert_int_equal(f.nreqs, 4);
    assert_error(&f.reqs[0], "req-1", "DatabaseUnavailable",
                 "cannot store new users right now");
    assert_response(&f.reqs[1], "req-2", forgot_event);
    assert_error(&f.reqs[2], "req-3", "InvalidAttribute",
                 "The handle (preferred_username) must be 1 to 32");
    assert_error(&f.reqs[3], "req-4", "InvalidEvent", "not a JSON object");
    free(confirm);
}

#define PROGRAM "LAMBDA_SIGNUP_BOOTSTRAP", "cruddur-post-confirmation"

/* The program, as Lambda runs it: no database reachable. */
static void
test_program(void **state)
{
    char *confirm = confirm_event(SUB, "mal");
    const char *events[] = { forgot_event, confirm, bad_handle_event };
    const char *const env[] = { "CONNECTION_URL=" DB_DOWN,
                                "AWS_REGION=eu-west-1", NULL };
    struct fake f;

    (void)state;
    fake_run_program(&f, PROGRAM, events, 3, env);
    assert_int_equal(f.nreqs, 3);
    assert_response(&f.reqs[0], "req-1", forgot_event);
    assert_error(&f.reqs[1], "req-2", "DatabaseUnavailable", "try again");
    assert_error(&f.reqs[2], "req-3", "InvalidAttribute", "handle");
    free(confirm);
}

/* No connection string anywhere: an init error, and the program exits. */
static void
test_program_init_error(void **state)
{
    struct fake f;

    (void)state;
    fake_run_program(&f, PROGRAM, NULL, 0, NULL);
    fake_assert_init_error(&f, "Runtime.ConfigError",
                           "set exactly one of CONNECTION_URL");
}

/* Against a real PostgreSQL: the row is made once, a replay succeeds. */
static void
test_program_live(void **state)
{
    const char *url = getenv("SIGNUP_LIVE_CONNECTION_URL");
    char sub[UUID_STR_SIZE], handle[32], conn[512], *confirm;
    const char *events[2], *env[2] = { conn, NULL };
    struct user u;
    struct db *db;
    struct fake f;

    (void)state;
    if (url == NULL || *url == '\0')
        skip();
    assert_int_equal(uuid_v4(sub), CR_OK);
    snprintf(handle, sizeof(handle), "zip_%.8s", sub);
    snprintf(conn, sizeof(conn), "CONNECTION_URL=%s", url);
    confirm = confirm_event(sub, handle);
    events[0] = events[1] = confirm;
    fake_run_program(&f, PROGRAM, events, 2, env);
    assert_int_equal(f.nreqs, 2);
    assert_response(&f.reqs[0], "req-1", confirm);
    assert_response(&f.reqs[1], "req-2", confirm);

    assert_int_equal(db_new(&db, url), CR_OK);
    assert_int_equal(users_by_cognito_sub(db, sub, &u), CR_OK);
    assert_string_equal(u.handle, handle);
    assert_string_equal(u.display_name, "Zip Tester");
    db_free(db);
    free(confirm);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_loop),
        cmocka_unit_test(test_program),
        cmocka_unit_test(test_program_init_error),
        cmocka_unit_test(test_program_live),
    };
    int rc;

    signal(SIGPIPE, SIG_IGN);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return rc;
}
