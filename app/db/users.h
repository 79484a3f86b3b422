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

/* The user whose uuid is uuid. CR_NOT_FOUND when there is none (a string
 * that is not a uuid names nobody: PostgreSQL is not asked). */
cr_code users_by_uuid(struct db *db, const char *uuid, struct user *u);

/* The user linked to the Cognito user sub (users.cognito_user_id), or
 * CR_NOT_FOUND. */
cr_code users_by_cognito_sub(struct db *db, const char *sub, struct user *u);

/* A user who has just signed up (the sign-up trigger), with fields that
 * meet user.h's rules: one insert, idempotent on the Cognito sub. CR_OK
 * with *created 1 for a new row, 0 when the sub had its row already (a
 * retry); CR_CONFLICT when another user holds the handle; db_run's codes
 * otherwise (CR_DB_UNAVAILABLE once a retry on a fresh connection failed
 * too). */
cr_code users_create(struct db *db, const char *sub, const char *handle,
                     const char *display_name, const char *email,
                     int *created);
/* Appends u's public short form, {"uuid", "handle", "display_name"}, in
 * the bytes PostgreSQL's json_build_object wrote it in. */
cr_code users_short_json(const struct user *u, struct buf *b);

#endif
