/* test_db_tls.c - the sslmode the worker adds to CONNECTION_URL:
 * verify-full when the connection leaves this machine and nobody chose a
 * mode; nothing for a Unix socket or a loopback host, nothing when the
 * string or PGSSLMODE names one; a string libpq cannot read is refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "app/db/db.h"

static const char *const local[] = {
    "postgresql://postgres@127.0.0.1:5432/cruddur",
    "postgresql://postgres@127.0.0.2/cruddur",
    "postgresql://postgres@localhost/cruddur",
    "postgresql://postgres@[::1]:5432/cruddur",
    "postgresql:///cruddur",
    "postgresql://%2Fvar%2Frun%2Fpostgresql/cruddur",
    "host=/var/run/postgresql dbname=cruddur",
    "host=@abstract dbname=cruddur",
    "dbname=cruddur",
    "host=localhost,127.0.0.1 dbname=cruddur",
    "host=db.example.com hostaddr=127.0.0.1 dbname=cruddur",
    /* the operator's own choice stays */
    "postgresql://u@db.example.com/cruddur?sslmode=require",
    "host=db.example.com sslmode=disable dbname=cruddur",
    "postgresql://u@db.example.com/cruddur?sslmode=verify-ca&sslrootcert=/ca.pem",
};

static const char *const remote[] = {
    "postgresql://u:p@mydb.abc123.eu-west-2.rds.amazonaws.com:5432/cruddur",
    "postgresql://u@db.example.com/cruddur?sslrootcert=/ca.pem",
    "host=10.0.0.5 dbname=cruddur",
    "postgresql://u@127.0.0.1,db.example.com/cruddur",
    "host=localhost hostaddr=10.0.0.5 dbname=cruddur",
    "host=localhost. dbname=cruddur",
    "host=2130706433 dbname=cruddur",   /* not spelled as loopback */
    "host=::ffff:127.0.0.1 dbname=cruddur",
    "postgresql://u@db/cruddur",
};

static const char *
mode_of(const char *conninfo)
{
    const char *mode = "unset";

    assert_int_equal(db_sslmode_default(conninfo, &mode), CR_OK);
    return mode;
}

static void
test_local_unchanged(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(local) / sizeof(local[0]); i++)
        if (mode_of(local[i]) != NULL)
            fail_msg("sslmode added to %s", local[i]);
}

static void
test_remote_verify_full(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(remote) / sizeof(remote[0]); i++) {
        const char *m = mode_of(remote[i]);

        if (m == NULL || strcmp(m, "verify-full") != 0)
            fail_msg("no verify-full for %s", remote[i]);
    }
}

static void
test_environment(void **state)
{
    const char *m;

    (void)state;
    /* libpq's own variables count as the operator's choice... */
    setenv("PGSSLMODE", "require", 1);
    assert_null(mode_of("host=db.example.com dbname=cruddur"));
    unsetenv("PGSSLMODE");
    /* ... and name the host when the string does not. */
    setenv("PGHOST", "db.example.com", 1);
    m = mode_of("dbname=cruddur");
    assert_non_null(m);
    assert_string_equal(m, "verify-full");
    assert_null(mode_of("host=127.0.0.1 dbname=cruddur"));
    unsetenv("PGHOST");
    setenv("PGHOSTADDR", "10.1.2.3", 1);
    assert_non_null(mode_of("host=localhost dbname=cruddur"));
    unsetenv("PGHOSTADDR");
}

static void
test_refused(void **state)
{
    const char *m = "unset";
    struct db *db = (struct db *)&m;

    (void)state;
    assert_int_equal(db_sslmode_default("host=x dbname", &m), CR_INVALID);
    assert_null(m);
    assert_int_equal(db_sslmode_default("nosuchkey=1", &m), CR_INVALID);
    assert_int_equal(db_sslmode_default("mysql://u@h/db", &m), CR_INVALID);
    assert_int_equal(db_new(&db, "host=x dbname"), CR_INVALID);
    assert_null(db);
    assert_int_equal(db_new(&db, "postgresql://u@db.example.com/x"), CR_OK);
    db_free(db);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_local_unchanged),
        cmocka_unit_test(test_remote_verify_full),
        cmocka_unit_test(test_environment),
        cmocka_unit_test(test_refused),
    };

    unsetenv("PGSSLMODE");
    unsetenv("PGHOST");
    unsetenv("PGHOSTADDR");
    return cmocka_run_group_tests(tests, NULL, NULL);
}
