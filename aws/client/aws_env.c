/* aws_env.c - AWS endpoints, region and table name from the environment. */
#include <stdio.h>
#include <string.h>

#include "app/core/env.h"
#include "app/core/netloc.h"
#include "aws/client/aws_env.h"

/* A setting is wrong: which and why into env->error, for the caller. */
#define AWS_ENV_INVALID(env, ...) \
    cr_fail(CR_INVALID, (env)->error, sizeof((env)->error), __VA_ARGS__)

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

/* An endpoint is an origin: requests go to its "/". The Cognito one serves
 * the keys every token is checked with and the DynamoDB one receives the
 * session token, so plain http is for this machine only (DynamoDB Local,
 * cognito-local), judged on the host libcurl connects to. */
static cr_code
aws_env_url(struct aws_env *env, const char *name, const char *value,
            char out[AWS_URL_SIZE])
{
    struct netloc nl;

    if (env_url_origin(value, out, AWS_URL_SIZE) != CR_OK)
        return AWS_ENV_INVALID(env, "%s must be an http(s) URL without a "
                               "path", name);
    if (netloc_parse(out, &nl) != CR_OK)
        return AWS_ENV_INVALID(env, "%s must name its host plainly: no user, "
                               "password or zone id, an address written as "
                               "usual (127.0.0.1)", name);
    if (!nl.https && !netloc_host_loopback(nl.host))
        return AWS_ENV_INVALID(env, "%s must be https; plain http only to "
                               "this machine (localhost, 127.0.0.1, [::1])",
                               name);
    return CR_OK;
}

/* A service's endpoint: the override in variable name (not with prod),
 * else https://<host>.<region>.amazonaws.com. */
static cr_code
aws_env_endpoint(struct aws_env *env, const char *name, int prod,
                 const char *host, const char *region, char out[AWS_URL_SIZE])
{
    const char *v = prod ? NULL : env_get(name);

    if (v)
        return aws_env_url(env, name, v, out);
    snprintf(out, AWS_URL_SIZE, "https://%s.%s.amazonaws.com", host, region);
    return CR_OK;
}

cr_code
aws_env_load(struct aws_env *env, int prod)
{
    const char *region = env_get("AWS_DEFAULT_REGION");
    const char *ddb = prod ? NULL : env_get("AWS_ENDPOINT_URL");
    const char *table = env_get("DDB_MESSAGES_TABLE");
    char url[AWS_URL_SIZE + 64];
    cr_code rc;

    memset(env, 0, sizeof(*env));
    if (region == NULL)
        region = env_get("AWS_REGION");  /* what Lambda and ECS set */
    if (region == NULL || !aws_env_region_ok(region))
        return AWS_ENV_INVALID(env, "AWS_DEFAULT_REGION %s",
                               region ? "is not a region name" : "is not set");
    strcpy(env->region, region);

    if (table == NULL)
        table = "cruddur-messages";
    if (!aws_env_table_ok(table))
        return AWS_ENV_INVALID(env, "DDB_MESSAGES_TABLE is not a valid table "
                               "name");
    strcpy(env->table, table);

    if (ddb) {
        if ((rc = aws_env_url(env, "AWS_ENDPOINT_URL", ddb,
                              env->ddb_endpoint)))
            return rc;
        strcpy(env->streams_endpoint, env->ddb_endpoint);
    } else {
        snprintf(url, sizeof(url), "https://dynamodb.%s.amazonaws.com", region);
        strcpy(env->ddb_endpoint, url);
        snprintf(url, sizeof(url), "https://streams.dynamodb.%s.amazonaws.com",
                 region);
        strcpy(env->streams_endpoint, url);
    }
    if ((rc = aws_env_endpoint(env, "AWS_COGNITO_ENDPOINT", prod,
                               "cognito-idp", region, env->cognito_endpoint)) ||
        (rc = aws_env_endpoint(env, "AWS_ENDPOINT_URL_SECRETS_MANAGER", prod,
                               "secretsmanager", region,
                               env->secrets_endpoint)))
        return rc;
    return aws_env_endpoint(env, "AWS_ENDPOINT_URL_SSM", prod, "ssm", region,
                            env->ssm_endpoint);
}
