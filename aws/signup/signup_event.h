/* signup_event.h - the event Cognito sends a PostConfirmation trigger,
 * read and checked against the rules of a users row (app/db/user.h).
 *
 *   {"version": "1", "triggerSource": "PostConfirmation_ConfirmSignUp",
 *    "region": ..., "userPoolId": ..., "userName": ..., "callerContext": {...},
 *    "request": {"userAttributes": {"sub": ..., "preferred_username": ...,
 *                                   "name": ..., "email": ..., ...}},
 *    "response": {}}
 *
 * Pure: no I/O, so every hostile shape is unit-tested. */
#ifndef CRUDDUR_SIGNUP_EVENT_H
#define CRUDDUR_SIGNUP_EVENT_H

#include <jansson.h>

#include "app/core/err.h"
#include "app/core/uuid.h"
#include "app/db/user.h"

#define SIGNUP_MESSAGE_SIZE 256

/* Why an invocation failed: errorType and errorMessage of the answer.
 * Cognito shows the message to the user ("PostConfirmation failed with
 * error <message>."), so it is a sentence for them, never a secret. */
struct signup_error {
    const char *type;                    /* static: "InvalidAttribute", ... */
    char message[SIGNUP_MESSAGE_SIZE];
};

enum signup_source {
    SIGNUP_CONFIRM_SIGN_UP,              /* a new user: gets a users row */
    SIGNUP_CONFIRM_FORGOT_PASSWORD,      /* a password reset: nothing to do */
};

struct signup_event {
    enum signup_source source;
    char sub[UUID_STR_SIZE];             /* becomes users.cognito_user_id */
    char handle[USER_HANDLE_SIZE];       /* from preferred_username */
    char display_name[USER_NAME_SIZE];   /* from name */
    char email[USER_EMAIL_SIZE];
};

/* Reads event. CR_OK with ev filled (only ev->source for a forgotten
 * password: its attributes are not read). CR_INVALID with err set
 * otherwise: type "InvalidEvent" when it is no PostConfirmation event (not
 * an object, another or no triggerSource, no request.userAttributes
 * object), "InvalidAttribute" when an attribute a users row needs is
 * missing, not a string, holds a NUL or breaks its rule; the message names
 * the attribute and the rule. */
cr_code signup_event_read(const json_t *event, struct signup_event *ev,
                          struct signup_error *err);

/* Sets err's type and message (printf-style). */
void signup_error_set(struct signup_error *err, const char *type,
                      const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

#endif
