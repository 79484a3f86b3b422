/* tool.h - cruddur-aws, the command-line tool behind scripts/ddb,
 * scripts/cognito, scripts/db/update_cognito_user_ids and scripts/dev/token:
 * what its commands share (tool.c). Each command (tool_ddb.h,
 * tool_cognito.h, tool_db.h) prints its answer on stdout and returns 0, or
 * says what failed on stderr and returns 1 (2 for bad usage): main is the
 * edge, nothing below it logs. Requests are borrowed, as everywhere
 * (aws_client.h). */
#ifndef CRUDDUR_TOOL_H
#define CRUDDUR_TOOL_H

#include <stddef.h>

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

/* Reports a failed call on stderr: target, code, AWS's type and message. */
void tool_report(const char *target, cr_code rc, const struct aws_error *err);

/* aws_call / aws_call_pages that report a failure (tool_report). */
cr_code tool_call(struct tool *t, enum aws_service svc, const char *target,
                  json_t *req, json_t **resp);
cr_code tool_call_pages(struct tool *t, enum aws_service svc,
                        const char *target, json_t *req,
                        const char *last_name, const char *start_name,
                        aws_page_fn fn, void *arg);

/* j on stdout (keys sorted), in the given jansson format flags. */
void tool_print(json_t *j, size_t flags);

/* The users row of handle from PostgreSQL (CONNECTION_URL), through
 * users_by_handle(); a failure is reported. CR_NOT_FOUND when none. */
cr_code tool_user_by_handle(const char *handle, struct user *u);

/* `call SERVICE TARGET JSON` */
int tool_raw_call(struct tool *t, int argc, char **argv);

#endif
