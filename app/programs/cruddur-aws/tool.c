/* tool.c - what cruddur-aws's commands share: settings, reporting calls,
 * printing, the users they name, and the raw `call` command. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/core/env.h"
#include "app/db/users.h"
#include "app/programs/cruddur-aws/tool.h"

const char *
tool_env(const char *name)
{
    const char *v = env_get(name);

    if (v == NULL)
        fprintf(stderr, "cruddur-aws: %s is not set\n", name);
    return v;
}

void
tool_report(const char *target, cr_code rc, const struct aws_error *err)
{
    fprintf(stderr, "cruddur-aws: %s: %s%s%s%s%s\n", target, cr_strerror(rc),
            err->type[0] ? ": " : "", err->type,
            err->message[0] ? ": " : "", err->message);
}

cr_code
tool_call(struct tool *t, enum aws_service svc, const char *target,
          json_t *req, json_t **resp)
{
    struct aws_error err;
    cr_code rc = aws_call(&t->aws, svc, target, req, resp, &err);

    if (rc)
        tool_report(target, rc, &err);
    return rc;
}

cr_code
tool_call_pages(struct tool *t, enum aws_service svc, const char *target,
                json_t *req, const char *last_name, const char *start_name,
                aws_page_fn fn, void *arg)
{
    struct aws_error err;
    cr_code rc;

    aws_error_clear(&err);
    rc = aws_call_pages(&t->aws, svc, target, req, last_name, start_name, fn,
                        arg, &err);
    if (rc)
        tool_report(target, rc, &err);
    return rc;
}

void
tool_print(json_t *j, size_t flags)
{
    char *s = json_dumps(j, flags | JSON_SORT_KEYS);

    if (s)
        puts(s);
    free(s);
}

cr_code
tool_user_by_handle(const char *handle, struct user *u)
{
    const char *url = tool_env("CONNECTION_URL");
    struct db *db = NULL;
    cr_code rc;

    if (url == NULL)
        return CR_INVALID;
    if ((rc = db_new(&db, url)) == CR_OK)
        rc = users_by_handle(db, handle, u);
    if (rc)
        fprintf(stderr, "cruddur-aws: user %s: %s\n", handle, cr_strerror(rc));
    db_free(db);
    return rc;
}

int
tool_raw_call(struct tool *t, int argc, char **argv)
{
    static const char *const names[] = {
        [AWS_DYNAMODB] = "dynamodb", [AWS_STREAMS] = "streams",
        [AWS_COGNITO] = "cognito-idp",
    };
    json_t *req, *resp = NULL;
    json_error_t jerr;
    int svc, rc;

    if (argc != 3) {
        fputs("usage: cruddur-aws call SERVICE TARGET JSON\n", stderr);
        return 2;
    }
    for (svc = 0; svc < 3; svc++)
        if (strcmp(argv[0], names[svc]) == 0)
            break;
    if (svc == 3) {
        fputs("cruddur-aws: SERVICE is dynamodb, streams or cognito-idp\n",
              stderr);
        return 2;
    }
    if ((req = json_loads(argv[2], 0, &jerr)) == NULL) {
        fprintf(stderr, "cruddur-aws: JSON: %s\n", jerr.text);
        return 2;
    }
    rc = tool_call(t, (enum aws_service)svc, argv[1], req, &resp) ? 1 : 0;
    if (rc == 0)
        tool_print(resp, JSON_INDENT(2));
    json_decref(req);
    json_decref(resp);
    return rc;
}
