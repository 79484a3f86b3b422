/* jsonr.h - reading JSON text in one pass, without building a tree.
 *
 * A pull reader over a caller's writable buffer: the caller walks the
 * shape it expects (open an object, take its keys one by one, read or
 * skip each value) and strings are decoded in place, so a string read is
 * a pointer into the text, NUL-terminated, valid while the text is. Used
 * where a tree would cost more than the work itself (DynamoDB's answers
 * on the message routes).
 *
 * Strict RFC 8259: one value and white space only; no comments, no
 * trailing commas, no leading zeros, no control bytes in strings, input
 * must be well-formed UTF-8 and \u escapes must pair their surrogates.
 * \u0000 is decoded (the string's len then exceeds its strlen: callers
 * wanting a C string check that). Containers nest at most JSONR_MAX_DEPTH
 * deep. The first failure is kept (r->rc, r->why) and makes every later
 * call fail at once, so a walk checks the code where convenient. */
#ifndef CRUDDUR_JSONR_H
#define CRUDDUR_JSONR_H

#include <stddef.h>
#include <stdint.h>

#include "app/core/err.h"

#define JSONR_MAX_DEPTH 64

struct jsonr {
    char *p;            /* the next byte to read */
    char *end;
    int depth;          /* containers open */
    int first;          /* just opened: no comma before the first member */
    cr_code rc;         /* CR_OK, or CR_INVALID once the text failed */
    const char *why;    /* static text of the failure; NULL while OK */
};

/* The kinds of value jsonr_peek() tells apart. */
enum jsonr_kind {
    JSONR_NONE = 0,     /* failed, or no value here */
    JSONR_OBJECT, JSONR_ARRAY, JSONR_STRING, JSONR_NUMBER, JSONR_LITERAL
};

void jsonr_init(struct jsonr *r, char *text, size_t len);

/* The kind of the next value, not consumed. */
enum jsonr_kind jsonr_peek(struct jsonr *r);

/* '{' or '[' (as kind): the container is open. */
cr_code jsonr_open(struct jsonr *r, enum jsonr_kind kind);

/* In an open object: 1 with the next member's key read (and its ':'),
 * the value next; 0 at the closing '}' (consumed); -1 on failure. */
int jsonr_key(struct jsonr *r, char **key, size_t *len);

/* In an open array: 1 when another element follows (read or skip it
 * next); 0 at the closing ']' (consumed); -1 on failure. */
int jsonr_elem(struct jsonr *r);

/* A string value, decoded in place: *s NUL-terminated, *len its bytes. */
cr_code jsonr_string(struct jsonr *r, char **s, size_t *len);

/* An integer value (no fraction, no exponent) that fits an int64_t. */
cr_code jsonr_int(struct jsonr *r, int64_t *v);

/* Any one value, checked as strictly as if it were read. */
cr_code jsonr_skip(struct jsonr *r);

/* Nothing but white space is left: the text was one value. */
cr_code jsonr_end(struct jsonr *r);

#endif
