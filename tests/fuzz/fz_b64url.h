/* fz_b64url.h - the strict base64url codec: whatever decodes re-encodes
 * to exactly the same text (one spelling per value), and whatever is
 * encoded decodes back to the same bytes. */
#ifndef CRUDDUR_FZ_B64URL_H
#define CRUDDUR_FZ_B64URL_H

#include "app/core/b64url.h"
#include "tests/fuzz/fz.h"

static inline int
fz_b64url(const uint8_t *data, size_t size)
{
    unsigned char *raw = NULL, *back = NULL;
    char *text = NULL;
    size_t n, m;
    int bad = 0;

    if (b64url_decode((const char *)data, size, &raw, &n) == CR_OK) {
        if (n != size * 3 / 4 || raw[n] != '\0' ||
            b64url_encode(raw, n, &text) != CR_OK ||
            strlen(text) != size || memcmp(text, data, size) != 0)
            bad = FZ_BROKEN;
        free(text);
        text = NULL;
    }
    if (b64url_encode(data, size, &text) != CR_OK ||
        b64url_decode(text, strlen(text), &back, &m) != CR_OK || m != size ||
        (size > 0 && memcmp(back, data, size) != 0))
        bad = FZ_BROKEN;
    free(back);
    free(text);
    free(raw);
    return bad;
}

#endif
