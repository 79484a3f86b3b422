/* log.c - stderr logging with a program tag and pid on every line. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "app/core/log.h"

/* One write per line so lines from several workers do not interleave. */
static void
log_write(char *buf, size_t size)
{
    size_t len = strlen(buf);
    if (len < size - 1) {
        buf[len++] = '\n';
    } else {
        buf[size - 2] = '\n';
        len = size - 1;
    }
    if (write(STDERR_FILENO, buf, len) < 0) {
        /* Nowhere left to report a failed log write. */
    }
}

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
    log_write(buf, sizeof(buf));
}

void
log_access(int pid, const char *method, const char *path, int status,
           long us)
{
    char buf[512];

    /* Milliseconds with microseconds: most answers take well under one. */
    snprintf(buf, sizeof(buf), "cruddur[%d]: %s %.400s %d %ld.%03ldms", pid,
             method, path ? path : "-", status, us / 1000, us % 1000);
    log_write(buf, sizeof(buf));
}
