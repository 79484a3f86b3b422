/* b64url.c - strict unpadded base64url. */
#include <stdlib.h>

#include "app/core/b64url.h"

static const char b64url_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static int
b64url_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '-')
        return 62;
    if (c == '_')
        return 63;
    return -1;
}

cr_code
b64url_decode(const char *src, size_t len, unsigned char **out,
              size_t *out_len)
{
    unsigned char *dst;
    unsigned long acc = 0;
    size_t i, n = 0;
    int bits = 0, v;

    *out = NULL;
    *out_len = 0;
    /* One character left over carries only 6 bits: never a whole byte. */
    if (len % 4 == 1)
        return CR_INVALID;
    dst = malloc(len / 4 * 3 + 3);
    if (dst == NULL)
        return CR_NOMEM;
    for (i = 0; i < len; i++) {
        v = b64url_value((unsigned char)src[i]);
        if (v < 0)
            goto bad;
        acc = ((acc << 6) | (unsigned long)v) & 0xffffUL;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            dst[n++] = (unsigned char)(acc >> bits);
        }
    }
    /* Leftover bits are padding and must be zero. */
    if (bits > 0 && (acc & ((1UL << bits) - 1)) != 0)
        goto bad;
    dst[n] = '\0';
    *out = dst;
    *out_len = n;
    return CR_OK;
bad:
    free(dst);
    return CR_INVALID;
}

cr_code
b64url_encode(const unsigned char *src, size_t len, char **out)
{
    char *dst;
    unsigned long acc = 0;
    size_t i, n = 0;
    int bits = 0;

    *out = NULL;
    if (len > ((size_t)-1) / 2)
        return CR_NOMEM;
    dst = malloc(len / 3 * 4 + 5);
    if (dst == NULL)
        return CR_NOMEM;
    for (i = 0; i < len; i++) {
        acc = ((acc << 8) | src[i]) & 0xffffUL;
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            dst[n++] = b64url_alphabet[(acc >> bits) & 0x3f];
        }
    }
    if (bits > 0)
        dst[n++] = b64url_alphabet[(acc << (6 - bits)) & 0x3f];
    dst[n] = '\0';
    *out = dst;
    return CR_OK;
}
