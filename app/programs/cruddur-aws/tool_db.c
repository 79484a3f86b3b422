/* tool_db.c - cruddur-aws db update-cognito-user-ids: each Cognito user's
 * sub into the users row of its preferred_username. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/db/db.h"
#include "app/programs/cruddur-aws/tool_cognito.h"
#include "app/programs/cruddur-aws/tool_db.h"

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
    const char *url = tool_env("CONNECTION_URL");
    struct tool_link l = { NULL, 0, 0 };
    cr_code rc;

    if (url == NULL || db_new(&l.db, url))
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
