/* hot_cache.c - the stamp of the moment: notifications drained, the
 * host's write counter read. */
#include <string.h>
#include <time.h>

#include "app/context/hot_cache.h"

cr_code
hot_cache_init(struct hot_cache *h, int on, const char *conninfo,
               const struct breaker *pg)
{
    cr_code rc;

    memset(h, 0, sizeof(*h));
    h->pg = pg;
    if (!on)
        return CR_OK;
    if ((rc = shm_gen_open(&h->writes, conninfo)))
        return rc;
    if ((rc = db_notify_new(&h->notify, conninfo))) {
        shm_gen_close(&h->writes);
        return rc;
    }
    h->on = 1;
    return CR_OK;
}

void
hot_cache_counter_path(const char *conninfo, char path[SHM_GEN_PATH_SIZE])
{
    shm_gen_path(conninfo, path);
}

cr_code
hot_cache_counter_remove(const char *conninfo)
{
    return shm_gen_unlink(conninfo);
}

void
hot_cache_free(struct hot_cache *h)
{
    resp_cache_clear(&h->bodies);
    db_notify_free(h->notify);
    shm_gen_close(&h->writes);
    memset(h, 0, sizeof(*h));
}

int
hot_cache_stamp(struct hot_cache *h, struct resp_stamp *st)
{
    struct db_notify_epochs ep;

    if (!h->on)
        return 0;
    /* A LISTEN connect into a PostgreSQL that hangs would wait its 2 s on
     * every request, past the breaker: answered without the cache. */
    if (db_notify_poll(h->notify, time(NULL),
                       h->pg == NULL || !breaker_tripped(h->pg),
                       &ep) != CR_OK) {
        resp_cache_clear(&h->bodies);   /* lost: drop everything */
        return 0;
    }
    st->word[RESP_W_ACTIVITIES] = ep.table[DBN_ACTIVITIES];
    st->word[RESP_W_USERS] = ep.table[DBN_USERS];
    /* Read after the drain: a writer bumps after its commit, so a bump
     * seen here is a write this stamp's reader may not see cached. */
    st->word[RESP_W_HOST_WRITES] = shm_gen_read(&h->writes);
    return 1;
}

void
hot_cache_wrote(struct hot_cache *h)
{
    if (h->on)
        shm_gen_bump(&h->writes);
}

int64_t
hot_cache_now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}
