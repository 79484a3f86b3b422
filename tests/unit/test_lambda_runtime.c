/* test_lambda_runtime.c - the Lambda Runtime API client and loop against a
 * small HTTP server in the test that plays the Lambda service: events in,
 * responses and errors checked. The last tests run the real bootstrap
 * (build/bootstrap, or $LAMBDA_BOOTSTRAP: the zip's, unzipped) with an
 * environment holding only what Lambda sets. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <limits.h>
#include <signal.h>
#include <sys/wait.h>

#include <cmocka.h>
#include <jansson.h>

#include "aws/client/aws_client.h"
#include "aws/lambda/lambda_runtime.h"
#include "aws/stream/stream_handler.h"
#include "aws/stream/stream_lambda.h"
#include "tests/unit/lambda_fake.h"
#include "tests/unit/lambda_fixture.h"

static void
assert_failures(const char *body, const char *only_id)
{
    json_t *j = json_loads(body, 0, NULL), *list;

    assert_non_null(j);
    list = json_object_get(j, "batchItemFailures");
    assert_true(json_is_array(list));
    if (only_id == NULL) {
        assert_int_equal(json_array_size(list), 0);
    } else {
        assert_int_equal(json_array_size(list), 1);
        assert_string_equal(json_string_value(json_object_get(
            json_array_get(list, 0), "itemIdentifier")), only_id);
    }
    json_decref(j);
}

static void
test_loop_answers(void **state)
{
    const char *events[] = { lfx_batch_event, "not json", "{\"foo\":1}",
                             "{\"Records\":[]}" };
    struct lambda_runtime rt;
    struct stream_handler h;
    struct fake f;
    char api[64];

    (void)state;
    fake_start(&f, events, 4);
    fake_api(&f, api, sizeof(api));
    assert_int_equal(lambda_runtime_init(&rt, api), CR_OK);
    stream_handler_init(&h, &lfx_aws, "cruddur-messages");
    assert_int_equal(lambda_runtime_run(&rt, stream_lambda_handle, &h, 4), CR_OK);
    lambda_runtime_free(&rt);
    fake_stop(&f);

    assert_int_equal(f.nreqs, 4);
    assert_string_equal(f.reqs[0].path,
                        "/2018-06-01/runtime/invocation/req-1/response");
    assert_failures(f.reqs[0].body, "300");
    assert_string_equal(f.reqs[1].path,
                        "/2018-06-01/runtime/invocation/req-2/error");
    assert_string_equal(f.reqs[1].error_type, "InvalidEvent");
    assert_non_null(strstr(f.reqs[1].body, "\"errorType\":\"InvalidEvent\""));
    assert_string_equal(f.reqs[2].path,
                        "/2018-06-01/runtime/invocation/req-3/error");
    assert_string_equal(f.reqs[3].path,
                        "/2018-06-01/runtime/invocation/req-4/response");
    assert_failures(f.reqs[3].body, NULL);
}

static void
test_init_error(void **state)
{
    struct lambda_runtime rt;
    struct fake f;
    char api[64];

    (void)state;
    fake_start(&f, NULL, 0);
    fake_api(&f, api, sizeof(api));
    assert_int_equal(lambda_runtime_init(&rt, api), CR_OK);
    assert_int_equal(lambda_runtime_init_error(&rt, "Runtime.ConfigError",
                                               "no region"), CR_OK);
    lambda_runtime_free(&rt);
    fake_stop(&f);
    fake_assert_init_error(&f, "Runtime.ConfigError",
                           "\"errorMessage\":\"no region\"");
}

/* An answer without a request id, and a service that is gone. */
static void
test_next_failures(void **state)
{
    const char *events[] = { "{\"Records\":[]}" };
    struct lambda_invocation inv;
    struct lambda_runtime rt;
    struct fake f;
    char api[64];

    (void)state;
    fake_start(&f, events, 1);
    f.give_id = 0;
    fake_api(&f, api, sizeof(api));
    assert_int_equal(lambda_runtime_init(&rt, api), CR_OK);
    lambda_invocation_init(&inv);
    /* Each failure's detail is the caller's to log, in rt.error. */
    assert_int_equal(lambda_runtime_next(&rt, &inv), CR_BACKEND);
    assert_string_equal(rt.error, "next invocation: status 200, no request id");
    assert_int_equal(lambda_runtime_next(&rt, &inv), CR_BACKEND);  /* 500 */
    assert_string_equal(rt.error, "next invocation: status 500, no request id");
    fake_stop(&f);
    assert_int_equal(lambda_runtime_next(&rt, &inv), CR_BACKEND);  /* closed */
    assert_non_null(strstr(rt.error, "next invocation: "));
    lambda_invocation_free(&inv);
    lambda_runtime_free(&rt);
    assert_int_equal(lambda_runtime_init(&rt, NULL), CR_INVALID);
    assert_string_equal(rt.error, "AWS_LAMBDA_RUNTIME_API is not set");
    assert_int_equal(lambda_runtime_init(&rt, "no port"), CR_INVALID);
    assert_string_equal(rt.error, "AWS_LAMBDA_RUNTIME_API is not a host:port");
}

static void
test_bootstrap_binary(void **state)
{
    const char *events[] = { lfx_batch_event, "[1,2]" };
    const char *const env[] = { "AWS_REGION=eu-west-1",
                                "AWS_ACCESS_KEY_ID=ASIATEST",
                                "AWS_SECRET_ACCESS_KEY=secret",
                                "AWS_SESSION_TOKEN=token", NULL };
    struct fake f;

    (void)state;
    /* Two events, then "next" fails: the bootstrap gives up and exits. */
    fake_run_program(&f, "LAMBDA_BOOTSTRAP", "bootstrap", events, 2, env);
    assert_int_equal(f.nreqs, 2);
    assert_string_equal(f.reqs[0].path,
                        "/2018-06-01/runtime/invocation/req-1/response");
    assert_failures(f.reqs[0].body, "300");
    assert_string_equal(f.reqs[1].path,
                        "/2018-06-01/runtime/invocation/req-2/error");
}

static void
test_bootstrap_init_error(void **state)
{
    struct fake f;

    (void)state;
    /* No region, no credentials. */
    fake_run_program(&f, "LAMBDA_BOOTSTRAP", "bootstrap", NULL, 0, NULL);
    fake_assert_init_error(&f, "Runtime.ConfigError", "errorMessage");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_loop_answers),
        cmocka_unit_test(test_init_error),
        cmocka_unit_test(test_next_failures),
        cmocka_unit_test(test_bootstrap_binary),
        cmocka_unit_test(test_bootstrap_init_error),
    };

    signal(SIGPIPE, SIG_IGN);
    return cmocka_run_group_tests(tests, lfx_setup, lfx_teardown);
}
