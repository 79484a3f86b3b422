/* input.h - checks on what callers send, shared by the services so each
 * rule (blank, too long, wrong type) is written and worded once. */
#ifndef CRUDDUR_INPUT_H
#define CRUDDUR_INPUT_H

#include <stddef.h>

#include "app/http/http.h"

/* Reads the string member key of the body into *out (pointing into the
 * body). On failure appends (http_error_add) a 422 error "<key>_blank" (absent, null or only
 * white space), "<key>_invalid" (not a string) or "<key>_exceed_max_chars"
 * (more than max code points) and returns 0. */
int input_text(const struct http_request *req, struct http_response *res,
               const char *key, size_t max, const char **out);

#endif
