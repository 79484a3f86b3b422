/* aws_env.h - where the AWS services are, read once from the environment.
 *
 * Loaded at start so that a missing or malformed setting stops the program
 * with one line naming the variable (env->error, logged by the program),
 * not a failure on the first request. */
#ifndef CRUDDUR_AWS_ENV_H
#define CRUDDUR_AWS_ENV_H

#include "app/core/err.h"

#define AWS_REGION_SIZE   32
#define AWS_URL_SIZE      256
#define AWS_TABLE_SIZE    256
#define AWS_ENV_ERROR_SIZE 160

struct aws_env {
    char region[AWS_REGION_SIZE];            /* AWS_DEFAULT_REGION (or AWS_REGION) */
    char ddb_endpoint[AWS_URL_SIZE];         /* no trailing slash */
    char streams_endpoint[AWS_URL_SIZE];
    char cognito_endpoint[AWS_URL_SIZE];
    char secrets_endpoint[AWS_URL_SIZE];     /* Secrets Manager */
    char ssm_endpoint[AWS_URL_SIZE];         /* SSM Parameter Store */
    char table[AWS_TABLE_SIZE];              /* DDB_MESSAGES_TABLE */
    char error[AWS_ENV_ERROR_SIZE];          /* why loading failed, or "" */
};

/* Fills env. DynamoDB and its streams use AWS_ENDPOINT_URL when set, else
 * the region's endpoints; Cognito uses AWS_COGNITO_ENDPOINT when set,
 * Secrets Manager and SSM the SDKs' AWS_ENDPOINT_URL_SECRETS_MANAGER and
 * AWS_ENDPOINT_URL_SSM. An override is https, or plain http to a loopback
 * host (netloc.h). With prod the overrides are ignored (real AWS).
 * CR_INVALID when a setting is missing or malformed, env->error naming
 * the variable. */
cr_code aws_env_load(struct aws_env *env, int prod);

#endif
