/* test_aws_error.c - AWS error answers parsed and mapped, and aws_call's
 * bounded retries, against a loopback stub. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "aws/client/aws_client.h"
#include "tests/unit/http_stub.h"

static cr_code
parse(enum aws_service svc, long status, const char *body, struct aws_error *e)
{
    aws_error_parse(e, status, body, strlen(body));
    return aws_error_code(e, svc);
}

static void
test_parse_and_map(void **state)
{
    struct aws_error e;

    (void)state;
    assert_int_equal(parse(AWS_DYNAMODB, 400,
        "{\"__type\":\"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException\","
        "\"message\":\"The conditional request failed\"}", &e), CR_CONFLICT);
    assert_string_equal(e.type, "ConditionalCheckFailedException");
    assert_string_equal(e.message, "The conditional request failed");
    assert_int_equal(e.status, 400);
    assert_int_equal(parse(AWS_DYNAMODB, 400,
        "{\"__type\":\"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException\","
        "\"Message\":\"Requested resource not found\"}", &e), CR_NOT_FOUND);
    assert_string_equal(e.message, "Requested resource not found");
    assert_int_equal(parse(AWS_DYNAMODB, 400,
        "{\"__type\":\"com.amazon.coral.validate#ValidationException\",\"message\":\"x\"}",
        &e), CR_INVALID);
    assert_int_equal(parse(AWS_DYNAMODB, 400,
        "{\"__type\":\"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException\"}",
        &e), CR_DDB_UNAVAILABLE);
    assert_true(aws_error_retryable(&e));
    assert_int_equal(parse(AWS_STREAMS, 400,
        "{\"__type\":\"com.amazon.coral.availability#ThrottlingException\"}", &e),
        CR_DDB_UNAVAILABLE);
    assert_int_equal(parse(AWS_COGNITO, 400,
        "{\"__type\":\"TooManyRequestsException\"}", &e), CR_AUTH_UNAVAILABLE);
    assert_int_equal(parse(AWS_COGNITO, 503, "<html>", &e), CR_AUTH_UNAVAILABLE);
    assert_string_equal(e.type, "");
    assert_int_equal(parse(AWS_DYNAMODB, 500, "", &e), CR_DDB_UNAVAILABLE);
    assert_int_equal(parse(AWS_DYNAMODB, 400,
        "{\"__type\":\"com.amazonaws.dynamodb.v20120810#AccessDeniedException\"}", &e),
        CR_BACKEND);
    assert_false(aws_error_retryable(&e));
    assert_int_equal(parse(AWS_DYNAMODB, 403, "not json", &e), CR_BACKEND);
    assert_int_equal(parse(AWS_COGNITO, 400,
        "{\"__type\":\"NotAuthorizedException\",\"message\":\"Incorrect\"}", &e),
        CR_UNAUTHORIZED);
    assert_int_equal(parse(AWS_COGNITO, 400,
        "{\"__type\":\"UsernameExistsException\"}", &e), CR_CONFLICT);
}

static void
test_transaction_reasons(void **state)
{
    struct aws_error e;

    (void)state;
    assert_int_equal(parse(AWS_DYNAMODB, 400,
        "{\"__type\":\"com.amazonaws.dynamodb.v20120810#TransactionCanceledException\","
        "\"Message\":\"Transaction cancelled\",\"CancellationReasons\":["
        "{\"Code\":\"None\"},{\"Code\":\"ConditionalCheckFailed\",\"Message\":\"c\"},"
        "{\"Code\":\"None\"}]}", &e), CR_CONFLICT);
    assert_int_equal(e.nreasons, 3);
    assert_string_equal(e.reasons[0], "None");
    assert_string_equal(e.reasons[1], "ConditionalCheckFailed");
    assert_int_equal(parse(AWS_DYNAMODB, 400,
        "{\"__type\":\"TransactionCanceledException\",\"CancellationReasons\":["
        "{\"Code\":\"ConditionalCheckFailed\"},{\"Code\":\"ValidationError\"}]}",
        &e), CR_BACKEND);
    assert_int_equal(parse(AWS_DYNAMODB, 400,
        "{\"__type\":\"TransactionCanceledException\",\"CancellationReasons\":["
        "{\"Code\":\"None\"},{\"Code\":\"TransactionConflict\"}]}", &e),
        CR_DDB_UNAVAILABLE);
    assert_true(aws_error_retryable(&e));
    assert_int_equal(parse(AWS_DYNAMODB, 400,
        "{\"__type\":\"TransactionCanceledException\",\"CancellationReasons\":["
        "{\"Code\":\"None\"},{\"Code\":\"None\"}]}", &e), CR_BACKEND);
}

static void
client_for(struct aws_client *c, int port)
{
    struct aws_env env;

    memset(&env, 0, sizeof(env));
    strcpy(env.region, "us-east-1");
    snprintf(env.ddb_endpoint, sizeof(env.ddb_endpoint), "http://127.0.0.1:%d", port);
    strcpy(env.streams_endpoint, env.ddb_endpoint);
    strcpy(env.cognito_endpoint, env.ddb_endpoint);
    setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "secret", 1);
    unsetenv("AWS_SESSION_TOKEN");
    assert_int_equal(aws_client_init(c, &env), CR_OK);
}

static double
now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Calls svc against a stub answering replies; returns the code, sets the
 * number of requests seen. */
static cr_code
call_stub(enum aws_service svc, const struct stub_reply *r, int n, int *seen,
          struct aws_error *e, double *secs)
{
    struct stub s;
    struct aws_client c;
    json_t *req = json_object(), *resp = NULL;
    double t0;
    cr_code rc;

    assert_int_equal(stub_start(&s, r, n), 0);
    client_for(&c, s.port);
    t0 = now_s();
    rc = aws_call(&c, svc, "Query", req, &resp, e);
    *secs = now_s() - t0;
    *seen = stub_served(&s);
    if (rc == CR_OK)
        assert_non_null(resp);
    else
        assert_null(resp);
    json_decref(resp);
    json_decref(req);
    aws_client_free(&c);
    stub_stop(&s);
    return rc;
}

static void
test_retries(void **state)
{
    static const struct stub_reply throttled[] = {
        { 400, "{\"__type\":\"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException\"}" } };
    static const struct stub_reply then_ok[] = {
        { 503, "" }, { 400, "{\"__type\":\"ThrottlingException\"}" },
        { 200, "{\"Items\":[]}" } };
    static const struct stub_reply conflict[] = {
        { 400, "{\"__type\":\"x#ConditionalCheckFailedException\"}" } };
    static const struct stub_reply garbage[] = { { 200, "<html>" } };
    static const struct stub_reply down[] = { { 500, "{}" } };
    struct aws_error e;
    double secs;
    int seen;

    (void)state;
    assert_int_equal(call_stub(AWS_DYNAMODB, throttled, 1, &seen, &e, &secs),
                     CR_DDB_UNAVAILABLE);
    assert_int_equal(seen, 4);          /* bounded */
    /* The backoff waits add up to well under 0.2 s; the bound leaves room
     * for a slow machine or valgrind, and still catches an unbounded retry. */
    assert_true(secs < 2.0);
    assert_string_equal(e.type, "ProvisionedThroughputExceededException");
    assert_int_equal(call_stub(AWS_STREAMS, then_ok, 3, &seen, &e, &secs), CR_OK);
    assert_int_equal(seen, 3);
    assert_int_equal(call_stub(AWS_DYNAMODB, conflict, 1, &seen, &e, &secs),
                     CR_CONFLICT);
    assert_int_equal(seen, 1);          /* not retried */
    assert_int_equal(call_stub(AWS_DYNAMODB, garbage, 1, &seen, &e, &secs),
                     CR_BACKEND);
    assert_int_equal(call_stub(AWS_COGNITO, down, 1, &seen, &e, &secs),
                     CR_AUTH_UNAVAILABLE);
    assert_int_equal(seen, 4);
}

static void
test_no_server(void **state)
{
    static const struct stub_reply any[] = { { 200, "{}" } };
    struct stub s;
    struct aws_client c;
    json_t *req = json_object(), *resp = NULL;
    struct aws_error e;
    int port;

    (void)state;
    /* A port that was just free and is closed again: connection refused. */
    assert_int_equal(stub_start(&s, any, 1), 0);
    port = s.port;
    stub_stop(&s);
    client_for(&c, port);
    assert_int_equal(aws_call(&c, AWS_DYNAMODB, "Query", req, &resp, &e),
                     CR_DDB_UNAVAILABLE);
    assert_int_equal(e.status, 0);
    assert_int_equal(aws_call(&c, AWS_COGNITO, "ListUsers", req, &resp, NULL),
                     CR_AUTH_UNAVAILABLE);
    json_decref(req);
    aws_client_free(&c);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_and_map),
        cmocka_unit_test(test_transaction_reasons),
        cmocka_unit_test(test_retries),
        cmocka_unit_test(test_no_server),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
