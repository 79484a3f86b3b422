/* config.h - the worker's settings, read from the environment once at start
 * (the Flask app's names, so an existing .env keeps working; README,
 * "Configuration"). */
#ifndef CRUDDUR_CONFIG_H
#define CRUDDUR_CONFIG_H

#include "app/core/err.h"
#include "aws/client/aws_env.h"

#define CONFIG_ORIGIN_SIZE 256
#define CONFIG_ISSUER_SIZE 512
#define CONFIG_BUDGET_MS 2500       /* well below lighttpd's 30 s */

struct config {
    const char *connection_url;               /* CONNECTION_URL */
    char frontend_origin[CONFIG_ORIGIN_SIZE]; /* FRONTEND_URL, no trailing / */
    char backend_origin[CONFIG_ORIGIN_SIZE];  /* BACKEND_URL, no trailing / */
    const char *cognito_pool_id;              /* AWS_COGNITO_USER_POOL_ID */
    const char *cognito_client_id;            /* AWS_COGNITO_USER_POOL_CLIENT_ID */
    char cognito_issuer[CONFIG_ISSUER_SIZE];  /* <cognito endpoint>/<pool id> */
    struct aws_env aws;                       /* region, endpoints, table */
    long budget_ms;                           /* CRUDDUR_REQUEST_BUDGET_MS */
    int cache_on;                             /* CRUDDUR_RESPONSE_CACHE != 0 */
};

/* Fills cfg from the environment. On a missing or malformed setting logs
 * one line naming the variable and returns CR_INVALID. */
cr_code config_load(struct config *cfg);

/* 1 when origin (an Origin header value) is one CORS lets through. */
int config_origin_allowed(const struct config *cfg, const char *origin);

#endif
