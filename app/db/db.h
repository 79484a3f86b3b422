/* db.h - the worker's one PostgreSQL connection.
 *
 * Connects lazily, prepares every query of sql/queries/ once per connection
 * and runs them with parameters only. A connection that breaks is dropped
 * and made again on the next call; a query its file declares safe to retry
 * ("-- retry: safe", scripts/gen-queries) that hit a connection that had
 * died while idle is retried once on a fresh one. While PostgreSQL is down
 * every call answers CR_DB_UNAVAILABLE and the worker keeps serving.
 *
 * Every wait (connect, send, answer) ends at the deadline the worker sets
 * for the current request (db_set_deadline): then the statement is
 * cancelled, the connection dropped, and the call answers
 * CR_DB_UNAVAILABLE, or CR_OUTCOME_UNKNOWN for a write already sent (it
 * may have committed). A timeout trips the breaker (app/core/breaker.h):
 * calls fail at once with CR_DB_UNAVAILABLE while it cools down. */
#ifndef CRUDDUR_DB_H
#define CRUDDUR_DB_H

#include <libpq-fe.h>

#include "app/core/breaker.h"
#include "app/core/deadline.h"
#include "app/core/err.h"
#include "db_queries.h"

struct db;

/* The sslmode db_new adds to conninfo: "verify-full" (TLS, the server's
 * certificate checked against a CA, sslrootcert, and its name against the
 * host) when the connection leaves this machine and neither conninfo nor
 * PGSSLMODE chose one; NULL for a Unix socket or loopback host, where
 * libpq's own default stays. CR_INVALID when conninfo is not a libpq
 * connection string or URI. */
cr_code db_sslmode_default(const char *conninfo, const char **sslmode);

/* CR_INVALID as db_sslmode_default; connects lazily. */
cr_code db_new(struct db **out, const char *conninfo);
void db_free(struct db *db);

/* The deadline of the calls to come (DEADLINE_NONE: no limit). */
void db_set_deadline(struct db *db, cr_deadline d);

/* How the calls went, for readiness; where app_init shares the state. */
struct breaker *db_breaker(struct db *db);

/* Runs query q with its nparams parameters (CR_INTERNAL for another count
 * than its file names). On CR_OK *out holds the result (PQclear it). CR_INVALID
 * when PostgreSQL rejected a parameter's value (SQLSTATE class 22),
 * CR_CONFLICT on a unique or foreign key violation, CR_DB_UNAVAILABLE when
 * the server cannot be reached or did not answer in time,
 * CR_OUTCOME_UNKNOWN when a write was sent and no answer came in time,
 * CR_BACKEND for any other error. */
cr_code db_run(struct db *db, enum db_query q, int nparams,
               const char *const *params, PGresult **out);

/* Runs query q and copies the first column of the first row into *out
 * (free() it); *out is NULL when the query returned no row. */
cr_code db_fetch_text(struct db *db, enum db_query q, int nparams,
                      const char *const *params, char **out);

#endif
