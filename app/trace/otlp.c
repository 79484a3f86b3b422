/* otlp.c - spans into OTLP/HTTP JSON; see otlp.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/core/jsonw.h"
#include "app/core/reqid.h"
#include "app/trace/otlp.h"

static struct span_attr *
span_attr_add(struct span *s, const char *key, enum span_attr_type type)
{
    struct span_attr *a;

    if (s->nattrs == SPAN_MAX_ATTRS)
        return NULL;
    a = &s->attrs[s->nattrs++];
    a->key = key;
    a->type = type;
    a->i = 0;
    a->s[0] = '\0';
    return a;
}

void
span_attr_str(struct span *s, const char *key, const char *value)
{
    struct span_attr *a;

    if (value && (a = span_attr_add(s, key, SPAN_STR)))
        snprintf(a->s, sizeof(a->s), "%s", value);
}

void
span_attr_int(struct span *s, const char *key, int64_t value)
{
    struct span_attr *a = span_attr_add(s, key, SPAN_INT);

    if (a)
        a->i = value;
}

void
span_attr_list1(struct span *s, const char *key, const char *value)
{
    struct span_attr *a;

    if (value && (a = span_attr_add(s, key, SPAN_STR_LIST1)))
        snprintf(a->s, sizeof(a->s), "%s", value);
}

void
span_set_error(struct span *s, const char *type, const char *message)
{
    s->error = 1;
    snprintf(s->error_type, sizeof(s->error_type), "%s", type);
    snprintf(s->error_message, sizeof(s->error_message), "%s",
             message ? message : type);
}

/* {"key":k,"value":{"stringValue":v}} */
static void
otlp_kv_str(struct jsonw *w, const char *key, const char *value)
{
    jsonw_begin(w, '{');
    jsonw_key(w, "key");
    jsonw_str(w, key);
    jsonw_key(w, "value");
    jsonw_begin(w, '{');
    jsonw_key(w, "stringValue");
    jsonw_str(w, value);
    jsonw_end(w, '}');
    jsonw_end(w, '}');
}

/* 64-bit integers are strings in the protobuf JSON mapping. */
static void
otlp_int_str(struct jsonw *w, int64_t v)
{
    char num[24];

    snprintf(num, sizeof(num), "%lld", (long long)v);
    jsonw_str(w, num);
}

static void
otlp_attr(struct jsonw *w, const struct span_attr *a)
{
    if (a->type == SPAN_STR) {
        otlp_kv_str(w, a->key, a->s);
        return;
    }
    jsonw_begin(w, '{');
    jsonw_key(w, "key");
    jsonw_str(w, a->key);
    jsonw_key(w, "value");
    jsonw_begin(w, '{');
    if (a->type == SPAN_INT) {
        jsonw_key(w, "intValue");
        otlp_int_str(w, a->i);
    } else {
        jsonw_key(w, "arrayValue");
        jsonw_begin(w, '{');
        jsonw_key(w, "values");
        jsonw_begin(w, '[');
        jsonw_begin(w, '{');
        jsonw_key(w, "stringValue");
        jsonw_str(w, a->s);
        jsonw_end(w, '}');
        jsonw_end(w, ']');
        jsonw_end(w, '}');
    }
    jsonw_end(w, '}');
    jsonw_end(w, '}');
}

static void
otlp_hex(struct jsonw *w, const unsigned char *id, size_t n)
{
    char hex[33];

    reqid_hex(id, n, hex);
    jsonw_str(w, hex);
}

static void
otlp_events(struct jsonw *w, const struct span *s)
{
    int i;

    jsonw_key(w, "events");
    jsonw_begin(w, '[');
    for (i = 0; i < s->retries; i++) {
        jsonw_begin(w, '{');
        jsonw_key(w, "timeUnixNano");
        otlp_int_str(w, i < SPAN_MAX_RETRIES && s->retry_ns[i]
                            ? s->retry_ns[i] : s->end_ns);
        jsonw_key(w, "name");
        jsonw_str(w, "retry");
        jsonw_end(w, '}');
    }
    if (s->error) {
        jsonw_begin(w, '{');
        jsonw_key(w, "timeUnixNano");
        otlp_int_str(w, s->end_ns);
        jsonw_key(w, "name");
        jsonw_str(w, "exception");
        jsonw_key(w, "attributes");
        jsonw_begin(w, '[');
        otlp_kv_str(w, "exception.type", s->error_type);
        otlp_kv_str(w, "exception.message", s->error_message);
        jsonw_end(w, ']');
        jsonw_end(w, '}');
    }
    jsonw_end(w, ']');
}

static void
otlp_span(struct jsonw *w, const struct span *s)
{
    int i;

    jsonw_begin(w, '{');
    jsonw_key(w, "traceId");
    otlp_hex(w, s->trace_id, sizeof(s->trace_id));
    jsonw_key(w, "spanId");
    otlp_hex(w, s->span_id, sizeof(s->span_id));
    if (s->has_parent) {
        jsonw_key(w, "parentSpanId");
        otlp_hex(w, s->parent_id, sizeof(s->parent_id));
    }
    if (s->trace_state[0]) {
        jsonw_key(w, "traceState");
        jsonw_str(w, s->trace_state);
    }
    jsonw_key(w, "name");
    jsonw_str(w, s->name);
    jsonw_key(w, "kind");
    jsonw_int(w, s->kind);
    jsonw_key(w, "startTimeUnixNano");
    otlp_int_str(w, s->start_ns);
    jsonw_key(w, "endTimeUnixNano");
    otlp_int_str(w, s->end_ns > s->start_ns ? s->end_ns : s->start_ns);
    jsonw_key(w, "attributes");
    jsonw_begin(w, '[');
    for (i = 0; i < s->nattrs; i++)
        otlp_attr(w, &s->attrs[i]);
    jsonw_end(w, ']');
    if (s->retries || s->error)
        otlp_events(w, s);
    jsonw_key(w, "status");
    jsonw_begin(w, '{');
    if (s->error) {
        jsonw_key(w, "code");
        jsonw_int(w, 2);            /* STATUS_CODE_ERROR */
        jsonw_key(w, "message");
        jsonw_str(w, s->error_type);
    }
    jsonw_end(w, '}');
    jsonw_end(w, '}');
}

cr_code
otlp_encode(struct buf *out, const char *resource_json,
            const struct span *spans, size_t n)
{
    struct jsonw w;
    size_t i;

    jsonw_init(&w, out);
    jsonw_begin(&w, '{');
    jsonw_key(&w, "resourceSpans");
    jsonw_begin(&w, '[');
    jsonw_begin(&w, '{');
    jsonw_key(&w, "resource");
    jsonw_raw(&w, resource_json);
    jsonw_key(&w, "scopeSpans");
    jsonw_begin(&w, '[');
    jsonw_begin(&w, '{');
    jsonw_key(&w, "scope");
    jsonw_raw(&w, "{\"name\":\"cruddur\"}");
    jsonw_key(&w, "spans");
    jsonw_begin(&w, '[');
    for (i = 0; i < n; i++)
        otlp_span(&w, &spans[i]);
    jsonw_end(&w, ']');
    jsonw_end(&w, '}');
    jsonw_end(&w, ']');
    jsonw_end(&w, '}');
    jsonw_end(&w, ']');
    jsonw_end(&w, '}');
    return w.rc;
}

static int
otlp_unhex(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c |= 0x20;
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Percent-decodes s[0..len) into out (size bytes); 0 when malformed. */
static int
otlp_decode(const char *s, size_t len, char *out, size_t size)
{
    size_t i, o = 0;

    for (i = 0; i < len; i++) {
        char c = s[i];
        if (c == '%') {
            if (i + 2 >= len || otlp_unhex(s[i + 1]) < 0 ||
                otlp_unhex(s[i + 2]) < 0)
                return 0;
            c = (char)(otlp_unhex(s[i + 1]) << 4 | otlp_unhex(s[i + 2]));
            i += 2;
        }
        if (o + 1 >= size || c == '\0')
            return 0;
        out[o++] = c;
    }
    out[o] = '\0';
    return 1;
}

/* Calls fn for each well-formed "k=v" of a comma list; shared by the
 * resource attributes and the exporter's headers. */
int
otlp_pairs(const char *list, void (*fn)(void *arg, const char *k,
                                        const char *v), void *arg)
{
    char key[128], value[512];
    const char *p = list, *end, *eq;
    int n = 0;

    while (p && *p) {
        end = strchr(p, ',');
        if (end == NULL)
            end = p + strlen(p);
        eq = memchr(p, '=', (size_t)(end - p));
        while (p < end && (*p == ' ' || *p == '\t'))
            p++;
        if (eq && eq > p) {
            size_t kl = (size_t)(eq - p), vl = (size_t)(end - eq - 1);
            const char *v = eq + 1;

            while (kl > 0 && (p[kl - 1] == ' ' || p[kl - 1] == '\t'))
                kl--;
            while (vl > 0 && (*v == ' ' || *v == '\t'))
                v++, vl--;
            while (vl > 0 && (v[vl - 1] == ' ' || v[vl - 1] == '\t'))
                vl--;
            if (kl > 0 && kl < sizeof(key) &&
                otlp_decode(v, vl, value, sizeof(value))) {
                memcpy(key, p, kl);
                key[kl] = '\0';
                fn(arg, key, value);
                n++;
            }
        }
        p = *end ? end + 1 : end;
    }
    return n;
}

struct otlp_res {
    struct jsonw *w;
    const char *service_name;   /* OTEL_SERVICE_NAME wins over the list */
    char listed_name[128];
};

static void
otlp_res_pair(void *arg, const char *k, const char *v)
{
    struct otlp_res *r = arg;

    if (strcmp(k, "service.name") == 0) {
        snprintf(r->listed_name, sizeof(r->listed_name), "%s", v);
        return;
    }
    otlp_kv_str(r->w, k, v);
}

cr_code
otlp_resource_json(const char *service_name, const char *attrs, char **out)
{
    struct otlp_res r = { NULL, service_name, "" };
    struct buf b;
    struct jsonw w;

    buf_init(&b, 0);
    jsonw_init(&w, &b);
    r.w = &w;
    jsonw_begin(&w, '{');
    jsonw_key(&w, "attributes");
    jsonw_begin(&w, '[');
    otlp_pairs(attrs, otlp_res_pair, &r);
    otlp_kv_str(&w, "service.name",
                service_name && *service_name ? service_name
                : r.listed_name[0]            ? r.listed_name
                                              : "cruddur");
    otlp_kv_str(&w, "telemetry.sdk.name", "cruddur");
    jsonw_end(&w, ']');
    jsonw_end(&w, '}');
    if (w.rc) {
        buf_free(&b);
        *out = NULL;
        return w.rc;
    }
    *out = buf_take(&b);
    return CR_OK;
}
