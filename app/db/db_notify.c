/* db_notify.c - LISTEN on a connection of its own, drained without
 * blocking. */
#include <libpq-fe.h>
#include <stdlib.h>
#include <string.h>

#include "app/db/db_notify.h"

struct db_notify {
    char *conninfo;
    PGconn *conn;               /* NULL while not listening */
    time_t retry_at;            /* no connect attempt before this second */
    int noticed;                /* the server said something unasked */
    struct db_notify_epochs epochs;
};

cr_code
db_notify_new(struct db_notify **out, const char *conninfo)
{
    struct db_notify *n = calloc(1, sizeof(*n));

    *out = NULL;
    if (n == NULL || (n->conninfo = strdup(conninfo)) == NULL) {
        free(n);
        return CR_NOMEM;
    }
    *out = n;
    return CR_OK;
}

/* Anything cached may have missed a change: move every epoch. */
static void
db_notify_bump_all(struct db_notify *n)
{
    int t;

    for (t = 0; t < DBN__COUNT; t++)
        n->epochs.table[t]++;
}

static void
db_notify_close(struct db_notify *n)
{
    if (n->conn)
        PQfinish(n->conn);
    n->conn = NULL;
}

void
db_notify_free(struct db_notify *n)
{
    if (n == NULL)
        return;
    db_notify_close(n);
    free(n->conninfo);
    free(n);
}

/* A server shutting down sends its FATAL to an idle connection before it
 * closes; libpq hands that to the notice receiver while the connection
 * still reads as fine, and the close is seen only by the next read. Any
 * notice on this connection, which sends nothing but LISTEN, counts as
 * the connection lost. */
static void
db_notify_notice(void *arg, const PGresult *r)
{
    (void)r;
    ((struct db_notify *)arg)->noticed = 1;
}

static cr_code
db_notify_listen(struct db_notify *n, time_t now)
{
    /* An idle connection to a host that vanished (no reset, no FIN)
     * would look fine for hours: keepalives find it within about 11 s,
     * well inside the cache's maximum age. */
    const char *keys[] = { "dbname", "connect_timeout", "application_name",
                           "keepalives_idle", "keepalives_interval",
                           "keepalives_count", NULL };
    const char *vals[] = { n->conninfo, "2", "cruddur-listen", "5", "2", "3",
                           NULL };
    PGresult *r;
    int ok;

    if (now < n->retry_at)
        return CR_DB_UNAVAILABLE;
    n->conn = PQconnectdbParams(keys, vals, 1);
    if (n->conn == NULL)
        return CR_NOMEM;
    ok = PQstatus(n->conn) == CONNECTION_OK;
    n->noticed = 0;
    if (ok) {
        PQsetNoticeReceiver(n->conn, db_notify_notice, n);
        r = PQexec(n->conn, "LISTEN " DB_NOTIFY_CHANNEL);
        ok = PQresultStatus(r) == PGRES_COMMAND_OK;
        PQclear(r);
    }
    if (!ok) {
        db_notify_close(n);
        n->retry_at = now + 1;
        return CR_DB_UNAVAILABLE;
    }
    /* Listening from now on; nothing cached before is trusted. */
    db_notify_bump_all(n);
    return CR_OK;
}

/* The epoch a notification's payload (the table's name) moves. */
static void
db_notify_count(struct db_notify *n, const char *table)
{
    if (strcmp(table, "activities") == 0)
        n->epochs.table[DBN_ACTIVITIES]++;
    else if (strcmp(table, "users") == 0)
        n->epochs.table[DBN_USERS]++;
    else
        db_notify_bump_all(n);
}

cr_code
db_notify_poll(struct db_notify *n, time_t now, int may_connect,
               struct db_notify_epochs *out)
{
    PGnotify *note;
    cr_code rc;

    if (n->conn && PQconsumeInput(n->conn)) {
        while ((note = PQnotifies(n->conn)) != NULL) {
            db_notify_count(n, note->extra);
            PQfreemem(note);
        }
    }
    if (n->conn && (n->noticed || PQstatus(n->conn) != CONNECTION_OK)) {
        /* Lost (a restart, a reset): notifications may be lost with it. */
        db_notify_close(n);
        db_notify_bump_all(n);
    }
    if (n->conn == NULL) {
        if (!may_connect)
            return CR_DB_UNAVAILABLE;
        if ((rc = db_notify_listen(n, now)))
            return rc;
    }
    *out = n->epochs;
    return CR_OK;
}
