/* idempotency.h - the Idempotency-Key header of POST /api/activities and
 * POST /api/messages, one set of rules for both.
 *
 * A keyed post keeps its answer under (caller, key) with a fingerprint of
 * what it asked for, written in the same write as the post: a retry with
 * the same key and the same request answers that first answer, byte for
 * byte; the same key with another request is 422
 * idempotency_key_reused. A key is kept IDEM_TTL_S seconds, then it is
 * as if never used (PostgreSQL: idempotency_keys.expires_at; DynamoDB: the
 * key item's expires_at, the table's TTL attribute). */
#ifndef CRUDDUR_IDEMPOTENCY_H
#define CRUDDUR_IDEMPOTENCY_H

#include <stddef.h>

#include "app/core/err.h"
#include "app/http/http.h"

/* How long a key answers retries: a day, far longer than any client's
 * retries of one post, short enough that the keys stay few. */
#define IDEM_TTL_S (24 * 60 * 60)

/* Hex SHA-256 and its NUL. */
#define IDEM_FINGERPRINT_SIZE 65

/* 1 when key is 1..128 printable ASCII characters, as in an HTTP header;
 * the caller answers 400 idempotency_key_invalid otherwise. */
int idem_key_valid(const char *key);

/* What a post asked for, as the hex SHA-256 of its n parts (route, then
 * the body's values as the service read them; each part's length goes
 * before it, so no two lists of parts share a fingerprint). */
cr_code idem_fingerprint(const char *const *parts, size_t n,
                         char out[IDEM_FINGERPRINT_SIZE]);

/* Answers a post whose key the caller used already: the kept answer
 * (copied) with 200 when kept_fp, the fingerprint kept with it, is fp;
 * 422 idempotency_key_reused when another post used the key. */
cr_code idem_answer_kept(struct http_response *res, const char *kept_fp,
                         const char *fp, const char *kept_answer);

#endif
