/* jsonr.c - a strict JSON pull reader, strings decoded in place. */
#include <string.h>

#include "app/core/jsonr.h"
#include "app/core/utf8.h"

/* 1 for the bytes a string holds as they are: printable ASCII but the
 * quote and the backslash. */
static const unsigned char jsonr_plain[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

void
jsonr_init(struct jsonr *r, char *text, size_t len)
{
    r->p = text;
    r->end = text + len;
    r->depth = 0;
    r->first = 0;
    r->rc = CR_OK;
    r->why = NULL;
}

/* Keeps the first failure and ends the walk: every later call fails. */
static cr_code
jsonr_fail(struct jsonr *r, const char *why)
{
    if (r->rc == CR_OK) {
        r->rc = CR_INVALID;
        r->why = why;
    }
    r->p = r->end;
    return r->rc;
}

/* The next byte after white space, or -1 at the end. */
static int
jsonr_at(struct jsonr *r)
{
    while (r->p < r->end &&
           (*r->p == ' ' || *r->p == '\n' || *r->p == '\r' || *r->p == '\t'))
        r->p++;
    return r->p < r->end ? (unsigned char)*r->p : -1;
}

enum jsonr_kind
jsonr_peek(struct jsonr *r)
{
    int c;

    if (r->rc)
        return JSONR_NONE;
    c = jsonr_at(r);
    switch (c) {
    case '{': return JSONR_OBJECT;
    case '[': return JSONR_ARRAY;
    case '"': return JSONR_STRING;
    case 't': case 'f': case 'n': return JSONR_LITERAL;
    default:
        return c == '-' || (c >= '0' && c <= '9') ? JSONR_NUMBER : JSONR_NONE;
    }
}

cr_code
jsonr_open(struct jsonr *r, enum jsonr_kind kind)
{
    if (r->rc)
        return r->rc;
    if (jsonr_at(r) != (kind == JSONR_OBJECT ? '{' : '['))
        return jsonr_fail(r, kind == JSONR_OBJECT ? "expected an object"
                                                  : "expected an array");
    if (r->depth >= JSONR_MAX_DEPTH)
        return jsonr_fail(r, "nested too deep");
    r->p++;
    r->depth++;
    r->first = 1;
    return CR_OK;
}

/* Before a member or an element: 1 when one follows (its comma read),
 * 0 at close (consumed), -1 on failure. */
static int
jsonr_more(struct jsonr *r, char close)
{
    int c;

    if (r->rc)
        return -1;
    c = jsonr_at(r);
    if (c == close) {
        r->p++;
        r->depth--;
        r->first = 0;
        return 0;
    }
    if (r->first)
        r->first = 0;
    else if (c == ',')
        r->p++;
    else
        return jsonr_fail(r, "expected a comma or the container's end"), -1;
    return 1;
}

int
jsonr_key(struct jsonr *r, char **key, size_t *len)
{
    int more = jsonr_more(r, '}');

    if (more <= 0)
        return more;
    if (jsonr_at(r) != '"')
        return jsonr_fail(r, "expected a member name"), -1;
    if (jsonr_string(r, key, len))
        return -1;
    if (jsonr_at(r) != ':')
        return jsonr_fail(r, "expected ':' after a member name"), -1;
    r->p++;
    return 1;
}

int
jsonr_elem(struct jsonr *r)
{
    return jsonr_more(r, ']');
}

static int
jsonr_hex4(const unsigned char *p, unsigned *v)
{
    int i, d;

    *v = 0;
    for (i = 0; i < 4; i++) {
        if (p[i] >= '0' && p[i] <= '9')
            d = p[i] - '0';
        else if ((p[i] | 0x20) >= 'a' && (p[i] | 0x20) <= 'f')
            d = (p[i] | 0x20) - 'a' + 10;
        else
            return 0;
        *v = *v << 4 | (unsigned)d;
    }
    return 1;
}

/* Code point cp as UTF-8 at w; the bytes written. */
static size_t
jsonr_put_utf8(unsigned char *w, unsigned cp)
{
    if (cp < 0x80) {
        w[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        w[0] = (unsigned char)(0xC0 | cp >> 6);
        w[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        w[0] = (unsigned char)(0xE0 | cp >> 12);
        w[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
        w[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    w[0] = (unsigned char)(0xF0 | cp >> 18);
    w[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3F));
    w[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
    w[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

/* The \u escape at p (p[0] == '\\', p[1] == 'u'), a surrogate pair taking
 * the escape after it: the code point in *cp, the bytes read, 0 when
 * malformed. */
static size_t
jsonr_unicode(const unsigned char *p, const unsigned char *end, unsigned *cp)
{
    unsigned lo;

    if (end - p < 6 || !jsonr_hex4(p + 2, cp))
        return 0;
    if (*cp >= 0xDC00 && *cp <= 0xDFFF)
        return 0;                       /* a low surrogate alone */
    if (*cp < 0xD800 || *cp > 0xDBFF)
        return 6;
    if (end - p < 12 || p[6] != '\\' || p[7] != 'u' ||
        !jsonr_hex4(p + 8, &lo) || lo < 0xDC00 || lo > 0xDFFF)
        return 0;                       /* a high surrogate alone */
    *cp = 0x10000 + ((*cp - 0xD800) << 10) + (lo - 0xDC00);
    return 12;
}

/* The escape at p (p[0] == '\\') decoded to w: the bytes read and, in
 * *wrote, written; 0 when malformed. Never writes more than it reads, so
 * decoding in place stays behind the reading. */
static size_t
jsonr_escape(const unsigned char *p, const unsigned char *end,
             unsigned char *w, size_t *wrote)
{
    static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
    const char *hit;
    unsigned cp;
    size_t n;

    if (end - p < 2)
        return 0;
    if (p[1] == 'u') {
        if ((n = jsonr_unicode(p, end, &cp)) != 0)
            *wrote = jsonr_put_utf8(w, cp);
        return n;
    }
    if (p[1] == '\0' || (hit = strchr(from, p[1])) == NULL)
        return 0;
    *w = (unsigned char)to[hit - from];
    *wrote = 1;
    return 2;
}

cr_code
jsonr_string(struct jsonr *r, char **s, size_t *len)
{
    unsigned char *p, *w, *start, *end = (unsigned char *)r->end;
    size_t n, wrote;

    if (r->rc)
        return r->rc;
    if (jsonr_at(r) != '"')
        return jsonr_fail(r, "expected a string");
    start = p = (unsigned char *)r->p + 1;
    /* The common case, plain ASCII up to the quote, moves nothing. */
    while (p < end && jsonr_plain[*p])
        p++;
    w = p;
    for (;;) {
        if (p >= end)
            return jsonr_fail(r, "unterminated string");
        if (jsonr_plain[*p]) {
            *w++ = *p++;
            continue;
        }
        if (*p == '"')
            break;
        if (*p == '\\') {
            if ((n = jsonr_escape(p, end, w, &wrote)) == 0)
                return jsonr_fail(r, "malformed escape in a string");
            p += n;
            w += wrote;
            continue;
        }
        if (*p < 0x20)
            return jsonr_fail(r, "control character in a string");
        if ((n = utf8_seq((const char *)p, (size_t)(end - p))) == 0)
            return jsonr_fail(r, "string not UTF-8");
        memmove(w, p, n);
        w += n;
        p += n;
    }
    r->p = (char *)p + 1;               /* past the quote, then end ours */
    *w = '\0';
    *s = (char *)start;
    *len = (size_t)(w - start);
    return CR_OK;
}

/* A number's text per RFC 8259, skipped; *integral: no fraction, no
 * exponent. */
static cr_code
jsonr_number(struct jsonr *r, const char **start, int *integral)
{
    const char *p = r->p, *end = r->end;

    *start = p;
    *integral = 1;
    if (p < end && *p == '-')
        p++;
    if (p < end && *p == '0')
        p++;
    else if (p < end && *p >= '1' && *p <= '9')
        while (p < end && *p >= '0' && *p <= '9')
            p++;
    else
        return jsonr_fail(r, "malformed number");
    if (p < end && *p == '.') {
        *integral = 0;
        if (++p >= end || *p < '0' || *p > '9')
            return jsonr_fail(r, "malformed number");
        while (p < end && *p >= '0' && *p <= '9')
            p++;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        *integral = 0;
        if (++p < end && (*p == '+' || *p == '-'))
            p++;
        if (p >= end || *p < '0' || *p > '9')
            return jsonr_fail(r, "malformed number");
        while (p < end && *p >= '0' && *p <= '9')
            p++;
    }
    r->p = (char *)p;
    return CR_OK;
}

cr_code
jsonr_int(struct jsonr *r, int64_t *v)
{
    const char *p, *end;
    uint64_t u = 0, limit = (uint64_t)INT64_MAX;
    int integral, neg;

    if (jsonr_peek(r) != JSONR_NUMBER)
        return jsonr_fail(r, "expected a number");
    if (jsonr_number(r, &p, &integral))
        return r->rc;
    if (!integral)
        return jsonr_fail(r, "expected an integer");
    end = r->p;
    neg = *p == '-';
    if (neg) {
        p++;
        limit += 1;
    }
    for (; p < end; p++) {
        if (u > (limit - (uint64_t)(*p - '0')) / 10)
            return jsonr_fail(r, "integer out of range");
        u = u * 10 + (uint64_t)(*p - '0');
    }
    *v = neg ? (int64_t)(0 - u) : (int64_t)u;
    return CR_OK;
}

static cr_code
jsonr_literal(struct jsonr *r)
{
    static const char *const words[] = { "true", "false", "null" };
    size_t i, n, left = (size_t)(r->end - r->p);

    for (i = 0; i < 3; i++) {
        n = strlen(words[i]);
        if (left >= n && memcmp(r->p, words[i], n) == 0) {
            r->p += n;
            return CR_OK;
        }
    }
    return jsonr_fail(r, "expected a value");
}

/* The members (or elements) of a container just opened, skipped. */
static cr_code
jsonr_skip_members(struct jsonr *r, enum jsonr_kind kind)
{
    char *key;
    size_t len;
    int more;

    while ((more = kind == JSONR_OBJECT ? jsonr_key(r, &key, &len)
                                        : jsonr_elem(r)) == 1) {
        if (jsonr_skip(r))
            return r->rc;
    }
    return more < 0 ? r->rc : CR_OK;
}

cr_code
jsonr_skip(struct jsonr *r)
{
    const char *start;
    char *s;
    size_t len;
    int integral;
    enum jsonr_kind kind = jsonr_peek(r);

    switch (kind) {
    case JSONR_OBJECT:
    case JSONR_ARRAY:
        if (jsonr_open(r, kind))
            return r->rc;
        return jsonr_skip_members(r, kind);
    case JSONR_STRING:
        return jsonr_string(r, &s, &len);
    case JSONR_NUMBER:
        return jsonr_number(r, &start, &integral);
    case JSONR_LITERAL:
        return jsonr_literal(r);
    case JSONR_NONE:
        break;
    }
    return r->rc ? r->rc : jsonr_fail(r, "expected a value");
}

cr_code
jsonr_end(struct jsonr *r)
{
    if (r->rc)
        return r->rc;
    if (r->depth != 0)
        return jsonr_fail(r, "unclosed container");
    if (jsonr_at(r) != -1)
        return jsonr_fail(r, "text after the value");
    return CR_OK;
}
