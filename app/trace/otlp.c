/* otlp.c - spans into OTLP/HTTP JSON; see otlp.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/core/jsonw.h"
#include "app/trace/otlp.h"

size_t
span_copy(char *dst, size_t size, size_t at, const char *src)
{
    size_t n;

    if (at >= size)
        return size - 1;
    n = strnlen(src, size - at);
    if (n > size - 1 - at) {
        n = size - 1 - at;
        /* Cut before a character, not inside one: the rest stays UTF-8. */
        while (n > 0 && ((unsigned char)src[n] & 0xc0) == 0x80)
            n--;
    }
    memcpy(dst + at, src, n);
    dst[at + n] = '\0';
    return at + n;
}

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
    return a;
}

void
span_attr_str(struct span *s, const char *key, const char *value)
{
    struct span_attr *a;

    if (value && (a = span_attr_add(s, key, SPAN_STR)))
        span_copy(a->s, sizeof(a->s), 0, value);
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
        span_copy(a->s, sizeof(a->s), 0, value);
}

void
span_set_error(struct span *s, const char *type, const char *message)
{
    s->error = 1;
    span_copy(s->error_type, sizeof(s->error_type), 0, type);
    span_copy(s->error_message, sizeof(s->error_message), 0,
              message ? message : type);
}

/* {"key":k,"value":{type:v}}: v a JSON string either way (the protobuf
 * JSON mapping writes an intValue as a string too). */
static void
otlp_kv_typed(struct jsonw *w, const char *key, const char *type,
              const char *value)
{
    jsonw_begin(w, '{');
    jsonw_key(w, "key");
    jsonw_str(w, key);
    jsonw_key(w, "value");
    jsonw_begin(w, '{');
    jsonw_key(w, type);
    jsonw_str(w, value);
    jsonw_end(w, '}');
    jsonw_end(w, '}');
}

static void
otlp_kv_str(struct jsonw *w, const char *key, const char *value)
{
    otlp_kv_typed(w, key, "stringValue", value);
}

cr_code
otlp_batch_open(struct buf *out, const char *resource_json)
{
    cr_code rc;

    if ((rc = buf_append_str(out, "{\"resourceSpans\":[{\"resource\":")) ||
        (rc = buf_append_str(out, resource_json)))
        return rc;
    return buf_append_str(out, ",\"scopeSpans\":[{\"scope\":{\"name\":"
                               "\"cruddur\"},\"spans\":[");
}

cr_code
otlp_encode(struct buf *out, const char *resource_json,
            const struct span *spans, size_t n)
{
    cr_code rc = otlp_batch_open(out, resource_json);
    size_t i;

    for (i = 0; rc == CR_OK && i < n; i++) {
        if (i > 0)
            rc = buf_append(out, ",", 1);
        if (rc == CR_OK)
            rc = otlp_span_json(out, &spans[i]);
    }
    return rc ? rc : buf_append_str(out, OTLP_BATCH_CLOSE);
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

struct otlp_res_find {
    const char *key;
    int found;
};

static void
otlp_res_find(void *arg, const char *k, const char *v)
{
    struct otlp_res_find *f = arg;

    (void)v;
    f->found |= strcmp(k, f->key) == 0;
}

/* The detected attributes OTEL_RESOURCE_ATTRIBUTES does not set. */
static void
otlp_res_detected(struct otlp_res *r, const char *attrs,
                  const struct otlp_attr *d, size_t n)
{
    struct otlp_res_find f;
    char num[24];
    size_t i;

    for (i = 0; i < n; i++) {
        if (strcmp(d[i].key, "service.name") == 0) {
            if (r->listed_name[0] == '\0' && d[i].s)
                snprintf(r->listed_name, sizeof(r->listed_name), "%s",
                         d[i].s);
            continue;
        }
        f.key = d[i].key;
        f.found = 0;
        otlp_pairs(attrs, otlp_res_find, &f);
        if (f.found)
            continue;
        if (d[i].s) {
            otlp_kv_str(r->w, d[i].key, d[i].s);
            continue;
        }
        snprintf(num, sizeof(num), "%lld", (long long)d[i].i);
        otlp_kv_typed(r->w, d[i].key, "intValue", num);
    }
}

cr_code
otlp_resource_json(const char *service_name, const char *attrs,
                   const struct otlp_attr *detected, size_t ndetected,
                   char **out)
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
    otlp_res_detected(&r, attrs, detected, ndetected);
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
