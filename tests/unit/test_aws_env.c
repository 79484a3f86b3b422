/* test_aws_env.c - the AWS endpoint overrides: https to any host, plain
 * http only to this machine, judged on the host libcurl connects to; the
 * region's https endpoints when unset. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "aws/client/aws_env.h"

static const char *const names[] = { "AWS_ENDPOINT_URL", "AWS_COGNITO_ENDPOINT" };

static const char *const allowed[] = {
    "https://dynamodb.example.com",
    "https://10.0.0.5:8443/",
    "http://127.0.0.1:8000",
    "http://127.2.3.4:8000",
    "http://localhost:9229",
    "http://LOCALHOST:9229/",
    "http://[::1]:8000",
};

static const char *const refused[] = {
    "http://dynamodb.example.com",
    "http://10.0.0.5:8000",
    "http://169.254.170.2",
    "http://dynamodb-local:8000",
    "http://localhost.:8000",
    "http://localhost.example.com:8000",
    "http://2130706433:8000",          /* 127.0.0.1 spelled as a number */
    "http://0177.0.0.1:8000",
    "http://127.1:8000",
    "http://[::ffff:127.0.0.1]:8000",
    "http://[::1%25lo]:8000",
    "http://127.0.0.1:@attacker.example",
    "http://127.0.0.1@attacker.example",
    "https://user:pass@dynamodb.example.com",
    "ftp://127.0.0.1",
    "http://127.0.0.1:8000/path",
};

static struct aws_env last;   /* the last load_with's */

static cr_code
load_with(const char *name, const char *value)
{
    unsetenv("AWS_ENDPOINT_URL");
    unsetenv("AWS_COGNITO_ENDPOINT");
    setenv(name, value, 1);
    return aws_env_load(&last, 0);
}

static void
test_overrides(void **state)
{
    size_t n, i;

    (void)state;
    for (n = 0; n < 2; n++) {
        for (i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
            if (load_with(names[n], allowed[i]) != CR_OK)
                fail_msg("%s refused: %s", names[n], allowed[i]);
        for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
            if (load_with(names[n], refused[i]) != CR_INVALID)
                fail_msg("%s accepted: %s", names[n], refused[i]);
            else if (strncmp(last.error, names[n], strlen(names[n])) != 0)
                fail_msg("%s refused without naming it: %s", names[n],
                         last.error);
    }
}

static void
test_defaults(void **state)
{
    struct aws_env env;

    (void)state;
    unsetenv("AWS_ENDPOINT_URL");
    unsetenv("AWS_COGNITO_ENDPOINT");
    assert_int_equal(aws_env_load(&env, 0), CR_OK);
    assert_string_equal(env.ddb_endpoint, "https://dynamodb.eu-west-2.amazonaws.com");
    assert_string_equal(env.cognito_endpoint,
                        "https://cognito-idp.eu-west-2.amazonaws.com");
    /* prod ignores a plain-http override rather than refusing it. */
    setenv("AWS_ENDPOINT_URL", "http://dynamodb.example.com", 1);
    assert_int_equal(aws_env_load(&env, 1), CR_OK);
    assert_string_equal(env.ddb_endpoint, "https://dynamodb.eu-west-2.amazonaws.com");
    unsetenv("AWS_ENDPOINT_URL");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_overrides),
        cmocka_unit_test(test_defaults),
    };

    setenv("AWS_DEFAULT_REGION", "eu-west-2", 1);
    unsetenv("DDB_MESSAGES_TABLE");
    return cmocka_run_group_tests(tests, NULL, NULL);
}
