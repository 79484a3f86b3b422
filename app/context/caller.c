/* caller.c - the signed-in user behind a token's sub, with a small cache. */
#include <string.h>

#include "app/context/caller.h"
#include "app/db/users.h"

cr_code
caller_lookup(struct caller_cache *cache, struct db *db, const char *sub,
              time_t now, struct user *out)
{
    struct caller_entry *e;
    unsigned i;
    cr_code rc;

    if (strlen(sub) >= CALLER_SUB_SIZE)
        return CR_NOT_FOUND;
    for (i = 0; i < CALLER_CACHE_SLOTS; i++) {
        e = &cache->slots[i];
        if (e->expires > now && strcmp(e->sub, sub) == 0) {
            *out = e->user;
            return CR_OK;
        }
    }
    rc = users_by_cognito_sub(db, sub, out);
    if (rc)
        return rc;
    e = &cache->slots[cache->next++ % CALLER_CACHE_SLOTS];
    strcpy(e->sub, sub);
    e->user = *out;
    e->expires = now + CALLER_CACHE_SECS;
    return CR_OK;
}
