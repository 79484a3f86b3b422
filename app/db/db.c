/* db.c - one kept PostgreSQL connection with prepared statements. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/core/obs.h"
#include "app/db/db.h"

struct db {
    char *conninfo;
    PGconn *conn;       /* NULL while disconnected */
};

cr_code
db_new(struct db **out, const char *conninfo)
{
    struct db *db = calloc(1, sizeof(*db));

    *out = NULL;
    if (db == NULL)
        return CR_NOMEM;
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
            obs_fail("db: prepare %s: %s", db_queries[q].name,
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
                           "application_name", NULL };
    const char *vals[] = { db->conninfo, "2",
                           "-c TimeZone=UTC -c statement_timeout=5000",
                           "cruddur", NULL };
    cr_code rc;

    db->conn = PQconnectdbParams(keys, vals, 1);
    if (db->conn == NULL)
        return CR_NOMEM;
    if (PQstatus(db->conn) != CONNECTION_OK) {
        obs_fail("db: connect: %s", strtok(PQerrorMessage(db->conn), "\n"));
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

/* What a failed statement reports: libpq's first line for a server or
 * connection failure; only the SQLSTATE otherwise, as a data or constraint
 * error's text may quote a parameter's value. */
static const char *
db_failure(struct db *db, PGresult *r, cr_code rc, char *out, size_t size)
{
    const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);

    if (rc == CR_BACKEND || rc == CR_DB_UNAVAILABLE)
        snprintf(out, size, "%.*s",
                 (int)strcspn(PQerrorMessage(db->conn), "\n"),
                 PQerrorMessage(db->conn));
    else
        snprintf(out, size, "SQLSTATE %s", state ? state : "?");
    return out;
}

static cr_code
db_run_once(struct db *db, enum db_query q, int nparams,
            const char *const *params, PGresult **out)
{
    PGresult *r;
    ExecStatusType st;
    char why[256];
    int64_t start = obs_now_ns();
    cr_code rc;

    r = PQexecPrepared(db->conn, db_queries[q].name, nparams, params,
                       NULL, NULL, 0);
    st = PQresultStatus(r);
    if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK) {
        obs_call_end(OBS_PG, db_queries[q].name, NULL, 1, start, NULL);
        *out = r;
        return CR_OK;
    }
    rc = PQstatus(db->conn) != CONNECTION_OK ? CR_DB_UNAVAILABLE
                                             : db_error_code(r);
    obs_call_end(OBS_PG, db_queries[q].name, NULL, 1, start,
                 db_failure(db, r, rc, why, sizeof(why)));
    if (PQstatus(db->conn) != CONNECTION_OK)
        db_disconnect(db);
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
