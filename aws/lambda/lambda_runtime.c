/* lambda_runtime.c - the Lambda Runtime API over libcurl. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "aws/client/httpc.h"
#include "aws/lambda/lambda_runtime.h"

#define LAMBDA_EVENT_LIMIT (8u * 1024 * 1024)  /* a stream batch is < 6 MB */
/* The next event can be hours away; the process is frozen meanwhile. A
 * timeout only costs one more GET. */
#define LAMBDA_NEXT_TIMEOUT_MS (6L * 3600 * 1000)

/* host:port: letters, digits, '.', '-', ':' and IPv6 brackets. */
static int
lambda_api_ok(const char *api)
{
    size_t n = strlen(api);
    const char *p;

    if (n == 0 || n > 200 || strchr(api, ':') == NULL)
        return 0;
    for (p = api; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
              (*p >= '0' && *p <= '9') || strchr(".-:[]", *p)))
            return 0;
    return 1;
}

cr_code
lambda_runtime_init(struct lambda_runtime *rt, const char *api)
{
    memset(rt, 0, sizeof(*rt));
    if (api == NULL || !lambda_api_ok(api))
        return cr_fail(CR_INVALID, rt->error, sizeof(rt->error),
                       "AWS_LAMBDA_RUNTIME_API %s",
                       api ? "is not a host:port" : "is not set");
    snprintf(rt->base, sizeof(rt->base), "http://%s/2018-06-01/runtime", api);
    if ((rt->curl = curl_easy_init()) == NULL)
        return cr_fail(CR_NOMEM, rt->error, sizeof(rt->error),
                       "no libcurl handle");
    return CR_OK;
}

void
lambda_runtime_free(struct lambda_runtime *rt)
{
    if (rt->curl)
        curl_easy_cleanup(rt->curl);
    rt->curl = NULL;
}

void
lambda_invocation_init(struct lambda_invocation *inv)
{
    memset(inv, 0, sizeof(*inv));
    buf_init(&inv->event, LAMBDA_EVENT_LIMIT);
}

void
lambda_invocation_free(struct lambda_invocation *inv)
{
    buf_free(&inv->event);
}

/* A response header of the last transfer on h, or NULL. */
static const char *
lambda_header(CURL *h, const char *name)
{
    struct curl_header *hh;

    if (curl_easy_header(h, name, 0, CURLH_HEADER, -1, &hh) != CURLHE_OK)
        return NULL;
    return hh->value;
}

/* A header's value into out, "" when absent or too long. */
static void
lambda_header_copy(CURL *h, const char *name, char *out, size_t size)
{
    const char *v = lambda_header(h, name);

    out[0] = '\0';
    if (v && strlen(v) < size)
        strcpy(out, v);
}

cr_code
lambda_runtime_next(struct lambda_runtime *rt, struct lambda_invocation *inv)
{
    char url[LAMBDA_URL_SIZE + 32];
    struct httpc_req req = { .method = "GET", .url = url,
                             .timeout_ms = LAMBDA_NEXT_TIMEOUT_MS };
    const char *id, *deadline, *why = NULL;
    long status = 0;
    cr_code rc;

    buf_reset(&inv->event);
    inv->request_id[0] = '\0';
    inv->deadline_ms = 0;
    inv->trace_id[0] = inv->function_arn[0] = '\0';
    snprintf(url, sizeof(url), "%s/invocation/next", rt->base);
    if ((rc = httpc_perform(rt->curl, &req, &status, &inv->event, &why)))
        return cr_fail(rc == CR_INVALID || rc == CR_TIMEOUT ? CR_BACKEND : rc,
                       rt->error, sizeof(rt->error), "next invocation: %s",
                       why);
    id = lambda_header(rt->curl, "Lambda-Runtime-Aws-Request-Id");
    if (status != 200 || id == NULL || id[0] == '\0' ||
        strlen(id) >= sizeof(inv->request_id) || strchr(id, '/'))
        return cr_fail(CR_BACKEND, rt->error, sizeof(rt->error),
                       "next invocation: status %ld%s", status,
                       id ? "" : ", no request id");
    strcpy(inv->request_id, id);
    if ((deadline = lambda_header(rt->curl, "Lambda-Runtime-Deadline-Ms")))
        inv->deadline_ms = strtoll(deadline, NULL, 10);
    lambda_header_copy(rt->curl, "Lambda-Runtime-Trace-Id", inv->trace_id,
                       sizeof(inv->trace_id));
    lambda_header_copy(rt->curl, "Lambda-Runtime-Invoked-Function-Arn",
                       inv->function_arn, sizeof(inv->function_arn));
    return CR_OK;
}

/* POSTs body to base + path; extra is one more header or NULL. */
static cr_code
lambda_post(struct lambda_runtime *rt, const char *path, const char *body,
            const char *extra)
{
    char url[LAMBDA_URL_SIZE + LAMBDA_ID_SIZE + 32];
    struct httpc_req req = { .method = "POST", .url = url, .body = body,
                             .body_len = strlen(body) };
    struct curl_slist *hdrs = NULL, *l;
    const char *why = NULL;
    struct buf out;
    long status = 0;
    cr_code rc = CR_NOMEM;

    buf_init(&out, 64 * 1024);
    snprintf(url, sizeof(url), "%s%s", rt->base, path);
    if ((l = curl_slist_append(NULL, "Content-Type: application/json")) == NULL)
        goto out;
    hdrs = l;
    if (extra && (l = curl_slist_append(hdrs, extra)) == NULL)
        goto out;
    req.headers = hdrs;
    if ((rc = httpc_perform(rt->curl, &req, &status, &out, &why)))
        rc = cr_fail(rc == CR_TIMEOUT ? CR_BACKEND : rc, rt->error,
                     sizeof(rt->error), "POST %s: %s", path, why);
    else if (status < 200 || status > 299)
        rc = cr_fail(CR_BACKEND, rt->error, sizeof(rt->error),
                     "POST %s: status %ld", path, status);
out:
    if (rc == CR_NOMEM)
        cr_fail(rc, rt->error, sizeof(rt->error), "POST %s: out of memory",
                path);
    curl_slist_free_all(hdrs);
    buf_free(&out);
    return rc;
}

cr_code
lambda_runtime_respond(struct lambda_runtime *rt, const char *request_id,
                       const char *body)
{
    char path[LAMBDA_ID_SIZE + 40];

    snprintf(path, sizeof(path), "/invocation/%s/response", request_id);
    return lambda_post(rt, path, body, NULL);
}

/* {"errorMessage", "errorType"} and its header, to path. */
static cr_code
lambda_error(struct lambda_runtime *rt, const char *path, const char *type,
             const char *message)
{
    char header[128], *body;
    json_t *j = json_pack("{s:s, s:s}", "errorMessage", message,
                          "errorType", type);
    cr_code rc;

    body = j ? json_dumps(j, JSON_COMPACT) : NULL;
    json_decref(j);
    if (body == NULL)
        return cr_fail(CR_NOMEM, rt->error, sizeof(rt->error),
                       "POST %s: out of memory", path);
    snprintf(header, sizeof(header), "Lambda-Runtime-Function-Error-Type: %s",
             type);
    rc = lambda_post(rt, path, body, header);
    free(body);
    return rc;
}

cr_code
lambda_runtime_fail(struct lambda_runtime *rt, const char *request_id,
                    const char *type, const char *message)
{
    char path[LAMBDA_ID_SIZE + 40];

    snprintf(path, sizeof(path), "/invocation/%s/error", request_id);
    return lambda_error(rt, path, type, message);
}

cr_code
lambda_runtime_init_error(struct lambda_runtime *rt, const char *type,
                          const char *message)
{
    return lambda_error(rt, "/init/error", type, message);
}

/* Tells the program's report function of a failure the loop goes on from. */
static void
lambda_report(struct lambda_runtime *rt)
{
    if (rt->report)
        rt->report(rt->report_arg, rt->error);
}

/* Runs fn on inv and posts its answer. A failed POST is reported and the
 * loop goes on: Lambda times the invocation out by itself. */
static void
lambda_dispatch(struct lambda_runtime *rt, struct lambda_invocation *inv,
                lambda_handler_fn fn, void *arg)
{
    char *response = NULL;
    const char *type = "Runtime.HandlerError";
    cr_code rc;

    rt->current = inv;
    rc = fn(arg, buf_str(&inv->event), inv->event.len, &response, &type);
    rt->current = NULL;
    if (rc == CR_OK && response)
        rc = lambda_runtime_respond(rt, inv->request_id, response);
    else
        rc = lambda_runtime_fail(rt, inv->request_id, type,
                                 rc && response ? response
                                 : cr_strerror(rc ? rc : CR_INTERNAL));
    if (rc)
        lambda_report(rt);   /* the POST's path names the invocation */
    free(response);
}

cr_code
lambda_runtime_run(struct lambda_runtime *rt, lambda_handler_fn fn, void *arg,
                   long max_events)
{
    struct lambda_invocation inv;
    long served = 0;
    int misses = 0;
    cr_code rc = CR_OK;

    lambda_invocation_init(&inv);
    while (max_events == 0 || served < max_events) {
        if ((rc = lambda_runtime_next(rt, &inv))) {
            /* The API is local and always there; a few misses in a row
             * mean the environment is going away. */
            if (++misses >= 3)
                break;
            lambda_report(rt);
            nanosleep(&(struct timespec){ 0, 100000000L }, NULL);
            continue;
        }
        misses = 0;
        lambda_dispatch(rt, &inv, fn, arg);
        served++;
    }
    lambda_invocation_free(&inv);
    return rc;
}
