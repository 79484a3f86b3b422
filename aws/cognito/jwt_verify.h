/* jwt_verify.h - Cognito access-token verification, as AWS documents it.
 *
 * A worker creates one verifier at start and keeps it: it holds the pool's
 * issuer, the accepted app client id, a libcurl handle and the JWKS cache.
 * Accepted: "Authorization: Bearer <token>" (scheme in any case, one space,
 * nothing after the token) where the token is RS256-signed by a key of the
 * pool's JWKS, unexpired (60 s skew, also for nbf/iat), with iss equal to
 * the issuer, token_use "access" and client_id the configured client. */
#ifndef CRUDDUR_JWT_VERIFY_H
#define CRUDDUR_JWT_VERIFY_H

#include <stddef.h>
#include <time.h>

#include "app/core/breaker.h"
#include "app/core/deadline.h"
#include "app/core/err.h"

#define JWT_MAX_TOKEN 8192   /* bytes; Cognito access tokens are ~1 KiB */
#define JWT_SKEW_SECS 60

struct jwt_verifier;

/* issuer: "<endpoint>/<pool id>", e.g. "http://localhost:9229/local_abc";
 * the keys are fetched from issuer + "/.well-known/jwks.json".
 * CR_INVALID for an empty issuer or client id; CR_NOMEM. */
cr_code jwt_verifier_new(struct jwt_verifier **out, const char *issuer,
                         const char *client_id);
void jwt_verifier_free(struct jwt_verifier *v);

/* 1 when the Authorization header carries no bearer token at all: absent,
 * blank, another scheme, or "Bearer" followed by nothing, "null" or
 * "undefined" (what a signed-out browser client sends). Such a request is
 * signed out; anything else that does not verify is an invalid token. */
int jwt_bearer_absent(const char *header);

/* The deadline a JWKS fetch must keep (the current request's). */
void jwt_verifier_set_deadline(struct jwt_verifier *v, cr_deadline d);

/* How the JWKS fetches went, for readiness; where app_init shares the
 * state. */
struct breaker *jwt_verifier_keys_breaker(struct jwt_verifier *v);

/* Keys of the pool's current set skipped as unusable (jwks_skipped). */
size_t jwt_verifier_keys_skipped(const struct jwt_verifier *v);

/* header: the raw Authorization header value, or NULL when absent.
 * now: the current time (time(NULL); tests pass fixed times).
 * On CR_OK sub holds the token's sub, NUL-terminated.
 * CR_UNAUTHORIZED: no token (jwt_bearer_absent(), *why "missing_token")
 *   or a token that does not verify; *why (when why is non-NULL) gets a
 *   short static reason for the log, e.g. "expired", "bad_signature",
 *   "wrong_issuer" -- never token text.
 * CR_AUTH_UNAVAILABLE: the token's key is not cached and the JWKS could
 *   not be fetched (*why "jwks_unavailable").
 * CR_NOMEM. */
cr_code jwt_verify_bearer(struct jwt_verifier *v, const char *header,
                          time_t now, char *sub, size_t sub_size,
                          const char **why);

#endif
