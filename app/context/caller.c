/* caller.c - the signed-in user behind a token's sub, with a small cache. */
#include <string.h>

#include "app/context/caller.h"
#include "app/db/users.h"

cr_code
caller_lookup(struct caller_cache *cache, struct db *db, const char *sub,
              time_t now, const uint64_t *users_epoch, struct user *out)
{
    cr_code rc;

    if (strlen(sub) >= CALLER_SUB_SIZE)
        return CR_NOT_FOUND;
    if (users_epoch == NULL)
        return users_by_cognito_sub(db, sub, out);
    if (*users_epoch != cache->epoch) {
        ttl_cache_clear(&cache->users);     /* a user may have changed */
        cache->epoch = *users_epoch;
    }
    if (ttl_cache_get_bytes(&cache->users, sub, now, out, sizeof(*out)))
        return CR_OK;
    if ((rc = users_by_cognito_sub(db, sub, out)))
        return rc;
    /* Served for CALLER_CACHE_SECS seconds: the last one is now + secs - 1. */
    ttl_cache_put_bytes(&cache->users, sub, out, sizeof(*out),
                        now + CALLER_CACHE_SECS - 1);
    return CR_OK;
}
