/* signup_handler.c - a confirmed sign-up becomes a users row, once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "app/db/users.h"
#include "aws/signup/signup_handler.h"

/* Inserts the user of res->ev; CR_OK when its row exists afterwards. A
 * kept connection that died meanwhile (PostgreSQL restarted, or the
 * function frozen longer than the server keeps idle clients) costs nothing:
 * the insert is declared safe to send again (sql/queries/create_user.sql). */
static cr_code
signup_insert(struct db *db, struct signup_result *res)
{
    const struct signup_event *ev = &res->ev;
    int created = 0;
    cr_code rc;

    rc = users_create(db, ev->sub, ev->handle, ev->display_name, ev->email,
                      &created);
    switch (rc) {
    case CR_OK:
        res->outcome = created ? SIGNUP_CREATED : SIGNUP_PRESENT;
        break;
    case CR_CONFLICT:
        signup_error_set(&res->err, "HandleTaken",
                         "The handle \"%s\" is already taken by another user.",
                         ev->handle);
        break;
    case CR_DB_UNAVAILABLE:
        signup_error_set(&res->err, "DatabaseUnavailable",
                         "Cruddur cannot store new users right now; "
                         "please try again in a minute.");
        break;
    default:
        signup_error_set(&res->err, "DatabaseError",
                         "Cruddur could not store the new user (%s).",
                         cr_strerror(rc));
        break;
    }
    return rc;
}

cr_code
signup_handle(struct signup_handler *h, const char *event, size_t len,
              char **response, struct signup_result *res)
{
    json_t *j;
    cr_code rc = CR_INVALID;

    *response = NULL;
    memset(res, 0, sizeof(*res));
    res->outcome = SIGNUP_REFUSED;
    /* NUL is let through the parser so that the attribute check can name
     * the attribute that holds one. */
    j = json_loadb(event, len, JSON_ALLOW_NUL, NULL);
    if (!json_is_object(j)) {
        signup_error_set(&res->err, "InvalidEvent",
                         "The event is not a JSON object.");
        goto out;
    }
    if ((rc = signup_event_read(j, &res->ev, &res->err)))
        goto out;
    if (res->ev.source == SIGNUP_CONFIRM_FORGOT_PASSWORD)
        res->outcome = SIGNUP_SKIPPED;
    else if ((rc = signup_insert(h->db, res)))
        goto out;
    /* Cognito wants the event back; this trigger changes nothing in it. */
    *response = strndup(event, len);
    if (*response == NULL) {
        rc = CR_NOMEM;
        res->outcome = SIGNUP_REFUSED;
        signup_error_set(&res->err, "InternalError", "Out of memory.");
    }
out:
    json_decref(j);
    return rc;
}

void
signup_result_describe(const struct signup_result *res, cr_code rc,
                       char *out, size_t size)
{
    static const char *const what[] = {
        [SIGNUP_CREATED] = "created", [SIGNUP_PRESENT] = "already present",
        [SIGNUP_SKIPPED] = "nothing to do",
    };
    const struct signup_event *ev = &res->ev;

    if (res->outcome == SIGNUP_REFUSED)
        snprintf(out, size, "user %s %s: refused, %s (%s): %s",
                 ev->sub[0] ? ev->sub : "-", ev->handle[0] ? ev->handle : "-",
                 res->err.type ? res->err.type : "Error", cr_strerror(rc),
                 res->err.message);
    else if (res->outcome == SIGNUP_SKIPPED)
        snprintf(out, size, "forgotten password: %s", what[res->outcome]);
    else
        snprintf(out, size, "user %s %s: %s", ev->sub, ev->handle,
                 what[res->outcome]);
}
