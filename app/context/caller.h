/* caller.h - who is calling: the user row behind a verified token's sub.
 *
 * A worker remembers the last few callers for a short while, so a client
 * making several requests costs one lookup, and a user deleted or re-linked
 * in PostgreSQL is seen within CALLER_CACHE_SECS. */
#ifndef CRUDDUR_CALLER_H
#define CRUDDUR_CALLER_H

#include <time.h>

#include "app/core/err.h"
#include "app/core/ttl_cache.h"
#include "app/db/user.h"

#define CALLER_CACHE_SECS  30
#define CALLER_SUB_SIZE    128

struct db;

/* sub -> struct user (as bytes). */
struct caller_cache {
    struct ttl_cache users;
};

/* Finds the user whose cognito_user_id is sub. CR_NOT_FOUND when there is
 * none, CR_DB_UNAVAILABLE when PostgreSQL is down. */
cr_code caller_lookup(struct caller_cache *cache, struct db *db,
                      const char *sub, time_t now, struct user *out);

#endif
