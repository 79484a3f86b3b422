/* activity_json.c - activity rows into JSON, byte for byte as PostgreSQL's
 * json_build_object (feeds) and jsonb (one activity with its replies). */
#include "app/core/json_out.h"
#include "app/db/activity_json.h"

/* One field: its column, the text before its value ("{" or ", ", the key,
 * the separator) and its kind. */
enum afield_kind { AF_STR, AF_INT, AF_UUID_OR_NULL, AF_TIME };

struct afield {
    enum activity_col col;
    const char *pre;            /* what comes before its value */
    enum afield_kind kind;
};

/* json_build_object's order: the order the fields were named in. */
static const struct afield afields_obj[] = {
    { ACOL_UUID, "{\"uuid\" : ", AF_STR },
    { ACOL_DISPLAY_NAME, ", \"display_name\" : ", AF_STR },
    { ACOL_HANDLE, ", \"handle\" : ", AF_STR },
    { ACOL_MESSAGE, ", \"message\" : ", AF_STR },
    { ACOL_REPLIES_COUNT, ", \"replies_count\" : ", AF_INT },
    { ACOL_REPOSTS_COUNT, ", \"reposts_count\" : ", AF_INT },
    { ACOL_LIKES_COUNT, ", \"likes_count\" : ", AF_INT },
    { ACOL_REPLY_TO, ", \"reply_to_activity_uuid\" : ", AF_UUID_OR_NULL },
    { ACOL_EXPIRES_US, ", \"expires_at\" : ", AF_TIME },
    { ACOL_CREATED_US, ", \"created_at\" : ", AF_TIME },
};

/* jsonb's order: shorter keys first, then by bytes. "replies" (the show
 * route's array) sorts between "message" and "created_at". */
static const struct afield afields_jsonb[] = {
    { ACOL_UUID, "{\"uuid\": ", AF_STR },
    { ACOL_HANDLE, ", \"handle\": ", AF_STR },
    { ACOL_MESSAGE, ", \"message\": ", AF_STR },
    { ACOL_CREATED_US, ", \"created_at\": ", AF_TIME },
    { ACOL_EXPIRES_US, ", \"expires_at\": ", AF_TIME },
    { ACOL_LIKES_COUNT, ", \"likes_count\": ", AF_INT },
    { ACOL_DISPLAY_NAME, ", \"display_name\": ", AF_STR },
    { ACOL_REPLIES_COUNT, ", \"replies_count\": ", AF_INT },
    { ACOL_REPOSTS_COUNT, ", \"reposts_count\": ", AF_INT },
    { ACOL_REPLY_TO, ", \"reply_to_activity_uuid\": ", AF_UUID_OR_NULL },
};
#define AFIELDS (sizeof(afields_obj) / sizeof(afields_obj[0]))
#define AFIELD_REPLIES_AFTER 2      /* afields_jsonb index of "message" */

/* An integer column as PostgreSQL wrote it: digits with an optional sign. */
static int
activity_int_text(const char *s)
{
    int64_t v;

    return json_out_parse_i64(s, &v) == CR_OK;
}

static cr_code
activity_value(const PGresult *r, int row, const struct afield *f,
               struct buf *b, int64_t *min_expires)
{
    const char *v = PQgetvalue(r, row, (int)f->col);
    int64_t us;
    cr_code rc;

    if (PQgetisnull(r, row, (int)f->col))
        return f->kind == AF_UUID_OR_NULL ? buf_append(b, "null", 4)
                                          : CR_INTERNAL;
    switch (f->kind) {
    case AF_INT:
        return activity_int_text(v) ? buf_append_str(b, v) : CR_INTERNAL;
    case AF_TIME:
        if ((rc = json_out_parse_i64(v, &us)))
            return CR_INTERNAL;
        if (f->col == ACOL_EXPIRES_US && min_expires && us < *min_expires)
            *min_expires = us;
        return json_out_time(b, us);
    default:
        return json_out_str(b, v);
    }
}

static cr_code activity_replies(const PGresult *r, struct buf *b,
                                int64_t *min_expires);

/* Row row as one object; with_replies (jsonb only) adds "replies", the
 * rows after it. */
static cr_code
activity_object(const PGresult *r, int row, int jsonb, int with_replies,
                struct buf *b, int64_t *min_expires)
{
    const struct afield *fields = jsonb ? afields_jsonb : afields_obj;
    size_t i;
    cr_code rc;

    for (i = 0; i < AFIELDS; i++) {
        if ((rc = buf_append_str(b, fields[i].pre)) ||
            (rc = activity_value(r, row, &fields[i], b, min_expires)))
            return rc;
        if (with_replies && i == AFIELD_REPLIES_AFTER &&
            ((rc = buf_append_str(b, ", \"replies\": ")) ||
             (rc = activity_replies(r, b, min_expires))))
            return rc;
    }
    return buf_append(b, "}", 1);
}

/* The rows first.. as an array of objects, jsonb or json_agg style (both
 * separate elements with ", "). */
static cr_code
activity_list(const PGresult *r, int first, int jsonb, struct buf *b,
              int64_t *min_expires)
{
    int row, n = PQntuples(r), written = 0;
    cr_code rc;

    if (PQnfields(r) != ACOL__COUNT)
        return CR_INTERNAL;
    if ((rc = buf_append(b, "[", 1)))
        return rc;
    for (row = first; row < n; row++) {
        if (PQgetisnull(r, row, ACOL_UUID))
            continue;
        if ((written++ && (rc = buf_append(b, ", ", 2))) ||
            (rc = activity_object(r, row, jsonb, 0, b, min_expires)))
            return rc;
    }
    return buf_append(b, "]", 1);
}

static cr_code
activity_replies(const PGresult *r, struct buf *b, int64_t *min_expires)
{
    return activity_list(r, 1, 1, b, min_expires);
}

cr_code
activity_json_array(const PGresult *r, int first, struct buf *b,
                    int64_t *min_expires)
{
    return activity_list(r, first, 0, b, min_expires);
}

/* Row 0 as one object: the shape the single-activity queries answer (their
 * columns, at least one row, an activity in it). */
static cr_code
activity_first(const PGresult *r, int jsonb, struct buf *b,
               int64_t *min_expires)
{
    if (PQnfields(r) != ACOL__COUNT || PQntuples(r) < 1 ||
        PQgetisnull(r, 0, ACOL_UUID))
        return CR_INTERNAL;
    return activity_object(r, 0, jsonb, jsonb, b, min_expires);
}

cr_code
activity_json_object(const PGresult *r, struct buf *b, int64_t *min_expires)
{
    return activity_first(r, 0, b, min_expires);
}

cr_code
activity_json_show(const PGresult *r, struct buf *b, int64_t *min_expires)
{
    return activity_first(r, 1, b, min_expires);
}
