/* ttl_cache.h - a worker's memory of a few recent facts: string keys to
 * short values (strings, or a small struct as bytes), each good until a
 * given second.
 *
 * Fixed size, no allocation: TTL_CACHE_SLOTS entries overwritten round
 * robin, looked up by exact key (compared in constant time), one entry per
 * key. The worker's only cache: tokens already verified, by digest
 * (app/context/auth_cache.c), recent callers (app/context/caller.c) and
 * conversations a caller was found in (services/message_participant.c). */
#ifndef CRUDDUR_TTL_CACHE_H
#define CRUDDUR_TTL_CACHE_H

#include <stddef.h>
#include <time.h>

#define TTL_CACHE_SLOTS     16
#define TTL_CACHE_KEY_MAX   2048    /* longer keys are not kept */
#define TTL_CACHE_VALUE_MAX 384     /* nor longer values (a struct user fits) */

struct ttl_cache_entry {
    char key[TTL_CACHE_KEY_MAX];
    unsigned char value[TTL_CACHE_VALUE_MAX];
    size_t len;                     /* bytes of value (a string's NUL too) */
    time_t until;                   /* last second it may serve */
};

struct ttl_cache {
    struct ttl_cache_entry slots[TTL_CACHE_SLOTS];
    unsigned next;                  /* slot to overwrite next */
};

/* 1 when key is kept and good at now, its value copied into value (when
 * value is not NULL and it fits in size); else 0. */
int ttl_cache_get(const struct ttl_cache *c, const char *key, time_t now,
                  char *value, size_t size);

/* Keeps key -> value until the second until, replacing an entry for the
 * same key or else the oldest one. A key or value too long is not kept. */
void ttl_cache_put(struct ttl_cache *c, const char *key, const char *value,
                   time_t until);

/* The same for a value of len bytes: _get answers 1 only for an entry of
 * exactly len bytes, copied into value. */
int ttl_cache_get_bytes(const struct ttl_cache *c, const char *key,
                        time_t now, void *value, size_t len);
void ttl_cache_put_bytes(struct ttl_cache *c, const char *key,
                         const void *value, size_t len, time_t until);

/* Forgets every entry. */
void ttl_cache_clear(struct ttl_cache *c);

#endif
