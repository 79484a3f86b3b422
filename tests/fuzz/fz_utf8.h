/* fz_utf8.h - utf8_valid() against a second opinion: jansson's own UTF-8
 * check (json_stringn), which refuses the same overlong forms, surrogates
 * and code points past U+10FFFF but allows NUL, which ours refuses. And
 * utf8_count() against the number of sequences utf8_valid() walked. */
#ifndef CRUDDUR_FZ_UTF8_H
#define CRUDDUR_FZ_UTF8_H

#include <jansson.h>

#include "app/core/utf8.h"
#include "tests/fuzz/fz.h"

static inline int
fz_utf8(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    json_t *j = json_stringn(s, size);
    int ours = utf8_valid(s, size);
    int theirs = j != NULL && memchr(s, '\0', size) == NULL;
    size_t i, lead = 0;
    char *c;
    int bad = 0;

    json_decref(j);
    if (ours != theirs)
        return FZ_BROKEN;
    if (ours) {
        for (i = 0; i < size; i++)
            lead += (data[i] & 0xC0) != 0x80;
        c = fz_cstr(data, size);
        bad = utf8_count(c) == lead ? 0 : FZ_BROKEN;
        free(c);
    }
    return bad;
}

#endif
