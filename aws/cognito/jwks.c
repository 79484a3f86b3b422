/* jwks.c - the per-worker JWKS cache: parse, look up, refetch. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "app/core/buf.h"
#include "app/core/deadline.h"
#include "app/core/obs.h"
#include "aws/client/httpc.h"
#include "aws/cognito/jwk.h"
#include "aws/cognito/jwks.h"

#define JWKS_MAX_KID 256

struct jwks_entry {
    char *kid;
    char *pem;
    size_t pem_len;
};

struct jwks {
    char *url;
    struct jwks_entry keys[JWKS_MAX_KEYS];
    size_t nkeys;
    size_t skipped;       /* keys of the fetched set we could not use */
    int attempted;        /* a fetch has been tried */
    int last_ok;          /* the last fetch succeeded */
    time_t last_attempt;
    time_t loaded_at;     /* when the keys held were fetched; 0: never */
    unsigned failures;    /* failed fetches in a row */
    cr_deadline deadline; /* the current request's; DEADLINE_NONE */
    struct breaker breaker;
};

static void
jwks_clear(struct jwks_entry *keys, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        free(keys[i].kid);
        free(keys[i].pem);
    }
}

cr_code
jwks_new(struct jwks **out, const char *url)
{
    struct jwks *set;

    *out = NULL;
    set = calloc(1, sizeof(*set));
    if (set == NULL)
        return CR_NOMEM;
    set->url = strdup(url);
    if (set->url == NULL) {
        free(set);
        return CR_NOMEM;
    }
    *out = set;
    return CR_OK;
}

void
jwks_free(struct jwks *set)
{
    if (set == NULL)
        return;
    jwks_clear(set->keys, set->nkeys);
    free(set->url);
    free(set);
}

void
jwks_set_deadline(struct jwks *set, cr_deadline d)
{
    set->deadline = d;
}

struct breaker *
jwks_breaker(struct jwks *set)
{
    return &set->breaker;
}

size_t
jwks_count(const struct jwks *set)
{
    return set->nkeys;
}

size_t
jwks_skipped(const struct jwks *set)
{
    return set->skipped;
}

static const struct jwks_entry *
jwks_lookup(const struct jwks_entry *keys, size_t n, const char *kid)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (strcmp(keys[i].kid, kid) == 0)
            return &keys[i];
    return NULL;
}

/* A member that, when present, must be the string want. */
static int
jwks_member_is(json_t *jwk, const char *name, const char *want)
{
    json_t *v = json_object_get(jwk, name);

    return v == NULL || (json_is_string(v) && strcmp(json_string_value(v),
                                                     want) == 0);
}

/* Adds one JWK to keys[*n] if it is a usable RS256 key. CR_INVALID means
 * "skip this key", not "reject the set". */
static cr_code
jwks_add(struct jwks_entry *keys, size_t *n, json_t *jwk)
{
    const char *kid = json_string_value(json_object_get(jwk, "kid"));
    const char *kty = json_string_value(json_object_get(jwk, "kty"));
    const char *nn = json_string_value(json_object_get(jwk, "n"));
    const char *e = json_string_value(json_object_get(jwk, "e"));
    struct jwks_entry k = { NULL, NULL, 0 };
    cr_code rc;

    if (kid == NULL || kid[0] == '\0' || strlen(kid) > JWKS_MAX_KID ||
        kty == NULL || strcmp(kty, "RSA") != 0 || nn == NULL || e == NULL ||
        !jwks_member_is(jwk, "use", "sig") ||
        !jwks_member_is(jwk, "alg", "RS256") ||
        jwks_lookup(keys, *n, kid) != NULL || *n == JWKS_MAX_KEYS)
        return CR_INVALID;
    rc = jwk_rsa_pem(nn, e, &k.pem, &k.pem_len);
    if (rc)
        return rc;
    k.kid = strdup(kid);
    if (k.kid == NULL) {
        free(k.pem);
        return CR_NOMEM;
    }
    keys[(*n)++] = k;
    return CR_OK;
}

cr_code
jwks_load(struct jwks *set, const char *json, size_t len)
{
    struct jwks_entry keys[JWKS_MAX_KEYS];
    size_t n = 0, i, skipped = 0;
    json_t *doc, *arr;
    cr_code rc = CR_INVALID;

    doc = json_loadb(json, len, JSON_REJECT_DUPLICATES, NULL);
    arr = json_object_get(doc, "keys");
    if (!json_is_array(arr))
        goto out;
    for (i = 0; i < json_array_size(arr); i++) {
        rc = jwks_add(keys, &n, json_array_get(arr, i));
        if (rc == CR_NOMEM)
            goto out;
        if (rc)
            skipped++;
    }
    jwks_clear(set->keys, set->nkeys);
    memcpy(set->keys, keys, n * sizeof(keys[0]));
    set->nkeys = n;
    set->skipped = skipped;
    n = 0;
    rc = CR_OK;
out:
    jwks_clear(keys, n);
    json_decref(doc);
    return rc;
}

/* Within what is left of the request's budget (a probe after a timeout:
 * less), 5 s at most. */
static cr_code
jwks_fetch(struct jwks *set, CURL *h, enum breaker_pass pass,
           enum breaker_outcome *how)
{
    long left = deadline_left_ms(breaker_deadline(pass, set->deadline), 5000);
    struct httpc_req req = { 0 };
    const char *why = "request budget spent";
    char fail[160] = "";
    struct buf body;
    long status = 0;
    int64_t start = obs_now_ns();
    cr_code rc = CR_TIMEOUT;

    req.method = "GET";
    req.url = set->url;
    req.timeout_ms = left < 5000 ? left : 5000;
    req.connect_timeout_ms = left < 2000 ? left : 2000;
    buf_init(&body, JWKS_MAX_BYTES);
    if (left > 0)
        rc = httpc_perform(h, &req, &status, &body, &why);
    *how = rc == CR_TIMEOUT ? BREAKER_TIMED_OUT
         : rc == CR_BACKEND ? BREAKER_FAILED : BREAKER_ANSWERED;
    if (rc == CR_BACKEND || rc == CR_TIMEOUT) {
        snprintf(fail, sizeof(fail), "%s", why);
    } else if (rc == CR_OK && status != 200) {
        snprintf(fail, sizeof(fail), "answered %ld", status);
        rc = CR_BACKEND;
    } else if (rc == CR_OK) {
        rc = jwks_load(set, buf_str(&body), body.len);
        if (rc == CR_INVALID)
            snprintf(fail, sizeof(fail), "served no key set");
    } else if (rc == CR_INVALID) {
        snprintf(fail, sizeof(fail), "answer over %d bytes", JWKS_MAX_BYTES);
    }
    /* The detail reaches the request's one log line (or is logged here
     * when no request is being answered). */
    obs_call_end(OBS_JWKS, "GET", set->url, start, fail[0] ? fail : NULL);
    buf_free(&body);
    return rc;
}

/* The pause after the last attempt: JWKS_REFETCH_SECS after a success.
 * After failures, a worker without keys tries again every JWKS_RETRY_SECS
 * (it cannot verify anything meanwhile); one that holds keys, which still
 * serve, backs off: after n failures in a row JWKS_RETRY_SECS doubled n - 1
 * times, at most JWKS_RETRY_MAX_SECS. */
static time_t
jwks_wait(const struct jwks *set)
{
    time_t wait = JWKS_RETRY_SECS;
    unsigned i;

    if (set->last_ok)
        return JWKS_REFETCH_SECS;
    if (set->loaded_at == 0)
        return wait;
    for (i = 1; i < set->failures && wait < JWKS_RETRY_MAX_SECS; i++)
        wait *= 2;
    return wait < JWKS_RETRY_MAX_SECS ? wait : JWKS_RETRY_MAX_SECS;
}

static int
jwks_may_fetch(const struct jwks *set, time_t now)
{
    /* A clock that went backwards must not block refetches for long. */
    return !set->attempted || now < set->last_attempt ||
           now - set->last_attempt >= jwks_wait(set);
}

/* Keys held longer than JWKS_MAX_AGE_SECS (or from a clock's future) are
 * asked for again. */
static int
jwks_stale(const struct jwks *set, time_t now)
{
    return set->loaded_at != 0 && (now < set->loaded_at ||
                                   now - set->loaded_at >= JWKS_MAX_AGE_SECS);
}

cr_code
jwks_key(struct jwks *set, CURL *h, const char *kid, time_t now,
         const char **pem, size_t *pem_len)
{
    const struct jwks_entry *k;
    enum breaker_outcome how;
    enum breaker_pass pass;
    int64_t start;
    cr_code rc;

    k = jwks_lookup(set->keys, set->nkeys, kid);
    if ((k == NULL || jwks_stale(set, now)) && jwks_may_fetch(set, now) &&
        (pass = breaker_enter(&set->breaker)) != BREAKER_REFUSE) {
        set->attempted = 1;
        set->last_attempt = now;
        start = deadline_now_ms();
        rc = jwks_fetch(set, h, pass, &how);
        breaker_done(&set->breaker, pass, start, how);
        if (rc == CR_NOMEM)
            return rc;
        set->last_ok = rc == CR_OK;
        set->failures = set->last_ok ? 0 : set->failures + 1;
        if (set->last_ok)
            set->loaded_at = now;
        k = jwks_lookup(set->keys, set->nkeys, kid);
    }
    if (k == NULL)
        return set->last_ok ? CR_NOT_FOUND : CR_AUTH_UNAVAILABLE;
    *pem = k->pem;
    *pem_len = k->pem_len;
    return CR_OK;
}
