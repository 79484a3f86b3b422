/* tool_cognito.h - cruddur-aws cognito: list-users, setup-local, token. */
#ifndef CRUDDUR_TOOL_COGNITO_H
#define CRUDDUR_TOOL_COGNITO_H

#include "app/programs/cruddur-aws/tool.h"

int tool_cognito(struct tool *t, int argc, char **argv);

/* Calls fn for each Cognito user of AWS_COGNITO_USER_POOL_ID (ListUsers,
 * all pages) with its sub, preferred_username (NULL if absent), username
 * and email (NULL if absent). A non-zero return from fn stops early. A
 * failure is reported. */
typedef int (*tool_user_fn)(void *arg, const char *sub, const char *handle,
                            const char *username, const char *email);
cr_code tool_cognito_each_user(struct tool *t, tool_user_fn fn, void *arg);

#endif
