/* observe.c - request ids, the access line and the server span. */
#include <string.h>

#include "app/core/log.h"
#include "app/http/router.h"
#include "app/observe.h"

void
observe_start(struct observe *ob)
{
    clock_gettime(CLOCK_MONOTONIC, &ob->start);
    ob->start_ns = obs_now_ns();
}

void
observe_begin(struct app *app, struct observe *ob, struct http_request *req)
{
    reqid_choose(&app->rng, req->x_request_id, req->request_id);
    reqid_sanitize(req->x_amzn_trace_id, ob->amzn_trace_id,
                   sizeof(ob->amzn_trace_id));
    trace_req_begin(&app->trace, app->tracer, &app->rng, req->traceparent,
                    req->tracestate, ob->start_ns);
    memset(&ob->obs, 0, sizeof(ob->obs));
    if (app->trace.sampled) {
        ob->obs.on_call = trace_req_call;
        ob->obs.arg = &app->trace;
    }
    obs_current = &ob->obs;
    log_set_request(req->request_id, app->trace.trace_hex);
}

static long
observe_elapsed_us(const struct timespec *start)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (now.tv_sec - start->tv_sec) * 1000000L +
           (now.tv_nsec - start->tv_nsec) / 1000L;
}

void
observe_end(struct app *app, struct observe *ob,
            const struct http_request *req, const struct http_response *res)
{
    char route[128];
    const char *error = res->status >= 400
        ? json_string_value(json_array_get(res->errors, 0)) : NULL;
    const char *user = req->has_caller ? req->caller.uuid : NULL;
    struct log_access a = {
        .pid = app->pid, .method = req->method, .path = req->path,
        .route = NULL, .status = res->status,
        .us = observe_elapsed_us(&ob->start),
        .request_id = req->request_id, .trace_id = app->trace.trace_hex,
        .amzn_trace_id = ob->amzn_trace_id, .user = user, .error = error,
        .db_ns = ob->obs.ns[OBS_PG], .db_calls = ob->obs.calls[OBS_PG],
        .ddb_ns = ob->obs.ns[OBS_DDB], .ddb_calls = ob->obs.calls[OBS_DDB],
        .jwks_ns = ob->obs.ns[OBS_JWKS], .jwks_calls = ob->obs.calls[OBS_JWKS],
        .detail = ob->obs.detail,
    };
    struct trace_server ts = {
        .method = req->method, .route = NULL, .path = req->path,
        .user_agent = req->user_agent, .user = user,
        .request_id = req->request_id, .error = error,
        .detail = ob->obs.detail, .status = res->status,
    };

    /* Not a query string, a token or a body: the path and the pattern. */
    if (req->route) {
        router_template(req->route, route, sizeof(route));
        a.route = ts.route = route;
    }
    log_access(&a);
    trace_req_end(&app->trace, &ts, obs_now_ns());
    obs_current = NULL;
    log_set_request(NULL, NULL);
}
