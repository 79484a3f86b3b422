/* observe.h - the edge's view of one request: its ids, its backend time,
 * its trace, and its one access-log line. */
#ifndef CRUDDUR_OBSERVE_H
#define CRUDDUR_OBSERVE_H

#include <time.h>

#include "app/context/app.h"
#include "app/core/obs.h"
#include "app/http/http.h"

struct observe {
    struct timespec start;          /* monotonic, for the total time */
    int64_t start_ns;               /* wall clock, for the server span */
    struct obs_request obs;
    char amzn_trace_id[REQID_SIZE]; /* X-Amzn-Trace-Id, sanitised */
};

/* Before the request is read: the clock starts. */
void observe_start(struct observe *ob);

/* Once the request's headers are read: its id (kept or made), its trace
 * (continued or new), and obs_current and the log's ids pointed at it. */
void observe_begin(struct app *app, struct observe *ob,
                   struct http_request *req);

/* After the response is written: the access line and the server span;
 * obs_current and the log's ids cleared. The spans are queued later,
 * after the FastCGI request is finished (tracer_submit). */
void observe_end(struct app *app, struct observe *ob,
                 const struct http_request *req,
                 const struct http_response *res);

#endif
