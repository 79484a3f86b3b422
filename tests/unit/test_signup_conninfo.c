/* test_signup_conninfo.c - where cruddur-post-confirmation finds
 * PostgreSQL: CONNECTION_URL, or a Secrets Manager secret / SSM parameter
 * read through the AWS client, here from a loopback stub named by the SDKs'
 * endpoint variables (the signatures are checked in test_aws_sigv4). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <curl/curl.h>
#include <jansson.h>

#include "aws/signup/signup_conninfo.h"
#include "tests/unit/http_stub.h"

static void
clear_env(void)
{
    unsetenv("CONNECTION_URL");
    unsetenv("CONNECTION_URL_SECRET");
    unsetenv("CONNECTION_URL_PARAMETER");
}

/* Aims Secrets Manager and SSM at the stub s. */
static void
aim_at(struct stub *s)
{
    char url[64];

    snprintf(url, sizeof(url), "http://127.0.0.1:%d", s->port);
    setenv("AWS_ENDPOINT_URL_SECRETS_MANAGER", url, 1);
    setenv("AWS_ENDPOINT_URL_SSM", url, 1);
}

/* Loads with the stub answering reply; returns the code, *out the string,
 * msg the error message (if any). */
static cr_code
load_with(const struct stub_reply *reply, struct stub *s, char **out,
          char *msg, size_t size)
{
    struct signup_error err = { 0 };
    cr_code rc;

    assert_int_equal(stub_start(s, reply, 1), 0);
    aim_at(s);
    rc = signup_conninfo_load(out, &err);
    snprintf(msg, size, "%s", err.message);
    return rc;
}

/* The stub's last request was target with body member key = value (the
 * body, a new reference, for more checks; json_decref() it). */
static json_t *
assert_asked(struct stub *s, const char *target, const char *key,
             const char *value)
{
    char hdr[128];
    json_t *body;

    stub_header(s, "X-Amz-Target", hdr, sizeof(hdr));
    assert_string_equal(hdr, target);
    body = json_loads(stub_body(s), 0, NULL);
    assert_string_equal(json_string_value(json_object_get(body, key)), value);
    return body;
}

static void
test_plain_env(void **state)
{
    struct signup_error err = { 0 };
    char *out = NULL;

    (void)state;
    clear_env();
    assert_int_equal(signup_conninfo_load(&out, &err), CR_INVALID);
    assert_string_equal(err.type, "ConfigError");
    assert_non_null(strstr(err.message, "set exactly one of"));
    setenv("CONNECTION_URL", "postgresql://u@db/cruddur", 1);
    assert_int_equal(signup_conninfo_load(&out, &err), CR_OK);
    assert_string_equal(out, "postgresql://u@db/cruddur");
    free(out);
    setenv("CONNECTION_URL_SECRET", "cruddur/db", 1);   /* which one? */
    assert_int_equal(signup_conninfo_load(&out, &err), CR_INVALID);
    assert_null(out);
    clear_env();
}

static void
test_secret(void **state)
{
    static const struct stub_reply url[] = {
        { 200, "{\"ARN\":\"arn:aws:secretsmanager:us-east-1:1:secret:db\","
               "\"SecretString\":\"postgresql://u:p@db.example:5432/cruddur\"}" } };
    static const struct stub_reply rds[] = {
        { 200, "{\"SecretString\":\"{\\\"username\\\":\\\"cruddur\\\","
               "\\\"password\\\":\\\"it's\\\\\\\\x\\\",\\\"engine\\\":\\\"postgres\\\","
               "\\\"host\\\":\\\"db.example\\\",\\\"port\\\":5432}\"}" } };
    const char *arn = "arn:aws:secretsmanager:us-east-1:1:secret:db";
    char *out = NULL, msg[256];
    struct stub s;

    (void)state;
    clear_env();
    setenv("CONNECTION_URL_SECRET", arn, 1);
    assert_int_equal(load_with(url, &s, &out, msg, sizeof(msg)), CR_OK);
    assert_string_equal(out, "postgresql://u:p@db.example:5432/cruddur");
    json_decref(assert_asked(&s, "secretsmanager.GetSecretValue", "SecretId",
                             arn));
    free(out);
    stub_stop(&s);

    /* RDS's JSON secret: keyword=value, quoted as libpq reads it. */
    assert_int_equal(load_with(rds, &s, &out, msg, sizeof(msg)), CR_OK);
    assert_string_equal(out, "host='db.example' port='5432' dbname='cruddur' "
                             "user='cruddur' password='it\\'s\\\\x'");
    free(out);
    stub_stop(&s);
    clear_env();
}

static void
test_parameter(void **state)
{
    static const struct stub_reply ok[] = {
        { 200, "{\"Parameter\":{\"Name\":\"/cruddur/db\",\"Type\":\"SecureString\","
               "\"Value\":\"host=db.example dbname=cruddur\"}}" } };
    char *out = NULL, msg[256];
    json_t *body;
    struct stub s;

    (void)state;
    clear_env();
    setenv("CONNECTION_URL_PARAMETER", "/cruddur/db", 1);
    assert_int_equal(load_with(ok, &s, &out, msg, sizeof(msg)), CR_OK);
    assert_string_equal(out, "host=db.example dbname=cruddur");
    body = assert_asked(&s, "AmazonSSM.GetParameter", "Name", "/cruddur/db");
    assert_true(json_is_true(json_object_get(body, "WithDecryption")));
    json_decref(body);
    free(out);
    stub_stop(&s);
    clear_env();
}

static void
test_failures(void **state)
{
    static const struct stub_reply denied[] = {
        { 400, "{\"__type\":\"AccessDeniedException\","
               "\"message\":\"not allowed to read it\"}" } };
    static const struct stub_reply binary[] = {
        { 200, "{\"SecretBinary\":\"eA==\"}" } };
    static const struct stub_reply no_host[] = {
        { 200, "{\"SecretString\":\"{\\\"username\\\":\\\"u\\\"}\"}" } };
    char *out = NULL, msg[256];
    struct stub s;

    (void)state;
    clear_env();
    setenv("CONNECTION_URL_SECRET", "cruddur/db", 1);
    assert_int_equal(load_with(denied, &s, &out, msg, sizeof(msg)), CR_BACKEND);
    assert_null(out);
    assert_non_null(strstr(msg, "GetSecretValue: status 400 AccessDeniedException"));
    assert_null(strstr(msg, "not allowed"));   /* AWS's text may quote values */
    stub_stop(&s);
    assert_int_equal(load_with(binary, &s, &out, msg, sizeof(msg)), CR_INVALID);
    assert_non_null(strstr(msg, "no SecretString"));
    stub_stop(&s);
    assert_int_equal(load_with(no_host, &s, &out, msg, sizeof(msg)), CR_INVALID);
    assert_non_null(strstr(msg, "no \"host\""));
    stub_stop(&s);
    /* No credentials: nothing is asked. */
    unsetenv("AWS_ACCESS_KEY_ID");
    assert_int_equal(load_with(denied, &s, &out, msg, sizeof(msg)), CR_INVALID);
    assert_int_equal(stub_served(&s), 0);
    stub_stop(&s);
    setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE", 1);
    clear_env();
}

static int
setup(void **state)
{
    (void)state;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    setenv("AWS_REGION", "us-east-1", 1);
    unsetenv("AWS_DEFAULT_REGION");
    setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "secret", 1);
    unsetenv("AWS_SESSION_TOKEN");
    unsetenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
    unsetenv("AWS_CONTAINER_CREDENTIALS_FULL_URI");
    return 0;
}

static int
teardown(void **state)
{
    (void)state;
    curl_global_cleanup();
    return 0;
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_env),
        cmocka_unit_test(test_secret),
        cmocka_unit_test(test_parameter),
        cmocka_unit_test(test_failures),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
