/* signup_handler.h - cruddur-post-confirmation: a Cognito user who has
 * just confirmed their sign-up becomes a Cruddur user (a users row).
 *
 * One handler, two drivers, as the stream processor: the Lambda custom
 * runtime (main_cruddur-post-confirmation.c) and the local Lambda Invoke
 * endpoint cognito-local calls (main_cruddur-invoke.c). Neither logs here:
 * the driver logs each invocation once from what the result says. */
#ifndef CRUDDUR_SIGNUP_HANDLER_H
#define CRUDDUR_SIGNUP_HANDLER_H

#include <stddef.h>

#include "app/core/err.h"
#include "app/db/db.h"
#include "aws/signup/signup_event.h"

/* The name the function has in AWS, in cognito-local's configuration and
 * in the local Invoke endpoint's path. */
#define SIGNUP_FUNCTION_NAME "cruddur-post-confirmation"

enum signup_outcome {
    SIGNUP_REFUSED,          /* a failed invocation: see err */
    SIGNUP_CREATED,          /* a new users row */
    SIGNUP_PRESENT,          /* the sub had its row already (a retry) */
    SIGNUP_SKIPPED,          /* a forgotten password: nothing to do */
};

struct signup_result {
    enum signup_outcome outcome;
    struct signup_event ev;         /* what was read (sub and handle log) */
    struct signup_error err;        /* on failure */
};

struct signup_handler {
    struct db *db;                  /* not owned */
};

/* One invocation with event (len bytes of JSON). On CR_OK *response is the
 * event unchanged (malloc'd; what Cognito expects back). Otherwise
 * res->err says why, for the user: CR_INVALID for a malformed event or
 * attribute, CR_CONFLICT when another user holds the handle, the database's
 * code when it failed (CR_DB_UNAVAILABLE: Cognito lets the user try
 * again). Never CR_OK without the row. */
cr_code signup_handle(struct signup_handler *h, const char *event, size_t len,
                      char **response, struct signup_result *res);

/* The log line of one invocation: "<source> <sub> <handle>: created" or
 * ": refused (<type>): <message>", into out. */
void signup_result_describe(const struct signup_result *res, cr_code rc,
                            char *out, size_t size);

#endif
