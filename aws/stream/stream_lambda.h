/* stream_lambda.h - the stream handler as a Lambda function: a stream
 * event in, {"batchItemFailures": [...]} out (lambda_handler_fn's shape). */
#ifndef CRUDDUR_STREAM_LAMBDA_H
#define CRUDDUR_STREAM_LAMBDA_H

#include <stddef.h>

#include "app/core/err.h"

/* arg is a struct stream_handler *. An event that is not JSON or not a
 * batch of records is CR_INVALID with *error_type "InvalidEvent"; a failed
 * record is not an error of the invocation but an entry of the answer. */
cr_code stream_lambda_handle(void *arg, const char *event, size_t len,
                             char **response, const char **error_type);

#endif
