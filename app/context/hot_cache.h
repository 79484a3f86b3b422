/* hot_cache.h - what lets a worker answer hot reads from memory and stay
 * exact: its LISTEN connection (app/db/db_notify.h), the host's write
 * counter (app/core/shm_gen.h) and the bodies it keeps
 * (app/context/resp_cache.h). README, "Caching". */
#ifndef CRUDDUR_HOT_CACHE_H
#define CRUDDUR_HOT_CACHE_H

#include <stdint.h>

#include "app/context/resp_cache.h"
#include "app/core/breaker.h"
#include "app/core/err.h"
#include "app/core/shm_gen.h"
#include "app/db/db_notify.h"

struct hot_cache {
    int on;                     /* CRUDDUR_RESPONSE_CACHE, and set up */
    const struct breaker *pg;   /* PostgreSQL's: no LISTEN connect while
                                 * it is tripped; NULL: always */
    struct db_notify *notify;
    struct shm_gen writes;
    struct resp_cache bodies;
};

/* Sets the cache up (on) or leaves it off. Connects nothing yet; pg (may
 * be NULL) is PostgreSQL's breaker. On a failure the cache stays off and
 * the code says why. */
cr_code hot_cache_init(struct hot_cache *h, int on, const char *conninfo,
                       const struct breaker *pg);

/* The host's write counter of the workers on conninfo (their scope): its
 * path, and its removal once they are gone (shm_gen_unlink's codes). */
void hot_cache_counter_path(const char *conninfo,
                            char path[SHM_GEN_PATH_SIZE]);
cr_code hot_cache_counter_remove(const char *conninfo);
void hot_cache_free(struct hot_cache *h);

/* 1 when cached answers may be used now, with the current stamp in *st:
 * drains the notifications that have arrived first. 0 when the cache is
 * off or not listening (then nothing is kept either). */
int hot_cache_stamp(struct hot_cache *h, struct resp_stamp *st);

/* A write was made (or may have been): bumps the host's counter, so that
 * no worker of the host serves an answer read before it. Call it after
 * the commit and before answering. */
void hot_cache_wrote(struct hot_cache *h);

/* Wall-clock microseconds, the clock activities expire by. */
int64_t hot_cache_now_us(void);

#endif
