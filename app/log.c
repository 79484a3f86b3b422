/* log.c - stderr logging with a program tag and pid on every line. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

void
log_line(const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    int n;

    n = snprintf(buf, sizeof(buf), "cruddur[%d]: ", (int)getpid());
    if (n < 0 || (size_t)n >= sizeof(buf))
        return;
    va_start(ap, fmt);
    vsnprintf(buf + n, sizeof(buf) - (size_t)n, fmt, ap);
    va_end(ap);
    /* One write per line so lines from several workers do not interleave. */
    size_t len = strlen(buf);
    if (len < sizeof(buf) - 1) {
        buf[len++] = '\n';
    } else {
        buf[sizeof(buf) - 2] = '\n';
        len = sizeof(buf) - 1;
    }
    if (write(STDERR_FILENO, buf, len) < 0) {
        /* Nowhere left to report a failed log write. */
    }
}
