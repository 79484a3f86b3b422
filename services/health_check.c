/* health_check.c - GET /api/health-check: the worker answers, and touches
 * no backend doing so. */
#include "services/services.h"

void
service_health_check(struct app *app, struct http_request *req,
                     struct http_response *res)
{
    (void)app;
    (void)req;
    http_json(res, 200, json_pack("{sbsi}", "success", 1, "ver", 1));
}
