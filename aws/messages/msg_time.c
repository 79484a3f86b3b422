/* msg_time.c - the table's time format.
 *
 * "YYYY-MM-DDTHH:MM:SS.ffffff+00:00" is what Python's
 * datetime.now(timezone.utc).isoformat() printed in the Flask app, so rows
 * written by either side sort together. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "aws/messages/msg_time.h"

#define USEC 1000000LL
/* 0001-01-01T00:00:00 and 10000-01-01T00:00:00 in seconds since the epoch */
#define MSG_SEC_MIN (-62135596800LL)
#define MSG_SEC_END 253402300800LL

/* Days since 1970-01-01 of a proleptic Gregorian date (eras of 400 years
 * from 0000-03-01, so leap days fall at the end of a year). */
static int64_t
msg_days_from_civil(int64_t y, int m, int d)
{
    int64_t era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int
msg_days_in_month(int y, int m)
{
    static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

    return m == 2 && leap ? 29 : days[m - 1];
}

/* v as exactly n decimal digits, zero-padded (v fits: checked by callers). */
static void
msg_put_digits(char *p, int v, int n)
{
    while (n-- > 0) {
        p[n] = (char)('0' + v % 10);
        v /= 10;
    }
}

cr_code
msg_time_format(int64_t usec, char out[MSG_TIME_SIZE])
{
    int64_t sec = usec / USEC, frac = usec % USEC;
    time_t t;
    struct tm tm;

    if (frac < 0) {       /* floor, not truncation, before the epoch */
        frac += USEC;
        sec -= 1;
    }
    if (sec < MSG_SEC_MIN || sec >= MSG_SEC_END)
        return CR_INVALID;
    t = (time_t)sec;
    if (gmtime_r(&t, &tm) == NULL)
        return CR_INVALID;
    msg_put_digits(out, tm.tm_year + 1900, 4);
    out[4] = '-';
    msg_put_digits(out + 5, tm.tm_mon + 1, 2);
    out[7] = '-';
    msg_put_digits(out + 8, tm.tm_mday, 2);
    out[10] = 'T';
    msg_put_digits(out + 11, tm.tm_hour, 2);
    out[13] = ':';
    msg_put_digits(out + 14, tm.tm_min, 2);
    out[16] = ':';
    msg_put_digits(out + 17, tm.tm_sec, 2);
    out[19] = '.';
    msg_put_digits(out + 20, (int)frac, 6);
    memcpy(out + 26, "+00:00", 7);
    return CR_OK;
}

/* n digits at s as a number, or -1. */
static int64_t
msg_digits(const char *s, int n)
{
    int64_t v = 0;
    int i;

    for (i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

cr_code
msg_time_parse(const char *s, int64_t *usec)
{
    int64_t y, mo, d, h, mi, se, f;

    if (s == NULL || strlen(s) != MSG_TIME_SIZE - 1)
        return CR_INVALID;
    if (s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
        s[16] != ':' || s[19] != '.' || strcmp(s + 26, "+00:00") != 0)
        return CR_INVALID;
    y = msg_digits(s, 4);
    mo = msg_digits(s + 5, 2);
    d = msg_digits(s + 8, 2);
    h = msg_digits(s + 11, 2);
    mi = msg_digits(s + 14, 2);
    se = msg_digits(s + 17, 2);
    f = msg_digits(s + 20, 6);
    if (y < 1 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 ||
        mi > 59 || se < 0 || se > 59 || f < 0)
        return CR_INVALID;
    if (d > msg_days_in_month((int)y, (int)mo))
        return CR_INVALID;
    *usec = ((msg_days_from_civil(y, (int)mo, (int)d) * 86400 +
              h * 3600 + mi * 60 + se) * USEC) + f;
    return CR_OK;
}

int64_t
msg_time_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * USEC + ts.tv_nsec / 1000;
}

cr_code
msg_time_advance(char t[MSG_TIME_SIZE])
{
    int64_t u;
    cr_code rc;

    if ((rc = msg_time_parse(t, &u)))
        return rc;
    return msg_time_format(u + 1, t);
}
