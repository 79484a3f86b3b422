/* fz.h - what every fuzz target shares.
 *
 * Each target lives in a header tests/fuzz/fz_NAME.h as static inline
 * functions: tests/fuzz/fuzz_NAME.c wraps it for libFuzzer and
 * tests/unit/test_fuzz_regressions.c replays the seed corpus and every
 * crash ever found through the very same code. A target returns 0, or
 * FZ_BROKEN when an invariant of the code under test did not hold (the
 * libFuzzer wrapper then aborts, the unit test fails). Sanitizer findings
 * (overflows, leaks, UB) stop the process in both. */
#ifndef CRUDDUR_FZ_H
#define CRUDDUR_FZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define FZ_BROKEN 1

/* A NUL-terminated copy of data[0..size); a NUL inside cuts the string
 * short, as it would for any C string the code receives. */
static inline char *
fz_cstr(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);

    if (s == NULL)
        abort();
    if (size > 0)
        memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

/* Cuts the next part off *data: the bytes up to the first sep (consumed)
 * or up to the end. Returns it as a new C string. */
static inline char *
fz_take(const uint8_t **data, size_t *size, uint8_t sep)
{
    const uint8_t *end = *size ? memchr(*data, sep, *size) : NULL;
    size_t n = end ? (size_t)(end - *data) : *size;
    char *s = fz_cstr(*data, n);

    *data += n + (end != NULL);
    *size -= n + (end != NULL);
    return s;
}

#endif
