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

/* The field [p, end) with its blanks trimmed: start in *p, length back. */
static size_t
trace_trim(const char **p, const char *end)
{
    while (*p < end && (**p == ' ' || **p == '\t'))
        (*p)++;
    while (end > *p && (end[-1] == ' ' || end[-1] == '\t'))
        end--;
    return (size_t)(end - *p);
}

/* Root's value "1-<8 hex>-<24 hex>" (n bytes at v) into id. */
static int
trace_xray_root(const char *v, size_t n, unsigned char id[16])
{
    char hex[32];

    if (n != 35 || v[0] != '1' || v[1] != '-' || v[10] != '-')
        return 0;
    memcpy(hex, v + 2, 8);
    memcpy(hex + 8, v + 11, 24);
    return trace_unhex(hex, id, 16);
}

/* One "key=value" field of n bytes at f; seen counts the fields met. */
static int
trace_xray_field(const char *f, size_t n, struct trace_parent *out,
                 int seen[3])
{
    const char *eq = memchr(f, '=', n);
    size_t kl, vl;

    if (eq == NULL)
        return 0;
    kl = (size_t)(eq - f);
    vl = n - kl - 1;
    if (kl == 4 && memcmp(f, "Root", 4) == 0)
        return seen[0]++ == 0 && trace_xray_root(eq + 1, vl, out->trace_id);
    if (kl == 6 && memcmp(f, "Parent", 6) == 0)
        return seen[1]++ == 0 && vl == 16 &&
               trace_unhex(eq + 1, out->span_id, 8);
    if (kl == 7 && memcmp(f, "Sampled", 7) == 0) {
        out->flags = eq[1] == '1';
        return seen[2]++ == 0 && vl == 1 && (eq[1] == '0' || eq[1] == '1');
    }
    return kl > 0;              /* Lineage, Self, ...: not ours */
}

int
trace_xray_parse(const char *h, struct trace_parent *out)
{
    int seen[3] = { 0, 0, 0 };
    const char *p = h, *end;
    size_t n;

    if (h == NULL)
        return 0;
    while (*p) {
        if ((end = strchr(p, ';')) == NULL)
            end = p + strlen(p);
        /* An empty field (a trailing ';') is no field. */
        if ((n = trace_trim(&p, end)) > 0 &&
            !trace_xray_field(p, n, out, seen))
            return 0;
        p = *end ? end + 1 : end;
    }
    return seen[0] == 1 && seen[1] == 1 && seen[2] == 1;
}

int
trace_propagator_listed(const char *list, const char *name)
{
    size_t want = strlen(name), n;
    const char *p = list, *end;

    while (p && *p) {
        if ((end = strchr(p, ',')) == NULL)
            end = p + strlen(p);
        n = trace_trim(&p, end);
        if (n == want && memcmp(p, name, n) == 0)
            return 1;
        p = *end ? end + 1 : end;
    }
    return 0;
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
