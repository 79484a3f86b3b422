/* utf8.c - strict UTF-8 validation (RFC 3629) and code point counting. */
#include <string.h>

#include "app/core/utf8.h"

size_t
utf8_seq(const char *str, size_t avail)
{
    const unsigned char *s = (const unsigned char *)str;
    unsigned char c = s[0];
    size_t n, i;
    unsigned cp;

    if (c == 0)
        return 0;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (avail < n)
        return 0;
    for (i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000))
        return 0;                       /* overlong */
    if (cp >= 0xD800 && cp <= 0xDFFF)
        return 0;                       /* UTF-16 surrogate */
    if (cp > 0x10FFFF)
        return 0;
    return n;
}

int
utf8_valid(const char *s, size_t len)
{
    size_t i = 0, n;

    while (i < len) {
        n = utf8_seq(s + i, len - i);
        if (n == 0)
            return 0;
        i += n;
    }
    return 1;
}

int
utf8_blank(const char *s)
{
    return s[strspn(s, " \t\r\n")] == '\0';
}

size_t
utf8_count(const char *s)
{
    size_t count = 0;

    for (; *s; s++) {
        /* Count every byte that does not continue a sequence. */
        if (((unsigned char)*s & 0xC0) != 0x80)
            count++;
    }
    return count;
}
