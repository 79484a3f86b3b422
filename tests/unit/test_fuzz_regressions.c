/* test_fuzz_regressions.c - every fuzz target (tests/fuzz/fz_NAME.h) over
 * its seed corpus (tests/fuzz/corpus/NAME/) and every input that ever broke
 * it (tests/fuzz/regressions/NAME/), through the same code the libFuzzer
 * harnesses run. Each input must pass its target's invariants; under
 * `make SANITIZE=1` and valgrind also without memory errors or leaks. */
#include <dirent.h>
#include <libgen.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "tests/fuzz/fz_aws_error.h"
#include "tests/fuzz/fz_b64url.h"
#include "tests/fuzz/fz_bearer.h"
#include "tests/fuzz/fz_body.h"
#include "tests/fuzz/fz_claims.h"
#include "tests/fuzz/fz_ddb.h"
#include "tests/fuzz/fz_ddb_items.h"
#include "tests/fuzz/fz_http.h"
#include "tests/fuzz/fz_jwks.h"
#include "tests/fuzz/fz_msg_time.h"
#include "tests/fuzz/fz_signup.h"
#include "tests/fuzz/fz_stream.h"
#include "tests/fuzz/fz_trace_ctx.h"
#include "tests/fuzz/fz_utf8.h"

struct target {
    const char *name;
    int (*run)(void *ctx, const uint8_t *data, size_t size);
    void *ctx;                  /* made by setup, freed by teardown */
    CMFixtureFunction setup;
    CMFixtureFunction teardown;
};

#define PLAIN(n)                                                      \
    static int run_##n(void *ctx, const uint8_t *data, size_t size)    \
    {                                                                 \
        (void)ctx;                                                    \
        return fz_##n(data, size);                                    \
    }
PLAIN(aws_error)
PLAIN(b64url)
PLAIN(body)
PLAIN(claims)
PLAIN(ddb)
PLAIN(ddb_items)
PLAIN(http)
PLAIN(jwks)
PLAIN(msg_time)
PLAIN(signup)
PLAIN(trace_ctx)
PLAIN(utf8)

static int
run_bearer(void *ctx, const uint8_t *data, size_t size)
{
    return fz_bearer(ctx, data, size);
}

static int
bearer_setup(void **state)
{
    struct target *t = *state;

    t->ctx = fz_bearer_new();
    return 0;
}

static int
bearer_teardown(void **state)
{
    struct target *t = *state;

    jwt_verifier_free(t->ctx);
    t->ctx = NULL;
    return 0;
}

static int
run_stream(void *ctx, const uint8_t *data, size_t size)
{
    return fz_stream(ctx, data, size);
}

static int
stream_setup(void **state)
{
    struct target *t = *state;

    t->ctx = fz_stream_new();
    return 0;
}

static int
stream_teardown(void **state)
{
    struct target *t = *state;

    fz_stream_free(t->ctx);
    t->ctx = NULL;
    return 0;
}

static struct target targets[] = {
    { "aws_error", run_aws_error, NULL, NULL, NULL },
    { "b64url", run_b64url, NULL, NULL, NULL },
    { "bearer", run_bearer, NULL, bearer_setup, bearer_teardown },
    { "body", run_body, NULL, NULL, NULL },
    { "claims", run_claims, NULL, NULL, NULL },
    { "ddb", run_ddb, NULL, NULL, NULL },
    { "ddb_items", run_ddb_items, NULL, NULL, NULL },
    { "http", run_http, NULL, NULL, NULL },
    { "jwks", run_jwks, NULL, NULL, NULL },
    { "msg_time", run_msg_time, NULL, NULL, NULL },
    { "signup", run_signup, NULL, NULL, NULL },
    { "stream", run_stream, NULL, stream_setup, stream_teardown },
    { "trace_ctx", run_trace_ctx, NULL, NULL, NULL },
    { "utf8", run_utf8, NULL, NULL, NULL },
};
#define NTARGETS (sizeof(targets) / sizeof(targets[0]))

/* tests/fuzz/ of this checkout: $CRUDDUR_ROOT, or two levels above the
 * test binary (build/test_fuzz_regressions and the like). */
static void
fuzz_dir(char *out, size_t size)
{
    const char *root = getenv("CRUDDUR_ROOT");
    char exe[PATH_MAX];
    ssize_t n;

    if (root == NULL || root[0] == '\0') {
        n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
        assert_true(n > 0);
        exe[n] = '\0';
        root = dirname(dirname(exe));
    }
    snprintf(out, size, "%s/tests/fuzz", root);
}

static uint8_t *
read_all(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    uint8_t *data = NULL;
    long n;

    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    n = ftell(f);
    assert_true(n >= 0);
    rewind(f);
    data = malloc((size_t)n + 1);   /* + 1: malloc(0) may give NULL */
    assert_non_null(data);
    assert_int_equal(fread(data, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *size = (size_t)n;
    return data;
}

/* Runs t over every file of dir; the number of files run, -1 if no dir. */
static int
replay_dir(const struct target *t, const char *dir)
{
    char path[PATH_MAX];
    struct dirent *e;
    uint8_t *data;
    size_t size;
    DIR *d = opendir(dir);
    int n = 0;

    if (d == NULL)
        return -1;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        data = read_all(path, &size);
        if (t->run(t->ctx, data, size) != 0)
            fail_msg("%s: invariant broken by %s", t->name, path);
        free(data);
        n++;
    }
    closedir(d);
    return n;
}

static void
test_replay(void **state)
{
    const struct target *t = *state;
    char base[PATH_MAX], dir[PATH_MAX + 64];

    fuzz_dir(base, sizeof(base));
    snprintf(dir, sizeof(dir), "%s/corpus/%s", base, t->name);
    /* A target without seeds would pass here having tested nothing. */
    assert_true(replay_dir(t, dir) > 0);
    snprintf(dir, sizeof(dir), "%s/regressions/%s", base, t->name);
    (void)replay_dir(t, dir);
}

/* Every corpus or regression folder belongs to a target replayed here: a
 * new harness cannot be added without its replay. */
static void
test_all_replayed(void **state)
{
    static const char *const kinds[] = { "corpus", "regressions" };
    char base[PATH_MAX], dir[PATH_MAX + 64];
    struct dirent *e;
    size_t k, i;
    DIR *d;

    (void)state;
    fuzz_dir(base, sizeof(base));
    for (k = 0; k < 2; k++) {
        snprintf(dir, sizeof(dir), "%s/%s", base, kinds[k]);
        d = opendir(dir);
        if (d == NULL && k == 1)
            continue;
        assert_non_null(d);
        while ((e = readdir(d)) != NULL) {
            if (e->d_name[0] == '.')
                continue;
            for (i = 0; i < NTARGETS; i++)
                if (strcmp(targets[i].name, e->d_name) == 0)
                    break;
            if (i == NTARGETS)
                fail_msg("%s/%s has no replay", kinds[k], e->d_name);
        }
        closedir(d);
    }
}

int
main(void)
{
    struct CMUnitTest tests[NTARGETS + 1];
    size_t i;

    for (i = 0; i < NTARGETS; i++)
        tests[i] = (struct CMUnitTest){ targets[i].name, test_replay,
                                        targets[i].setup, targets[i].teardown,
                                        &targets[i] };
    tests[NTARGETS] = (struct CMUnitTest)cmocka_unit_test(test_all_replayed);

    return cmocka_run_group_tests(tests, NULL, NULL);
}
