/* tool_cognito.c - cruddur-aws cognito: list-users, setup-local, token. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/programs/cruddur-aws/tool_cognito.h"

#define TOOL_POOL_NAME     "cruddur-user-pool"
#define TOOL_CLIENT_NAME   "cruddur"
/* The seed users' password in cognito-local (documented in the scripts). */
#define TOOL_SEED_PASSWORD "Cruddur-local-1"

static const struct { const char *handle, *name; } tool_seed_users[] = {
    { "andrewbrown", "Andrew Brown" },
    { "bayko", "Andrew Bayko" },
    { "londo", "Londo Mollari" },
};

static const char *
tool_attr(json_t *user, const char *name)
{
    json_t *attrs = json_object_get(user, "Attributes"), *a;
    size_t i;

    json_array_foreach(attrs, i, a)
        if (json_is_string(json_object_get(a, "Name")) &&
            strcmp(json_string_value(json_object_get(a, "Name")), name) == 0)
            return json_string_value(json_object_get(a, "Value"));
    return NULL;
}

struct tool_users_page {
    tool_user_fn fn;
    void *arg;
};

static cr_code
tool_users_page(void *arg, json_t *resp, int *stop)
{
    struct tool_users_page *p = arg;
    json_t *u;
    size_t i;

    json_array_foreach(json_object_get(resp, "Users"), i, u) {
        const char *sub = tool_attr(u, "sub");
        const char *name = json_string_value(json_object_get(u, "Username"));

        if (sub && name &&
            p->fn(p->arg, sub, tool_attr(u, "preferred_username"), name,
                  tool_attr(u, "email"))) {
            *stop = 1;
            break;
        }
    }
    return CR_OK;
}

cr_code
tool_cognito_each_user(struct tool *t, tool_user_fn fn, void *arg)
{
    const char *pool = tool_env("AWS_COGNITO_USER_POOL_ID");
    struct tool_users_page page = { fn, arg };
    json_t *req;
    cr_code rc = CR_NOMEM;

    if (pool == NULL)
        return CR_INVALID;
    req = json_pack("{s:s, s:i}", "UserPoolId", pool, "Limit", 60);
    if (req)
        rc = tool_call_pages(t, AWS_COGNITO, "ListUsers", req,
                             "PaginationToken", "PaginationToken",
                             tool_users_page, &page);
    json_decref(req);
    return rc;
}

static int
tool_print_user(void *arg, const char *sub, const char *handle,
                const char *username, const char *email)
{
    (void)arg;
    printf("%s  %-16s  %s\n", sub, handle ? handle : username,
           email ? email : "-");
    return 0;
}

/* The Id of the pool or client whose name field is `name` in list (under
 * key), copied to out; "" when there is none. */
static cr_code
tool_find_by_name(struct tool *t, const char *target, json_t *req,
                  const char *key, const char *name_field, const char *name,
                  const char *id_field, char *out, size_t size)
{
    json_t *resp = NULL, *e;
    size_t i;
    cr_code rc;

    out[0] = '\0';
    if ((rc = tool_call(t, AWS_COGNITO, target, req, &resp)))
        return rc;
    json_array_foreach(json_object_get(resp, key), i, e) {
        const char *n = json_string_value(json_object_get(e, name_field));
        const char *id = json_string_value(json_object_get(e, id_field));

        if (n && id && strcmp(n, name) == 0) {
            snprintf(out, size, "%s", id);
            break;
        }
    }
    json_decref(resp);
    return CR_OK;
}

/* Runs one call (req borrowed) whose answer only matters as success; *id
 * (if given) is copied from answer[obj][field]. */
static cr_code
tool_cognito_do(struct tool *t, const char *target, json_t *req,
                const char *obj, const char *field, char *id, size_t size)
{
    json_t *resp = NULL;
    const char *v;
    cr_code rc;

    rc = tool_call(t, AWS_COGNITO, target, req, &resp);
    if (rc == CR_OK && id) {
        v = json_string_value(json_object_get(json_object_get(resp, obj), field));
        if (v == NULL)
            rc = CR_BACKEND;
        else
            snprintf(id, size, "%s", v);
    }
    json_decref(resp);
    return rc;
}

static cr_code
tool_setup_pool(struct tool *t, char *pool, size_t size)
{
    json_t *req = json_pack("{s:i}", "MaxResults", 60);
    cr_code rc = req ? tool_find_by_name(t, "ListUserPools", req, "UserPools",
                                         "Name", TOOL_POOL_NAME, "Id", pool,
                                         size) : CR_NOMEM;

    json_decref(req);
    if (rc || pool[0])
        return rc;
    /* Sign-in by email, as the Cruddur pool is set up in AWS. */
    req = json_pack("{s:s, s:[s]}", "PoolName", TOOL_POOL_NAME,
                    "UsernameAttributes", "email");
    rc = tool_cognito_do(t, "CreateUserPool", req, "UserPool", "Id", pool,
                         size);
    json_decref(req);
    return rc;
}

static cr_code
tool_setup_client(struct tool *t, const char *pool, char *client, size_t size)
{
    json_t *req = json_pack("{s:s, s:i}", "UserPoolId", pool, "MaxResults", 60);
    cr_code rc = req ? tool_find_by_name(t, "ListUserPoolClients", req,
                                         "UserPoolClients", "ClientName",
                                         TOOL_CLIENT_NAME, "ClientId", client,
                                         size) : CR_NOMEM;

    json_decref(req);
    if (rc || client[0])
        return rc;
    req = json_pack("{s:s, s:s, s:[s,s]}", "UserPoolId", pool,
                    "ClientName", TOOL_CLIENT_NAME, "ExplicitAuthFlows",
                    "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH");
    rc = tool_cognito_do(t, "CreateUserPoolClient", req, "UserPoolClient",
                         "ClientId", client, size);
    json_decref(req);
    return rc;
}

/* Creates a seed user unless it exists, then sets its known password. */
static cr_code
tool_setup_user(struct tool *t, const char *pool, const char *handle,
                const char *name)
{
    char email[64];
    json_t *req, *resp = NULL;
    struct aws_error err;
    cr_code rc;

    snprintf(email, sizeof(email), "%s@example.com", handle);
    req = json_pack("{s:s, s:s, s:s, s:[{s:s,s:s},{s:s,s:s},{s:s,s:s},{s:s,s:s}]}",
                  "UserPoolId", pool, "Username", email,
                  "MessageAction", "SUPPRESS", "UserAttributes",
                  "Name", "preferred_username", "Value", handle,
                  "Name", "name", "Value", name,
                  "Name", "email", "Value", email,
                  "Name", "email_verified", "Value", "true");
    if (req == NULL)
        return CR_NOMEM;
    /* Called directly: CR_CONFLICT (it exists) is no error here. */
    rc = aws_call(&t->aws, AWS_COGNITO, "AdminCreateUser", req, &resp, &err);
    json_decref(req);
    json_decref(resp);
    if (rc && rc != CR_CONFLICT) {
        tool_report("AdminCreateUser", rc, &err);
        return rc;
    }
    req = json_pack("{s:s, s:s, s:s, s:b}", "UserPoolId", pool, "Username",
                    email, "Password", TOOL_SEED_PASSWORD, "Permanent", 1);
    rc = tool_cognito_do(t, "AdminSetUserPassword", req, NULL, NULL, NULL, 0);
    json_decref(req);
    return rc;
}

static int
tool_setup_local(struct tool *t)
{
    char pool[128], client[128];
    size_t i;

    if (t->prod) {
        fputs("cruddur-aws: setup-local is for cognito-local only\n", stderr);
        return 2;
    }
    if (tool_setup_pool(t, pool, sizeof(pool)) ||
        tool_setup_client(t, pool, client, sizeof(client)))
        return 1;
    for (i = 0; i < sizeof(tool_seed_users) / sizeof(tool_seed_users[0]); i++)
        if (tool_setup_user(t, pool, tool_seed_users[i].handle,
                            tool_seed_users[i].name))
            return 1;
    printf("AWS_COGNITO_USER_POOL_ID=%s\nAWS_COGNITO_USER_POOL_CLIENT_ID=%s\n",
           pool, client);
    return 0;
}

/* USER_PASSWORD_AUTH for a seed user (or any email and password). */
static int
tool_token(struct tool *t, const char *who, const char *password)
{
    const char *client = tool_env("AWS_COGNITO_USER_POOL_CLIENT_ID");
    char username[128], token[8192];
    json_t *req;
    cr_code rc;

    if (client == NULL)
        return 1;
    if (strchr(who, '@'))
        snprintf(username, sizeof(username), "%s", who);
    else
        snprintf(username, sizeof(username), "%s@example.com", who);
    req = json_pack("{s:s, s:s, s:{s:s, s:s}}", "AuthFlow",
                    "USER_PASSWORD_AUTH", "ClientId", client,
                    "AuthParameters", "USERNAME", username, "PASSWORD",
                    password);
    rc = tool_cognito_do(t, "InitiateAuth", req, "AuthenticationResult",
                         "AccessToken", token, sizeof(token));
    json_decref(req);
    if (rc)
        return 1;
    puts(token);
    return 0;
}

int
tool_cognito(struct tool *t, int argc, char **argv)
{
    const char *cmd = argc > 0 ? argv[0] : "";

    if (strcmp(cmd, "list-users") == 0)
        return tool_cognito_each_user(t, tool_print_user, NULL) ? 1 : 0;
    if (strcmp(cmd, "setup-local") == 0)
        return tool_setup_local(t);
    if (strcmp(cmd, "token") == 0 && (argc == 2 || argc == 3))
        return tool_token(t, argv[1], argc == 3 ? argv[2] : TOOL_SEED_PASSWORD);
    fputs("usage: cruddur-aws cognito list-users | setup-local | "
          "token HANDLE [PASSWORD]\n", stderr);
    return 2;
}
