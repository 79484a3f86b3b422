/* ttl_cache.c - a fixed set of recent key -> value facts with expiry. */
#include <string.h>

#include <openssl/crypto.h>

#include "app/core/ttl_cache.h"

/* Keys are compared in constant time for their length (CRYPTO_memcmp):
 * a key may stand for a secret (auth_cache keys by a token's digest), and
 * how long a comparison took must not tell how much of it matched. */
static struct ttl_cache_entry *
ttl_cache_find(const struct ttl_cache *c, const char *key)
{
    size_t n = strlen(key);
    unsigned i;

    for (i = 0; i < TTL_CACHE_SLOTS; i++) {
        if (c->slots[i].key[0] != '\0' && strlen(c->slots[i].key) == n &&
            CRYPTO_memcmp(c->slots[i].key, key, n) == 0)
            return (struct ttl_cache_entry *)&c->slots[i];
    }
    return NULL;
}

/* The entry for key good at now, or NULL. */
static const struct ttl_cache_entry *
ttl_cache_live(const struct ttl_cache *c, const char *key, time_t now)
{
    const struct ttl_cache_entry *e;

    if (key == NULL || key[0] == '\0' || (e = ttl_cache_find(c, key)) == NULL ||
        e->until < now)
        return NULL;
    return e;
}

int
ttl_cache_get(const struct ttl_cache *c, const char *key, time_t now,
              char *value, size_t size)
{
    const struct ttl_cache_entry *e = ttl_cache_live(c, key, now);

    if (e == NULL)
        return 0;
    if (value != NULL) {
        if (e->len > size)
            return 0;
        memcpy(value, e->value, e->len);
    }
    return 1;
}

int
ttl_cache_get_bytes(const struct ttl_cache *c, const char *key, time_t now,
                    void *value, size_t len)
{
    const struct ttl_cache_entry *e = ttl_cache_live(c, key, now);

    if (e == NULL || e->len != len)
        return 0;
    memcpy(value, e->value, len);
    return 1;
}

void
ttl_cache_put_bytes(struct ttl_cache *c, const char *key, const void *value,
                    size_t len, time_t until)
{
    struct ttl_cache_entry *e;

    if (key[0] == '\0' || strlen(key) >= TTL_CACHE_KEY_MAX ||
        len > TTL_CACHE_VALUE_MAX)
        return;
    /* One entry per key: a refreshed fact must not leave a stale twin. */
    if ((e = ttl_cache_find(c, key)) == NULL)
        e = &c->slots[c->next++ % TTL_CACHE_SLOTS];
    strcpy(e->key, key);
    memcpy(e->value, value, len);
    e->len = len;
    e->until = until;
}

void
ttl_cache_put(struct ttl_cache *c, const char *key, const char *value,
              time_t until)
{
    ttl_cache_put_bytes(c, key, value, strlen(value) + 1, until);
}

void
ttl_cache_clear(struct ttl_cache *c)
{
    unsigned i;

    for (i = 0; i < TTL_CACHE_SLOTS; i++)
        c->slots[i].key[0] = '\0';
}
