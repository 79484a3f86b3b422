/* fz_signup.h - a Cognito PostConfirmation event through the sign-up
 * trigger's parser (signup_event_read), parsed as the handler parses it
 * (JSON_ALLOW_NUL). What it accepts must satisfy every rule of a users row,
 * so that nothing the database would refuse, or a handle the API cannot
 * name, gets that far; what it refuses carries a type and a message. */
#ifndef CRUDDUR_FZ_SIGNUP_H
#define CRUDDUR_FZ_SIGNUP_H

#include <jansson.h>

#include "app/core/utf8.h"
#include "aws/signup/signup_event.h"
#include "tests/fuzz/fz.h"

static inline int
fz_signup_refusal(const struct signup_error *err)
{
    if (err->type == NULL || (strcmp(err->type, "InvalidEvent") != 0 &&
                              strcmp(err->type, "InvalidAttribute") != 0))
        return FZ_BROKEN;
    /* Cognito shows it to the user: text, never the attribute's bytes. */
    return err->message[0] && utf8_valid(err->message, strlen(err->message))
               ? 0 : FZ_BROKEN;
}

static inline int
fz_signup(const uint8_t *data, size_t size)
{
    json_t *j = json_loadb((const char *)data, size, JSON_ALLOW_NUL, NULL);
    struct signup_error err = { 0 };
    struct signup_event ev;
    int bad = 0;

    if (j == NULL)
        return 0;
    if (signup_event_read(j, &ev, &err) != CR_OK)
        bad = fz_signup_refusal(&err);
    else if (ev.source == SIGNUP_CONFIRM_SIGN_UP &&
             (!uuid_valid(ev.sub) || !user_handle_valid(ev.handle) ||
              user_display_name_problem(ev.display_name) ||
              user_email_problem(ev.email)))
        bad = FZ_BROKEN;
    json_decref(j);
    return bad;
}

#endif
