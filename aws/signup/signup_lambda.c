/* signup_lambda.c - one Lambda invocation of cruddur-post-confirmation. */
#include <stdlib.h>
#include <string.h>

#include "app/core/log.h"
#include "aws/signup/signup_handler.h"
#include "aws/signup/signup_lambda.h"

cr_code
signup_lambda_handle(void *arg, const char *event, size_t len,
                     char **response, const char **error_type)
{
    struct signup_result res;
    char line[512];
    cr_code rc;

    rc = signup_handle(arg, event, len, response, &res);
    signup_result_describe(&res, rc, line, sizeof(line));
    log_line("post-confirmation: %s", line);
    if (rc == CR_OK)
        return CR_OK;
    /* The runtime sends *response as the errorMessage of a failure. */
    *error_type = res.err.type;
    *response = strdup(res.err.message);
    return rc;
}
