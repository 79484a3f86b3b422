/* resp_cache.c - finished bodies kept under the stamp they were read at. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/context/resp_cache.h"
#include "app/core/fnv.h"

static int
resp_stamp_holds(const struct resp_entry *e, const struct resp_stamp *now)
{
    int w;

    for (w = 0; w < RESP_W__COUNT; w++) {
        if ((e->deps & RESP_DEP(w)) && e->stamp.word[w] != now->word[w])
            return 0;
    }
    return 1;
}

static struct resp_entry *
resp_cache_find(const struct resp_cache *c, const char *key)
{
    unsigned i;

    for (i = 0; i < RESP_CACHE_SLOTS; i++) {
        if (c->slots[i].key[0] && strcmp(c->slots[i].key, key) == 0)
            return (struct resp_entry *)&c->slots[i];
    }
    return NULL;
}

const struct resp_entry *
resp_cache_get(const struct resp_cache *c, const char *key,
               const struct resp_stamp *now, int64_t now_us)
{
    const struct resp_entry *e = resp_cache_find(c, key);

    if (e == NULL || now_us >= e->until_us || !resp_stamp_holds(e, now))
        return NULL;
    return e;
}

static void
resp_entry_drop(struct resp_entry *e)
{
    free(e->body);
    memset(e, 0, sizeof(*e));
}

cr_code
resp_cache_put(struct resp_cache *c, const char *key, const char *body,
               size_t len, unsigned deps, const struct resp_stamp *made,
               int64_t now_us, int64_t until_us)
{
    struct resp_entry *e = resp_cache_find(c, key);
    char *copy;

    if (strlen(key) >= RESP_CACHE_KEY_MAX || key[0] == '\0')
        return CR_OK;
    if ((copy = malloc(len + 1)) == NULL)
        return CR_NOMEM;
    memcpy(copy, body, len);
    copy[len] = '\0';
    if (e == NULL) {
        e = &c->slots[c->next];
        c->next = (c->next + 1) % RESP_CACHE_SLOTS;
    }
    resp_entry_drop(e);
    memcpy(e->key, key, strlen(key) + 1);
    e->body = copy;
    e->len = len;
    resp_etag(body, len, e->etag);
    e->deps = deps;
    e->stamp = *made;
    e->until_us = now_us + RESP_CACHE_MAX_AGE_US;
    if (until_us < e->until_us)
        e->until_us = until_us;
    return CR_OK;
}

void
resp_cache_clear(struct resp_cache *c)
{
    unsigned i;

    for (i = 0; i < RESP_CACHE_SLOTS; i++)
        resp_entry_drop(&c->slots[i]);
    c->next = 0;
}

void
resp_etag(const char *body, size_t len, char out[RESP_ETAG_SIZE])
{
    snprintf(out, RESP_ETAG_SIZE, "\"%016llx\"",
             (unsigned long long)fnv1a64(body, len));
}
