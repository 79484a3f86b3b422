/* ttl_cache.c - a fixed set of recent key -> value facts with expiry. */
#include <string.h>

#include "app/core/ttl_cache.h"

static struct ttl_cache_entry *
ttl_cache_find(const struct ttl_cache *c, const char *key)
{
    unsigned i;

    for (i = 0; i < TTL_CACHE_SLOTS; i++) {
        if (c->slots[i].key[0] != '\0' && strcmp(c->slots[i].key, key) == 0)
            return (struct ttl_cache_entry *)&c->slots[i];
    }
    return NULL;
}

int
ttl_cache_get(const struct ttl_cache *c, const char *key, time_t now,
              char *value, size_t size)
{
    const struct ttl_cache_entry *e;

    if (key == NULL || key[0] == '\0' || (e = ttl_cache_find(c, key)) == NULL ||
        e->until < now)
        return 0;
    if (value != NULL) {
        if (strlen(e->value) >= size)
            return 0;
        strcpy(value, e->value);
    }
    return 1;
}

void
ttl_cache_put(struct ttl_cache *c, const char *key, const char *value,
              time_t until)
{
    struct ttl_cache_entry *e;

    if (key[0] == '\0' || strlen(key) >= TTL_CACHE_KEY_MAX ||
        strlen(value) >= TTL_CACHE_VALUE_MAX)
        return;
    /* One entry per key: a refreshed fact must not leave a stale twin. */
    if ((e = ttl_cache_find(c, key)) == NULL)
        e = &c->slots[c->next++ % TTL_CACHE_SLOTS];
    strcpy(e->key, key);
    strcpy(e->value, value);
    e->until = until;
}
