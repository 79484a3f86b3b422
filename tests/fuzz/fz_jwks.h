/* fz_jwks.h - a JWKS document through jwks_load(): every key's n and e
 * into an OpenSSL key and a PEM. A document that is no key set must leave
 * the keys already cached; one that is keeps at most JWKS_MAX_KEYS. No
 * lookup is made (a lookup of a missing kid would try a fetch). */
#ifndef CRUDDUR_FZ_JWKS_H
#define CRUDDUR_FZ_JWKS_H

#include "aws/cognito/jwks.h"
#include "tests/fuzz/fz.h"

static inline int
fz_jwks(const uint8_t *data, size_t size)
{
    struct jwks *set;
    size_t first;
    cr_code rc;
    int bad = 0;

    if (jwks_new(&set, "fuzz://offline/.well-known/jwks.json") != CR_OK)
        abort();
    rc = jwks_load(set, (const char *)data, size);
    first = jwks_count(set);
    if ((rc != CR_OK && first != 0) || first > JWKS_MAX_KEYS)
        bad = FZ_BROKEN;
    /* Loading the same document again gives the same keys (and frees the
     * first ones), or fails the same way and keeps them. */
    if (rc == CR_OK &&
        (jwks_load(set, (const char *)data, size) != CR_OK ||
         jwks_count(set) != first))
        bad = FZ_BROKEN;
    jwks_free(set);
    return bad;
}

#endif
