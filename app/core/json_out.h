/* json_out.h - writing JSON text straight into a buffer, in the exact bytes
 * PostgreSQL's json functions write: the feeds used to be built by
 * PostgreSQL and their answers stay byte for byte the same.
 *
 * Strings are escaped as PostgreSQL's escape_json does: '"' and '\\', the
 * short escapes \b \f \n \r \t, every other byte below 0x20 as \u00xx
 * (lower-case hex); everything else, '/' and UTF-8 included, as is. */
#ifndef CRUDDUR_JSON_OUT_H
#define CRUDDUR_JSON_OUT_H

#include <stddef.h>
#include <stdint.h>

#include "app/core/buf.h"
#include "app/core/err.h"

/* Appends s as a quoted, escaped JSON string. */
cr_code json_out_str(struct buf *b, const char *s);

/* The same as jansson's compact dump writes a string: the one difference
 * is upper-case hex in \u00XX. For answers jansson used to write. */
cr_code json_out_str_jansson(struct buf *b, const char *s);
/* The same for s[0..len), which may hold NULs (written as \u0000). */
cr_code json_out_strn_jansson(struct buf *b, const char *s, size_t len);

/* Appends usec (microseconds since 1970-01-01 UTC) as a quoted RFC 3339
 * time in UTC as PostgreSQL writes a timestamptz into JSON with TimeZone
 * UTC: "2026-11-28T08:20:13.1234+00:00", the fraction without its trailing
 * zeros and left out when zero. */
cr_code json_out_time(struct buf *b, int64_t usec);

/* Parses a decimal int64 as PostgreSQL writes one (text of an int8).
 * CR_INVALID for anything else. */
cr_code json_out_parse_i64(const char *s, int64_t *out);

#endif
