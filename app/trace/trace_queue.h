/* trace_queue.h - a tracer's bounded queue of finished spans and the
 * thread that exports it (tracer.h says how the tracer uses them).
 *
 * The queue is a ring of batches, each the OTLP JSON text of one POST:
 * spans are encoded as they are queued, into the batch being filled; the
 * thread takes the oldest batch when it is full or its oldest span has
 * waited delay_ms (or on a flush) and sends it with the caller's curl
 * handle. A span that finds the queue full (cap spans) is dropped and
 * counted, and so are the spans of a batch the collector did not take;
 * the queuing thread logs those counts at most once a minute. */
#ifndef CRUDDUR_TRACE_QUEUE_H
#define CRUDDUR_TRACE_QUEUE_H

#include <stddef.h>

#include <curl/curl.h>

#include "app/core/err.h"
#include "app/trace/otlp.h"

struct trace_queue;

/* An empty queue of at most cap spans, sent in batches of batch (at most
 * cap) that open with resource (the "resource" JSON object). CR_NOMEM, or
 * otlp_batch_open's failure. */
cr_code trace_queue_new(size_t cap, size_t batch, long delay_ms,
                        const char *resource, struct trace_queue **out);
/* Starts the export thread, which POSTs with curl (set up for the
 * collector: URL, headers, timeouts) until trace_queue_free. Non-zero
 * when the thread did not start. */
int trace_queue_start(struct trace_queue *q, CURL *curl);
/* Stops the thread after one last export of what is queued (the rest is
 * dropped when the collector failed: one timeout is all an exit waits
 * for), then frees the queue. The curl handle stays the caller's. */
void trace_queue_free(struct trace_queue *q);

/* Queues spans[0..n) and counts extra_dropped (spans the caller could not
 * keep) as dropped; logs the failures and drops, rate-limited. */
void trace_queue_spans(struct trace_queue *q, const struct span *spans,
                       int n, unsigned long extra_dropped);
/* Has the thread send what is queued now and waits for it, at most
 * timeout_ms. 1 when nothing is left queued or being sent. */
int trace_queue_flush(struct trace_queue *q, long timeout_ms);
/* Spans sent, exports failed (since the last report), spans dropped. */
void trace_queue_counts(struct trace_queue *q, unsigned long *exported,
                        unsigned long *failed, unsigned long *dropped);

#endif
