/* auth_cache.c - recently verified Authorization headers -> their sub. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "app/context/auth_cache.h"
#include "app/core/b64url.h"

cr_code
auth_cache_init(struct auth_cache *c)
{
    memset(c, 0, sizeof(*c));
    c->sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
    return c->sha256 ? CR_OK : CR_INTERNAL;
}

void
auth_cache_free(struct auth_cache *c)
{
    EVP_MD_free(c->sha256);
    c->sha256 = NULL;
}

/* The cache's key for header: its SHA-256 in hex. 0 when it has none (no
 * digest fetched, a header too long, OpenSSL failing). */
static int
auth_cache_key(const struct auth_cache *c, const char *header,
               char key[2 * EVP_MAX_MD_SIZE + 1])
{
    static const char hex[] = "0123456789abcdef";
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0, i;
    size_t n;

    if (c->sha256 == NULL || header == NULL)
        return 0;
    n = strlen(header);
    if (n == 0 || n >= AUTH_CACHE_HEADER_MAX ||
        !EVP_Digest(header, n, md, &len, c->sha256, NULL))
        return 0;
    for (i = 0; i < len; i++) {
        key[2 * i] = hex[md[i] >> 4];
        key[2 * i + 1] = hex[md[i] & 15];
    }
    key[2 * len] = '\0';
    return 1;
}

int
auth_cache_get(const struct auth_cache *c, const char *header, time_t now,
               char *sub, size_t sub_size)
{
    char key[2 * EVP_MAX_MD_SIZE + 1];

    return auth_cache_key(c, header, key) &&
           ttl_cache_get(&c->headers, key, now, sub, sub_size);
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
    char key[2 * EVP_MAX_MD_SIZE + 1];
    long long exp;
    time_t until = now + AUTH_CACHE_SECS;

    if (!auth_cache_key(c, header, key))
        return;                 /* not worth decoding: it would not be kept */
    exp = auth_cache_exp(header);
    if (exp < 0)
        return;
    if (exp + skew < (long long)until)
        until = (time_t)(exp + skew);
    ttl_cache_put(&c->headers, key, sub, until);
}
