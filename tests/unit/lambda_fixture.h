/* lambda_fixture.h - what the stream Lambda's tests (test_lambda_runtime.c,
 * test_stream_trace.c) share: a batch event that needs no DynamoDB call,
 * and an AWS client with made-up credentials for the handler, which these
 * tests never let call out. lfx_setup and lfx_teardown are the cmocka
 * group set-up and tear-down. */
#ifndef CRUDDUR_TEST_LAMBDA_FIXTURE_H
#define CRUDDUR_TEST_LAMBDA_FIXTURE_H

#include "aws/client/aws_client.h"

/* A REMOVE (sequence number 100), a group row's INSERT (200, skipped) and
 * a MSG# INSERT (300) whose image is not a message: only the last fails,
 * and its text ("secret words") must show nowhere. */
extern const char lfx_batch_event[];
extern struct aws_client lfx_aws;

int lfx_setup(void **state);
int lfx_teardown(void **state);

#endif
