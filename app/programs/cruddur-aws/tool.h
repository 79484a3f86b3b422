/* tool.h - cruddur-aws, the command-line tool behind scripts/ddb,
 * scripts/cognito, scripts/db/update_cognito_user_ids and scripts/dev/token.
 * Each tool_* command prints its answer on stdout and returns 0, or says
 * what failed on stderr and returns 1 (2 for bad usage). */
#ifndef CRUDDUR_TOOL_H
#define CRUDDUR_TOOL_H

#include <jansson.h>

#include "app/db/user.h"
#include "aws/client/aws_client.h"

/* The conversation `ddb seed` writes, so scripts can name it. */
#define TOOL_SEED_GROUP "5c0a3e1b-8d2f-4e6a-9b71-2f4c8d9e0a13"

struct tool {
    struct aws_client aws;
    int prod;             /* --prod: real AWS, endpoint overrides ignored */
};

/* env_get() that reports a missing variable on stderr. */
const char *tool_env(const char *name);

/* aws_call that reports a failure on stderr (type and message). */
cr_code tool_call(struct tool *t, enum aws_service svc, const char *target,
                  json_t *req, json_t **resp);
/* `call SERVICE TARGET JSON` */
int tool_raw_call(struct tool *t, int argc, char **argv);

int tool_ddb(struct tool *t, int argc, char **argv);
int tool_ddb_seed(struct tool *t);
int tool_cognito(struct tool *t, int argc, char **argv);
int tool_db(struct tool *t, int argc, char **argv);

/* The users row of handle from PostgreSQL (CONNECTION_URL), through
 * users_by_handle(). CR_NOT_FOUND when there is none. */
cr_code tool_user_by_handle(const char *handle, struct user *u);

/* Calls fn for each Cognito user of AWS_COGNITO_USER_POOL_ID (ListUsers,
 * all pages) with its sub, preferred_username (NULL if absent), username
 * and email (NULL if absent). A non-zero return from fn stops early. */
typedef int (*tool_user_fn)(void *arg, const char *sub, const char *handle,
                            const char *username, const char *email);
cr_code tool_cognito_each_user(struct tool *t, tool_user_fn fn, void *arg);

#endif
