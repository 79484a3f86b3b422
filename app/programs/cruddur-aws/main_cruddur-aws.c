/* main_cruddur-aws.c - the one command-line tool the scripts call for
 * DynamoDB and Cognito (see usage below). */
#include <stdio.h>
#include <string.h>

#include "app/programs/cruddur-aws/tool_cognito.h"
#include "app/programs/cruddur-aws/tool_db.h"
#include "app/programs/cruddur-aws/tool_ddb.h"

static int
usage(void)
{
    fputs("usage: cruddur-aws [--prod] COMMAND ...\n"
          "  call dynamodb|streams|cognito-idp TARGET JSON\n"
          "  ddb schema-load | drop | list-tables | scan | seed\n"
          "  ddb get-conversation [GROUP_UUID] [LIMIT]\n"
          "  ddb list-conversations [HANDLE]\n"
          "  cognito list-users | setup-local | token HANDLE [PASSWORD]\n"
          "  cognito sign-up EMAIL PASSWORD HANDLE NAME\n"
          "  cognito confirm-sign-up EMAIL CODE | local-code POOL_FILE SUB\n"
          "  db update-cognito-user-ids\n"
          "--prod aims at real AWS: AWS_ENDPOINT_URL and AWS_COGNITO_ENDPOINT\n"
          "are ignored.\n", stderr);
    return 2;
}

static int
dispatch(struct tool *t, const char *cmd, int argc, char **argv)
{
    if (strcmp(cmd, "call") == 0)
        return tool_raw_call(t, argc, argv);
    if (strcmp(cmd, "ddb") == 0)
        return tool_ddb(t, argc, argv);
    if (strcmp(cmd, "cognito") == 0)
        return tool_cognito(t, argc, argv);
    if (strcmp(cmd, "db") == 0)
        return tool_db(t, argc, argv);
    return usage();
}

int
main(int argc, char **argv)
{
    struct tool t;
    struct aws_env env;
    int i = 1, rc;

    memset(&t, 0, sizeof(t));
    if (i < argc && strcmp(argv[i], "--prod") == 0) {
        t.prod = 1;
        i++;
    }
    if (i >= argc || strcmp(argv[i], "-h") == 0 ||
        strcmp(argv[i], "--help") == 0)
        return usage();
    if (aws_env_load(&env, t.prod) != CR_OK) {
        fprintf(stderr, "cruddur-aws: %s\n", env.error);
        return 1;
    }
    if (aws_client_init(&t.aws, &env) != CR_OK) {
        fprintf(stderr, "cruddur-aws: %s\n", t.aws.creds.error);
        return 1;
    }
    rc = dispatch(&t, argv[i], argc - i - 1, argv + i + 1);
    aws_client_free(&t.aws);
    return rc;
}
