/* test_aws_outcome.c - what a DynamoDB call that gets no answer reports:
 * a write whose request went out to a server that never answers (a hung
 * DynamoDB: the kernel takes the connection and the bytes, nobody reads
 * them) is CR_OUTCOME_UNKNOWN, as it may have landed; a read there, and a
 * write refused before anything was sent (nothing listening, a breaker
 * cooling down), stay CR_DDB_UNAVAILABLE. A write answered 5xx on every
 * attempt is CR_OUTCOME_UNKNOWN too (AWS: its outcome is not known), a
 * read answered so is unavailable, a write refused with a 4xx is not in
 * doubt, and a 5xx settled by a later attempt's success is a success. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "aws/client/aws_client.h"
#include "http_stub.h"

#define DDB_500 "{\"__type\":\"com.amazonaws.dynamodb.v20120810#InternalServerError\",\"message\":\"Internal server error\"}"

/* A socket listening on 127.0.0.1 that nobody accepts from; its port. */
static int
silent_listener(int *port)
{
    struct sockaddr_in a;
    socklen_t len = sizeof(a);
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    assert_true(fd >= 0);
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
    assert_int_equal(listen(fd, 8), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    *port = ntohs(a.sin_port);
    return fd;
}

static void
client_at(struct aws_client *c, int port)
{
    struct aws_env env;

    memset(&env, 0, sizeof(env));
    strcpy(env.region, "us-east-1");
    strcpy(env.table, "cruddur-messages");
    snprintf(env.ddb_endpoint, sizeof(env.ddb_endpoint), "http://127.0.0.1:%d",
             port);
    setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "secret", 1);
    unsetenv("AWS_SESSION_TOKEN");
    assert_int_equal(aws_client_init(c, &env), CR_OK);
    c->deadline = deadline_in(300);
}

static cr_code
call(struct aws_client *c, const char *target, struct aws_error *err)
{
    json_t *req = json_pack("{s:s}", "TableName", "cruddur-messages");
    json_t *resp = NULL;
    cr_code rc = aws_call(c, AWS_DYNAMODB, target, req, &resp, err);

    json_decref(req);
    json_decref(resp);
    return rc;
}

static void
test_write_sent_unanswered(void **state)
{
    struct aws_client c;
    struct aws_error err;
    int port, fd = silent_listener(&port);

    (void)state;
    client_at(&c, port);
    assert_int_equal(call(&c, "TransactWriteItems", &err), CR_OUTCOME_UNKNOWN);
    assert_int_equal(err.sent_unanswered, 1);
    assert_int_equal(err.status, 0);
    /* The breaker tripped: the next write is refused before it is sent. */
    c.deadline = deadline_in(300);
    assert_int_equal(call(&c, "PutItem", &err), CR_DDB_UNAVAILABLE);
    assert_int_equal(err.sent_unanswered, 0);
    aws_client_free(&c);
    close(fd);
}

static void
test_read_sent_unanswered(void **state)
{
    struct aws_client c;
    struct aws_error err;
    int port, fd = silent_listener(&port);

    (void)state;
    client_at(&c, port);
    assert_int_equal(call(&c, "Query", &err), CR_DDB_UNAVAILABLE);
    assert_int_equal(err.sent_unanswered, 1);
    aws_client_free(&c);
    close(fd);
}

static void
test_write_refused(void **state)
{
    struct aws_client c;
    struct aws_error err;
    int port, fd = silent_listener(&port);

    (void)state;
    close(fd);                  /* nothing listens there now */
    client_at(&c, port);
    assert_int_equal(call(&c, "PutItem", &err), CR_DDB_UNAVAILABLE);
    assert_int_equal(err.sent_unanswered, 0);
    aws_client_free(&c);
}

/* target's call to a stub answering replies; the requests it saw. */
static cr_code
call_answered(const char *target, const struct stub_reply *replies, int n,
              struct aws_error *err, int *seen)
{
    struct aws_client c;
    struct stub s;
    cr_code rc;

    assert_int_equal(stub_start(&s, replies, n), 0);
    client_at(&c, s.port);
    c.deadline = deadline_in(2000);
    rc = call(&c, target, err);
    *seen = stub_served(&s);
    aws_client_free(&c);
    stub_stop(&s);
    return rc;
}

static void
test_write_answered_5xx(void **state)
{
    static const struct stub_reply r[] = { { 500, DDB_500 } };
    struct aws_error err;
    int seen;

    (void)state;
    assert_int_equal(call_answered("TransactWriteItems", r, 1, &err, &seen),
                     CR_OUTCOME_UNKNOWN);
    assert_int_equal(err.status, 500);
    assert_int_equal(err.sent_unanswered, 1);
    assert_true(seen > 1);                  /* retried while time remained */
    assert_int_equal(call_answered("PutItem", r, 1, &err, &seen),
                     CR_OUTCOME_UNKNOWN);
    /* A read in doubt is only unavailable. */
    assert_int_equal(call_answered("Query", r, 1, &err, &seen),
                     CR_DDB_UNAVAILABLE);
}

static void
test_write_5xx_then_answered(void **state)
{
    static const struct stub_reply r[] = { { 500, DDB_500 }, { 200, "{}" } };
    static const struct stub_reply bad[] = {
        { 400, "{\"__type\":\"com.amazon.coral.validate#ValidationException\","
               "\"message\":\"bad\"}" } };
    struct aws_error err;
    int seen;

    (void)state;
    assert_int_equal(call_answered("PutItem", r, 2, &err, &seen), CR_OK);
    assert_int_equal(seen, 2);
    /* A 4xx refusal: not applied, so not in doubt. */
    assert_true(call_answered("PutItem", bad, 1, &err, &seen) !=
                CR_OUTCOME_UNKNOWN);
    assert_int_equal(err.status, 400);
    assert_int_equal(err.sent_unanswered, 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_write_sent_unanswered),
        cmocka_unit_test(test_read_sent_unanswered),
        cmocka_unit_test(test_write_refused),
        cmocka_unit_test(test_write_answered_5xx),
        cmocka_unit_test(test_write_5xx_then_answered),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
