/* tool_db.c - the tool's PostgreSQL side: users by handle, and
 * cruddur-aws db update-cognito-user-ids. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/db/db.h"
#include "app/programs/cruddur-aws/tool.h"

static cr_code
tool_db_open(struct db **db)
{
    const char *url = getenv("CONNECTION_URL");

    *db = NULL;
    if (url == NULL || *url == '\0') {
        fputs("cruddur-aws: CONNECTION_URL is not set\n", stderr);
        return CR_INVALID;
    }
    return db_new(db, url);
}

static cr_code
tool_db_user_json(const char *text, struct user *u)
{
    json_t *j = json_loads(text, 0, NULL);
    const char *uuid = json_string_value(json_object_get(j, "uuid"));
    const char *handle = json_string_value(json_object_get(j, "handle"));
    const char *name = json_string_value(json_object_get(j, "display_name"));
    cr_code rc = CR_BACKEND;

    if (uuid && handle && name && strlen(uuid) < sizeof(u->uuid) &&
        strlen(handle) < sizeof(u->handle) &&
        strlen(name) < sizeof(u->display_name)) {
        strcpy(u->uuid, uuid);
        strcpy(u->handle, handle);
        strcpy(u->display_name, name);
        rc = CR_OK;
    }
    json_decref(j);
    return rc;
}

cr_code
tool_user_by_handle(const char *handle, struct user *u)
{
    const char *params[1] = { handle };
    struct db *db = NULL;
    char *text = NULL;
    cr_code rc;

    if ((rc = tool_db_open(&db)))
        return rc;
    rc = db_fetch_text(db, DBQ_users_short, 1, params, &text);
    if (rc == CR_OK && text == NULL)
        rc = CR_NOT_FOUND;
    if (rc == CR_OK)
        rc = tool_db_user_json(text, u);
    if (rc)
        fprintf(stderr, "cruddur-aws: user %s: %s\n", handle, cr_strerror(rc));
    free(text);
    db_free(db);
    return rc;
}

struct tool_link {
    struct db *db;
    int updated, failed;
};

static int
tool_link_user(void *arg, const char *sub, const char *handle,
               const char *username, const char *email)
{
    struct tool_link *l = arg;
    const char *params[2] = { sub, handle };
    PGresult *res = NULL;
    cr_code rc;

    (void)username;
    (void)email;
    if (handle == NULL)
        return 0;  /* not a Cruddur user: no preferred_username */
    rc = db_run(l->db, DBQ_update_cognito_user_id, 2, params, &res);
    if (rc) {
        fprintf(stderr, "cruddur-aws: %s: %s\n", handle, cr_strerror(rc));
        l->failed++;
        return rc == CR_DB_UNAVAILABLE;  /* stop: nothing else will work */
    }
    printf("%-16s %s (%s row)\n", handle, sub,
           strcmp(PQcmdTuples(res), "1") == 0 ? "updated" : "no");
    l->updated += strcmp(PQcmdTuples(res), "1") == 0;
    PQclear(res);
    return 0;
}

static int
tool_update_cognito_ids(struct tool *t)
{
    struct tool_link l = { NULL, 0, 0 };
    cr_code rc;

    if (tool_db_open(&l.db))
        return 1;
    rc = tool_cognito_each_user(t, tool_link_user, &l);
    db_free(l.db);
    if (rc || l.failed)
        return 1;
    printf("%d users linked to Cognito\n", l.updated);
    return 0;
}

int
tool_db(struct tool *t, int argc, char **argv)
{
    if (argc == 1 && strcmp(argv[0], "update-cognito-user-ids") == 0)
        return tool_update_cognito_ids(t);
    fputs("usage: cruddur-aws db update-cognito-user-ids\n", stderr);
    return 2;
}
