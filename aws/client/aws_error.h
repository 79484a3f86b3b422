/* aws_error.h - an AWS JSON-protocol error answer, kept without allocation,
 * and what it means for the caller (a cr_code, and whether to retry).
 *
 * aws_call() fills one for every failure and logs nothing, as libcurl fills
 * its error buffer: whoever is at the edge (a request's handler, a
 * program's main, the stream batch) logs it once, with
 * aws_error_describe(). */
#ifndef CRUDDUR_AWS_ERROR_H
#define CRUDDUR_AWS_ERROR_H

#include <stddef.h>

#include "app/core/err.h"

#define AWS_ERR_TARGET_SIZE   64
#define AWS_ERR_TYPE_SIZE     96
#define AWS_ERR_MESSAGE_SIZE  256
#define AWS_ERR_REASONS       100   /* TransactWriteItems takes at most 100 */
#define AWS_ERR_REASON_SIZE   40

enum aws_service { AWS_DYNAMODB, AWS_STREAMS, AWS_COGNITO, AWS_SECRETS,
                   AWS_SSM };
/* How many services: one past the last (a new one goes before it). */
#define AWS_SERVICE_COUNT (AWS_SSM + 1)

struct aws_error {
    char target[AWS_ERR_TARGET_SIZE];   /* the call that failed, "Query" */
    long status;                        /* HTTP status; 0: no answer */
    char type[AWS_ERR_TYPE_SIZE];       /* "__type" after its '#', e.g.
                                         * "ConditionalCheckFailedException" */
    char message[AWS_ERR_MESSAGE_SIZE]; /* "message" (or "Message"), cut;
                                         * with no answer, why not */
    /* TransactionCanceledException: CancellationReasons[i].Code, in the
     * order of the request's items ("None" for an item that was fine). */
    int nreasons;
    char reasons[AWS_ERR_REASONS][AWS_ERR_REASON_SIZE];
    /* Set by aws_call: an attempt's request went out and no answer came
     * back, or a 5xx, so a write may have landed (a later attempt's lost
     * condition may be that write's own doing). */
    int sent_unanswered;
};

void aws_error_clear(struct aws_error *err);

/* Fills err from an error answer's status and body. A body that is not
 * the JSON protocol's error object leaves type and message empty. */
void aws_error_parse(struct aws_error *err, long status, const char *body,
                     size_t len);

/* 1 for throttling, 5xx, a transaction conflict, or no answer at all. */
int aws_error_retryable(const struct aws_error *err);

/* The code a caller gets for err (after retries, if it was retryable):
 * CR_CONFLICT (condition failed; a cancelled transaction whose reasons are
 * only None and ConditionalCheckFailed; ResourceInUseException; Cognito
 * UsernameExistsException), CR_NOT_FOUND (also Cognito UserNotFound), CR_INVALID
 * (ValidationException), CR_UNAUTHORIZED (Cognito NotAuthorizedException),
 * CR_DDB_UNAVAILABLE / CR_AUTH_UNAVAILABLE for retryable ones (by svc;
 * CR_BACKEND for Secrets Manager and SSM),
 * CR_BACKEND for anything else. */
cr_code aws_error_code(const struct aws_error *err, enum aws_service svc);

/* One line for a log: "Query: status 400 ValidationException" or "Query:
 * no answer (Couldn't connect to server)". AWS's message text is left out:
 * it may quote the request's values. "" when err holds no failure. */
const char *aws_error_describe(const struct aws_error *err, char *buf,
                               size_t size);
/* The same without the call's name: "status 400 ValidationException",
 * "no answer (...)" (what a request's access line and span carry, beside
 * the operation they already name). */
const char *aws_error_reason(const struct aws_error *err, char *buf,
                             size_t size);

#endif
