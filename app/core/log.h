/* log.h - one line per event on stderr (lighttpd collects workers' stderr
 * into its error log). Never pass a token, a body, a query string or a
 * message text.
 *
 * Two formats, chosen once by log_setup() from CRUDDUR_LOG_FORMAT: "text"
 * (the default: "cruddur[PID]: what request_id=ID") and "json" (one object
 * a line: time, level, msg, request_id, trace_id, pid). While a request is
 * answered the edge names it with log_set_request(), so every line it
 * causes carries its ids. */
#ifndef CRUDDUR_LOG_H
#define CRUDDUR_LOG_H

#include <stdint.h>

#include "app/core/buf.h"

#if defined(__GNUC__)
#define LOG_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define LOG_PRINTF(a, b)
#endif

/* Reads CRUDDUR_LOG_FORMAT (text|json) and CRUDDUR_LOG_EMF (1: the access
 * line carries CloudWatch Embedded Metric Format metadata). CR_INVALID
 * (after logging why) for another value. */
cr_code log_setup(void);
void log_configure(int json, int emf);

/* The ids of the request being answered (borrowed: the caller keeps them
 * alive until it calls log_set_request(NULL, NULL)). */
void log_set_request(const char *request_id, const char *trace_id);

void log_line(const char *fmt, ...) LOG_PRINTF(1, 2);       /* info */
void log_warn(const char *fmt, ...) LOG_PRINTF(1, 2);
/* No log_error: a request's failure is told once, by its access line
 * (level error for a 5xx, with the backend's detail). */

/* The access line of one request. */
struct log_access {
    int pid;
    const char *method;
    const char *path;           /* the text line only: the JSON has route */
    const char *route;          /* the route's pattern, or NULL */
    int status;
    long us;                    /* total time */
    const char *request_id;
    const char *trace_id;       /* W3C trace id (32 hex), or NULL */
    const char *amzn_trace_id;  /* sanitised X-Amzn-Trace-Id, or NULL/"" */
    const char *user;           /* the caller's uuid, or NULL */
    const char *error;          /* the error code of a 4xx/5xx, or NULL */
    /* Time (ns) and calls in PostgreSQL, DynamoDB and key fetches. */
    int64_t db_ns, ddb_ns, jwks_ns;
    int db_calls, ddb_calls, jwks_calls;
    const char *detail;         /* a backend failure's detail, or NULL/"" */
};

/* The JSON access line (no newline) into out, at wall time now_ns. Level
 * "error" for a 5xx, with the backend's detail; "info" otherwise. With
 * emf, the CloudWatch "_aws" member and the metrics it names. */
cr_code log_access_json(struct buf *out, const struct log_access *a, int emf,
                        int64_t now_ns);

/* Writes the access line in the configured format, in one write. */
void log_access(const struct log_access *a);

#endif
