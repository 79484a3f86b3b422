/* activity_json.h - rows of the activity queries written as the API's JSON.
 *
 * PostgreSQL answers plain columns (sql/queries/home_activities.sql and its
 * siblings), in this order, and the worker writes the JSON, in the very
 * bytes PostgreSQL's json_build_object and jsonb used to write (compared in
 * tests/e2e/15-feed-json.t). Times come as microseconds since 1970: no
 * text to parse, and PostgreSQL formats no timestamp. */
#ifndef CRUDDUR_ACTIVITY_JSON_H
#define CRUDDUR_ACTIVITY_JSON_H

#include <libpq-fe.h>
#include <stdint.h>

#include "app/core/buf.h"
#include "app/core/err.h"

enum activity_col {
    ACOL_UUID, ACOL_DISPLAY_NAME, ACOL_HANDLE, ACOL_MESSAGE,
    ACOL_REPLIES_COUNT, ACOL_REPOSTS_COUNT, ACOL_LIKES_COUNT,
    ACOL_REPLY_TO, ACOL_EXPIRES_US, ACOL_CREATED_US,
    ACOL__COUNT
};

/* No activity expires before this (nothing in the answer bounds it). */
#define ACTIVITY_NEVER INT64_MAX

/* Rows first..last of r as a JSON array, in their order, in the format of
 * json_agg(json_build_object(...)). A row whose uuid is NULL (a user with
 * no activity) is skipped. *min_expires (may be NULL) is lowered to the
 * earliest expires_at written. CR_INTERNAL when r has other columns or a
 * value is not what the schema allows. */
cr_code activity_json_array(const PGresult *r, int first, struct buf *b,
                            int64_t *min_expires);

/* Row 0 of r as one object, in the format of json_build_object. */
cr_code activity_json_object(const PGresult *r, struct buf *b,
                             int64_t *min_expires);

/* Row 0 of r with the following rows as its "replies", in the format of
 * jsonb (keys ordered by length, then bytes; ": " and ", "), the shape of
 * GET /api/activities/UUID. */
cr_code activity_json_show(const PGresult *r, struct buf *b,
                           int64_t *min_expires);

#endif
