/* fz_trace_ctx.h - the trace context headers a caller or Lambda sends
 * (W3C traceparent, the X-Ray header): whatever is taken has ids that are
 * not all zero, and written back in its canonical form it is taken again
 * with the same ids and sampled flag. */
#ifndef CRUDDUR_FZ_TRACE_CTX_H
#define CRUDDUR_FZ_TRACE_CTX_H

#include <stdio.h>

#include "app/trace/trace_context.h"
#include "tests/fuzz/fz.h"

static inline void
fz_trace_hex(const unsigned char *b, size_t n, char *out)
{
    size_t i;

    for (i = 0; i < n; i++)
        sprintf(out + 2 * i, "%02x", b[i]);
}

/* 1 when p's ids are not all zero. */
static inline int
fz_trace_ids_set(const struct trace_parent *p)
{
    unsigned char t = 0, s = 0;
    size_t i;

    for (i = 0; i < sizeof(p->trace_id); i++)
        t |= p->trace_id[i];
    for (i = 0; i < sizeof(p->span_id); i++)
        s |= p->span_id[i];
    return t && s;
}

static inline int
fz_trace_same(const struct trace_parent *a, const struct trace_parent *b)
{
    return memcmp(a->trace_id, b->trace_id, sizeof(a->trace_id)) == 0 &&
           memcmp(a->span_id, b->span_id, sizeof(a->span_id)) == 0 &&
           (a->flags & 1) == (b->flags & 1);
}

static inline int
fz_trace_ctx(const uint8_t *data, size_t size)
{
    char *h = fz_cstr(data, size), tid[33], sid[17], again[128];
    struct trace_parent p, q;
    int bad = 0;

    if (trace_xray_parse(h, &p)) {
        fz_trace_hex(p.trace_id, 16, tid);
        fz_trace_hex(p.span_id, 8, sid);
        snprintf(again, sizeof(again), "Root=1-%.8s-%s;Parent=%s;Sampled=%d",
                 tid, tid + 8, sid, p.flags & 1);
        if (!fz_trace_ids_set(&p) || (p.flags & ~1) ||
            !trace_xray_parse(again, &q) || !fz_trace_same(&p, &q))
            bad = FZ_BROKEN;
    }
    if (trace_parent_parse(h, &p)) {
        fz_trace_hex(p.trace_id, 16, tid);
        fz_trace_hex(p.span_id, 8, sid);
        snprintf(again, sizeof(again), "00-%s-%s-%02x", tid, sid, p.flags);
        if (!fz_trace_ids_set(&p) || !trace_parent_parse(again, &q) ||
            !fz_trace_same(&p, &q))
            bad = FZ_BROKEN;
    }
    free(h);
    return bad;
}

#endif
