/* fz_claims.h - a token payload through jwt_claims_check(), once with room
 * for any sub and once with a small buffer. On CR_OK the payload must
 * really carry what was checked (read back with jansson). */
#ifndef CRUDDUR_FZ_CLAIMS_H
#define CRUDDUR_FZ_CLAIMS_H

#include <jansson.h>

#include "aws/cognito/jwt_claims.h"
#include "tests/fuzz/fz.h"

#define FZ_CLAIMS_ISSUER "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Fuzz"
#define FZ_CLAIMS_CLIENT "fuzz-client"
#define FZ_CLAIMS_NOW ((time_t)1700000000)

static inline int
fz_claims_really(const uint8_t *data, size_t size, const char *sub)
{
    json_t *c = json_loadb((const char *)data, size, 0, NULL);
    const char *s = json_string_value(json_object_get(c, "sub"));
    const char *use = json_string_value(json_object_get(c, "token_use"));
    json_t *exp = json_object_get(c, "exp");
    int ok = s != NULL && strcmp(s, sub) == 0 && use != NULL &&
             strcmp(use, "access") == 0 && json_is_number(exp) &&
             json_number_value(exp) + 60 >= (double)FZ_CLAIMS_NOW;

    json_decref(c);
    return ok;
}

static inline int
fz_claims(const uint8_t *data, size_t size)
{
    static const struct jwt_expect x = { FZ_CLAIMS_ISSUER, FZ_CLAIMS_CLIENT,
                                         60 };
    size_t sizes[2] = { 128, 8 }, i;
    char sub[128];
    const char *why;
    cr_code rc;

    for (i = 0; i < 2; i++) {
        why = NULL;
        memset(sub, 'x', sizeof(sub));
        rc = jwt_claims_check((const char *)data, size, &x, FZ_CLAIMS_NOW,
                              sub, sizes[i], &why);
        if (why == NULL)
            return FZ_BROKEN;
        if (rc == CR_OK && (strnlen(sub, sizes[i]) == sizes[i] ||
                            sub[0] == '\0' ||
                            !fz_claims_really(data, size, sub)))
            return FZ_BROKEN;
        if (rc != CR_OK && rc != CR_UNAUTHORIZED)
            return FZ_BROKEN;
    }
    return 0;
}

#endif
