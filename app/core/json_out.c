/* json_out.c - JSON strings and times written as PostgreSQL writes them. */
#include <stdio.h>
#include <string.h>

#include "app/core/json_out.h"

/* The escape for byte c, or NULL when it is written as is; upper: hex
 * digits as jansson writes them. */
static const char *
json_out_escape(unsigned char c, char tmp[8], int upper)
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
    snprintf(tmp, 8, upper ? "\\u%04X" : "\\u%04x", c);
    return tmp;
}

/* s[0..len), NULs included (as \u0000). */
static cr_code
json_out_quoted(struct buf *b, const char *s, size_t len, int upper)
{
    const char *run = s, *end = s + len, *esc;
    char tmp[8];
    cr_code rc;

    if ((rc = buf_append(b, "\"", 1)))
        return rc;
    /* Runs of plain bytes go in one append. */
    for (; s < end; s++) {
        unsigned char c = (unsigned char)*s;

        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        esc = json_out_escape(c, tmp, upper);
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
json_out_str(struct buf *b, const char *s)
{
    return json_out_quoted(b, s, strlen(s), 0);
}

cr_code
json_out_str_jansson(struct buf *b, const char *s)
{
    return json_out_quoted(b, s, strlen(s), 1);
}

cr_code
json_out_strn_jansson(struct buf *b, const char *s, size_t len)
{
    return json_out_quoted(b, s, len, 1);
}

/* Days since 1970-01-01 to a civil date (proleptic Gregorian), after
 * H. Hinnant's days_from_civil inverse: no tables, no time zone, no lock
 * (gmtime_r takes one, and snprintf was half of a feed's cost). */
static void
json_out_civil(int64_t days, int64_t *y, unsigned *m, unsigned *d)
{
    int64_t z = days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;

    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

/* Writes v as n decimal digits, zero-padded, backwards from p + n. */
static char *
json_out_digits(char *p, unsigned v, int n)
{
    int i;

    for (i = n - 1; i >= 0; i--) {
        p[i] = (char)('0' + v % 10);
        v /= 10;
    }
    return p + n;
}

cr_code
json_out_time(struct buf *b, int64_t usec)
{
    int64_t secs = usec / 1000000, frac = usec % 1000000, days, y;
    unsigned m, d, sod;
    char out[48], *p = out;
    int digits = 6;

    if (frac < 0) {             /* floor, for times before 1970 */
        frac += 1000000;
        secs -= 1;
    }
    days = secs / 86400;
    if (secs % 86400 < 0)
        days -= 1;
    sod = (unsigned)(secs - days * 86400);
    json_out_civil(days, &y, &m, &d);
    if (y < 1 || y > 9999)      /* PostgreSQL writes those otherwise */
        return CR_INVALID;
    *p++ = '"';
    p = json_out_digits(p, (unsigned)y, 4);
    *p++ = '-';
    p = json_out_digits(p, m, 2);
    *p++ = '-';
    p = json_out_digits(p, d, 2);
    *p++ = 'T';
    p = json_out_digits(p, sod / 3600, 2);
    *p++ = ':';
    p = json_out_digits(p, sod / 60 % 60, 2);
    *p++ = ':';
    p = json_out_digits(p, sod % 60, 2);
    if (frac) {
        while (frac % 10 == 0) {
            frac /= 10;
            digits--;
        }
        *p++ = '.';
        p = json_out_digits(p, (unsigned)frac, digits);
    }
    memcpy(p, "+00:00\"", 7);
    return buf_append(b, out, (size_t)(p + 7 - out));
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
