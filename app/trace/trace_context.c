/* trace_context.c - parsing W3C traceparent and tracestate. */
#include <string.h>

#include "app/trace/trace_context.h"

static int
trace_hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;                  /* upper case is invalid in traceparent */
}

/* n bytes from 2n lowercase hex digits; 0 when malformed or all zero. */
static int
trace_unhex(const char *s, unsigned char *out, size_t n)
{
    int any = 0, hi, lo;
    size_t i;

    for (i = 0; i < n; i++) {
        hi = trace_hexval(s[2 * i]);
        lo = trace_hexval(s[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return 0;
        out[i] = (unsigned char)(hi << 4 | lo);
        any |= out[i];
    }
    return any != 0;
}

int
trace_parent_parse(const char *h, struct trace_parent *out)
{
    unsigned char version, flags;
    size_t len;

    if (h == NULL)
        return 0;
    len = strlen(h);
    if (len < 55 || h[2] != '-' || h[35] != '-' || h[52] != '-')
        return 0;
    if (trace_hexval(h[0]) < 0 || trace_hexval(h[1]) < 0)
        return 0;
    version = (unsigned char)(trace_hexval(h[0]) << 4 | trace_hexval(h[1]));
    /* Version 00 is exactly 55 characters; a later one may add fields. */
    if (version == 0xff || (version == 0 && len != 55) ||
        (len > 55 && h[55] != '-'))
        return 0;
    if (!trace_unhex(h + 3, out->trace_id, 16) ||
        !trace_unhex(h + 36, out->span_id, 8))
        return 0;
    if (trace_hexval(h[53]) < 0 || trace_hexval(h[54]) < 0)
        return 0;
    flags = (unsigned char)(trace_hexval(h[53]) << 4 | trace_hexval(h[54]));
    out->flags = flags;
    return 1;
}

void
trace_state_keep(const char *h, char out[TRACE_STATE_SIZE])
{
    size_t i;

    out[0] = '\0';
    if (h == NULL)
        return;
    for (i = 0; h[i]; i++)
        if (i == TRACE_STATE_SIZE - 1 || h[i] < 0x20 || h[i] > 0x7e)
            return;
    memcpy(out, h, i + 1);
}
