/* resp_cache.h - a worker's cache of finished response bodies (the home
 * feed, users' short forms), each kept with the stamp it was read under.
 *
 * A stamp holds the counters whose change may change an answer: the
 * epochs of the tables it was read from (app/db/db_notify.h) and the
 * host's write counter (app/core/shm_gen.h). An entry serves while the
 * counters it depends on still read what they read when its query was
 * sent, and until its own deadline: the earliest expires_at among the
 * activities it holds, or RESP_CACHE_MAX_AGE_US after it was made (a
 * safety net), whichever comes first. Fixed slots, overwritten round
 * robin; pure, unit-tested (tests/unit/test_resp_cache.c). */
#ifndef CRUDDUR_RESP_CACHE_H
#define CRUDDUR_RESP_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "app/core/err.h"

#define RESP_CACHE_SLOTS      32
#define RESP_CACHE_KEY_MAX    48
#define RESP_CACHE_MAX_AGE_US (30 * 1000000LL)
#define RESP_ETAG_SIZE        20    /* "\"" 16 hex "\"" and a NUL */

/* The counters of a stamp, and the bit of each in a dependency mask. */
enum resp_word { RESP_W_ACTIVITIES, RESP_W_USERS, RESP_W_HOST_WRITES,
                 RESP_W__COUNT };
#define RESP_DEP(w) (1u << (w))

struct resp_stamp {
    uint64_t word[RESP_W__COUNT];
};

struct resp_entry {
    char key[RESP_CACHE_KEY_MAX];   /* "" when free */
    char *body;                     /* owned */
    size_t len;
    char etag[RESP_ETAG_SIZE];
    unsigned deps;                  /* RESP_DEP() of the words it reads */
    struct resp_stamp stamp;        /* as read before its query */
    int64_t until_us;               /* serves while now < until_us */
};

struct resp_cache {
    struct resp_entry slots[RESP_CACHE_SLOTS];
    unsigned next;
};

/* The entry for key that is good under now (the current stamp) at now_us,
 * or NULL. */
const struct resp_entry *resp_cache_get(const struct resp_cache *c,
                                        const char *key,
                                        const struct resp_stamp *now,
                                        int64_t now_us);

/* Keeps a copy of body[0..len) for key, read under stamp made (taken
 * before its query), good until min(until_us, now_us + max age). A key too
 * long is not kept (CR_OK: a cache may forget). */
cr_code resp_cache_put(struct resp_cache *c, const char *key,
                       const char *body, size_t len, unsigned deps,
                       const struct resp_stamp *made, int64_t now_us,
                       int64_t until_us);

void resp_cache_clear(struct resp_cache *c);

/* The strong ETag of a body: its FNV-1a 64 in hex, quoted. The same body
 * gets the same tag in every worker. */
void resp_etag(const char *body, size_t len, char out[RESP_ETAG_SIZE]);

#endif
