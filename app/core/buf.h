/* buf.h - a growable byte buffer, always NUL-terminated.
 *
 * Used wherever bytes arrive in pieces (HTTP bodies, libcurl responses).
 * The owner initialises it with buf_init() and releases it with buf_free();
 * buf_take() hands the bytes to a new owner. */
#ifndef CRUDDUR_BUF_H
#define CRUDDUR_BUF_H

#include <stddef.h>

#include "app/core/err.h"

struct buf {
    char *data;     /* NUL-terminated; NULL until the first append */
    size_t len;
    size_t cap;
    size_t limit;   /* 0: no limit; otherwise appends past it fail */
};

void buf_init(struct buf *b, size_t limit);
void buf_free(struct buf *b);
void buf_reset(struct buf *b);
/* Room for n more bytes, so appends up to that many do not reallocate. */
cr_code buf_reserve(struct buf *b, size_t n);
cr_code buf_append(struct buf *b, const void *data, size_t len);
cr_code buf_append_str(struct buf *b, const char *s);
/* Gives the caller the bytes (free() them) and leaves b empty. */
char *buf_take(struct buf *b);
/* The contents as a C string; "" when empty. */
const char *buf_str(const struct buf *b);

#endif
