/* signup_lambda.h - the sign-up handler as a Lambda function (the shape of
 * lambda_handler_fn): the event back, or errorType and errorMessage. */
#ifndef CRUDDUR_SIGNUP_LAMBDA_H
#define CRUDDUR_SIGNUP_LAMBDA_H

#include <stddef.h>

#include "app/core/err.h"

/* arg is a struct signup_handler *. Logs one line per invocation: this is
 * the function's edge. */
cr_code signup_lambda_handle(void *arg, const char *event, size_t len,
                             char **response, const char **error_type);

#endif
