/* aws_error.c - AWS JSON-protocol error answers. */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "aws/client/aws_error.h"

void
aws_error_clear(struct aws_error *err)
{
    err->target[0] = '\0';
    err->status = 0;
    err->type[0] = '\0';
    err->message[0] = '\0';
    err->nreasons = 0;
    err->sent_unanswered = 0;
}

static void
aws_error_copy(char *dst, size_t size, const char *src)
{
    snprintf(dst, size, "%s", src ? src : "");
}

static void
aws_error_reasons(struct aws_error *err, json_t *reasons)
{
    size_t i;
    json_t *r;

    if (!json_is_array(reasons))
        return;
    json_array_foreach(reasons, i, r) {
        const char *code = json_string_value(json_object_get(r, "Code"));

        if (err->nreasons >= AWS_ERR_REASONS)
            break;
        aws_error_copy(err->reasons[err->nreasons], AWS_ERR_REASON_SIZE,
                       code ? code : "None");
        err->nreasons++;
    }
}

void
aws_error_parse(struct aws_error *err, long status, const char *body,
                size_t len)
{
    json_t *doc, *msg;
    const char *type, *hash;

    aws_error_clear(err);
    err->status = status;
    if (body == NULL || len == 0)
        return;
    doc = json_loadb(body, len, 0, NULL);
    if (!json_is_object(doc)) {
        json_decref(doc);
        return;
    }
    type = json_string_value(json_object_get(doc, "__type"));
    if (type) {
        /* "com.amazonaws.dynamodb.v20120810#ValidationException" */
        hash = strrchr(type, '#');
        aws_error_copy(err->type, sizeof(err->type), hash ? hash + 1 : type);
    }
    msg = json_object_get(doc, "message");
    if (msg == NULL)
        msg = json_object_get(doc, "Message");
    aws_error_copy(err->message, sizeof(err->message), json_string_value(msg));
    aws_error_reasons(err, json_object_get(doc, "CancellationReasons"));
    json_decref(doc);
}

static int
aws_error_is(const struct aws_error *err, const char *type)
{
    return strcmp(err->type, type) == 0;
}

static int
aws_error_throttle(const char *type)
{
    return strcmp(type, "ProvisionedThroughputExceededException") == 0 ||
           strcmp(type, "ThrottlingException") == 0 ||
           strcmp(type, "RequestLimitExceeded") == 0 ||
           strcmp(type, "TooManyRequestsException") == 0 ||
           strcmp(type, "ThrottlingError") == 0 ||
           strcmp(type, "ProvisionedThroughputExceeded") == 0 ||
           strcmp(type, "TransactionConflict") == 0;
}

/* -1: some reason is neither None nor a failed condition; otherwise the
 * number of failed conditions. */
static int
aws_error_conditions(const struct aws_error *err)
{
    int i, n = 0;

    for (i = 0; i < err->nreasons; i++) {
        if (strcmp(err->reasons[i], "ConditionalCheckFailed") == 0)
            n++;
        else if (strcmp(err->reasons[i], "None") != 0)
            return -1;
    }
    return n;
}

static int
aws_error_reasons_retryable(const struct aws_error *err)
{
    int i, any = 0;

    for (i = 0; i < err->nreasons; i++) {
        if (aws_error_throttle(err->reasons[i]))
            any = 1;
        else if (strcmp(err->reasons[i], "None") != 0)
            return 0;  /* a real failure among them: retrying cannot help */
    }
    return any;
}

int
aws_error_retryable(const struct aws_error *err)
{
    if (err->status == 0 || err->status >= 500)
        return 1;
    if (aws_error_throttle(err->type))
        return 1;
    if (aws_error_is(err, "TransactionCanceledException"))
        return aws_error_reasons_retryable(err);
    return 0;
}

cr_code
aws_error_code(const struct aws_error *err, enum aws_service svc)
{
    if (aws_error_retryable(err))
        return svc == AWS_COGNITO ? CR_AUTH_UNAVAILABLE
               : svc <= AWS_STREAMS ? CR_DDB_UNAVAILABLE : CR_BACKEND;
    if (aws_error_is(err, "ConditionalCheckFailedException"))
        return CR_CONFLICT;
    if (aws_error_is(err, "TransactionCanceledException"))
        return aws_error_conditions(err) > 0 ? CR_CONFLICT : CR_BACKEND;
    if (aws_error_is(err, "ResourceNotFoundException") ||
        aws_error_is(err, "UserNotFoundException"))
        return CR_NOT_FOUND;
    if (aws_error_is(err, "ValidationException") ||
        aws_error_is(err, "InvalidParameterException"))
        return CR_INVALID;
    if (svc == AWS_COGNITO && aws_error_is(err, "NotAuthorizedException"))
        return CR_UNAUTHORIZED;
    if (aws_error_is(err, "ResourceInUseException") ||   /* table exists */
        (svc == AWS_COGNITO && aws_error_is(err, "UsernameExistsException")))
        return CR_CONFLICT;
    return CR_BACKEND;
}

const char *
aws_error_reason(const struct aws_error *err, char *buf, size_t size)
{
    if (err->status == 0)
        snprintf(buf, size, "no answer%s%s%s", err->message[0] ? " (" : "",
                 err->message, err->message[0] ? ")" : "");
    else
        snprintf(buf, size, "status %ld%s%s", err->status,
                 err->type[0] ? " " : "", err->type);
    return buf;
}

const char *
aws_error_describe(const struct aws_error *err, char *buf, size_t size)
{
    char reason[AWS_ERR_TYPE_SIZE + AWS_ERR_MESSAGE_SIZE + 32];

    if (err->target[0] == '\0')
        snprintf(buf, size, "%s", "");
    else
        snprintf(buf, size, "%s: %s", err->target,
                 aws_error_reason(err, reason, sizeof(reason)));
    return buf;
}
