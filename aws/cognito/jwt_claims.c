/* jwt_claims.c - exp/nbf/iat, iss, token_use, client_id and sub. */
#include <string.h>

#include <jansson.h>

#include "aws/cognito/jwt_claims.h"

/* A string claim equal to want, byte for byte (no embedded NUL). */
static int
jwt_claim_is(json_t *claims, const char *name, const char *want)
{
    json_t *v = json_object_get(claims, name);

    return json_is_string(v) && json_string_length(v) == strlen(want) &&
           memcmp(json_string_value(v), want, json_string_length(v)) == 0;
}

/* A NumericDate claim: 0 when absent, -1 when present but not a number. */
static int
jwt_claim_time(json_t *claims, const char *name, double *t)
{
    json_t *v = json_object_get(claims, name);

    if (v == NULL)
        return 0;
    if (!json_is_number(v))
        return -1;
    *t = json_number_value(v);
    return 1;
}

static const char *
jwt_claims_times(json_t *claims, time_t now, long skew)
{
    double t, n = (double)now;
    int has;

    has = jwt_claim_time(claims, "exp", &t);
    if (has <= 0)
        return "bad_exp";
    if (n > t + (double)skew)
        return "expired";
    has = jwt_claim_time(claims, "nbf", &t);
    if (has < 0)
        return "bad_nbf";
    if (has && n + (double)skew < t)
        return "not_yet_valid";
    has = jwt_claim_time(claims, "iat", &t);
    if (has < 0)
        return "bad_iat";
    if (has && t > n + (double)skew)
        return "issued_in_future";
    return NULL;
}

static const char *
jwt_claims_sub(json_t *claims, char *sub, size_t sub_size)
{
    json_t *v = json_object_get(claims, "sub");
    size_t len;

    if (!json_is_string(v))
        return "bad_sub";
    len = json_string_length(v);
    if (len == 0 || len >= sub_size ||
        memchr(json_string_value(v), '\0', len) != NULL)
        return "bad_sub";
    memcpy(sub, json_string_value(v), len + 1);
    return NULL;
}

static const char *
jwt_claims_reason(json_t *claims, const struct jwt_expect *x, time_t now,
                  char *sub, size_t sub_size)
{
    const char *reason;

    if (!json_is_object(claims))
        return "bad_payload";
    reason = jwt_claims_times(claims, now, x->skew);
    if (reason)
        return reason;
    if (!jwt_claim_is(claims, "iss", x->issuer))
        return "wrong_issuer";
    if (!jwt_claim_is(claims, "token_use", "access"))
        return "wrong_token_use";
    if (!jwt_claim_is(claims, "client_id", x->client_id))
        return "wrong_client";
    return jwt_claims_sub(claims, sub, sub_size);
}

cr_code
jwt_claims_check(const char *json, size_t len, const struct jwt_expect *x,
                 time_t now, char *sub, size_t sub_size, const char **why)
{
    json_t *claims;
    const char *reason;

    /* Duplicate names are refused so that no other parser of the same
     * payload could read a claim differently from us. */
    claims = json_loadb(json, len, JSON_REJECT_DUPLICATES, NULL);
    reason = claims ? jwt_claims_reason(claims, x, now, sub, sub_size)
                    : "bad_payload";
    json_decref(claims);
    *why = reason ? reason : "ok";
    return reason ? CR_UNAUTHORIZED : CR_OK;
}
