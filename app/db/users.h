/* users.h - rows of the users table as struct user: the one place a
 * PostgreSQL row becomes a user (the worker's caller, a message's receiver,
 * cruddur-aws and cruddur-load all read users through here). */
#ifndef CRUDDUR_USERS_H
#define CRUDDUR_USERS_H

#include <libpq-fe.h>

#include "app/core/buf.h"
#include "app/core/err.h"
#include "app/db/db.h"
#include "app/db/user.h"

/* Row row of r, whose columns are uuid, handle, display_name (as the
 * user_by_* queries answer), into *u. CR_INTERNAL when a value does not
 * fit its field, which the schema's CHECKs rule out. */
cr_code users_from_row(const PGresult *r, int row, struct user *u);

/* The user named handle. CR_NOT_FOUND when there is none (a string that
 * cannot be a handle names nobody: PostgreSQL is not asked). */
cr_code users_by_handle(struct db *db, const char *handle, struct user *u);

/* The user linked to the Cognito user sub (users.cognito_user_id), or
 * CR_NOT_FOUND. */
cr_code users_by_cognito_sub(struct db *db, const char *sub, struct user *u);

/* Appends u's public short form, {"uuid", "handle", "display_name"}, in
 * the bytes PostgreSQL's json_build_object wrote it in. */
cr_code users_short_json(const struct user *u, struct buf *b);

#endif
