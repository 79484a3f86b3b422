/* otlp_span.c - one span as OTLP JSON, written straight into the batch's
 * buffer: literal pieces, a hex table and a hand-rolled integer, no
 * allocation once the buffer has grown. A string that needs escaping (a
 * quote, a control character, invalid UTF-8) takes jsonw's path, so the
 * escaping rules are the same as every other JSON we write. */
#include <string.h>

#include "app/core/jsonw.h"
#include "app/core/utf8.h"
#include "app/trace/otlp.h"

struct otlp_w {
    struct buf *b;
    cr_code rc;
};

/* Growing (and the first allocation) goes through buf_append. */
static void
otlp_put_slow(struct otlp_w *w, const char *s, size_t n)
{
    if (w->rc == CR_OK)
        w->rc = buf_append(w->b, s, n);
}

/* The common case, inlined: a memcpy of a known size into room already
 * there. Our buffers have no limit. */
static inline void
otlp_put(struct otlp_w *w, const char *s, size_t n)
{
    struct buf *b = w->b;

    if (b->cap - b->len > n) {
        memcpy(b->data + b->len, s, n);
        b->len += n;
    } else {
        otlp_put_slow(w, s, n);
    }
}

#define OTLP_LIT(w, s) otlp_put((w), (s), sizeof(s) - 1)

#define OTLP_ONES 0x0101010101010101ULL
#define OTLP_HIGHS 0x8080808080808080ULL

/* The high bit of each byte of v that is below n (n <= 0x80), exactly
 * for whether there is any. */
#define OTLP_BELOW(v, n) (((v) - OTLP_ONES * (n)) & ~(v) & OTLP_HIGHS)

/* 1 when none of s[0..n) needs escaping (a control character, a quote, a
 * backslash); *high gets whether any byte is not ASCII. Eight bytes at a
 * time: most of a span's text is its strings. */
static int
otlp_plain(const char *s, size_t n, int *high)
{
    uint64_t v, q, bs, any = 0;
    size_t i = 0;

    for (; i + 8 <= n; i += 8) {
        memcpy(&v, s + i, 8);
        q = v ^ (OTLP_ONES * '"');
        bs = v ^ (OTLP_ONES * '\\');
        any |= v;
        if (OTLP_BELOW(v, 0x20) | OTLP_BELOW(q, 1) | OTLP_BELOW(bs, 1))
            return 0;
    }
    for (; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == '"' || c == '\\')
            return 0;
        any |= c;
    }
    *high = (any & OTLP_HIGHS) != 0;
    return 1;
}

/* A quoted string: copied as it is unless something in it needs escaping. */
static void
otlp_str(struct otlp_w *w, const char *s)
{
    size_t n = strlen(s);
    struct jsonw jw;
    int high;

    if (otlp_plain(s, n, &high) && (!high || utf8_valid(s, n))) {
        otlp_put(w, "\"", 1);
        otlp_put(w, s, n);
        otlp_put(w, "\"", 1);
        return;
    }
    if (w->rc == CR_OK) {
        jsonw_init(&jw, w->b);
        jsonw_str(&jw, s);
        w->rc = jw.rc;
    }
}

/* A decimal integer, quoted when it is an int64 of the protobuf mapping. */
static void
otlp_int(struct otlp_w *w, int64_t v, int quoted)
{
    char num[24], *p = num + sizeof(num);
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

    if (quoted)
        *--p = '"';
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        *--p = '-';
    if (quoted)
        *--p = '"';
    otlp_put(w, p, (size_t)(num + sizeof(num) - p));
}

static void
otlp_hex(struct otlp_w *w, const unsigned char *id, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    char hex[34];
    size_t i;

    hex[0] = '"';
    for (i = 0; i < n; i++) {
        hex[1 + 2 * i] = digits[id[i] >> 4];
        hex[2 + 2 * i] = digits[id[i] & 15];
    }
    hex[1 + 2 * n] = '"';
    otlp_put(w, hex, 2 * n + 2);
}

/* {"key":k,"value":{"stringValue":v}} */
static void
otlp_kv(struct otlp_w *w, const char *key, const char *value)
{
    OTLP_LIT(w, "{\"key\":");
    otlp_str(w, key);
    OTLP_LIT(w, ",\"value\":{\"stringValue\":");
    otlp_str(w, value);
    OTLP_LIT(w, "}}");
}

static void
otlp_attr(struct otlp_w *w, const struct span_attr *a)
{
    if (a->type == SPAN_STR) {
        otlp_kv(w, a->key, a->s);
        return;
    }
    OTLP_LIT(w, "{\"key\":");
    otlp_str(w, a->key);
    if (a->type == SPAN_INT) {
        OTLP_LIT(w, ",\"value\":{\"intValue\":");
        otlp_int(w, a->i, 1);
        OTLP_LIT(w, "}}");
        return;
    }
    OTLP_LIT(w, ",\"value\":{\"arrayValue\":{\"values\":[{\"stringValue\":");
    otlp_str(w, a->s);
    OTLP_LIT(w, "}]}}}");
}

static void
otlp_events(struct otlp_w *w, const struct span *s)
{
    int i;

    OTLP_LIT(w, ",\"events\":[");
    for (i = 0; i < s->retries; i++) {
        if (i)
            OTLP_LIT(w, ",");
        OTLP_LIT(w, "{\"timeUnixNano\":");
        otlp_int(w, i < SPAN_MAX_RETRIES && s->retry_ns[i] ? s->retry_ns[i]
                                                           : s->end_ns, 1);
        OTLP_LIT(w, ",\"name\":\"retry\"}");
    }
    if (s->error) {
        if (s->retries)
            OTLP_LIT(w, ",");
        OTLP_LIT(w, "{\"timeUnixNano\":");
        otlp_int(w, s->end_ns, 1);
        OTLP_LIT(w, ",\"name\":\"exception\",\"attributes\":[");
        otlp_kv(w, "exception.type", s->error_type);
        OTLP_LIT(w, ",");
        otlp_kv(w, "exception.message", s->error_message);
        OTLP_LIT(w, "]}");
    }
    OTLP_LIT(w, "]");
}

static void
otlp_span_body(struct otlp_w *w, const struct span *s)
{
    int i;

    OTLP_LIT(w, "{\"traceId\":");
    otlp_hex(w, s->trace_id, sizeof(s->trace_id));
    OTLP_LIT(w, ",\"spanId\":");
    otlp_hex(w, s->span_id, sizeof(s->span_id));
    if (s->has_parent) {
        OTLP_LIT(w, ",\"parentSpanId\":");
        otlp_hex(w, s->parent_id, sizeof(s->parent_id));
    }
    if (s->trace_state[0]) {
        OTLP_LIT(w, ",\"traceState\":");
        otlp_str(w, s->trace_state);
    }
    OTLP_LIT(w, ",\"name\":");
    otlp_str(w, s->name);
    OTLP_LIT(w, ",\"kind\":");
    otlp_int(w, s->kind, 0);
    OTLP_LIT(w, ",\"startTimeUnixNano\":");
    otlp_int(w, s->start_ns, 1);
    OTLP_LIT(w, ",\"endTimeUnixNano\":");
    otlp_int(w, s->end_ns > s->start_ns ? s->end_ns : s->start_ns, 1);
    OTLP_LIT(w, ",\"attributes\":[");
    for (i = 0; i < s->nattrs; i++) {
        if (i)
            OTLP_LIT(w, ",");
        otlp_attr(w, &s->attrs[i]);
    }
    OTLP_LIT(w, "]");
    if (s->retries || s->error)
        otlp_events(w, s);
    if (s->error) {
        OTLP_LIT(w, ",\"status\":{\"code\":2,\"message\":"); /* ERROR */
        otlp_str(w, s->error_type);
        OTLP_LIT(w, "}}");
    } else {
        OTLP_LIT(w, ",\"status\":{}}");
    }
}

cr_code
otlp_span_json(struct buf *out, const struct span *s)
{
    struct otlp_w w = { out, CR_OK };
    size_t before = out->len;

    otlp_span_body(&w, s);
    if (w.rc)
        out->len = before;          /* nothing half-written stays */
    if (out->data)
        out->data[out->len] = '\0';
    return w.rc;
}
