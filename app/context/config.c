/* config.c - settings from the environment, checked at start. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/context/config.h"
#include "app/core/env.h"
#include "app/core/log.h"

/* env_get() that names a missing setting. */
static const char *
config_require(const char *name)
{
    const char *v = env_get(name);

    if (v == NULL)
        log_line("config: %s is not set", name);
    return v;
}

/* An origin is scheme://host[:port]: what browsers send in Origin. */
static cr_code
config_origin(const char *name, char *out, size_t size)
{
    const char *v = config_require(name);

    if (v == NULL)
        return CR_INVALID;
    if (env_url_origin(v, out, size) == CR_OK)
        return CR_OK;
    log_line("config: %s must be an origin like https://example.com, "
             "got \"%s\"", name, v);
    return CR_INVALID;
}

/* Pool ids are <region>_<id> (cognito-local: local_<id>); client ids are
 * alphanumeric. Checking the shape now turns a typo into a clear line at
 * start rather than every request answering 401. */
static int
config_id_valid(const char *s, int allow_underscore)
{
    if (*s == '\0' || strlen(s) > 128)
        return 0;
    for (; *s; s++) {
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
              (*s >= '0' && *s <= '9') || *s == '-' ||
              (allow_underscore && *s == '_')))
            return 0;
    }
    return 1;
}

static cr_code
config_cognito(struct config *cfg)
{
    int n;

    cfg->cognito_pool_id = config_require("AWS_COGNITO_USER_POOL_ID");
    cfg->cognito_client_id = config_require("AWS_COGNITO_USER_POOL_CLIENT_ID");
    if (cfg->cognito_pool_id == NULL || cfg->cognito_client_id == NULL)
        return CR_INVALID;
    if (!config_id_valid(cfg->cognito_pool_id, 1) ||
        strchr(cfg->cognito_pool_id, '_') == NULL) {
        log_line("config: AWS_COGNITO_USER_POOL_ID must look like "
                 "<region>_<id>");
        return CR_INVALID;
    }
    if (!config_id_valid(cfg->cognito_client_id, 0)) {
        log_line("config: AWS_COGNITO_USER_POOL_CLIENT_ID must be "
                 "alphanumeric");
        return CR_INVALID;
    }
    n = snprintf(cfg->cognito_issuer, sizeof(cfg->cognito_issuer), "%s/%s",
                 cfg->aws.cognito_endpoint, cfg->cognito_pool_id);
    if (n < 0 || (size_t)n >= sizeof(cfg->cognito_issuer)) {
        log_line("config: AWS_COGNITO_ENDPOINT is too long");
        return CR_INVALID;
    }
    return CR_OK;
}

/* What one request may spend on its backends: from 100 ms (less cannot
 * reach a backend and back under load) to 25 s (under lighttpd's 30 s
 * read-timeout, so a budget that runs out is our 503, never its 504). */
static cr_code
config_budget(struct config *cfg)
{
    const char *v = env_get("CRUDDUR_REQUEST_BUDGET_MS");
    char *end;

    cfg->budget_ms = CONFIG_BUDGET_MS;
    if (v == NULL)
        return CR_OK;
    cfg->budget_ms = strtol(v, &end, 10);
    if (*end == '\0' && cfg->budget_ms >= 100 && cfg->budget_ms <= 25000)
        return CR_OK;
    log_line("config: CRUDDUR_REQUEST_BUDGET_MS must be 100 to 25000 "
             "(milliseconds), got \"%s\"", v);
    return CR_INVALID;
}

/* CRUDDUR_RESPONSE_CACHE: unset or 1, hot reads are cached; 0, never. */
static cr_code
config_cache(struct config *cfg)
{
    const char *v = env_get("CRUDDUR_RESPONSE_CACHE");

    cfg->cache_on = v == NULL || strcmp(v, "1") == 0;
    if (cfg->cache_on || strcmp(v, "0") == 0)
        return CR_OK;
    log_line("config: CRUDDUR_RESPONSE_CACHE must be 0 or 1, got \"%s\"", v);
    return CR_INVALID;
}

cr_code
config_load(struct config *cfg)
{
    cr_code rc;

    memset(cfg, 0, sizeof(*cfg));
    cfg->connection_url = config_require("CONNECTION_URL");
    if (cfg->connection_url == NULL)
        return CR_INVALID;
    if ((rc = config_origin("FRONTEND_URL", cfg->frontend_origin,
                            sizeof(cfg->frontend_origin))) != CR_OK)
        return rc;
    if ((rc = config_origin("BACKEND_URL", cfg->backend_origin,
                            sizeof(cfg->backend_origin))) != CR_OK)
        return rc;
    if ((rc = aws_env_load(&cfg->aws, 0)) != CR_OK) {
        log_line("config: %s", cfg->aws.error);
        return rc;
    }
    if ((rc = config_budget(cfg)) != CR_OK)
        return rc;
    if ((rc = config_cache(cfg)) != CR_OK)
        return rc;
    return config_cognito(cfg);
}

int
config_origin_allowed(const struct config *cfg, const char *origin)
{
    return origin != NULL && (strcmp(origin, cfg->frontend_origin) == 0 ||
                              strcmp(origin, cfg->backend_origin) == 0);
}
