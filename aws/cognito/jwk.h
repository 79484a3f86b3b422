/* jwk.h - one RSA JSON Web Key (RFC 7517) made into a PEM public key.
 *
 * libjwt verifies RS256 against a PEM SubjectPublicKeyInfo, while a JWKS
 * gives the key as its modulus n and exponent e; OpenSSL builds the key
 * from those numbers and writes the PEM. */
#ifndef CRUDDUR_JWK_H
#define CRUDDUR_JWK_H

#include <stddef.h>

#include "app/core/err.h"

/* RSA moduli accepted, in bits. Cognito signs with 2048-bit keys. */
#define JWK_RSA_MIN_BITS 2048
#define JWK_RSA_MAX_BITS 8192

/* n and e are the JWK's base64url strings. On CR_OK *pem is a new
 * malloc'd NUL-terminated PEM of *pem_len bytes. CR_INVALID when n or e is
 * not base64url or the key is not a usable RSA public key; CR_NOMEM. */
cr_code jwk_rsa_pem(const char *n, const char *e, char **pem,
                    size_t *pem_len);

#endif
