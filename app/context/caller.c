/* caller.c - the signed-in user behind a token's sub, with a small cache. */
#include <string.h>

#include "app/context/caller.h"
#include "app/db/db.h"

static int
caller_copy(char *dst, size_t size, const char *src)
{
    size_t len = strlen(src);

    if (len >= size)
        return 0;
    memcpy(dst, src, len + 1);
    return 1;
}

static cr_code
caller_fetch(struct db *db, const char *sub, struct user *out)
{
    const char *params[1] = { sub };
    PGresult *r;
    cr_code rc;

    rc = db_run(db, DBQ_user_by_cognito_sub, 1, params, &r);
    if (rc)
        return rc;
    rc = CR_NOT_FOUND;
    if (PQntuples(r) == 1) {
        rc = CR_INTERNAL;   /* the schema's CHECKs make these fit */
        if (caller_copy(out->uuid, sizeof(out->uuid), PQgetvalue(r, 0, 0)) &&
            caller_copy(out->handle, sizeof(out->handle), PQgetvalue(r, 0, 1)) &&
            caller_copy(out->display_name, sizeof(out->display_name),
                        PQgetvalue(r, 0, 2)))
            rc = CR_OK;
    }
    PQclear(r);
    return rc;
}

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
    rc = caller_fetch(db, sub, out);
    if (rc)
        return rc;
    e = &cache->slots[cache->next++ % CALLER_CACHE_SLOTS];
    strcpy(e->sub, sub);
    e->user = *out;
    e->expires = now + CALLER_CACHE_SECS;
    return CR_OK;
}
