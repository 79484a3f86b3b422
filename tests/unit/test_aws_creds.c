/* test_aws_creds.c - credentials from the environment and from an ECS-style
 * container endpoint (a loopback stub), cached and refreshed 5 minutes
 * before they expire; and that aws_call signs with them. Which FULL_URI
 * values are accepted: what the AWS SDKs accept, judged on the host libcurl
 * connects to, and every shape that reads as another host refused. */
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

#define EXPIRY   1900000000   /* 2030-03-17T17:46:40Z */
#define CREDS_A "{\"AccessKeyId\":\"ASIAFIRST\",\"SecretAccessKey\":\"s1\"," \
                "\"Token\":\"tok-1\",\"Expiration\":\"2030-03-17T17:46:40Z\"," \
                "\"RoleArn\":\"arn:aws:iam::1:role/x\"}"
#define CREDS_B "{\"AccessKeyId\":\"ASIASECOND\",\"SecretAccessKey\":\"s2\"," \
                "\"Token\":\"tok-2\",\"Expiration\":\"2030-03-17T18:46:40.123Z\"}"

static void
clear_env(void)
{
    unsetenv("AWS_ACCESS_KEY_ID");
    unsetenv("AWS_SECRET_ACCESS_KEY");
    unsetenv("AWS_SESSION_TOKEN");
    unsetenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
    unsetenv("AWS_CONTAINER_CREDENTIALS_FULL_URI");
    unsetenv("AWS_CONTAINER_AUTHORIZATION_TOKEN");
}

static void
test_env_keys(void **state)
{
    struct aws_creds c;

    (void)state;
    clear_env();
    setenv("AWS_ACCESS_KEY_ID", "AKID", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "SECRET", 1);
    setenv("AWS_SESSION_TOKEN", "TOKEN", 1);
    setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:1/", 1);
    assert_int_equal(aws_creds_init(&c), CR_OK);
    assert_int_equal(c.source, AWS_CREDS_ENV);   /* keys win */
    assert_int_equal(aws_creds_get(&c, NULL, time(NULL)), CR_OK);
    assert_string_equal(c.userpwd, "AKID:SECRET");
    assert_string_equal(c.token, "TOKEN");
    clear_env();
    setenv("AWS_ACCESS_KEY_ID", "AKID", 1);
    /* Each refusal says why in c.error (the caller logs it). */
    assert_int_equal(aws_creds_init(&c), CR_INVALID);   /* half a pair */
    assert_string_equal(c.error, "AWS_ACCESS_KEY_ID is set without "
                                 "AWS_SECRET_ACCESS_KEY");
    clear_env();
    assert_int_equal(aws_creds_init(&c), CR_INVALID);   /* nothing */
    assert_non_null(strstr(c.error, "no AWS credentials"));
    setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://example.com/creds", 1);
    assert_int_equal(aws_creds_init(&c), CR_INVALID);   /* plain http away */
    assert_string_equal(c.error,
                        "AWS_CONTAINER_CREDENTIALS_FULL_URI is not allowed");
    clear_env();
    setenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "no-slash", 1);
    assert_int_equal(aws_creds_init(&c), CR_INVALID);
    assert_string_equal(c.error,
                        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI is malformed");
    clear_env();
}

/* What the SDKs accept (botocore 1.43's ContainerMetadataFetcher agrees on
 * each of these). */
static const char *const full_uri_ok[] = {
    "https://creds.example.com/v1/credentials",
    "HTTPS://creds.example.com:8443/v1/credentials",
    "http://169.254.170.2/v2/credentials/abc",
    "http://169.254.170.2:80/v2/credentials/abc",
    "HTTP://169.254.170.2/v2/credentials/abc",
    "http://169.254.170.23/v1/credentials",
    "http://[fd00:ec2::23]/v1/credentials",
    "http://[FD00:EC2::23]:80/v1/credentials",
    "http://127.0.0.1:8080/creds",
    "http://127.9.8.7/creds",
    "http://localhost:1234/creds",
    "http://LocalHost/creds",
    "http://[::1]:1234/creds",
    "http://169.254.170.2/creds?x=@attacker.example",
    "http://169.254.170.2/creds#@attacker.example",
};

/* Each a way to make a check on the text and libcurl disagree, or a host
 * the SDKs refuse. */
static const char *const full_uri_refused[] = {
    /* userinfo: libcurl connects to attacker.example */
    "http://169.254.170.2:@attacker.example/",
    "http://169.254.170.2@attacker.example/",
    "http://169.254.170.2:80@attacker.example/",
    "http://169.254.170.2\\@attacker.example/",
    "http://169.254.170.2;x@attacker.example/",
    "http://attacker.example\\@169.254.170.2/",
    "http://user@169.254.170.2/",
    "http://:pass@169.254.170.2/",
    "https://user:pass@creds.example.com/",
    "http://169.254.170.2%40attacker.example/",
    "http://169.254.170.2.attacker.example/",
    "http://localhost.attacker.example/",
    /* trailing dots */
    "http://localhost./",
    "http://169.254.170.2./",
    "http://127.0.0.1./",
    /* IPv4 spelled otherwise: libcurl rewrites them, no SDK takes them */
    "http://2852039170/",
    "http://0251.0376.0252.02/",
    "http://0xa9.0xfe.0xaa.0x2/",
    "http://169.254.43522/",
    "http://127.1/",
    "http://0x7f000001/",
    "http://%31%36%39.254.170.2/",
    /* IPv6 spelled otherwise, mapped IPv4, zone ids */
    "http://[::ffff:169.254.170.2]/",
    "http://[::ffff:a9fe:aa02]/",
    "http://[::ffff:127.0.0.1]/",
    "http://[fd00:ec2:0::23]/",
    "http://[0:0::1]/",
    "http://[::1%25lo]/",
    "http://[fd00:ec2::23%25eth0]/",
    "http://[fe80::1%25eth0]/",
    /* other hosts, schemes and shapes */
    "http://169.254.170.3/",
    "http://169.254.169.254/latest/meta-data/",
    "http://example.com/creds",
    "http:/169.254.170.2/creds",
    "http:///169.254.170.2/creds",
    "http:169.254.170.2/creds",
    "169.254.170.2/creds",
    " http://169.254.170.2/creds",
    "http://169.254.170.2 /creds",
    "ftp://169.254.170.2/creds",
    "file:///etc/passwd",
    "gopher://127.0.0.1/",
};

static cr_code
full_uri_init(const char *uri)
{
    struct aws_creds c;

    clear_env();
    setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", uri, 1);
    return aws_creds_init(&c);
}

static void
test_full_uri_rules(void **state)
{
    struct aws_creds c;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(full_uri_ok) / sizeof(full_uri_ok[0]); i++) {
        if (full_uri_init(full_uri_ok[i]) != CR_OK)
            fail_msg("refused: %s", full_uri_ok[i]);
    }
    for (i = 0; i < sizeof(full_uri_refused) / sizeof(full_uri_refused[0]); i++) {
        if (full_uri_init(full_uri_refused[i]) != CR_INVALID)
            fail_msg("accepted: %s", full_uri_refused[i]);
    }
    /* The token becomes a header line: no line break may add another. */
    clear_env();
    setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://169.254.170.2/c", 1);
    setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "abc\r\nX-Injected: 1", 1);
    assert_int_equal(aws_creds_init(&c), CR_INVALID);
    setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "abc\nX-Injected: 1", 1);
    assert_int_equal(aws_creds_init(&c), CR_INVALID);
    setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "Basic abc", 1);
    assert_int_equal(aws_creds_init(&c), CR_OK);
    clear_env();
}

static void
test_full_uri_cache_and_refresh(void **state)
{
    static const struct stub_reply r[] = { { 200, CREDS_A }, { 200, CREDS_B } };
    struct stub s;
    struct aws_creds c;
    CURL *h = curl_easy_init();
    char url[128], hdr[128];

    (void)state;
    clear_env();
    assert_int_equal(stub_start(&s, r, 2), 0);
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/v2/creds", s.port);
    setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", url, 1);
    setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "Basic c2VjcmV0", 1);
    assert_int_equal(aws_creds_init(&c), CR_OK);
    assert_int_equal(stub_served(&s), 0);         /* fetched lazily */
    assert_int_equal(aws_creds_get(&c, h, EXPIRY - 3600), CR_OK);
    assert_int_equal(stub_served(&s), 1);
    assert_string_equal(c.userpwd, "ASIAFIRST:s1");
    assert_string_equal(c.token, "tok-1");
    assert_true(c.expires == EXPIRY);
    stub_header(&s, "Authorization", hdr, sizeof(hdr));
    assert_string_equal(hdr, "Basic c2VjcmV0");
    assert_non_null(strstr(s.request, "GET /v2/creds HTTP/1.1"));
    /* Cached until 5 minutes before expiry. */
    assert_int_equal(aws_creds_get(&c, h, EXPIRY - 301), CR_OK);
    assert_int_equal(stub_served(&s), 1);
    assert_int_equal(aws_creds_get(&c, h, EXPIRY - 300), CR_OK);
    assert_int_equal(stub_served(&s), 2);
    assert_string_equal(c.userpwd, "ASIASECOND:s2");
    assert_string_equal(c.token, "tok-2");
    assert_true(c.expires == EXPIRY + 3600);
    stub_stop(&s);
    /* Endpoint gone: still-valid credentials are kept, expired ones not. */
    assert_int_equal(aws_creds_get(&c, h, EXPIRY + 3600 - 10), CR_OK);
    assert_string_equal(c.token, "tok-2");
    assert_int_equal(aws_creds_get(&c, h, EXPIRY + 3600), CR_BACKEND);
    assert_string_equal(c.userpwd, "");
    curl_easy_cleanup(h);
    clear_env();
}

static void
test_relative_uri_and_bad_answer(void **state)
{
    static const struct stub_reply r[] = { { 200, "{\"AccessKeyId\":\"A\"}" },
                                           { 404, "{}" }, { 200, CREDS_A } };
    struct stub s;
    struct aws_creds c;
    CURL *h = curl_easy_init();

    (void)state;
    clear_env();
    assert_int_equal(stub_start(&s, r, 3), 0);
    setenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/abc", 1);
    assert_int_equal(aws_creds_init(&c), CR_OK);
    /* The agent's address, pointed at the stub for the test. */
    snprintf(c.container_host, sizeof(c.container_host), "http://127.0.0.1:%d",
             s.port);
    assert_int_equal(aws_creds_get(&c, h, EXPIRY - 3600), CR_BACKEND); /* malformed */
    assert_int_equal(aws_creds_get(&c, h, EXPIRY - 3600), CR_BACKEND); /* 404 */
    assert_int_equal(aws_creds_get(&c, h, EXPIRY - 3600), CR_OK);
    assert_non_null(strstr(s.request, "GET /v2/credentials/abc HTTP/1.1"));
    assert_string_equal(c.userpwd, "ASIAFIRST:s1");
    stub_stop(&s);
    curl_easy_cleanup(h);
    clear_env();
}

/* aws_call signs with the container's keys and sends its token. */
static void
test_call_uses_container_creds(void **state)
{
    static const struct stub_reply creds[] = { { 200, CREDS_A } };
    static const struct stub_reply ddb[] = { { 200, "{\"TableNames\":[]}" } };
    struct stub cs, ds;
    struct aws_client c;
    struct aws_env env;
    json_t *req = json_object(), *resp = NULL;
    char url[128], hdr[1024];

    (void)state;
    clear_env();
    assert_int_equal(stub_start(&cs, creds, 1), 0);
    assert_int_equal(stub_start(&ds, ddb, 1), 0);
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/creds", cs.port);
    setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", url, 1);
    memset(&env, 0, sizeof(env));
    strcpy(env.region, "eu-west-2");
    snprintf(env.ddb_endpoint, sizeof(env.ddb_endpoint), "http://127.0.0.1:%d", ds.port);
    assert_int_equal(aws_client_init(&c, &env), CR_OK);
    assert_int_equal(aws_call(&c, AWS_DYNAMODB, "ListTables", req, &resp, NULL), CR_OK);
    stub_header(&ds, "x-amz-security-token", hdr, sizeof(hdr));
    assert_string_equal(hdr, "tok-1");
    stub_header(&ds, "Authorization", hdr, sizeof(hdr));
    assert_non_null(strstr(hdr, "Credential=ASIAFIRST/"));
    assert_non_null(strstr(hdr, "/eu-west-2/dynamodb/aws4_request"));
    json_decref(resp);
    json_decref(req);
    aws_client_free(&c);
    stub_stop(&cs);
    stub_stop(&ds);
    clear_env();
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_env_keys),
        cmocka_unit_test(test_full_uri_rules),
        cmocka_unit_test(test_full_uri_cache_and_refresh),
        cmocka_unit_test(test_relative_uri_and_bad_answer),
        cmocka_unit_test(test_call_uses_container_creds),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
