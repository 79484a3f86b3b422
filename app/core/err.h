/* err.h - the one result type every call in the project returns.
 *
 * A function that can fail returns cr_code; CR_OK is zero so `if (rc)`
 * reads as "if it failed". Callers check every result and either handle it
 * or pass it up unchanged. http_status_for() maps a code to the status a
 * handler answers when it gives up. */
#ifndef CRUDDUR_ERR_H
#define CRUDDUR_ERR_H

#include <stddef.h>

typedef enum cr_code {
    CR_OK = 0,
    CR_NOMEM,             /* allocation failed */
    CR_INVALID,           /* the caller's input is malformed */
    CR_NOT_FOUND,         /* the thing asked for does not exist */
    CR_CONFLICT,          /* a conditional write lost (row exists / changed) */
    CR_UNAUTHORIZED,      /* no token, or a token that does not verify */
    CR_DB_UNAVAILABLE,    /* PostgreSQL unreachable */
    CR_DDB_UNAVAILABLE,   /* DynamoDB unreachable or throttling past retries */
    CR_AUTH_UNAVAILABLE,  /* Cognito JWKS unreachable */
    CR_BACKEND,           /* a backend answered with an unexpected error */
    CR_TIMEOUT,           /* no answer within the deadline; each backend's
                           * layer turns it into its *_UNAVAILABLE code */
    CR_OUTCOME_UNKNOWN,   /* a write was sent and its deadline passed: it
                           * may or may not have been committed */
    CR_INTERNAL           /* a bug: an invariant of our own broke */
} cr_code;

/* Short snake_case name of a code, for logs. */
const char *cr_strerror(cr_code rc);

/* A failure's detail written into the caller's buffer (as libcurl fills
 * its error buffer): what a layer below the edge does instead of logging.
 * Returns rc, so that `return cr_fail(CR_INVALID, ...)` reads as it acts. */
cr_code cr_fail(cr_code rc, char *detail, size_t size, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

#endif
