/* jwt_claims.h - the claim checks of a Cognito access token, applied to a
 * payload whose signature has already been verified. */
#ifndef CRUDDUR_JWT_CLAIMS_H
#define CRUDDUR_JWT_CLAIMS_H

#include <stddef.h>
#include <time.h>

#include "app/core/err.h"

struct jwt_expect {
    const char *issuer;
    const char *client_id;
    long skew;          /* seconds of clock skew allowed each way */
};

/* json: the decoded payload (len bytes). Requires a numeric exp with
 * now <= exp + skew; nbf and iat, when present, numeric with
 * nbf <= now + skew and iat <= now + skew; iss == issuer;
 * token_use == "access"; client_id == client_id; sub a non-empty string
 * without NUL that fits in sub_size (copied there on CR_OK).
 * Otherwise CR_UNAUTHORIZED with *why a static reason (also when the
 * payload cannot be parsed, whatever the cause). */
cr_code jwt_claims_check(const char *json, size_t len,
                         const struct jwt_expect *x, time_t now,
                         char *sub, size_t sub_size, const char **why);

#endif
