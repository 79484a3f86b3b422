/* aws_env.c - AWS endpoints, region and table name from the environment. */
#include <stdio.h>
#include <string.h>

#include "app/core/env.h"
#include "app/core/log.h"
#include "aws/client/aws_env.h"

static int
aws_env_region_ok(const char *s)
{
    size_t n = strlen(s);

    if (n == 0 || n >= AWS_REGION_SIZE)
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
              *s == '-'))
            return 0;
    return 1;
}

/* DynamoDB's rule for table names: 3..255 of [A-Za-z0-9_.-]. */
static int
aws_env_table_ok(const char *s)
{
    size_t n = strlen(s);

    if (n < 3 || n >= AWS_TABLE_SIZE)
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
              (*s >= '0' && *s <= '9') || *s == '_' || *s == '.' ||
              *s == '-'))
            return 0;
    return 1;
}

/* An endpoint is an origin: requests go to its "/". */
static cr_code
aws_env_url(const char *name, const char *value, char out[AWS_URL_SIZE])
{
    if (env_url_origin(value, out, AWS_URL_SIZE) == CR_OK)
        return CR_OK;
    log_line("config: %s must be an http(s) URL without a path", name);
    return CR_INVALID;
}

cr_code
aws_env_load(struct aws_env *env, int prod)
{
    const char *region = env_get("AWS_DEFAULT_REGION");
    const char *ddb = prod ? NULL : env_get("AWS_ENDPOINT_URL");
    const char *cog = prod ? NULL : env_get("AWS_COGNITO_ENDPOINT");
    const char *table = env_get("DDB_MESSAGES_TABLE");
    char url[AWS_URL_SIZE + 64];
    cr_code rc;

    memset(env, 0, sizeof(*env));
    if (region == NULL)
        region = env_get("AWS_REGION");  /* what Lambda and ECS set */
    if (region == NULL || !aws_env_region_ok(region)) {
        log_line("config: AWS_DEFAULT_REGION %s",
                 region ? "is not a region name" : "is not set");
        return CR_INVALID;
    }
    strcpy(env->region, region);

    if (table == NULL)
        table = "cruddur-messages";
    if (!aws_env_table_ok(table)) {
        log_line("config: DDB_MESSAGES_TABLE is not a valid table name");
        return CR_INVALID;
    }
    strcpy(env->table, table);

    if (ddb) {
        if ((rc = aws_env_url("AWS_ENDPOINT_URL", ddb, env->ddb_endpoint)))
            return rc;
        strcpy(env->streams_endpoint, env->ddb_endpoint);
    } else {
        snprintf(url, sizeof(url), "https://dynamodb.%s.amazonaws.com", region);
        strcpy(env->ddb_endpoint, url);
        snprintf(url, sizeof(url), "https://streams.dynamodb.%s.amazonaws.com",
                 region);
        strcpy(env->streams_endpoint, url);
    }
    if (cog)
        return aws_env_url("AWS_COGNITO_ENDPOINT", cog, env->cognito_endpoint);
    snprintf(url, sizeof(url), "https://cognito-idp.%s.amazonaws.com", region);
    strcpy(env->cognito_endpoint, url);
    return CR_OK;
}
