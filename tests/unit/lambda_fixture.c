/* lambda_fixture.c - the stream Lambda tests' batch event and AWS client
 * (see lambda_fixture.h). */
#include <stdlib.h>

#include <curl/curl.h>

#include "aws/client/aws_env.h"
#include "tests/unit/lambda_fixture.h"

const char lfx_batch_event[] =
    "{\"Records\":["
    "{\"eventID\":\"e1\",\"eventName\":\"REMOVE\",\"dynamodb\":{\"Keys\":"
    "{\"pk\":{\"S\":\"MSG#5c0a3e1b-8d2f-4e6a-9b71-2f4c8d9e0a13\"},"
    "\"sk\":{\"S\":\"2024-01-01T00:00:00.000000+00:00\"}},\"SequenceNumber\":\"100\"}},"
    "{\"eventID\":\"e2\",\"eventName\":\"INSERT\",\"dynamodb\":{\"Keys\":"
    "{\"pk\":{\"S\":\"GRP#5c0a3e1b-8d2f-4e6a-9b71-2f4c8d9e0a13\"},"
    "\"sk\":{\"S\":\"2024-01-01T00:00:00.000000+00:00\"}},\"SequenceNumber\":\"200\"}},"
    "{\"eventID\":\"e3\",\"eventName\":\"INSERT\",\"dynamodb\":{\"Keys\":"
    "{\"pk\":{\"S\":\"MSG#5c0a3e1b-8d2f-4e6a-9b71-2f4c8d9e0a13\"},"
    "\"sk\":{\"S\":\"2024-01-01T00:00:01.000000+00:00\"}},"
    "\"NewImage\":{\"pk\":{\"S\":\"MSG#5c0a3e1b-8d2f-4e6a-9b71-2f4c8d9e0a13\"},"
    "\"message\":{\"S\":\"secret words\"}},"
    "\"SequenceNumber\":\"300\"}}]}";

struct aws_client lfx_aws;

int
lfx_setup(void **state)
{
    struct aws_env env;

    (void)state;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    setenv("AWS_DEFAULT_REGION", "us-east-1", 1);
    setenv("AWS_ACCESS_KEY_ID", "x", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "y", 1);
    if (aws_env_load(&env, 1) || aws_client_init(&lfx_aws, &env))
        return -1;
    return 0;
}

int
lfx_teardown(void **state)
{
    (void)state;
    aws_client_free(&lfx_aws);
    curl_global_cleanup();
    return 0;
}
