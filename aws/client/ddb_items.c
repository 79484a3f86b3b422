/* ddb_items.c - a Query or Scan answer's items in one pass, no tree. */
#include <string.h>

#include "app/core/jsonr.h"
#include "aws/client/ddb_items.h"

/* Member key (klen bytes) is the text name. */
static int
ddb_is(const char *key, size_t klen, const char *name, size_t nlen)
{
    return klen == nlen && memcmp(key, name, nlen) == 0;
}

/* One attribute's value: a string when it is exactly {"S": "..."}. A
 * name given twice counts once, its last value standing, as a tree reader
 * (jansson, what the other answers go through) takes it. */
static cr_code
ddb_attr_read(struct jsonr *r, struct ddb_attr *a)
{
    const char *val = NULL;
    char *key, *s;
    size_t klen, len = 0;
    int more, others = 0;

    a->present = 1;
    a->s = NULL;
    a->len = 0;
    if (jsonr_peek(r) != JSONR_OBJECT)
        return jsonr_skip(r);
    jsonr_open(r, JSONR_OBJECT);
    while ((more = jsonr_key(r, &key, &klen)) == 1) {
        if (!ddb_is(key, klen, "S", 1)) {
            others++;
            jsonr_skip(r);
            continue;
        }
        val = NULL;
        if (jsonr_peek(r) != JSONR_STRING)
            jsonr_skip(r);
        else if (jsonr_string(r, &s, &len) == CR_OK)
            val = s;
    }
    if (more == 0 && others == 0 && val) {
        a->s = val;
        a->len = len;
    }
    return r->rc;
}

/* One element of Items into attrs[0..n). */
static cr_code
ddb_item_read(struct jsonr *r, const char *const *names, const size_t *lens,
              size_t n, struct ddb_attr *attrs)
{
    char *key;
    size_t klen, i;
    int more;

    memset(attrs, 0, n * sizeof(*attrs));
    if (jsonr_peek(r) != JSONR_OBJECT)
        return jsonr_skip(r);
    jsonr_open(r, JSONR_OBJECT);
    while ((more = jsonr_key(r, &key, &klen)) == 1) {
        for (i = 0; i < n && !ddb_is(key, klen, names[i], lens[i]); i++)
            ;
        if (i < n)
            ddb_attr_read(r, &attrs[i]);
        else
            jsonr_skip(r);
    }
    return r->rc;
}

/* The Items array: fn for each element. */
static cr_code
ddb_items_array(struct jsonr *r, const char *const *names, const size_t *lens,
                size_t n, ddb_item_fn fn, void *arg)
{
    struct ddb_attr attrs[DDB_ITEMS_MAX_ATTRS];
    cr_code rc;

    if (jsonr_open(r, JSONR_ARRAY))
        return CR_OK;                   /* r->rc tells */
    while (jsonr_elem(r) == 1) {
        if (ddb_item_read(r, names, lens, n, attrs))
            break;
        if ((rc = fn(arg, attrs)))
            return rc;
    }
    return CR_OK;
}

cr_code
ddb_items_read(char *text, size_t len, const char *const *names, size_t n,
               ddb_item_fn fn, void *arg, struct ddb_items_info *info,
               const char **why)
{
    struct ddb_items_info local;
    size_t lens[DDB_ITEMS_MAX_ATTRS], klen, i;
    struct jsonr r;
    char *key;
    enum jsonr_kind kind;
    int more, items = 0, arrays = 0;
    cr_code rc;

    if (info == NULL)
        info = &local;
    info->count = -1;
    info->more = 0;
    if (n > DDB_ITEMS_MAX_ATTRS)
        return CR_INVALID;
    for (i = 0; i < n; i++)
        lens[i] = strlen(names[i]);
    jsonr_init(&r, text, len);
    if ((kind = jsonr_peek(&r)) != JSONR_OBJECT) {
        /* A JSON document (RFC 4627: object or array) without Items, as
         * a tree reader judged it; anything else is not an answer. */
        rc = kind != JSONR_ARRAY || jsonr_skip(&r) || jsonr_end(&r)
                 ? CR_BACKEND : CR_INVALID;
        if (why)
            *why = rc == CR_INVALID ? "no Items array"
                   : r.why ? r.why : "not an object";
        return rc;
    }
    jsonr_open(&r, JSONR_OBJECT);
    while ((more = jsonr_key(&r, &key, &klen)) == 1) {
        if (ddb_is(key, klen, "Items", 5)) {
            /* Twice (whatever the types) is refused below. */
            if (items++ == 0 && jsonr_peek(&r) == JSONR_ARRAY) {
                arrays++;
                if ((rc = ddb_items_array(&r, names, lens, n, fn, arg)))
                    return rc;
            } else {
                jsonr_skip(&r);
            }
        } else if (ddb_is(key, klen, "Count", 5) &&
                   jsonr_peek(&r) == JSONR_NUMBER) {
            jsonr_int(&r, &info->count);
        } else {
            if (ddb_is(key, klen, "LastEvaluatedKey", 16))
                info->more = jsonr_peek(&r) == JSONR_OBJECT;
            jsonr_skip(&r);
        }
    }
    if (more < 0 || jsonr_end(&r)) {
        if (why)
            *why = r.why;
        return CR_BACKEND;
    }
    if (items > 1) {
        if (why)
            *why = "Items twice";
        return CR_BACKEND;
    }
    if (arrays == 0) {
        if (why)
            *why = "no Items array";
        return CR_INVALID;
    }
    return CR_OK;
}
