/* auth_cache.h - access tokens this worker verified a moment ago.
 *
 * Verifying an RS256 token costs about 0.4 ms of CPU (libjwt reads the PEM
 * key anew on every call and OpenSSL 3 decodes it slowly): several times
 * the rest of a signed-in request. A client sends the same token on every
 * request, so the worker remembers the last few Authorization headers that
 * verified, by the SHA-256 of their exact bytes (the header itself is
 * never kept; the digests are compared in constant time), with the sub
 * they carried. An entry
 * serves until the token's exp (with the verifier's skew: the rule a full
 * check applies) and at most AUTH_CACHE_SECS after it was verified, so a
 * key withdrawn from the pool stops being honoured about as soon as the
 * JWKS cache would notice. The other claims (issuer, client, nbf, iat)
 * cannot change for the same bytes, or only become more true with time. */
#ifndef CRUDDUR_AUTH_CACHE_H
#define CRUDDUR_AUTH_CACHE_H

#include <stddef.h>
#include <time.h>

#include <openssl/evp.h>

#include "app/context/caller.h"
#include "app/core/err.h"
#include "app/core/ttl_cache.h"

#define AUTH_CACHE_SECS 60
#define AUTH_CACHE_HEADER_MAX 2048  /* longer headers are not kept */

/* SHA-256 of an Authorization header, in hex -> sub. */
struct auth_cache {
    struct ttl_cache headers;
    EVP_MD *sha256;             /* fetched once; NULL: nothing is kept */
};

/* Fetches the digest. CR_INTERNAL when OpenSSL has no SHA-256. */
cr_code auth_cache_init(struct auth_cache *c);
void auth_cache_free(struct auth_cache *c);

/* 1, with sub copied, when header verified recently and is still valid at
 * now; else 0. */
int auth_cache_get(const struct auth_cache *c, const char *header,
                   time_t now, char *sub, size_t sub_size);

/* Remembers header, which jwt_verify_bearer() has just accepted at now
 * with sub, skew the seconds it allows past exp. A header that is too
 * long, or whose exp cannot be read, is simply not kept. */
void auth_cache_put(struct auth_cache *c, const char *header,
                    const char *sub, time_t now, long skew);

#endif
