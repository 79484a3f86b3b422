/* db.c - one kept PostgreSQL connection with prepared statements, driven
 * through libpq's asynchronous calls so that every wait has a deadline. */
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/core/env.h"
#include "app/core/netloc.h"
#include "app/core/obs.h"
#include "app/db/db.h"

struct db {
    char *conninfo;
    const char *sslmode;    /* added to conninfo; NULL: none */
    PGconn *conn;           /* NULL while disconnected */
    int connecting;         /* conn is a connect still under way */
    PostgresPollingStatusType connect_st;   /* where it waits */
    cr_deadline deadline;   /* the current request's; DEADLINE_NONE */
    struct breaker breaker;
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
    db->connecting = 0;
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

void
db_set_deadline(struct db *db, cr_deadline d)
{
    db->deadline = d;
}

struct breaker *
db_breaker(struct db *db)
{
    return &db->breaker;
}

/* Waits until the connection's socket is ready for events, or d passes
 * (CR_TIMEOUT). */
static cr_code
db_wait(PGconn *conn, short events, cr_deadline d)
{
    struct pollfd p = { .fd = PQsocket(conn), .events = events };
    long left;
    int n;

    if (p.fd < 0)
        return CR_DB_UNAVAILABLE;
    do {
        left = deadline_left_ms(d, -1);
        if (left == 0)
            return CR_TIMEOUT;
        n = poll(&p, 1, left > INT_MAX ? INT_MAX : (int)left);
    } while (n < 0);        /* EINTR: wait on with what is left */
    return n == 0 ? CR_TIMEOUT : CR_OK;
}

/* Sends what libpq still buffers. */
static cr_code
db_flush(PGconn *conn, cr_deadline d)
{
    int f;
    cr_code rc;

    while ((f = PQflush(conn)) == 1) {
        /* Reading while waiting keeps a server that answers before it has
         * read everything from blocking on us (libpq's advice). */
        if ((rc = db_wait(conn, POLLIN | POLLOUT, d)))
            return rc;
        if (!PQconsumeInput(conn))
            return CR_DB_UNAVAILABLE;
    }
    return f == 0 ? CR_OK : CR_DB_UNAVAILABLE;
}

/* Reads the answer to what was sent: the first result in *out (PQclear
 * it), the rest read and dropped so the connection is ready again. */
static cr_code
db_await(PGconn *conn, cr_deadline d, PGresult **out)
{
    PGresult *r;
    cr_code rc;

    *out = NULL;
    for (;;) {
        while (PQisBusy(conn)) {
            if ((rc = db_wait(conn, POLLIN, d)) || !PQconsumeInput(conn)) {
                PQclear(*out);
                *out = NULL;
                return rc ? rc : CR_DB_UNAVAILABLE;
            }
        }
        if ((r = PQgetResult(conn)) == NULL)
            return *out ? CR_OK : CR_DB_UNAVAILABLE;
        if (*out == NULL)
            *out = r;
        else
            PQclear(r);
    }
}

/* One cancel at a time, process-wide: PQcancel blocks until the server
 * has read the request, which a frozen server never does. */
static atomic_int db_cancelling;

static void *
db_cancel_run(void *arg)
{
    char why[256];

    PQcancel(arg, why, sizeof(why));
    PQfreeCancel(arg);
    atomic_store(&db_cancelling, 0);
    return NULL;
}

/* Asks the server to stop what the connection runs, without waiting for
 * it: a thread of its own sends the cancel. Best effort; the server's
 * statement_timeout ends the statement anyway. */
static void
db_cancel(PGconn *conn)
{
    pthread_attr_t attr;
    pthread_t t;
    PGcancel *c;
    int started = 0;

    if (atomic_exchange(&db_cancelling, 1))
        return;
    c = PQgetCancel(conn);
    if (c != NULL && pthread_attr_init(&attr) == 0) {
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        started = pthread_create(&t, &attr, db_cancel_run, c) == 0;
        pthread_attr_destroy(&attr);
    }
    if (!started) {
        PQfreeCancel(c);
        atomic_store(&db_cancelling, 0);
    }
}

/* The deadline passed with a statement in flight: cancel it and drop the
 * connection, whose state is unknown; the next call connects afresh. */
static void
db_abandon(struct db *db)
{
    db_cancel(db->conn);
    db_disconnect(db);
}

static cr_code
db_prepare_all(struct db *db, cr_deadline d)
{
    PGresult *r = NULL;
    cr_code rc = CR_OK;
    int q;

    for (q = 0; q < DBQ__COUNT && rc == CR_OK; q++) {
        if (!PQsendPrepare(db->conn, db_queries[q].name, db_queries[q].sql,
                           0, NULL))
            rc = CR_DB_UNAVAILABLE;
        if (rc == CR_OK && (rc = db_flush(db->conn, d)) == CR_OK &&
            (rc = db_await(db->conn, d, &r)) == CR_OK &&
            PQresultStatus(r) != PGRES_COMMAND_OK) {
            obs_fail("db: prepare %s: %s", db_queries[q].name,
                     PQerrorMessage(db->conn));
            rc = PQstatus(db->conn) == CONNECTION_OK ? CR_BACKEND
                                                     : CR_DB_UNAVAILABLE;
        }
        PQclear(r);
        r = NULL;
    }
    return rc;
}

/* Drives PQconnectPoll from where it stands until the connection is made
 * or d passes. */
static cr_code
db_connect_poll(struct db *db, cr_deadline d)
{
    cr_code rc;

    if (PQstatus(db->conn) == CONNECTION_BAD)
        return CR_DB_UNAVAILABLE;
    while (db->connect_st != PGRES_POLLING_OK) {
        if (db->connect_st == PGRES_POLLING_FAILED)
            return CR_DB_UNAVAILABLE;
        rc = db_wait(db->conn, db->connect_st == PGRES_POLLING_READING
                                   ? POLLIN : POLLOUT, d);
        if (rc)
            return rc;
        db->connect_st = PQconnectPoll(db->conn);
    }
    return PQsetnonblocking(db->conn, 1) == 0 ? CR_OK : CR_DB_UNAVAILABLE;
}

/* Connects within d. A connect that runs out of time is kept and the next
 * call goes on with it: a server that hangs then holds one pending
 * connection of this worker in its listen queue, not one per attempt
 * (which it would have to work through when it resumes). */
static cr_code
db_connect(struct db *db, cr_deadline d)
{
    /* The connection string comes first so our settings below win over
     * nothing the operator chose except where they matter to us: UTC
     * timestamps, a statement the server ends on its own, and TCP that
     * notices a dead path (keepalives on an idle connection, unacknowledged
     * data after tcp_user_timeout ms) instead of waiting on it for minutes.
     * How long the connect may take is the request's deadline.
     * cruddur.notify = after: our writes are announced by db_announce, not
     * by the triggers (sql/migrations/0003-announce-after-commit.sql). */
    const char *keys[] = { "dbname", "options", "application_name",
                           "keepalives", "keepalives_idle",
                           "keepalives_interval", "keepalives_count",
                           "tcp_user_timeout", "sslmode", NULL };
    const char *vals[] = { db->conninfo,
                           "-c TimeZone=UTC -c statement_timeout=5000 "
                           "-c cruddur.notify=after",
                           "cruddur", "1", "10", "3", "3", "5000",
                           db->sslmode, NULL };
    cr_code rc;

    /* No default sslmode (db_sslmode_default): the arrays end before it. */
    if (db->sslmode == NULL)
        keys[8] = NULL;
    if (!db->connecting) {
        db->conn = PQconnectStartParams(keys, vals, 1);
        if (db->conn == NULL)
            return CR_NOMEM;
        db->connecting = 1;
        db->connect_st = PGRES_POLLING_WRITING;
    }
    rc = db_connect_poll(db, d);
    if (rc == CR_TIMEOUT)
        return rc;
    db->connecting = 0;
    if (rc == CR_DB_UNAVAILABLE)
        obs_fail("db: connect: %s", strtok(PQerrorMessage(db->conn), "\n"));
    if (rc == CR_OK)
        rc = db_prepare_all(db, d);
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

    if (rc == CR_TIMEOUT || rc == CR_OUTCOME_UNKNOWN)
        snprintf(out, size, "no answer within the request's budget");
    else if (rc == CR_BACKEND || rc == CR_DB_UNAVAILABLE)
        snprintf(out, size, "%.*s",
                 (int)strcspn(PQerrorMessage(db->conn), "\n"),
                 PQerrorMessage(db->conn));
    else
        snprintf(out, size, "SQLSTATE %s", state ? state : "?");
    return out;
}

/* Sends query q and reads its answer within d. Once a write is sent, a
 * deadline that passes leaves its outcome unknown: CR_OUTCOME_UNKNOWN. */
static cr_code
db_run_once(struct db *db, enum db_query q, int nparams,
            const char *const *params, PGresult **out, cr_deadline d)
{
    PGresult *r = NULL;
    ExecStatusType st;
    char why[256];
    int64_t start = obs_now_ns();
    cr_code rc = CR_DB_UNAVAILABLE;

    if (PQsendQueryPrepared(db->conn, db_queries[q].name, nparams, params,
                            NULL, NULL, 0) &&
        (rc = db_flush(db->conn, d)) == CR_OK)
        rc = db_await(db->conn, d, &r);
    if (rc == CR_TIMEOUT) {
        rc = db_queries[q].retry_safe ? CR_TIMEOUT : CR_OUTCOME_UNKNOWN;
        obs_call_end(OBS_PG, db_queries[q].name, NULL, start,
                     db_failure(db, r, rc, why, sizeof(why)));
        db_abandon(db);
        return rc;
    }
    st = PQresultStatus(r);
    if (rc == CR_OK && (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK)) {
        obs_call_end(OBS_PG, db_queries[q].name, NULL, start, NULL);
        *out = r;
        return CR_OK;
    }
    if (PQstatus(db->conn) != CONNECTION_OK)
        rc = CR_DB_UNAVAILABLE;
    else
        rc = r ? db_error_code(r) : CR_DB_UNAVAILABLE;
    obs_call_end(OBS_PG, db_queries[q].name, NULL, start,
                 db_failure(db, r, rc, why, sizeof(why)));
    if (PQstatus(db->conn) != CONNECTION_OK)
        db_disconnect(db);
    PQclear(r);
    return rc;
}

/* After query q committed a write to a table the workers cache from:
 * tells them (NOTIFY, in a transaction of its own that waits for no disk,
 * so no commit waits behind another's). A failure costs them only the
 * early drop of that table's answers (their maximum age still holds), so
 * it is noted for the edge and the write's own result stands. */
static void
db_announce(struct db *db, enum db_query q, cr_deadline d)
{
    const char *table = db_queries[q].announces;
    PGresult *r = NULL;

    if (db_run_once(db, DBQ_announce_change, 1, &table, &r, d) != CR_OK)
        obs_fail("db: %s committed, its announcement failed", table);
    PQclear(r);
}

/* 1 when the server closed a kept connection while it sat idle: a
 * restart or shutdown sends a termination message and then EOF, so the
 * socket is readable. Found without sending anything, so that a write that
 * may not be retried goes out on a fresh connection instead of failing. */
static int
db_closed_while_idle(PGconn *conn)
{
    struct pollfd p = { .fd = PQsocket(conn), .events = POLLIN };
    int reads;

    /* The termination message and the EOF may come in separate reads, and
     * only reading the EOF marks the connection bad: read while there is
     * something (a few times at most: an idle connection gets little). */
    for (reads = 0; reads < 4; reads++) {
        if (p.fd < 0)
            return 1;
        if (poll(&p, 1, 0) <= 0)
            return 0;       /* nothing (more) came: open, as far as known */
        if (!PQconsumeInput(conn) || PQstatus(conn) != CONNECTION_OK)
            return 1;
    }
    return 0;
}

/* db_run without the breaker: connect when needed, run, retry once. */
static cr_code
db_run_within(struct db *db, enum db_query q, int nparams,
              const char *const *params, PGresult **out, cr_deadline d)
{
    int kept = db->conn != NULL && !db->connecting;
    cr_code rc;

    if (kept && db_closed_while_idle(db->conn)) {
        db_disconnect(db);
        kept = 0;
    }
    if (!kept && (rc = db_connect(db, d)) != CR_OK)
        return rc;
    rc = db_run_once(db, q, nparams, params, out, d);
    /* A kept connection may have died while idle (server restart): that
     * is only found out by using it. Retry once on a new one, but only a
     * query its file declares "-- retry: safe": a write might have run
     * before the connection broke. */
    if (rc == CR_DB_UNAVAILABLE && kept && db->conn == NULL &&
        db_queries[q].retry_safe) {
        rc = db_connect(db, d);
        if (rc == CR_OK)
            rc = db_run_once(db, q, nparams, params, out, d);
    }
    if (rc == CR_OK && db_queries[q].announces)
        db_announce(db, q, d);
    return rc;
}

cr_code
db_run(struct db *db, enum db_query q, int nparams,
       const char *const *params, PGresult **out)
{
    int64_t start = deadline_now_ms();
    enum breaker_pass pass;
    cr_code rc;

    *out = NULL;
    /* The generated table knows each query's parameters: a call with
     * another count is a bug, not something to send to PostgreSQL. */
    if (nparams != db_queries[q].nparams)
        return CR_INTERNAL;
    /* A budget another backend spent, or cooling down after a timeout:
     * no call (and so nothing for the breaker to learn). */
    if (deadline_left_ms(db->deadline, 1) == 0 ||
        (pass = breaker_enter(&db->breaker)) == BREAKER_REFUSE)
        return CR_DB_UNAVAILABLE;
    rc = db_run_within(db, q, nparams, params, out,
                       breaker_deadline(pass, db->deadline));
    breaker_done(&db->breaker, pass, start,
                 rc == CR_TIMEOUT || rc == CR_OUTCOME_UNKNOWN
                     ? BREAKER_TIMED_OUT
                 : rc == CR_DB_UNAVAILABLE ? BREAKER_FAILED
                                           : BREAKER_ANSWERED);
    return rc == CR_TIMEOUT ? CR_DB_UNAVAILABLE : rc;
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
