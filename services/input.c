/* input.c - validation of request fields. */
#include <stdio.h>
#include <string.h>

#include "app/core/utf8.h"
#include "services/input.h"

static void
input_error(struct http_response *res, const char *key, const char *what)
{
    char code[64];

    snprintf(code, sizeof(code), "%s_%s", key, what);
    http_error_add(res, 422, code);
}

int
input_text(const struct http_request *req, struct http_response *res,
           const char *key, size_t max, const char **out)
{
    json_t *v = req->json ? json_object_get(req->json, key) : NULL;

    *out = NULL;
    if (v == NULL || json_is_null(v)) {
        input_error(res, key, "blank");
        return 0;
    }
    if (!json_is_string(v)) {
        input_error(res, key, "invalid");
        return 0;
    }
    if (utf8_blank(json_string_value(v))) {
        input_error(res, key, "blank");
        return 0;
    }
    /* Jansson has checked the UTF-8 and refuses NUL inside strings. */
    if (utf8_count(json_string_value(v)) > max) {
        input_error(res, key, "exceed_max_chars");
        return 0;
    }
    *out = json_string_value(v);
    return 1;
}
