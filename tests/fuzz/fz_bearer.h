/* fz_bearer.h - an Authorization header through jwt_verify_bearer():
 * scheme, token syntax, splitting, the JOSE header (alg, crit, kid) and the
 * key lookup.
 *
 * The verifier's issuer uses a scheme libcurl is not allowed to speak
 * (httpc allows http and https only), so the one JWKS fetch it tries fails
 * at once without touching the network; with a fixed clock it never tries
 * again. No key is ever cached, so no token may verify: a CR_OK would be a
 * forgery getting through. (Tokens with a valid signature need a verifier
 * with preloaded keys, which jwt_verify.h does not offer; the claims are
 * fuzzed on their own in fz_claims.h.) */
#ifndef CRUDDUR_FZ_BEARER_H
#define CRUDDUR_FZ_BEARER_H

#include "aws/cognito/jwt_verify.h"
#include "tests/fuzz/fz.h"

#define FZ_ISSUER "fuzz://offline/us-east-1_Fuzz"
#define FZ_CLIENT "fuzz-client"
#define FZ_NOW ((time_t)1700000000)

static inline struct jwt_verifier *
fz_bearer_new(void)
{
    struct jwt_verifier *v;

    if (jwt_verifier_new(&v, FZ_ISSUER, FZ_CLIENT) != CR_OK)
        abort();
    return v;
}

static inline int
fz_bearer(struct jwt_verifier *v, const uint8_t *data, size_t size)
{
    char *hdr = fz_cstr(data, size), sub[64];
    const char *why = NULL;
    cr_code rc;

    rc = jwt_verify_bearer(v, hdr, FZ_NOW, sub, sizeof(sub), &why);
    free(hdr);
    if (rc == CR_NOMEM)
        return 0;
    return (rc == CR_UNAUTHORIZED || rc == CR_AUTH_UNAVAILABLE) &&
           why != NULL && sub[0] == '\0' ? 0 : FZ_BROKEN;
}

#endif
