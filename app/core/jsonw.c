/* jsonw.c - JSON text into a buffer; see jsonw.h. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "app/core/jsonw.h"
#include "app/core/utf8.h"

void
jsonw_init(struct jsonw *w, struct buf *b)
{
    w->b = b;
    w->comma = 0;
    w->rc = CR_OK;
}

static void
jsonw_put(struct jsonw *w, const char *s, size_t n)
{
    if (w->rc == CR_OK)
        w->rc = buf_append(w->b, s, n);
}

/* Before a value: the comma when one came before it at this level. */
static void
jsonw_sep(struct jsonw *w)
{
    if (w->comma)
        jsonw_put(w, ",", 1);
    w->comma = 1;
}

void
jsonw_begin(struct jsonw *w, char open)
{
    jsonw_sep(w);
    jsonw_put(w, &open, 1);
    w->comma = 0;
}

void
jsonw_end(struct jsonw *w, char close)
{
    jsonw_put(w, &close, 1);
    w->comma = 1;
}

static void
jsonw_quoted(struct jsonw *w, const char *s)
{
    int ascii_only = !utf8_valid(s, strlen(s));
    const char *run = s;
    char esc[8];

    jsonw_put(w, "\"", 1);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c >= 0x20 && c != '"' && c != '\\' && !(ascii_only && c > 0x7f))
            continue;
        jsonw_put(w, run, (size_t)(s - run));
        run = s + 1;
        if (c > 0x7f)
            jsonw_put(w, "?", 1);
        else if (c == '"' || c == '\\') {
            esc[0] = '\\';
            esc[1] = (char)c;
            jsonw_put(w, esc, 2);
        } else {
            snprintf(esc, sizeof(esc), "\\u%04x", c);
            jsonw_put(w, esc, 6);
        }
    }
    jsonw_put(w, run, (size_t)(s - run));
    jsonw_put(w, "\"", 1);
}

void
jsonw_key(struct jsonw *w, const char *key)
{
    jsonw_sep(w);
    jsonw_quoted(w, key);
    jsonw_put(w, ":", 1);
    w->comma = 0;
}

void
jsonw_str(struct jsonw *w, const char *s)
{
    if (s == NULL) {
        jsonw_raw(w, "null");
        return;
    }
    jsonw_sep(w);
    jsonw_quoted(w, s);
}

void
jsonw_int(struct jsonw *w, int64_t v)
{
    char num[24];

    snprintf(num, sizeof(num), "%" PRId64, v);
    jsonw_raw(w, num);
}

void
jsonw_milli(struct jsonw *w, int64_t v)
{
    char num[32];

    if (v < 0)
        v = 0;
    snprintf(num, sizeof(num), "%" PRId64 ".%03d", v / 1000, (int)(v % 1000));
    jsonw_raw(w, num);
}

void
jsonw_raw(struct jsonw *w, const char *json)
{
    jsonw_sep(w);
    jsonw_put(w, json, strlen(json));
}
