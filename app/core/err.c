/* err.c - names of result codes, and their details. */
#include <stdarg.h>
#include <stdio.h>

#include "app/core/err.h"

cr_code
cr_fail(cr_code rc, char *detail, size_t size, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(detail, size, fmt, ap);
    va_end(ap);
    return rc;
}

const char *
cr_strerror(cr_code rc)
{
    switch (rc) {
    case CR_OK: return "ok";
    case CR_NOMEM: return "out_of_memory";
    case CR_INVALID: return "invalid";
    case CR_NOT_FOUND: return "not_found";
    case CR_CONFLICT: return "conflict";
    case CR_UNAUTHORIZED: return "unauthorized";
    case CR_DB_UNAVAILABLE: return "database_unavailable";
    case CR_DDB_UNAVAILABLE: return "messages_unavailable";
    case CR_AUTH_UNAVAILABLE: return "auth_unavailable";
    case CR_BACKEND: return "backend_error";
    case CR_TIMEOUT: return "timeout";
    case CR_OUTCOME_UNKNOWN: return "outcome_unknown";
    case CR_INTERNAL: return "internal_error";
    }
    return "unknown";
}
