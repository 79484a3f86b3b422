/* log.h - one line per event on stderr (lighttpd collects workers' stderr
 * into its error log). Never pass a token or a message body. */
#ifndef CRUDDUR_LOG_H
#define CRUDDUR_LOG_H

#if defined(__GNUC__)
#define LOG_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define LOG_PRINTF(a, b)
#endif

void log_line(const char *fmt, ...) LOG_PRINTF(1, 2);

/* The access-log line of one request: "cruddur[PID]: METHOD PATH STATUS
 * 0.412ms" (the time in microseconds, written as ms), in one write. pid is
 * the caller's (the worker keeps it) so the hot path makes no getpid(). */
void log_access(int pid, const char *method, const char *path, int status,
                long us);

#endif
