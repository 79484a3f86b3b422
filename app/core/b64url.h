/* b64url.h - base64url without padding (RFC 7515 section 2), as JWTs and
 * JWKs carry it.
 *
 * The decoder is strict: only the URL-safe alphabet, no '=' padding, no
 * whitespace, and the unused low bits of the last character must be zero.
 * A token then has exactly one spelling, so what the signature covers and
 * what we parse cannot differ. */
#ifndef CRUDDUR_B64URL_H
#define CRUDDUR_B64URL_H

#include <stddef.h>

#include "app/core/err.h"

/* Decodes len characters of src into a new malloc'd buffer *out (with a
 * NUL after the *out_len bytes, for the callers that parse text).
 * CR_INVALID for input that is not canonical base64url; CR_NOMEM. */
cr_code b64url_decode(const char *src, size_t len, unsigned char **out,
                      size_t *out_len);

/* Encodes len bytes into a new malloc'd NUL-terminated string *out. */
cr_code b64url_encode(const unsigned char *src, size_t len, char **out);

#endif
