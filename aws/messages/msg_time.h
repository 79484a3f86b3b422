/* msg_time.h - times as the messages table keeps them (sort keys).
 *
 * Times are UTC "YYYY-MM-DDTHH:MM:SS.ffffff+00:00", what Python's
 * datetime.now(timezone.utc).isoformat() printed in the Flask app: string
 * order is time order, across year boundaries too. */
#ifndef CRUDDUR_MSG_TIME_H
#define CRUDDUR_MSG_TIME_H

#include <stdint.h>

#include "app/core/err.h"

#define MSG_TIME_SIZE   33   /* 32 characters and a NUL */

/* Microseconds since the epoch to the key format. CR_INVALID outside the
 * years 0001..9999. */
cr_code msg_time_format(int64_t usec, char out[MSG_TIME_SIZE]);
/* The key format back to microseconds; anything else (another offset,
 * missing digits, 2023-02-30, trailing bytes) is CR_INVALID. */
cr_code msg_time_parse(const char *s, int64_t *usec);
/* The clock, in microseconds since the epoch. */
int64_t msg_time_now(void);
/* t advanced by one microsecond in place (after a key collision). */
cr_code msg_time_advance(char t[MSG_TIME_SIZE]);

#endif
