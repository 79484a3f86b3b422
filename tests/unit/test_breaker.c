/* test_breaker.c - the breakers the workers of a server share: a timeout
 * seen by one process makes another fail at once, of the processes that
 * find the cool-down over exactly one gets the probe while the others keep
 * failing, and its answer closes the breaker for all. Each process maps
 * the shared slots itself, as the workers do. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "app/core/breaker_shm.h"

#define RACERS 6

static char scope[64];

static int
setup(void **state)
{
    (void)state;
    snprintf(scope, sizeof(scope), "test_breaker-%d-%ld", (int)getpid(),
             (long)time(NULL));
    return 0;
}

static int
teardown(void **state)
{
    (void)state;
    breaker_shm_unlink(scope);
    return 0;
}

/* b on slot i of scope's object, mapped by this process. */
static void
attach(struct breaker_shm *m, struct breaker *b, unsigned i)
{
    memset(b, 0, sizeof(*b));
    assert_int_equal(breaker_shm_open(m, scope), CR_OK);
    breaker_share(b, breaker_shm_slot(m, i));
    assert_non_null(b->shared);
}

/* Waits (at most 3 s) until slot's cool-down is over. */
static void
wait_cooled(struct breaker *b)
{
    int64_t give_up = deadline_now_ms() + 3000;

    while (deadline_now_ms() < atomic_load(&b->shared->open_until)) {
        assert_true(deadline_now_ms() < give_up);
        usleep(5000);
    }
}

/* Runs fn in a child process; its exit status. */
static int
in_child(void (*fn)(void))
{
    int status;
    pid_t pid = fork();

    assert_true(pid >= 0);
    if (pid == 0) {
        fn();
        _exit(0);
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    return WEXITSTATUS(status);
}

static void
child_times_out(void)
{
    struct breaker_shm m;
    struct breaker b;
    enum breaker_pass pass;

    if (breaker_shm_open(&m, scope) != CR_OK)
        _exit(10);
    breaker_share(&b, breaker_shm_slot(&m, 3));
    pass = breaker_enter(&b);
    if (pass != BREAKER_CALL)
        _exit(11);
    breaker_done(&b, pass, deadline_now_ms() - 2500, BREAKER_TIMED_OUT);
    _exit(0);
}

static void
test_own_state(void **state)
{
    struct breaker b;
    enum breaker_pass pass;

    (void)state;
    memset(&b, 0, sizeof(b));
    assert_string_equal(breaker_state(&b), "unknown");
    assert_int_equal(breaker_last_ms(&b), -1);
    pass = breaker_enter(&b);
    assert_int_equal(pass, BREAKER_CALL);
    assert_int_equal(breaker_deadline(pass, deadline_in(2500)),
                     deadline_in(2500));
    breaker_done(&b, pass, deadline_now_ms(), BREAKER_FAILED);
    assert_string_equal(breaker_state(&b), "down");     /* fast: closed */
    assert_int_equal(breaker_enter(&b), BREAKER_CALL);
    breaker_done(&b, BREAKER_CALL, deadline_now_ms() - 2500,
                 BREAKER_TIMED_OUT);
    assert_string_equal(breaker_state(&b), "tripped");
    assert_true(breaker_last_ms(&b) >= 2500);
    assert_int_equal(breaker_trips(&b), 1);
    assert_int_equal(breaker_enter(&b), BREAKER_REFUSE);
}

/* One process's timeout: another fails at once, without a call. */
static void
test_timeout_seen_by_another_process(void **state)
{
    struct breaker_shm m;
    struct breaker b, other;

    (void)state;
    attach(&m, &b, 3);
    memset(&other, 0, sizeof(other));
    breaker_share(&other, breaker_shm_slot(&m, 4));
    assert_int_equal(breaker_enter(&b), BREAKER_CALL);
    assert_int_equal(in_child(child_times_out), 0);
    assert_int_equal(breaker_enter(&b), BREAKER_REFUSE);
    assert_string_equal(breaker_state(&b), "tripped");
    assert_int_equal(breaker_trips(&b), 1);
    assert_true(breaker_last_ms(&b) >= 2500);
    /* Another backend's slot is not touched. */
    assert_int_equal(breaker_enter(&other), BREAKER_CALL);
    breaker_shm_close(&m);
}

/* The racers: each waits for a byte on `go`, reports what breaker_enter
 * gave it ('P' probe, 'R' refused, 'C' call) on `report`; the prober then
 * waits for a byte on `done_` and ends its probe with `how`. */
static int report[2], go[2], done_[2];
static enum breaker_outcome how;

static void
racer(void)
{
    struct breaker_shm m;
    struct breaker b;
    enum breaker_pass pass;
    char c;

    if (breaker_shm_open(&m, scope) != CR_OK)
        _exit(10);
    breaker_share(&b, breaker_shm_slot(&m, 5));
    if (read(go[0], &c, 1) != 1)        /* all start together */
        _exit(11);
    pass = breaker_enter(&b);
    c = pass == BREAKER_PROBE ? 'P' : pass == BREAKER_REFUSE ? 'R' : 'C';
    if (write(report[1], &c, 1) != 1)
        _exit(12);
    if (pass == BREAKER_PROBE) {
        if (read(done_[0], &c, 1) != 1)
            _exit(13);
        breaker_done(&b, pass, deadline_now_ms(), how);
    }
    _exit(0);
}

/* After the cool-down, RACERS processes at once: one probe; while it is
 * out, the others (and this process) fail at once; then ends it `how`. */
static void
race_for_probe(struct breaker *b, enum breaker_outcome end)
{
    pid_t pids[RACERS];
    char got[RACERS + 1] = "", start[RACERS];
    int i, probes = 0, status;

    how = end;
    assert_int_equal(pipe(report), 0);
    assert_int_equal(pipe(go), 0);
    assert_int_equal(pipe(done_), 0);
    for (i = 0; i < RACERS; i++) {
        pids[i] = fork();
        assert_true(pids[i] >= 0);
        if (pids[i] == 0)
            racer();
    }
    memset(start, 'g', sizeof(start));
    assert_int_equal(write(go[1], start, RACERS), RACERS);
    for (i = 0; i < RACERS; i++) {
        assert_int_equal(read(report[0], &got[i], 1), 1);
        probes += got[i] == 'P';
        assert_true(got[i] == 'P' || got[i] == 'R');
    }
    assert_int_equal(probes, 1);
    assert_int_equal(breaker_enter(b), BREAKER_REFUSE);  /* it is out */
    assert_int_equal(write(done_[1], "e", 1), 1);         /* the probe ends */
    for (i = 0; i < RACERS; i++) {
        assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
        assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    close(report[0]);
    close(report[1]);
    close(go[0]);
    close(go[1]);
    close(done_[0]);
    close(done_[1]);
}

static void
test_one_probe_at_a_time(void **state)
{
    struct breaker_shm m;
    struct breaker b;

    (void)state;
    attach(&m, &b, 5);
    breaker_done(&b, BREAKER_CALL, deadline_now_ms() - 2500,
                 BREAKER_TIMED_OUT);
    wait_cooled(&b);
    /* A probe that times out too: a new cool-down for everyone. */
    race_for_probe(&b, BREAKER_TIMED_OUT);
    assert_string_equal(breaker_state(&b), "tripped");
    assert_int_equal(breaker_trips(&b), 2);
    assert_int_equal(breaker_enter(&b), BREAKER_REFUSE);
    wait_cooled(&b);
    /* One that gets an answer: closed for everyone. */
    race_for_probe(&b, BREAKER_ANSWERED);
    assert_string_equal(breaker_state(&b), "up");
    assert_int_equal(breaker_enter(&b), BREAKER_CALL);
    breaker_shm_close(&m);
}

/* A probe given back unused (no call made) lets the next caller probe;
 * the probe's deadline is the short one. */
static void
test_probe_cancelled(void **state)
{
    struct breaker_shm m;
    struct breaker b;
    enum breaker_pass pass;

    (void)state;
    attach(&m, &b, 6);
    breaker_done(&b, BREAKER_CALL, deadline_now_ms(), BREAKER_TIMED_OUT);
    wait_cooled(&b);
    pass = breaker_enter(&b);
    assert_int_equal(pass, BREAKER_PROBE);
    assert_true(breaker_deadline(pass, deadline_in(2500)) <=
                deadline_in(BREAKER_PROBE_MS));
    assert_int_equal(breaker_enter(&b), BREAKER_REFUSE);
    breaker_cancel(&b, pass);
    assert_int_equal(breaker_enter(&b), BREAKER_PROBE);
    breaker_shm_close(&m);
}

/* The object is named after the scope; a removed one is made anew, all
 * zeros. */
static void
test_named_and_removed(void **state)
{
    char path[SHM_MAP_PATH_SIZE], again[SHM_MAP_PATH_SIZE];
    struct breaker_shm m;
    struct breaker b;

    (void)state;
    breaker_shm_path(scope, path);
    breaker_shm_path(scope, again);
    assert_string_equal(path, again);
    assert_int_equal(strncmp(path, "/dev/shm/cruddur-breakers1-", 27), 0);
    breaker_shm_path("/other/fcgi.sock", again);
    assert_string_not_equal(path, again);
    attach(&m, &b, 0);
    breaker_done(&b, BREAKER_CALL, deadline_now_ms(), BREAKER_TIMED_OUT);
    breaker_shm_close(&m);
    assert_null(breaker_shm_slot(&m, 0));
    assert_int_equal(access(path, F_OK), 0);
    assert_int_equal(breaker_shm_unlink(scope), CR_OK);
    assert_int_equal(breaker_shm_unlink(scope), CR_NOT_FOUND);
    attach(&m, &b, 0);
    assert_string_equal(breaker_state(&b), "unknown");
    assert_null(breaker_shm_slot(&m, BREAKER_SHM_SLOTS));
    breaker_shm_close(&m);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_own_state),
        cmocka_unit_test_setup_teardown(test_timeout_seen_by_another_process,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_one_probe_at_a_time, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_probe_cancelled, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_named_and_removed, setup,
                                        teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
