/* fz_aws_error.h - an AWS error answer through aws_error_parse() and what
 * callers decide from it. Input: "STATUS\nBODY" (status in decimal). */
#ifndef CRUDDUR_FZ_AWS_ERROR_H
#define CRUDDUR_FZ_AWS_ERROR_H

#include "aws/client/aws_error.h"
#include "tests/fuzz/fz.h"

static inline int
fz_aws_error(const uint8_t *data, size_t size)
{
    static const enum aws_service svcs[] = { AWS_DYNAMODB, AWS_STREAMS,
                                             AWS_COGNITO };
    struct aws_error err;
    char *line = fz_take(&data, &size, '\n');
    long status = strtol(line, NULL, 10);
    size_t i;
    int r, bad = 0;
    cr_code rc;

    free(line);
    aws_error_parse(&err, status, (const char *)data, size);
    if (err.status != status || strnlen(err.type, sizeof(err.type)) ==
        sizeof(err.type) || strchr(err.type, '#') != NULL ||
        strnlen(err.message, sizeof(err.message)) == sizeof(err.message) ||
        err.nreasons < 0 || err.nreasons > AWS_ERR_REASONS)
        return FZ_BROKEN;
    for (r = 0; r < err.nreasons; r++)
        if (strnlen(err.reasons[r], AWS_ERR_REASON_SIZE) == AWS_ERR_REASON_SIZE)
            return FZ_BROKEN;
    for (i = 0; i < sizeof(svcs) / sizeof(svcs[0]); i++) {
        rc = aws_error_code(&err, svcs[i]);
        /* No answer and 5xx are always worth a retry: "unavailable". */
        if ((status == 0 || status >= 500) &&
            rc != (svcs[i] == AWS_COGNITO ? CR_AUTH_UNAVAILABLE
                                          : CR_DDB_UNAVAILABLE))
            bad = FZ_BROKEN;
        if (rc == CR_OK)
            bad = FZ_BROKEN;
    }
    return bad;
}

#endif
