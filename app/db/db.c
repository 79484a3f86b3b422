/* db.c - one kept PostgreSQL connection with prepared statements. */
#include <stdlib.h>
#include <string.h>

#include "app/core/env.h"
#include "app/core/log.h"
#include "app/core/netloc.h"
#include "app/db/db.h"

struct db {
    char *conninfo;
    const char *sslmode;    /* added to conninfo; NULL: none */
    PGconn *conn;           /* NULL while disconnected */
};

/* 1 when every element of a comma-separated libpq host or hostaddr list is
 * this machine: a Unix socket directory ("/..." or "@..."), or a loopback
 * name or address. An empty list is the default Unix socket. */
static int
db_hosts_local(const char *list)
{
    char one[NETLOC_HOST_MAX];
    const char *p = list;
    size_t n;

    while (p && *p) {
        n = strcspn(p, ",");
        if (n >= sizeof(one))
            return 0;
        memcpy(one, p, n);
        one[n] = '\0';
        if (n > 0 && one[0] != '/' && one[0] != '@' &&
            !netloc_host_loopback(one))
            return 0;
        p = p[n] ? p + n + 1 : NULL;
    }
    return 1;
}

cr_code
db_sslmode_default(const char *conninfo, const char **sslmode)
{
    PQconninfoOption *opts, *o;
    const char *host = NULL, *hostaddr = NULL, *mode = NULL;
    char *msg = NULL;
    cr_code rc;

    *sslmode = NULL;
    opts = PQconninfoParse(conninfo, &msg);
    if (opts == NULL) {
        rc = msg ? CR_INVALID : CR_NOMEM;   /* no message: out of memory */
        PQfreemem(msg);
        return rc;
    }
    for (o = opts; o->keyword; o++) {
        if (o->val == NULL || o->val[0] == '\0')
            continue;
        if (strcmp(o->keyword, "host") == 0)
            host = o->val;
        else if (strcmp(o->keyword, "hostaddr") == 0)
            hostaddr = o->val;
        else if (strcmp(o->keyword, "sslmode") == 0)
            mode = o->val;
    }
    /* The address connected to is hostaddr when given, else host (or
     * libpq's PGHOSTADDR / PGHOST). */
    if (hostaddr == NULL)
        hostaddr = env_get("PGHOSTADDR");
    if (host == NULL)
        host = env_get("PGHOST");
    if (mode == NULL && env_get("PGSSLMODE") == NULL &&
        !db_hosts_local(hostaddr ? hostaddr : host))
        *sslmode = "verify-full";
    PQconninfoFree(opts);
    return CR_OK;
}

cr_code
db_new(struct db **out, const char *conninfo)
{
    struct db *db;
    const char *sslmode;
    cr_code rc;

    *out = NULL;
    if ((rc = db_sslmode_default(conninfo, &sslmode)) != CR_OK)
        return rc;
    if ((db = calloc(1, sizeof(*db))) == NULL)
        return CR_NOMEM;
    db->sslmode = sslmode;
    db->conninfo = strdup(conninfo);
    if (db->conninfo == NULL) {
        free(db);
        return CR_NOMEM;
    }
    *out = db;
    return CR_OK;
}

static void
db_disconnect(struct db *db)
{
    if (db->conn)
        PQfinish(db->conn);
    db->conn = NULL;
}

void
db_free(struct db *db)
{
    if (db == NULL)
        return;
    db_disconnect(db);
    free(db->conninfo);
    free(db);
}

static cr_code
db_prepare_all(struct db *db)
{
    PGresult *r;
    int q, ok;

    for (q = 0; q < DBQ__COUNT; q++) {
        r = PQprepare(db->conn, db_queries[q].name, db_queries[q].sql, 0, NULL);
        ok = PQresultStatus(r) == PGRES_COMMAND_OK;
        if (!ok)
            log_line("db: prepare %s: %s", db_queries[q].name,
                     PQerrorMessage(db->conn));
        PQclear(r);
        if (!ok)
            return PQstatus(db->conn) == CONNECTION_OK ? CR_BACKEND
                                                        : CR_DB_UNAVAILABLE;
    }
    return CR_OK;
}

static cr_code
db_connect(struct db *db)
{
    /* The connection string comes first so our settings below win over
     * nothing the operator chose except where they matter to us: a bounded
     * connect, UTC timestamps, and a statement that cannot hang a worker. */
    const char *keys[] = { "dbname", "connect_timeout", "options",
                           "application_name", "sslmode", NULL };
    const char *vals[] = { db->conninfo, "2",
                           "-c TimeZone=UTC -c statement_timeout=5000",
                           "cruddur", db->sslmode, NULL };
    cr_code rc;

    /* No default sslmode: the array ends before it. */
    if (db->sslmode == NULL)
        keys[4] = NULL;

    db->conn = PQconnectdbParams(keys, vals, 1);
    if (db->conn == NULL)
        return CR_NOMEM;
    if (PQstatus(db->conn) != CONNECTION_OK) {
        log_line("db: connect: %s", strtok(PQerrorMessage(db->conn), "\n"));
        db_disconnect(db);
        return CR_DB_UNAVAILABLE;
    }
    rc = db_prepare_all(db);
    if (rc)
        db_disconnect(db);
    return rc;
}

static cr_code
db_error_code(PGresult *r)
{
    const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);

    if (state == NULL)
        return CR_BACKEND;
    if (strncmp(state, "22", 2) == 0)
        return CR_INVALID;                  /* data exception */
    if (strcmp(state, "23505") == 0 || strcmp(state, "23503") == 0)
        return CR_CONFLICT;
    if (strncmp(state, "08", 2) == 0 || strncmp(state, "57P", 3) == 0)
        return CR_DB_UNAVAILABLE;           /* connection / shutdown */
    return CR_BACKEND;
}

static cr_code
db_run_once(struct db *db, enum db_query q, int nparams,
            const char *const *params, PGresult **out)
{
    PGresult *r;
    ExecStatusType st;
    cr_code rc;

    r = PQexecPrepared(db->conn, db_queries[q].name, nparams, params,
                       NULL, NULL, 0);
    st = PQresultStatus(r);
    if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK) {
        *out = r;
        return CR_OK;
    }
    if (PQstatus(db->conn) != CONNECTION_OK) {
        rc = CR_DB_UNAVAILABLE;
        db_disconnect(db);
    } else {
        rc = db_error_code(r);
        if (rc == CR_BACKEND || rc == CR_DB_UNAVAILABLE)
            log_line("db: %s: %s", db_queries[q].name,
                     strtok(PQerrorMessage(db->conn), "\n"));
    }
    PQclear(r);
    return rc;
}

cr_code
db_run(struct db *db, enum db_query q, int nparams,
       const char *const *params, PGresult **out)
{
    int kept = db->conn != NULL;
    cr_code rc;

    *out = NULL;
    /* The generated table knows each query's parameters: a call with
     * another count is a bug, not something to send to PostgreSQL. */
    if (nparams != db_queries[q].nparams)
        return CR_INTERNAL;
    if (!kept && (rc = db_connect(db)) != CR_OK)
        return rc;
    rc = db_run_once(db, q, nparams, params, out);
    /* A kept connection may have died while idle (server restart): that
     * is only found out by using it. Retry once on a new one, but only a
     * query its file declares "-- retry: safe": a write might have run
     * before the connection broke. */
    if (rc == CR_DB_UNAVAILABLE && kept && db->conn == NULL &&
        db_queries[q].retry_safe) {
        rc = db_connect(db);
        if (rc == CR_OK)
            rc = db_run_once(db, q, nparams, params, out);
    }
    return rc;
}

cr_code
db_fetch_text(struct db *db, enum db_query q, int nparams,
              const char *const *params, char **out)
{
    PGresult *r;
    cr_code rc;

    *out = NULL;
    rc = db_run(db, q, nparams, params, &r);
    if (rc)
        return rc;
    if (PQntuples(r) > 0 && !PQgetisnull(r, 0, 0)) {
        *out = strdup(PQgetvalue(r, 0, 0));
        if (*out == NULL)
            rc = CR_NOMEM;
    }
    PQclear(r);
    return rc;
}
