/* json_out.c - JSON strings and times written as PostgreSQL writes them. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "app/core/json_out.h"

/* The escape for byte c, or NULL when it is written as is. */
static const char *
json_out_escape(unsigned char c, char tmp[8])
{
    switch (c) {
    case '"': return "\\\"";
    case '\\': return "\\\\";
    case '\b': return "\\b";
    case '\f': return "\\f";
    case '\n': return "\\n";
    case '\r': return "\\r";
    case '\t': return "\\t";
    default:
        break;
    }
    if (c >= 0x20)
        return NULL;
    snprintf(tmp, 8, "\\u%04x", c);
    return tmp;
}

cr_code
json_out_str(struct buf *b, const char *s)
{
    const char *run = s, *esc;
    char tmp[8];
    cr_code rc;

    if ((rc = buf_append(b, "\"", 1)))
        return rc;
    /* Runs of plain bytes go in one append. */
    for (; *s; s++) {
        if ((esc = json_out_escape((unsigned char)*s, tmp)) == NULL)
            continue;
        if ((rc = buf_append(b, run, (size_t)(s - run))) ||
            (rc = buf_append_str(b, esc)))
            return rc;
        run = s + 1;
    }
    if ((rc = buf_append(b, run, (size_t)(s - run))))
        return rc;
    return buf_append(b, "\"", 1);
}

cr_code
json_out_time(struct buf *b, int64_t usec)
{
    int64_t secs = usec / 1000000, frac = usec % 1000000;
    time_t t;
    struct tm tm;
    char out[64];
    int n, digits = 6;

    if (frac < 0) {             /* floor, for times before 1970 */
        frac += 1000000;
        secs -= 1;
    }
    t = (time_t)secs;
    if (gmtime_r(&t, &tm) == NULL)
        return CR_INVALID;
    n = snprintf(out, sizeof(out), "\"%04d-%02d-%02dT%02d:%02d:%02d",
                 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                 tm.tm_min, tm.tm_sec);
    if (frac) {
        while (frac % 10 == 0) {
            frac /= 10;
            digits--;
        }
        n += snprintf(out + n, sizeof(out) - (size_t)n, ".%0*lld", digits,
                      (long long)frac);
    }
    n += snprintf(out + n, sizeof(out) - (size_t)n, "+00:00\"");
    return buf_append(b, out, (size_t)n);
}

cr_code
json_out_parse_i64(const char *s, int64_t *out)
{
    uint64_t v = 0, limit = (uint64_t)INT64_MAX;
    int neg = *s == '-';

    if (neg) {
        s++;
        limit += 1;
    }
    if (*s == '\0')
        return CR_INVALID;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || v > (limit - (uint64_t)(*s - '0')) / 10)
            return CR_INVALID;
        v = v * 10 + (uint64_t)(*s - '0');
    }
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return CR_OK;
}
