/* env.h - settings from the environment: the one way every program reads a
 * variable. Each program reads its settings once at start and names a
 * missing or malformed one in a single line. */
#ifndef CRUDDUR_ENV_H
#define CRUDDUR_ENV_H

#include <stddef.h>

#include "app/core/err.h"

/* The value of name, or NULL when it is unset or empty: `NAME=` in an env
 * file means "not set", as it does for the AWS SDKs. */
const char *env_get(const char *name);

/* An http(s) origin: "http://" or "https://", a non-empty host[:port],
 * and nothing after it but one optional '/'; no blank, control character,
 * '?', '#' or further '/'. Copied into out without the trailing slash (what
 * browsers send in Origin, what requests are sent to). CR_INVALID when
 * value is not one or does not fit in size. */
cr_code env_url_origin(const char *value, char *out, size_t size);

#endif
