/* fz_msg_time.h - the table's time keys: a string that parses formats
 * back to itself (one spelling per instant, so string order is time
 * order), and the first 8 bytes as microseconds format and parse back. */
#ifndef CRUDDUR_FZ_MSG_TIME_H
#define CRUDDUR_FZ_MSG_TIME_H

#include "aws/messages/msg_time.h"
#include "tests/fuzz/fz.h"

static inline int
fz_msg_time(const uint8_t *data, size_t size)
{
    char *s = fz_cstr(data, size), out[MSG_TIME_SIZE], next[MSG_TIME_SIZE];
    int64_t u, u2;
    int bad = 0;

    if (msg_time_parse(s, &u) == CR_OK) {
        memcpy(next, s, MSG_TIME_SIZE);
        if (msg_time_format(u, out) != CR_OK || strcmp(out, s) != 0)
            bad = FZ_BROKEN;
        /* One microsecond later sorts later (9999-12-31T23:59:59.999999
         * has no successor). */
        else if (msg_time_advance(next) == CR_OK &&
                 (strcmp(next, s) <= 0 || msg_time_parse(next, &u2) ||
                  u2 != u + 1))
            bad = FZ_BROKEN;
    }
    free(s);
    if (size >= sizeof(u)) {
        memcpy(&u, data, sizeof(u));
        if (msg_time_format(u, out) == CR_OK &&
            (msg_time_parse(out, &u2) != CR_OK || u2 != u))
            bad = FZ_BROKEN;
    }
    return bad;
}

#endif
