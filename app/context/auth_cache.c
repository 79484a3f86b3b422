/* auth_cache.c - recently verified Authorization headers -> their sub. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "app/context/auth_cache.h"
#include "app/core/b64url.h"

int
auth_cache_get(const struct auth_cache *c, const char *header, time_t now,
               char *sub, size_t sub_size)
{
    return ttl_cache_get(&c->headers, header, now, sub, sub_size);
}

/* The exp claim of "Bearer <header>.<payload>.<signature>", or -1. */
static long long
auth_cache_exp(const char *header)
{
    const char *p = strchr(header, '.'), *q;
    unsigned char *raw = NULL;
    size_t raw_len;
    json_t *claims = NULL, *exp;
    long long out = -1;

    if (p == NULL || (q = strchr(p + 1, '.')) == NULL)
        return -1;
    if (b64url_decode(p + 1, (size_t)(q - p - 1), &raw, &raw_len) != CR_OK)
        return -1;
    claims = json_loadb((const char *)raw, raw_len, 0, NULL);
    exp = json_object_get(claims, "exp");
    if (json_is_number(exp) && json_number_value(exp) >= 0)
        out = (long long)json_number_value(exp);
    json_decref(claims);
    free(raw);
    return out;
}

void
auth_cache_put(struct auth_cache *c, const char *header, const char *sub,
               time_t now, long skew)
{
    long long exp;
    time_t until = now + AUTH_CACHE_SECS;

    if (strlen(header) >= TTL_CACHE_KEY_MAX)
        return;                 /* not worth decoding: it would not be kept */
    exp = auth_cache_exp(header);
    if (exp < 0)
        return;
    if (exp + skew < (long long)until)
        until = (time_t)(exp + skew);
    ttl_cache_put(&c->headers, header, sub, until);
}
