/* jsonw.h - writing JSON text straight into a buffer, for the log lines
 * and the trace export: no tree, no allocation per value, numbers written
 * the way we want them (3 decimals of ms, int64 as digits).
 *
 * A write failure (out of memory, the buffer's limit) is kept in w->rc and
 * makes the later calls no-ops: check it once at the end. */
#ifndef CRUDDUR_JSONW_H
#define CRUDDUR_JSONW_H

#include <stdint.h>

#include "app/core/buf.h"

struct jsonw {
    struct buf *b;
    int comma;          /* a value was written at this level */
    cr_code rc;
};

void jsonw_init(struct jsonw *w, struct buf *b);
/* '{' or '[' and the matching '}' or ']'. */
void jsonw_begin(struct jsonw *w, char open);
void jsonw_end(struct jsonw *w, char close);
void jsonw_key(struct jsonw *w, const char *key);
/* A string, escaped; NULL writes null. Text that is not UTF-8 has its
 * bytes above 0x7f written as '?', so the line stays valid JSON. */
void jsonw_str(struct jsonw *w, const char *s);
void jsonw_int(struct jsonw *w, int64_t v);
/* v / 1000 with three decimals: 1234 -> 1.234. */
void jsonw_milli(struct jsonw *w, int64_t v);
/* Text that already is JSON (true, null, a number). */
void jsonw_raw(struct jsonw *w, const char *json);

#endif
