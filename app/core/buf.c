/* buf.c - growable byte buffer. */
#include <stdlib.h>
#include <string.h>

#include "app/core/buf.h"

void
buf_init(struct buf *b, size_t limit)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->limit = limit;
}

void
buf_free(struct buf *b)
{
    free(b->data);
    buf_init(b, b->limit);
}

void
buf_reset(struct buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

static cr_code
buf_grow(struct buf *b, size_t need)
{
    size_t cap = b->cap ? b->cap : 256;
    char *p;

    while (cap < need) {
        if (cap > ((size_t)-1) / 2)
            return CR_NOMEM;
        cap *= 2;
    }
    p = realloc(b->data, cap);
    if (p == NULL)
        return CR_NOMEM;
    b->data = p;
    b->cap = cap;
    return CR_OK;
}

cr_code
buf_reserve(struct buf *b, size_t n)
{
    if (n > ((size_t)-1) - b->len - 1)
        return CR_NOMEM;
    return b->len + n + 1 > b->cap ? buf_grow(b, b->len + n + 1) : CR_OK;
}

cr_code
buf_append(struct buf *b, const void *data, size_t len)
{
    cr_code rc;

    if (b->limit && (len > b->limit || b->len > b->limit - len))
        return CR_INVALID;
    if (b->len + len + 1 > b->cap) {
        rc = buf_grow(b, b->len + len + 1);
        if (rc)
            return rc;
    }
    if (len)
        memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = '\0';
    return CR_OK;
}

cr_code
buf_append_str(struct buf *b, const char *s)
{
    return buf_append(b, s, strlen(s));
}

char *
buf_take(struct buf *b)
{
    char *p = b->data;

    if (p == NULL)
        p = calloc(1, 1);
    buf_init(b, b->limit);
    return p;
}

const char *
buf_str(const struct buf *b)
{
    return b->data ? b->data : "";
}
