/* router.c - match a request path against the route table. */
#include <stdlib.h>
#include <string.h>

#include "app/http/router.h"

#define ROUTER_MAX_SEGS 8

struct router_path {
    char *segs[ROUTER_MAX_SEGS];   /* decoded segments, owned */
    int nsegs;
};

static void
router_path_free(struct router_path *p)
{
    int i;

    for (i = 0; i < p->nsegs; i++)
        free(p->segs[i]);
    p->nsegs = 0;
}

/* Splits "/api/a/b" into decoded segments. More segments than any route
 * has, or an empty segment ("//"), can match nothing: ROUTER_NOT_FOUND. */
static enum router_result
router_split(const char *path, struct router_path *p)
{
    const char *s = path + 1, *slash;
    size_t len;
    cr_code rc;

    p->nsegs = 0;
    while (1) {
        slash = strchr(s, '/');
        len = slash ? (size_t)(slash - s) : strlen(s);
        if (len == 0 || p->nsegs == ROUTER_MAX_SEGS)
            return ROUTER_NOT_FOUND;
        rc = http_percent_decode(s, len, 0, &p->segs[p->nsegs]);
        if (rc == CR_NOMEM)
            return ROUTER_NO_MEMORY;
        if (rc)
            return ROUTER_BAD_PATH;
        p->nsegs++;
        if (slash == NULL)
            return ROUTER_FOUND;
        s = slash + 1;
    }
}

/* Does one pattern match the path? On a match fills caps with pointers
 * into the path's segments. */
static int
router_pattern_match(const char *pattern, const struct router_path *p,
                     const char **caps, int *ncaps)
{
    const char *s = pattern + 1, *slash, *colon;
    size_t len;
    int i = 0;

    *ncaps = 0;
    for (; *s; i++) {
        slash = strchr(s, '/');
        len = slash ? (size_t)(slash - s) : strlen(s);
        if (i >= p->nsegs)
            return 0;
        colon = memchr(s, ':', len);
        if (colon == NULL) {
            if (strlen(p->segs[i]) != len || strncmp(p->segs[i], s, len) != 0)
                return 0;
        } else {
            /* Fixed prefix before ':' must be there, and something after. */
            size_t pre = (size_t)(colon - s);
            if (strncmp(p->segs[i], s, pre) != 0 || p->segs[i][pre] == '\0' ||
                *ncaps == HTTP_MAX_PARAMS)
                return 0;
            caps[(*ncaps)++] = p->segs[i] + pre;
        }
        s = slash ? slash + 1 : s + len;
    }
    return i == p->nsegs;
}

static void
router_allow_add(char *allow, size_t size, const char *method)
{
    if (strstr(allow, method) != NULL)
        return;
    if (allow[0] != '\0')
        strncat(allow, ", ", size - strlen(allow) - 1);
    strncat(allow, method, size - strlen(allow) - 1);
}

static enum router_result
router_capture(struct http_request *req, const char **caps, int ncaps)
{
    int i;

    for (i = 0; i < ncaps; i++) {
        req->params[i] = strdup(caps[i]);
        if (req->params[i] == NULL)
            return ROUTER_NO_MEMORY;
        req->nparams = i + 1;
    }
    return ROUTER_FOUND;
}

enum router_result
router_match(const struct route *routes, size_t nroutes, const char *method,
             struct http_request *req, const struct route **found,
             char *allow, size_t allow_size)
{
    struct router_path p;
    const char *caps[HTTP_MAX_PARAMS];
    const char *want = strcmp(method, "HEAD") == 0 ? "GET" : method;
    enum router_result r;
    int ncaps;
    size_t i;

    *found = NULL;
    allow[0] = '\0';
    r = router_split(req->path, &p);
    if (r != ROUTER_FOUND)
        goto out;
    r = ROUTER_NOT_FOUND;
    for (i = 0; i < nroutes; i++) {
        if (!router_pattern_match(routes[i].pattern, &p, caps, &ncaps))
            continue;
        if (strcmp(routes[i].method, want) == 0) {
            *found = &routes[i];
            r = router_capture(req, caps, ncaps);
            goto out;
        }
        router_allow_add(allow, allow_size, routes[i].method);
        if (strcmp(routes[i].method, "GET") == 0)
            router_allow_add(allow, allow_size, "HEAD");
        r = ROUTER_WRONG_METHOD;
    }
    if (r == ROUTER_WRONG_METHOD)
        router_allow_add(allow, allow_size, "OPTIONS");
out:
    router_path_free(&p);
    return r;
}

void
router_template(const char *pattern, char *out, size_t size)
{
    size_t o = 0;
    int open = 0;

    if (size == 0)
        return;
    for (; *pattern && o + 2 < size; pattern++) {
        if (*pattern == ':' && !open) {
            out[o++] = '{';
            open = 1;
            continue;
        }
        if (*pattern == '/' && open) {
            out[o++] = '}';
            open = 0;
        }
        out[o++] = *pattern;
    }
    if (open)
        out[o++] = '}';
    out[o] = '\0';
}
