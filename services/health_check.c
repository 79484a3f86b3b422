/* health_check.c - GET /api/health-check: the worker answers, and touches
 * no backend doing so, so a backend that hangs never fails it (an ALB
 * would replace healthy tasks). With ?deep=1 it is the readiness answer:
 * each backend as the workers of this server last saw it (their shared
 * breaker: state, last call's latency, timeouts so far), still without
 * calling one; 503 when one is down or tripped. */
#include <stdlib.h>
#include <string.h>

#include "aws/cognito/jwt_verify.h"
#include "services/services.h"

static json_t *
health_backend(const struct breaker *b, int *ready)
{
    const char *state = breaker_state(b);

    if (strcmp(state, "down") == 0 || strcmp(state, "tripped") == 0)
        *ready = 0;
    return json_pack("{sssIsI}", "state", state,
                     "last_ms", (json_int_t)breaker_last_ms(b),
                     "timeouts", (json_int_t)breaker_trips(b));
}

static void
health_deep(struct app *app, struct http_response *res)
{
    int ready = 1;
    json_t *pg = health_backend(db_breaker(app->db), &ready);
    json_t *ddb = health_backend(&app->aws.breakers[AWS_DYNAMODB], &ready);
    json_t *jwks = health_backend(jwt_verifier_keys_breaker(app->jwt),
                                  &ready);

    http_json(res, ready ? 200 : 503,
              json_pack("{sbsisbsIs{sososo}}", "success", 1, "ver", 1,
                        "ready", ready, "pid", (json_int_t)app->pid,
                        "backends", "postgres", pg, "dynamodb", ddb,
                        "jwks", jwks));
}

void
service_health_check(struct app *app, struct http_request *req,
                     struct http_response *res)
{
    char *deep = NULL;

    /* Anything but a well-formed deep=1 is the plain check: it must not
     * fail on what a load balancer appends. */
    if (http_query_param(req, "deep", &deep) == CR_OK && deep != NULL &&
        strcmp(deep, "1") == 0)
        health_deep(app, res);
    else
        http_json(res, 200, json_pack("{sbsi}", "success", 1, "ver", 1));
    free(deep);
}
