/* trace_context.h - W3C Trace Context: the traceparent header a caller
 * sends to continue its trace, and the tracestate that travels with it. */
#ifndef CRUDDUR_TRACE_CONTEXT_H
#define CRUDDUR_TRACE_CONTEXT_H

#define TRACE_STATE_SIZE 257    /* at most 256 characters are kept */

struct trace_parent {
    unsigned char trace_id[16];
    unsigned char span_id[8];
    unsigned char flags;        /* bit 0: the caller sampled the trace */
};

/* 1 when h is a valid traceparent ("00-<32 hex>-<16 hex>-<2 hex>",
 * lowercase, ids not all zero; a later version may append "-..."), its
 * fields in *out; 0 otherwise (then the request starts a new trace). */
int trace_parent_parse(const char *h, struct trace_parent *out);

/* 1 when h is a well-formed AWS X-Ray trace header, as Lambda hands a
 * function its invocation's (Lambda-Runtime-Trace-Id): ';'-separated
 * key=value fields in any order, blanks around a field ignored, with
 * exactly one each of Root=1-<8 hex>-<24 hex> (version 1; the trace id is
 * the two hex parts), Parent=<16 hex> and Sampled=0 or 1 (bit 0 of
 * out->flags); other fields (Lineage, Self) are passed over. Hex is
 * lowercase and neither id all zero, as in traceparent. 0 otherwise: a
 * missing or repeated field, "Sampled=?" (the decision left to us), a
 * Root-only header (Lambda's PassThrough mode); then the caller starts
 * a new trace. */
int trace_xray_parse(const char *h, struct trace_parent *out);

/* 1 when name is one of the comma-separated list (OTEL_PROPAGATORS:
 * "tracecontext,baggage,xray-lambda"; blanks around items ignored). */
int trace_propagator_listed(const char *list, const char *name);

/* Keeps a tracestate header (into out) when it is at most 256 printable
 * ASCII characters; otherwise out is "" (the spec lets it be dropped). */
void trace_state_keep(const char *h, char out[TRACE_STATE_SIZE]);

#endif
