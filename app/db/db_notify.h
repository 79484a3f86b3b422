/* db_notify.h - a worker's LISTEN connection: which tables changed.
 *
 * Every write to users or activities is announced with NOTIFY
 * cruddur_changes and the table's name: ours by db_run right after the
 * commit (queries marked "-- announces: TABLE"), anyone else's by the
 * triggers (sql/migrations/). This connection, apart from the one queries
 * use, LISTENs
 * for them; db_notify_poll() reads what has arrived without waiting and
 * counts it in one epoch per table. A cached answer stamped with the
 * epochs of the tables it was read from is good while they are unchanged.
 * A connection that broke may have missed notifications: every epoch moves
 * then, and again when LISTEN is back, so nothing cached before survives.
 *
 * How late a notification is, measured on loopback (a LISTEN connection
 * polled while another commits an UPDATE of users, 3 x 1,000 commits, a
 * shared 2-core machine): when the writer's commit returns it has mostly
 * arrived already, p50 5-6 us, p99 45-808 us, max 2.6-14.7 ms. Between
 * hosts add one network delivery; on one host the write counter
 * (app/core/shm_gen.h) covers the gap. */
#ifndef CRUDDUR_DB_NOTIFY_H
#define CRUDDUR_DB_NOTIFY_H

#include <stdint.h>
#include <time.h>

#include "app/core/err.h"

#define DB_NOTIFY_CHANNEL "cruddur_changes"

enum db_notify_table { DBN_ACTIVITIES, DBN_USERS, DBN__COUNT };

struct db_notify_epochs {
    uint64_t table[DBN__COUNT];
};

struct db_notify;

cr_code db_notify_new(struct db_notify **out, const char *conninfo);
void db_notify_free(struct db_notify *n);

/* Drains the notifications that have arrived (PQconsumeInput, PQnotifies:
 * no waiting) and fills *out. Connects and LISTENs first when it is not
 * listening and may_connect, at most once a second while that fails (a
 * connect waits up to 2 s: the caller says no while PostgreSQL is known
 * to hang). CR_DB_UNAVAILABLE when it is not listening: no cached answer
 * may be trusted then. */
cr_code db_notify_poll(struct db_notify *n, time_t now, int may_connect,
                       struct db_notify_epochs *out);

#endif
