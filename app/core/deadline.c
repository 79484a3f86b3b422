/* deadline.c - points on the monotonic clock, in milliseconds. */
#include <time.h>

#include "app/core/deadline.h"

int64_t
deadline_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

cr_deadline
deadline_in(long ms)
{
    cr_deadline d = deadline_now_ms() + ms;

    /* The clock starts near boot: keep 0 meaning "none". */
    return d == DEADLINE_NONE ? 1 : d;
}

long
deadline_left_ms(cr_deadline d, long none)
{
    int64_t left;

    if (d == DEADLINE_NONE)
        return none;
    left = d - deadline_now_ms();
    return left > 0 ? (long)left : 0;
}

cr_deadline
deadline_min(cr_deadline d, long ms)
{
    cr_deadline own = deadline_in(ms);

    return d == DEADLINE_NONE || own < d ? own : d;
}
