/* log.c - stderr logging, text or JSON, with the ids of the request being
 * answered on every line. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app/core/jsonw.h"
#include "app/core/log.h"

#define LOG_LINE_MAX 2048

static int log_json, log_emf;
static const char *log_request_id, *log_trace_id;

cr_code
log_setup(void)
{
    const char *fmt = getenv("CRUDDUR_LOG_FORMAT");
    const char *emf = getenv("CRUDDUR_LOG_EMF");

    log_configure(fmt && strcmp(fmt, "json") == 0,
                  emf && strcmp(emf, "1") == 0);
    if (fmt && *fmt && strcmp(fmt, "json") != 0 && strcmp(fmt, "text") != 0) {
        log_line("config: CRUDDUR_LOG_FORMAT must be text or json");
        return CR_INVALID;
    }
    if (emf && *emf && strcmp(emf, "0") != 0 && strcmp(emf, "1") != 0) {
        log_line("config: CRUDDUR_LOG_EMF must be 0 or 1");
        return CR_INVALID;
    }
    return CR_OK;
}

void
log_configure(int json, int emf)
{
    log_json = json;
    log_emf = emf;
}

void
log_set_request(const char *request_id, const char *trace_id)
{
    log_request_id = request_id;
    log_trace_id = trace_id;
}

/* One write per line so lines from several workers do not interleave. */
static void
log_write(const char *line, size_t len)
{
    char buf[LOG_LINE_MAX + 1];

    if (len > LOG_LINE_MAX)
        len = LOG_LINE_MAX;
    memcpy(buf, line, len);
    buf[len++] = '\n';
    if (write(STDERR_FILENO, buf, len) < 0) {
        /* Nowhere left to report a failed log write. */
    }
}

/* RFC 3339, UTC, microseconds: 2026-01-02T03:04:05.678901Z. */
static void
log_time(int64_t ns, char *out, size_t size)
{
    time_t secs = (time_t)(ns / 1000000000);
    struct tm tm;
    char date[32];

    gmtime_r(&secs, &tm);
    strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out, size, "%s.%06dZ", date, (int)(ns % 1000000000 / 1000));
}

static int64_t
log_now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void
log_json_head(struct jsonw *w, int64_t now_ns, const char *level)
{
    char when[64];

    log_time(now_ns, when, sizeof(when));
    jsonw_begin(w, '{');
    jsonw_key(w, "time");
    jsonw_str(w, when);
    jsonw_key(w, "level");
    jsonw_str(w, level);
}

static void
log_vline(const char *level, const char *fmt, va_list ap)
{
    char msg[1024], line[LOG_LINE_MAX];
    struct buf b;
    struct jsonw w;
    int n;

    vsnprintf(msg, sizeof(msg), fmt, ap);
    if (log_json) {
        buf_init(&b, LOG_LINE_MAX);
        jsonw_init(&w, &b);
        log_json_head(&w, log_now_ns(), level);
        jsonw_key(&w, "msg");
        jsonw_str(&w, msg);
        jsonw_key(&w, "request_id");
        jsonw_str(&w, log_request_id);
        jsonw_key(&w, "trace_id");
        jsonw_str(&w, log_trace_id);
        jsonw_key(&w, "pid");
        jsonw_int(&w, getpid());
        jsonw_end(&w, '}');
        if (w.rc == CR_OK) {
            log_write(b.data, b.len);
            buf_free(&b);
            return;
        }
        buf_free(&b);       /* no memory: the text line still says it */
    }
    n = snprintf(line, sizeof(line), "cruddur[%d]: %s%s%s", (int)getpid(),
                     msg, log_request_id ? " request_id=" : "",
                     log_request_id ? log_request_id : "");
    if (n > 0)
        log_write(line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
}

void
log_line(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    log_vline("info", fmt, ap);
    va_end(ap);
}

void
log_warn(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    log_vline("warn", fmt, ap);
    va_end(ap);
}

static void
log_json_backend(struct jsonw *w, int64_t ns, int calls, const char *ms_key,
                 const char *calls_key)
{
    jsonw_key(w, ms_key);
    jsonw_milli(w, ns / 1000);
    jsonw_key(w, calls_key);
    jsonw_int(w, calls);
}

/* CloudWatch Embedded Metric Format: the metadata naming which members
 * are metrics (duration_ms, count) and by which dimensions. Dimension
 * values must be strings, hence status_code beside the numeric status. */
static void
log_json_emf(struct jsonw *w, const struct log_access *a, int64_t now_ns)
{
    char code[8];

    jsonw_key(w, "_aws");
    jsonw_begin(w, '{');
    jsonw_key(w, "Timestamp");
    jsonw_int(w, now_ns / 1000000);
    jsonw_key(w, "CloudWatchMetrics");
    jsonw_raw(w, "[{\"Namespace\":\"Cruddur\","
                 "\"Dimensions\":[[\"route\",\"status_code\"]],"
                 "\"Metrics\":[{\"Name\":\"duration_ms\",\"Unit\":\"Milliseconds\"},"
                 "{\"Name\":\"count\",\"Unit\":\"Count\"}]}]");
    jsonw_end(w, '}');
    snprintf(code, sizeof(code), "%d", a->status);
    jsonw_key(w, "status_code");
    jsonw_str(w, code);
    jsonw_key(w, "count");
    jsonw_int(w, 1);
}

cr_code
log_access_json(struct buf *out, const struct log_access *a, int emf,
                int64_t now_ns)
{
    struct jsonw w;

    jsonw_init(&w, out);
    log_json_head(&w, now_ns, a->status >= 500 ? "error" : "info");
    jsonw_key(&w, "msg");
    jsonw_str(&w, "request");
    jsonw_key(&w, "request_id");
    jsonw_str(&w, a->request_id);
    jsonw_key(&w, "trace_id");
    jsonw_str(&w, a->trace_id);
    if (a->amzn_trace_id && a->amzn_trace_id[0]) {
        jsonw_key(&w, "amzn_trace_id");
        jsonw_str(&w, a->amzn_trace_id);
    }
    jsonw_key(&w, "method");
    jsonw_str(&w, a->method);
    jsonw_key(&w, "route");
    jsonw_str(&w, a->route ? a->route : "unmatched");
    jsonw_key(&w, "status");
    jsonw_int(&w, a->status);
    jsonw_key(&w, "duration_ms");
    jsonw_milli(&w, a->us);
    log_json_backend(&w, a->db_ns, a->db_calls, "db_ms", "db_calls");
    log_json_backend(&w, a->ddb_ns, a->ddb_calls, "ddb_ms", "ddb_calls");
    log_json_backend(&w, a->jwks_ns, a->jwks_calls, "jwks_ms", "jwks_calls");
    if (a->user && a->user[0]) {
        jsonw_key(&w, "user_uuid");
        jsonw_str(&w, a->user);
    }
    jsonw_key(&w, "pid");
    jsonw_int(&w, a->pid);
    if (a->status >= 400) {
        jsonw_key(&w, "error");
        jsonw_str(&w, a->error ? a->error : "unknown");
    }
    if (a->status >= 500 && a->detail && a->detail[0]) {
        jsonw_key(&w, "error_detail");
        jsonw_str(&w, a->detail);
    }
    if (emf)
        log_json_emf(&w, a, now_ns);
    jsonw_end(&w, '}');
    return w.rc;
}

static void
log_access_text(const struct log_access *a)
{
    char line[LOG_LINE_MAX];
    const char *detail = a->status >= 500 && a->detail && a->detail[0]
                             ? a->detail : NULL;
    int n;

    /* Milliseconds with microseconds: most answers take well under one. */
    n = snprintf(line, sizeof(line),
                 "cruddur[%d]: %s %.400s %d %ld.%03ldms request_id=%s%s%s%s%s%s",
                 a->pid, a->method, a->path ? a->path : "-", a->status,
                 a->us / 1000, a->us % 1000, a->request_id ? a->request_id : "-",
                 a->status >= 400 ? " error=" : "",
                 a->status >= 400 && a->error ? a->error : "",
                 detail ? " (" : "", detail ? detail : "", detail ? ")" : "");
    if (n > 0)
        log_write(line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
}

void
log_access(const struct log_access *a)
{
    struct buf b;

    if (!log_json) {
        log_access_text(a);
        return;
    }
    buf_init(&b, LOG_LINE_MAX);
    if (log_access_json(&b, a, log_emf, log_now_ns()) == CR_OK)
        log_write(b.data, b.len);
    else
        log_access_text(a);
    buf_free(&b);
}
