/* test_aws_sigv4.c - the Authorization header aws_sigv4 signs for our
 * DynamoDB Query (with a session token), Cognito ListUsers, Secrets Manager
 * GetSecretValue and SSM GetParameter requests, at
 * a fixed time, equals the one botocore computes for the same bytes; the
 * kept signing key gives the same header again, and another day's key is
 * derived anew.
 * The requests go to a loopback stub that records them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "aws/client/aws_client.h"
#include "aws/messages/msg_req.h"
#include "tests/unit/http_stub.h"

#define FIXED_TIME 1679166251   /* 2023-03-18T19:04:11Z */
#define TOKEN "IQoJb3JpZ2luX2VjEXAMPLEtoken//with+odd=chars"

/* The helper script, from the repo root or next to build/<exe>. */
static void
script_path(char *out, size_t size)
{
    char exe[4096];
    ssize_t n;
    char *slash;

    snprintf(out, size, "tests/unit/sigv4_botocore.py");
    if (access(out, R_OK) == 0)
        return;
    n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n <= 0)
        return;
    exe[n] = '\0';
    for (int i = 0; i < 2 && (slash = strrchr(exe, '/')); i++)
        *slash = '\0';
    snprintf(out, size, "%s/tests/unit/sigv4_botocore.py", exe);
}

/* botocore's Authorization for what the stub received. */
static void
botocore_auth(struct stub *s, const char *service, const char *token,
              char *out, size_t size)
{
    char script[4200], cmd[4300], *text;
    char url[64], ctype[128], target[128], date[64];
    json_t *spec;
    FILE *p;

    stub_header(s, "Content-Type", ctype, sizeof(ctype));
    stub_header(s, "X-Amz-Target", target, sizeof(target));
    stub_header(s, "X-Amz-Date", date, sizeof(date));
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/", s->port);
    spec = json_pack("{s:s, s:s, s:{s:s, s:s}, s:s, s:s, s:s, s:s*, s:s, s:s, s:s}",
                     "method", "POST", "url", url,
                     "headers", "Content-Type", ctype, "X-Amz-Target", target,
                     "body", stub_body(s), "access_key", "AKIDEXAMPLE",
                     "secret_key", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                     "token", token, "region", "us-east-1",
                     "service", service, "amz_date", date);
    assert_non_null(spec);
    /* Handed over in the environment: no temporary file, no quoting. */
    text = json_dumps(spec, JSON_COMPACT);
    assert_non_null(text);
    assert_int_equal(setenv("SIGV4_REQUEST", text, 1), 0);
    free(text);
    json_decref(spec);
    script_path(script, sizeof(script));
    /* Debian's interpreter, the one python3-botocore (scripts/install) is
     * installed for, even where another python3 comes first in PATH. */
    snprintf(cmd, sizeof(cmd), "%s '%s'",
             access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3"
                                                    : "python3", script);
    p = popen(cmd, "r");
    assert_non_null(p);
    assert_non_null(fgets(out, (int)size, p));
    out[strcspn(out, "\n")] = '\0';
    assert_int_equal(pclose(p), 0);
    unsetenv("SIGV4_REQUEST");
}

static void
client_for(struct aws_client *c, struct stub *s, const char *token)
{
    struct aws_env env;

    memset(&env, 0, sizeof(env));
    strcpy(env.region, "us-east-1");
    strcpy(env.table, "cruddur-messages");
    snprintf(env.ddb_endpoint, sizeof(env.ddb_endpoint), "http://127.0.0.1:%d",
             s->port);
    strcpy(env.streams_endpoint, env.ddb_endpoint);
    strcpy(env.cognito_endpoint, env.ddb_endpoint);
    strcpy(env.secrets_endpoint, env.ddb_endpoint);
    strcpy(env.ssm_endpoint, env.ddb_endpoint);
    setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", 1);
    if (token)
        setenv("AWS_SESSION_TOKEN", token, 1);
    else
        unsetenv("AWS_SESSION_TOKEN");
    assert_int_equal(aws_client_init(c, &env), CR_OK);
    c->sign_time = FIXED_TIME;
}

static void
test_dynamodb_query_with_token(void **state)
{
    static const struct stub_reply ok[] = { { 200, "{\"Items\":[],\"Count\":0}" } };
    struct stub s;
    struct aws_client c;
    json_t *req = NULL, *resp = NULL;
    char ours[1024], theirs[1024], hdr[256];

    (void)state;
    assert_int_equal(stub_start(&s, ok, 1), 0);
    client_for(&c, &s, TOKEN);
    assert_int_equal(msg_req_list_messages(c.env.table,
                     "5c0a3e1b-8d2f-4e6a-9b71-2f4c8d9e0a13", 20,
                     "2023-03-18T19:04:11.123456+00:00", &req), CR_OK);
    assert_int_equal(aws_call(&c, AWS_DYNAMODB, "Query", req, &resp, NULL), CR_OK);
    stub_header(&s, "x-amz-security-token", hdr, sizeof(hdr));
    assert_string_equal(hdr, TOKEN);
    stub_header(&s, "X-Amz-Date", hdr, sizeof(hdr));
    assert_string_equal(hdr, "20230318T190411Z");
    stub_header(&s, "X-Amz-Target", hdr, sizeof(hdr));
    assert_string_equal(hdr, "DynamoDB_20120810.Query");
    stub_header(&s, "Authorization", ours, sizeof(ours));
    assert_non_null(strstr(ours, "x-amz-security-token"));   /* it is signed */
    assert_non_null(strstr(ours, "/us-east-1/dynamodb/aws4_request"));
    botocore_auth(&s, "dynamodb", TOKEN, theirs, sizeof(theirs));
    assert_string_equal(ours, theirs);

    /* The same request again, signed with the kept key: the same header. */
    json_decref(resp);
    assert_int_equal(aws_call(&c, AWS_DYNAMODB, "Query", req, &resp, NULL), CR_OK);
    stub_header(&s, "Authorization", ours, sizeof(ours));
    assert_string_equal(ours, theirs);
    /* Another second gives another signature: the comparison has teeth. */
    json_decref(resp);
    c.sign_time = FIXED_TIME + 1;
    assert_int_equal(aws_call(&c, AWS_DYNAMODB, "Query", req, &resp, NULL), CR_OK);
    stub_header(&s, "Authorization", hdr, sizeof(hdr));
    assert_string_not_equal(hdr, theirs);
    json_decref(resp);
    /* The next day needs the next day's key, as botocore derives it. */
    c.sign_time = FIXED_TIME + 86400;
    assert_int_equal(aws_call(&c, AWS_DYNAMODB, "Query", req, &resp, NULL), CR_OK);
    stub_header(&s, "Authorization", ours, sizeof(ours));
    assert_non_null(strstr(ours, "Credential=AKIDEXAMPLE/20230319/us-east-1/"));
    botocore_auth(&s, "dynamodb", TOKEN, theirs, sizeof(theirs));
    assert_string_equal(ours, theirs);
    json_decref(resp);
    json_decref(req);
    aws_client_free(&c);
    stub_stop(&s);
}

/* One call of the x-amz-json-1.1 services: target and signing scope as the
 * SDKs send them, the signature as botocore computes it. req is consumed. */
static void
check_json11(enum aws_service svc, const char *target, json_t *req,
             const char *full_target, const char *service, const char *reply)
{
    const struct stub_reply ok[] = { { 200, reply } };
    struct stub s;
    struct aws_client c;
    json_t *resp = NULL;
    char ours[1024], theirs[1024], hdr[128], scope[64];

    assert_int_equal(stub_start(&s, ok, 1), 0);
    client_for(&c, &s, NULL);
    assert_int_equal(aws_call(&c, svc, target, req, &resp, NULL), CR_OK);
    stub_header(&s, "Content-Type", hdr, sizeof(hdr));
    assert_string_equal(hdr, "application/x-amz-json-1.1");
    stub_header(&s, "X-Amz-Target", hdr, sizeof(hdr));
    assert_string_equal(hdr, full_target);
    stub_header(&s, "Authorization", ours, sizeof(ours));
    snprintf(scope, sizeof(scope), "/us-east-1/%s/aws4_request", service);
    assert_non_null(strstr(ours, scope));
    botocore_auth(&s, service, NULL, theirs, sizeof(theirs));
    assert_string_equal(ours, theirs);
    json_decref(resp);
    json_decref(req);
    aws_client_free(&c);
    stub_stop(&s);
}

static void
test_cognito_list_users(void **state)
{
    (void)state;
    check_json11(AWS_COGNITO, "ListUsers",
                 json_pack("{s:s, s:i}", "UserPoolId", "us-east-1_AbCdEfGhI",
                           "Limit", 60),
                 "AWSCognitoIdentityProviderService.ListUsers", "cognito-idp",
                 "{\"Users\":[]}");
}

/* The sign-up function's connection string (aws/signup/signup_conninfo.c). */
static void
test_secrets_and_ssm(void **state)
{
    (void)state;
    check_json11(AWS_SECRETS, "GetSecretValue",
                 json_pack("{s:s}", "SecretId", "cruddur/connection-url"),
                 "secretsmanager.GetSecretValue", "secretsmanager",
                 "{\"SecretString\":\"x\"}");
    check_json11(AWS_SSM, "GetParameter",
                 json_pack("{s:s, s:b}", "Name", "/cruddur/connection-url",
                           "WithDecryption", 1),
                 "AmazonSSM.GetParameter", "ssm",
                 "{\"Parameter\":{\"Value\":\"x\"}}");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dynamodb_query_with_token),
        cmocka_unit_test(test_cognito_list_users),
        cmocka_unit_test(test_secrets_and_ssm),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
