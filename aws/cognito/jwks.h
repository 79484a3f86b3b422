/* jwks.h - a Cognito user pool's JSON Web Key Set, cached per worker.
 *
 * Keys are looked up by kid. The set is fetched lazily on the first lookup,
 * again when a token names a kid the cache does not hold (a pool's key
 * rotation needs no restart), and again once it is JWKS_MAX_AGE_SECS old,
 * so a key the pool withdrew stops being trusted within the hour even if
 * no token names an unknown kid. To keep junk tokens from turning into a
 * request flood against Cognito, a refetch happens at most once per
 * JWKS_REFETCH_SECS after a successful fetch. After failed ones a worker
 * without keys tries again every JWKS_RETRY_SECS (short, so it recovers
 * quickly when the endpoint comes back); one holding keys backs off from
 * JWKS_RETRY_SECS, doubling with each failure in a row up to
 * JWKS_RETRY_MAX_SECS, so a Cognito that stays down is not hammered. A
 * failed fetch keeps the keys already cached, old or not. Only RSA signing
 * keys usable for RS256 are kept. A fetch waits at most what is left of
 * the request's deadline (jwks_set_deadline); one that runs out trips the
 * set's breaker (app/core/breaker.h). */
#ifndef CRUDDUR_JWKS_H
#define CRUDDUR_JWKS_H

#include <stddef.h>
#include <time.h>

#include <curl/curl.h>

#include "app/core/breaker.h"
#include "app/core/deadline.h"
#include "app/core/err.h"

#define JWKS_MAX_AGE_SECS 3600
#define JWKS_REFETCH_SECS 60
#define JWKS_RETRY_SECS 1
#define JWKS_RETRY_MAX_SECS 300
#define JWKS_MAX_KEYS 32
#define JWKS_MAX_BYTES (64 * 1024)

struct jwks;

/* url: where the set is served (<issuer>/.well-known/jwks.json). */
cr_code jwks_new(struct jwks **out, const char *url);
void jwks_free(struct jwks *set);

/* Finds the PEM public key for kid, fetching through h when the rules
 * above allow. *pem stays valid until the next jwks_ call on set.
 * CR_NOT_FOUND: no such key (and the set is current as far as we may tell);
 * CR_AUTH_UNAVAILABLE: no such key cached and the last fetch failed;
 * CR_NOMEM. */
cr_code jwks_key(struct jwks *set, CURL *h, const char *kid, time_t now,
                 const char **pem, size_t *pem_len);

/* Replaces the cached keys with those of a JWKS document. Keys that are not
 * RSA, not for signatures, not RS256 or malformed are skipped. CR_INVALID
 * when the document is not a JWKS at all (the old keys are then kept). */
cr_code jwks_load(struct jwks *set, const char *json, size_t len);

/* The deadline of the fetches to come (DEADLINE_NONE: 5 s each). */
void jwks_set_deadline(struct jwks *set, cr_deadline d);

/* How the fetches went, for readiness; where app_init shares the state. */
struct breaker *jwks_breaker(struct jwks *set);

/* Number of keys cached, and of keys the set they came in held that were
 * skipped as unusable (the edge tells it when a kid is unknown). */
size_t jwks_count(const struct jwks *set);
size_t jwks_skipped(const struct jwks *set);

#endif
