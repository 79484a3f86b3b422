/* utf8.h - strict UTF-8 validation and code point counting. */
#ifndef CRUDDUR_UTF8_H
#define CRUDDUR_UTF8_H

#include <stddef.h>

/* 1 when s[0..len) is well-formed UTF-8: no overlong forms, no surrogates,
 * nothing above U+10FFFF, no NUL byte. */
int utf8_valid(const char *s, size_t len);

/* Length of the well-formed sequence starting at s (avail > 0 bytes
 * there), or 0 when there is none (as utf8_valid() judges; NUL is 0). */
size_t utf8_seq(const char *s, size_t avail);

/* Number of code points in a string already known to be valid UTF-8. */
size_t utf8_count(const char *s);

/* 1 when s holds nothing but ASCII white space (or nothing): what every
 * text field refuses as blank. */
int utf8_blank(const char *s);

#endif
