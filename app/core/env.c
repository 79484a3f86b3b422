/* env.c - environment variables and the origins they name. */
#include <stdlib.h>
#include <string.h>

#include "app/core/env.h"

const char *
env_get(const char *name)
{
    const char *v = getenv(name);

    return (v != NULL && *v != '\0') ? v : NULL;
}

cr_code
env_url_origin(const char *value, char *out, size_t size)
{
    const char *host, *p;
    size_t n = strlen(value);

    if (strncmp(value, "https://", 8) == 0)
        host = value + 8;
    else if (strncmp(value, "http://", 7) == 0)
        host = value + 7;
    else
        return CR_INVALID;
    if (n > 0 && value[n - 1] == '/')
        n--;
    if (n <= (size_t)(host - value) || n >= size)
        return CR_INVALID;
    for (p = host; p < value + n; p++)
        if ((unsigned char)*p <= ' ' || *p == 0x7f || *p == '/' || *p == '?' ||
            *p == '#')
            return CR_INVALID;
    memcpy(out, value, n);
    out[n] = '\0';
    return CR_OK;
}
