/* health_check.c - GET /api/health-check: the worker answers, and touches
 * no backend doing so. */
#include "services/services.h"

SERVICE(health_check)
{
    (void)app;
    (void)req;
    http_json(res, 200, json_pack("{sbsi}", "success", 1, "ver", 1));
}
