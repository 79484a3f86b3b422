/* otlp.h - spans and their OTLP/HTTP JSON encoding (the protobuf JSON
 * mapping: ids as lowercase hex, 64-bit integers and nanosecond times as
 * strings, attribute values typed: {"stringValue":..}, {"intValue":"..."},
 * {"arrayValue":{"values":[..]}}).
 *
 * A span is a fixed-size value (no allocation), so spans can be recorded
 * during a request and queued after it without a malloc each. */
#ifndef CRUDDUR_OTLP_H
#define CRUDDUR_OTLP_H

#include <stddef.h>
#include <stdint.h>

#include "app/core/buf.h"
#include "app/trace/trace_context.h"

#define SPAN_MAX_ATTRS 10
#define SPAN_STR_SIZE 160
#define SPAN_MAX_RETRIES 8      /* retry times kept; later ones at the end */

enum span_kind {
    SPAN_KIND_SERVER = 2, SPAN_KIND_CLIENT = 3, SPAN_KIND_CONSUMER = 5
};

enum span_attr_type { SPAN_STR, SPAN_INT, SPAN_STR_LIST1 };

struct span_attr {
    const char *key;            /* a static name */
    enum span_attr_type type;
    int64_t i;
    char s[SPAN_STR_SIZE];      /* cut when longer */
};

struct span {
    unsigned char trace_id[16];
    unsigned char span_id[8];
    unsigned char parent_id[8];
    int has_parent;
    enum span_kind kind;
    char name[96];
    char trace_state[TRACE_STATE_SIZE];
    int64_t start_ns, end_ns;
    int error;                  /* status ERROR with an exception event */
    char error_type[48];
    char error_message[SPAN_STR_SIZE];
    int retries;                /* "retry" events (the AWS client's) */
    int64_t retry_ns[SPAN_MAX_RETRIES]; /* when each began; 0: unknown */
    int nattrs;
    struct span_attr attrs[SPAN_MAX_ATTRS];
};

/* Copies src to dst + at (dst holds size bytes), cut before the UTF-8
 * character that would not fit; returns the length of dst. For the span's
 * fixed-size strings, without a printf per attribute. */
size_t span_copy(char *dst, size_t size, size_t at, const char *src);

/* Attributes past SPAN_MAX_ATTRS are dropped. A NULL value adds nothing. */
void span_attr_str(struct span *s, const char *key, const char *value);
void span_attr_int(struct span *s, const char *key, int64_t value);
/* A string array of one element (aws.dynamodb.table_names). */
void span_attr_list1(struct span *s, const char *key, const char *value);
void span_set_error(struct span *s, const char *type, const char *message);

/* A resource attribute the program itself found (a Lambda function's
 * faas.name, ...): a string, or the integer i when s is NULL. */
struct otlp_attr {
    const char *key;
    const char *s;
    int64_t i;
};

/* The "resource" object, once per process: service.name (OTEL_SERVICE_NAME,
 * else service.name in attrs, else in detected, else "cruddur"), the
 * attributes of an OTEL_RESOURCE_ATTRIBUTES value ("k=v,k2=v2", values
 * percent-decoded; malformed pairs are skipped), and the ndetected
 * attributes of detected whose key attrs does not set (what the operator
 * says wins). *out is malloc'ed. */
cr_code otlp_resource_json(const char *service_name, const char *attrs,
                           const struct otlp_attr *detected, size_t ndetected,
                           char **out);

/* Calls fn for each well-formed "key=value" of a comma-separated list
 * (values percent-decoded, blanks around both trimmed) and returns how
 * many; malformed pairs are skipped. OTEL_RESOURCE_ATTRIBUTES and
 * OTEL_EXPORTER_OTLP_HEADERS share this syntax. */
int otlp_pairs(const char *list,
               void (*fn)(void *arg, const char *k, const char *v), void *arg);

/* {"resourceSpans":[...]} for n spans under resource_json. */
cr_code otlp_encode(struct buf *out, const char *resource_json,
                    const struct span *spans, size_t n);

/* The same in pieces, for a batch built one span at a time: the text
 * before the first span, each span object (otlp_span.c; comma-separate
 * them), then OTLP_BATCH_CLOSE. otlp_span_json leaves out as it was when
 * it fails. */
cr_code otlp_batch_open(struct buf *out, const char *resource_json);
cr_code otlp_span_json(struct buf *out, const struct span *s);
#define OTLP_BATCH_CLOSE "]}]}]}"

#endif
