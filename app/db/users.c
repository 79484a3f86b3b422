/* users.c - users rows read from PostgreSQL into struct user, and the
 * insert of a new one. */
#include <string.h>

#include "app/core/uuid.h"
#include "app/core/json_out.h"
#include "app/db/users.h"

static int
users_copy(char *dst, size_t size, const char *src)
{
    size_t len = strlen(src);

    if (len >= size)
        return 0;
    memcpy(dst, src, len + 1);
    return 1;
}

cr_code
users_from_row(const PGresult *r, int row, struct user *u)
{
    if (PQnfields(r) < 3 || row >= PQntuples(r))
        return CR_INTERNAL;
    if (users_copy(u->uuid, sizeof(u->uuid), PQgetvalue(r, row, 0)) &&
        users_copy(u->handle, sizeof(u->handle), PQgetvalue(r, row, 1)) &&
        users_copy(u->display_name, sizeof(u->display_name),
                   PQgetvalue(r, row, 2)))
        return CR_OK;
    return CR_INTERNAL;
}

/* The one row query q answers for param, or CR_NOT_FOUND. */
static cr_code
users_one(struct db *db, enum db_query q, const char *param, struct user *u)
{
    const char *params[1] = { param };
    PGresult *r;
    cr_code rc;

    if ((rc = db_run(db, q, 1, params, &r)))
        return rc;
    rc = PQntuples(r) == 1 ? users_from_row(r, 0, u) : CR_NOT_FOUND;
    PQclear(r);
    return rc;
}

cr_code
users_by_handle(struct db *db, const char *handle, struct user *u)
{
    if (!user_handle_valid(handle))
        return CR_NOT_FOUND;
    return users_one(db, DBQ_user_by_handle, handle, u);
}

cr_code
users_by_uuid(struct db *db, const char *uuid, struct user *u)
{
    if (!uuid_valid(uuid))
        return CR_NOT_FOUND;
    return users_one(db, DBQ_user_by_uuid, uuid, u);
}

cr_code
users_by_cognito_sub(struct db *db, const char *sub, struct user *u)
{
    return users_one(db, DBQ_user_by_cognito_sub, sub, u);
}

cr_code
users_create(struct db *db, const char *sub, const char *handle,
             const char *display_name, const char *email, int *created)
{
    const char *params[] = { sub, handle, display_name, email };
    PGresult *r;
    cr_code rc;

    *created = 0;
    /* The sub is the arbiter of ON CONFLICT: the only unique key left to
     * violate, CR_CONFLICT, is the handle. */
    if ((rc = db_run(db, DBQ_create_user, 4, params, &r)))
        return rc;
    *created = PQntuples(r) > 0;
    PQclear(r);
    return CR_OK;
}

cr_code
users_short_json(const struct user *u, struct buf *b)
{
    cr_code rc;

    if ((rc = buf_append_str(b, "{\"uuid\" : ")) ||
        (rc = json_out_str(b, u->uuid)) ||
        (rc = buf_append_str(b, ", \"handle\" : ")) ||
        (rc = json_out_str(b, u->handle)) ||
        (rc = buf_append_str(b, ", \"display_name\" : ")) ||
        (rc = json_out_str(b, u->display_name)))
        return rc;
    return buf_append(b, "}", 1);
}
