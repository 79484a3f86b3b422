/* http_request.c - request target, percent-decoding, query and body. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app/core/utf8.h"
#include "app/http/http.h"

void
http_request_init(struct http_request *req)
{
    memset(req, 0, sizeof(*req));
    buf_init(&req->body, HTTP_MAX_BODY);
}

void
http_request_free(struct http_request *req)
{
    int i;

    free(req->path);
    free(req->query);
    buf_free(&req->body);
    json_decref(req->json);
    for (i = 0; i < req->nparams; i++)
        free(req->params[i]);
    http_request_init(req);
}

cr_code
http_request_set_target(struct http_request *req, const char *target)
{
    const char *q;
    size_t len, i;

    if (target == NULL || target[0] != '/')
        return CR_INVALID;
    len = strlen(target);
    if (len > HTTP_MAX_TARGET)
        return CR_INVALID;
    for (i = 0; i < len; i++) {
        if ((unsigned char)target[i] <= 0x20 || target[i] == 0x7f)
            return CR_INVALID;
    }
    q = strchr(target, '?');
    len = q ? (size_t)(q - target) : len;
    req->path = strndup(target, len);
    req->query = strdup(q ? q + 1 : "");
    if (req->path == NULL || req->query == NULL)
        return CR_NOMEM;
    return CR_OK;
}

static int
http_hex(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

cr_code
http_percent_decode(const char *src, size_t len, int plus_is_space,
                    char **out)
{
    char *dst;
    size_t i, n = 0;
    int hi, lo;

    *out = NULL;
    dst = malloc(len + 1);
    if (dst == NULL)
        return CR_NOMEM;
    for (i = 0; i < len; i++) {
        if (src[i] == '%') {
            if (i + 2 >= len)
                goto bad;
            hi = http_hex(src[i + 1]);
            lo = http_hex(src[i + 2]);
            if (hi < 0 || lo < 0)
                goto bad;
            dst[n++] = (char)(hi * 16 + lo);
            i += 2;
        } else if (src[i] == '+' && plus_is_space) {
            dst[n++] = ' ';
        } else {
            dst[n++] = src[i];
        }
    }
    dst[n] = '\0';
    /* A decoded NUL would silently cut the string short downstream. */
    if (memchr(dst, '\0', n) != NULL || !utf8_valid(dst, n))
        goto bad;
    *out = dst;
    return CR_OK;
bad:
    free(dst);
    return CR_INVALID;
}

cr_code
http_query_param(const struct http_request *req, const char *name,
                 char **out)
{
    const char *p = req->query, *amp, *eq;
    size_t namelen = strlen(name), klen;

    *out = NULL;
    while (p && *p) {
        amp = strchr(p, '&');
        klen = amp ? (size_t)(amp - p) : strlen(p);
        eq = memchr(p, '=', klen);
        if (eq && (size_t)(eq - p) == namelen &&
            strncmp(p, name, namelen) == 0)
            return http_percent_decode(eq + 1, klen - namelen - 1, 1, out);
        if (eq == NULL && klen == namelen && strncmp(p, name, namelen) == 0)
            return http_percent_decode("", 0, 1, out);
        p = amp ? amp + 1 : NULL;
    }
    return CR_OK;
}

/* "application/json" with optional parameters, e.g. "; charset=utf-8". */
static int
http_is_json_type(const char *ct)
{
    static const char json[] = "application/json";
    size_t n = sizeof(json) - 1;

    if (ct == NULL || strncasecmp(ct, json, n) != 0)
        return 0;
    ct += n;
    while (*ct == ' ' || *ct == '\t')
        ct++;
    return *ct == '\0' || *ct == ';';
}

cr_code
http_request_parse_body(struct http_request *req, struct http_response *res)
{
    json_error_t jerr;
    json_t *j;

    if (req->body.len == 0)
        return CR_OK;
    if (!http_is_json_type(req->content_type)) {
        http_error(res, 415, "unsupported_media_type");
        return CR_INVALID;
    }
    if (!utf8_valid(req->body.data, req->body.len)) {
        http_error(res, 400, "invalid_utf8");
        return CR_INVALID;
    }
    j = json_loadb(req->body.data, req->body.len,
                   JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);
    if (j == NULL) {
        http_error(res, 400, "invalid_json");
        return CR_INVALID;
    }
    if (!json_is_object(j)) {
        json_decref(j);
        http_error(res, 400, "body_not_object");
        return CR_INVALID;
    }
    req->json = j;
    return CR_OK;
}

/* The next entity tag of a list, W/ dropped (weak comparison), into
 * [*tag, *tag + *len); the position after it, or NULL at the end. */
static const char *
http_next_etag(const char *p, const char **tag, size_t *len)
{
    while (*p == ' ' || *p == '\t' || *p == ',')
        p++;
    if (*p == '\0')
        return NULL;
    if (p[0] == 'W' && p[1] == '/')
        p += 2;
    *tag = p;
    if (*p == '"') {
        p = strchr(p + 1, '"');
        p = p ? p + 1 : *tag + strlen(*tag);
    } else {
        p += strcspn(p, ", \t");
    }
    *len = (size_t)(p - *tag);
    return p;
}

int
http_etag_matches(const char *if_none_match, const char *etag)
{
    const char *p = if_none_match, *tag;
    size_t len, want = strlen(etag);

    if (want == 0)
        return 0;
    while ((p = http_next_etag(p, &tag, &len)) != NULL) {
        if ((len == 1 && *tag == '*') ||
            (len == want && memcmp(tag, etag, len) == 0))
            return 1;
    }
    return 0;
}
