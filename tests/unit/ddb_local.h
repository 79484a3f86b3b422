/* ddb_local.h - a DynamoDB Local of the test's own, for unit tests that
 * need the real thing (no mocks of our backends).
 *
 * ddb_local_start() runs the jar scripts/install put in
 * ${CRUDDUR_CACHE:-$HOME/.cache/cruddur}/emulator in memory on a free
 * port, points the AWS environment at it (AWS_ENDPOINT_URL, region, keys,
 * DDB_MESSAGES_TABLE) and creates the table with the project's own tool
 * (build/cruddur-aws ddb schema-load, next to the test binary). When java
 * or the jar is missing it says so and returns 1: the caller skips.
 * Header-only (static inline), like http_stub.h. */
#ifndef CRUDDUR_TEST_DDB_LOCAL_H
#define CRUDDUR_TEST_DDB_LOCAL_H

#include <arpa/inet.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct ddb_local {
    pid_t pid;
    int port;
    char dir[PATH_MAX];       /* the emulator folder */
    char tool[PATH_MAX + 16];  /* build/cruddur-aws */
};

/* A port nobody listens on right now. */
static inline int
ddb_local_free_port(void)
{
    struct sockaddr_in a;
    socklen_t alen = sizeof(a);
    int fd = socket(AF_INET, SOCK_STREAM, 0), port = -1;

    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
        getsockname(fd, (struct sockaddr *)&a, &alen) == 0)
        port = ntohs(a.sin_port);
    if (fd >= 0)
        close(fd);
    return port;
}

static inline int
ddb_local_answers(int port)
{
    struct sockaddr_in a;
    int fd = socket(AF_INET, SOCK_STREAM, 0), ok;

    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ok = fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0;
    if (fd >= 0)
        close(fd);
    return ok;
}

/* The folder of the running test binary (build/). */
static inline int
ddb_local_self_dir(char *out, size_t size)
{
    ssize_t n = readlink("/proc/self/exe", out, size - 1);
    char *slash;

    if (n <= 0)
        return -1;
    out[n] = '\0';
    if ((slash = strrchr(out, '/')) == NULL)
        return -1;
    *slash = '\0';
    return 0;
}

static inline int
ddb_local_have_java(void)
{
    return system("java -version >/dev/null 2>&1") == 0;
}

/* Runs `cruddur-aws ddb schema-load` against it. 0 on success. */
static inline int
ddb_local_schema(struct ddb_local *d)
{
    char cmd[PATH_MAX + 64];

    snprintf(cmd, sizeof(cmd), "'%s' ddb schema-load >/dev/null", d->tool);
    return system(cmd) == 0 ? 0 : -1;
}

/* 0: started; 1: java or the jar is absent (skip); -1: failed. */
static inline int
ddb_local_start(struct ddb_local *d, const char *table)
{
    const char *cache = getenv("CRUDDUR_CACHE"), *home = getenv("HOME");
    char jar[PATH_MAX + 32], lib[PATH_MAX + 64], port[16], url[64], self[PATH_MAX];
    struct stat st;
    int i;

    memset(d, 0, sizeof(*d));
    if (cache && cache[0])
        snprintf(d->dir, sizeof(d->dir), "%s/emulator", cache);
    else
        snprintf(d->dir, sizeof(d->dir), "%s/.cache/cruddur/emulator",
                 home ? home : "");
    snprintf(jar, sizeof(jar), "%s/DynamoDBLocal.jar", d->dir);
    if (stat(jar, &st) != 0 || !ddb_local_have_java()) {
        fprintf(stderr, "SKIP: no java or no %s (run scripts/install)\n", jar);
        return 1;
    }
    if (ddb_local_self_dir(self, sizeof(self)))
        return -1;
    snprintf(d->tool, sizeof(d->tool), "%s/cruddur-aws", self);
    if ((d->port = ddb_local_free_port()) < 0)
        return -1;
    snprintf(port, sizeof(port), "%d", d->port);
    snprintf(lib, sizeof(lib), "-Djava.library.path=%s/DynamoDBLocal_lib", d->dir);
    if ((d->pid = fork()) < 0)
        return -1;
    if (d->pid == 0) {
        int null = open("/dev/null", O_WRONLY);

        if (null >= 0) {
            dup2(null, 1);
            dup2(null, 2);
        }
        /* DynamoDB Local writes a metadata file into its working folder,
         * even in memory: keep it out of the checkout. */
        const char *tmp = getenv("TMPDIR");

        if (chdir(tmp && *tmp ? tmp : P_tmpdir) != 0)
            _exit(127);
        execlp("java", "java", lib, "-jar", jar, "-inMemory", "-port", port,
               "-disableTelemetry", (char *)NULL);
        _exit(127);
    }
    for (i = 0; i < 600 && !ddb_local_answers(d->port); i++)
        nanosleep(&(struct timespec){ 0, 100000000L }, NULL);
    snprintf(url, sizeof(url), "http://127.0.0.1:%d", d->port);
    setenv("AWS_ENDPOINT_URL", url, 1);
    setenv("AWS_DEFAULT_REGION", "us-east-1", 1);
    setenv("AWS_ACCESS_KEY_ID", "cruddurtest", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "cruddurtestsecret", 1);
    unsetenv("AWS_SESSION_TOKEN");
    setenv("DDB_MESSAGES_TABLE", table, 1);
    if (!ddb_local_answers(d->port) || ddb_local_schema(d)) {
        fprintf(stderr, "DynamoDB Local on port %d did not come up\n", d->port);
        return -1;
    }
    return 0;
}

static inline void
ddb_local_stop(struct ddb_local *d)
{
    if (d->pid > 0) {
        kill(d->pid, SIGTERM);
        waitpid(d->pid, NULL, 0);
    }
    d->pid = 0;
}

#endif
