/* signup_event.c - a PostConfirmation event in, a new user's fields out. */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "aws/signup/signup_event.h"

void
signup_error_set(struct signup_error *err, const char *type, const char *fmt,
                 ...)
{
    va_list ap;

    err->type = type;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof(err->message), fmt, ap);
    va_end(ap);
}

static const char *
signup_sub_problem(const char *s)
{
    return uuid_valid(s) ? NULL : "is not a UUID";
}

static const char *
signup_handle_problem(const char *s)
{
    return user_handle_valid(s) ? NULL : "must be " USER_HANDLE_RULE;
}

/* The attributes a users row is made of, in the order they are checked:
 * the first one that is wrong is the one the user is told about. */
struct signup_attr {
    const char *key;                       /* in request.userAttributes */
    const char *label;                     /* how the message names it */
    size_t offset, size;                   /* where it goes in the event */
    const char *(*problem)(const char *);  /* NULL or why it is refused */
};

#define SIGNUP_FIELD(f) offsetof(struct signup_event, f), \
                        sizeof(((struct signup_event *)0)->f)

static const struct signup_attr signup_attrs[] = {
    { "sub", "The user id (sub)", SIGNUP_FIELD(sub), signup_sub_problem },
    { "preferred_username", "The handle (preferred_username)",
      SIGNUP_FIELD(handle), signup_handle_problem },
    { "name", "The display name (name)", SIGNUP_FIELD(display_name),
      user_display_name_problem },
    { "email", "The email (email)", SIGNUP_FIELD(email), user_email_problem },
};

/* Copies attribute a of attrs into ev, or says what is wrong with it. */
static cr_code
signup_attr_read(const json_t *attrs, const struct signup_attr *a,
                 struct signup_event *ev, struct signup_error *err)
{
    const json_t *v = json_object_get(attrs, a->key);
    const char *s = NULL, *why;
    size_t len = 0;

    if (v == NULL || json_is_null(v))
        why = "is missing";
    else if (!json_is_string(v))
        why = "is not a string";
    else if (strlen(s = json_string_value(v)) != json_string_length(v))
        why = "holds a NUL character";    /* only with JSON_ALLOW_NUL */
    else if ((why = a->problem(s)) == NULL &&
             (len = strlen(s)) >= a->size)
        why = "is too long";              /* the rules above prevent it */
    if (why) {
        signup_error_set(err, "InvalidAttribute", "%s %s.", a->label, why);
        return CR_INVALID;
    }
    memcpy((char *)ev + a->offset, s, len + 1);
    return CR_OK;
}

cr_code
signup_event_read(const json_t *event, struct signup_event *ev,
                  struct signup_error *err)
{
    const char *source = json_string_value(json_object_get(event,
                                                           "triggerSource"));
    const json_t *attrs = json_object_get(json_object_get(event, "request"),
                                          "userAttributes");
    size_t i;
    cr_code rc;

    memset(ev, 0, sizeof(*ev));
    if (source && strcmp(source, "PostConfirmation_ConfirmForgotPassword") == 0) {
        ev->source = SIGNUP_CONFIRM_FORGOT_PASSWORD;
        return CR_OK;
    }
    if (source == NULL || strcmp(source, "PostConfirmation_ConfirmSignUp")) {
        signup_error_set(err, "InvalidEvent",
                         "The event is not a PostConfirmation event.");
        return CR_INVALID;
    }
    if (!json_is_object(attrs)) {
        signup_error_set(err, "InvalidEvent",
                         "The event has no request.userAttributes.");
        return CR_INVALID;
    }
    ev->source = SIGNUP_CONFIRM_SIGN_UP;
    for (i = 0; i < sizeof(signup_attrs) / sizeof(signup_attrs[0]); i++)
        if ((rc = signup_attr_read(attrs, &signup_attrs[i], ev, err)))
            return rc;
    return CR_OK;
}
