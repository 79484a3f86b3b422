/* caller.h - who is calling: the user row behind a verified token's sub.
 *
 * A worker remembers the last few callers, so a client making several
 * requests costs one lookup, but only while it hears of every change to
 * the users table (app/db/db_notify.h): any change forgets them all, so a
 * user deleted or re-linked is seen at the next request. Without that
 * (the cache off, PostgreSQL's notifications not heard) every request
 * looks its caller up. CALLER_CACHE_SECS bounds an entry's age. */
#ifndef CRUDDUR_CALLER_H
#define CRUDDUR_CALLER_H

#include <stdint.h>
#include <time.h>

#include "app/core/err.h"
#include "app/core/ttl_cache.h"
#include "app/db/user.h"

#define CALLER_CACHE_SECS  30
#define CALLER_SUB_SIZE    128

struct db;

/* sub -> struct user (as bytes), as of the users epoch. */
struct caller_cache {
    struct ttl_cache users;
    uint64_t epoch;
};

/* Finds the user whose cognito_user_id is sub. users_epoch is the users
 * table's epoch now, or NULL when changes are not being heard.
 * CR_NOT_FOUND when there is none, CR_DB_UNAVAILABLE when PostgreSQL is
 * down. */
cr_code caller_lookup(struct caller_cache *cache, struct db *db,
                      const char *sub, time_t now,
                      const uint64_t *users_epoch, struct user *out);

#endif
