/* lambda_fake.h - the Lambda service's Runtime API, played by a small HTTP
 * server in a test thread: it hands out canned events, then answers "next"
 * with 500 (give_id 0: a 200 without a request id), and keeps every POST
 * (responses, errors) for the test to check. run_bootstrap() runs a
 * function's program with an environment of its own, as Lambda does.
 * Header-only (static inline) so each test that needs it includes it. */
#ifndef CRUDDUR_TEST_LAMBDA_FAKE_H
#define CRUDDUR_TEST_LAMBDA_FAKE_H

#include <limits.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>

#include "tests/unit/http_stub.h"

#define FAKE_MAX 16

struct fake_req {
    char method[8];
    char path[160];
    char error_type[64];     /* Lambda-Runtime-Function-Error-Type */
    char body[4096];
};

/* The Lambda service: hands out events, then answers "next" with 500
 * (give_id 0: a 200 without a request id); keeps every request. */
struct fake {
    int fd, port;
    pthread_t thread;
    const char *events[FAKE_MAX];
    int nevents, next, give_id;
    const char *head;        /* more headers with each event ("X: y\r\n") */
    struct fake_req reqs[FAKE_MAX];
    int nreqs;
    pthread_mutex_t lock;
};

static inline void
fake_parse(struct fake_req *r, const char *raw)
{
    const char *body = strstr(raw, "\r\n\r\n");

    memset(r, 0, sizeof(*r));
    sscanf(raw, "%7s %159s", r->method, r->path);
    snprintf(r->body, sizeof(r->body), "%s", body ? body + 4 : "");
    if ((body = strcasestr(raw, "\r\nLambda-Runtime-Function-Error-Type: ")))
        sscanf(body + 38, "%63[^\r]", r->error_type);
}

static inline void
fake_answer(struct fake *f, int c, const struct fake_req *r)
{
    char head[1024];
    const char *body = "{\"status\":\"OK\"}";
    int status = 202, n, i;

    head[0] = '\0';
    if (strcmp(r->path, "/2018-06-01/runtime/invocation/next") == 0) {
        if (f->next < f->nevents) {
            i = f->next++;
            body = f->events[i];
            status = 200;
            if (f->give_id)
                snprintf(head, sizeof(head),
                         "Lambda-Runtime-Aws-Request-Id: req-%d\r\n"
                         "Lambda-Runtime-Deadline-Ms: 1900000000000\r\n%s",
                         i + 1, f->head ? f->head : "");
        } else {
            status = 500;
            body = "{}";
        }
    }
    n = snprintf(head + strlen(head), sizeof(head) - strlen(head),
                 "Content-Length: %zu\r\nConnection: close\r\n\r\n", strlen(body));
    (void)n;
    dprintf(c, "HTTP/1.1 %d X\r\nContent-Type: application/json\r\n%s%s",
            status, head, body);
}

static inline void *
fake_main(void *arg)
{
    struct fake *f = arg;
    char raw[STUB_REQ_SIZE];
    struct fake_req r;
    int c;

    while ((c = accept(f->fd, NULL, NULL)) >= 0) {
        stub_read_request(c, raw, sizeof(raw));
        fake_parse(&r, raw);
        pthread_mutex_lock(&f->lock);
        if (f->nreqs < FAKE_MAX && strcmp(r.method, "POST") == 0)
            f->reqs[f->nreqs++] = r;
        fake_answer(f, c, &r);
        pthread_mutex_unlock(&f->lock);
        close(c);
    }
    return NULL;
}

static inline void
fake_start(struct fake *f, const char **events, int n)
{
    struct sockaddr_in a;
    socklen_t alen = sizeof(a);

    memset(f, 0, sizeof(*f));
    if (n > 0)
        memcpy(f->events, events, (size_t)n * sizeof(*events));
    f->nevents = n;
    f->give_id = 1;
    pthread_mutex_init(&f->lock, NULL);
    f->fd = socket(AF_INET, SOCK_STREAM, 0);
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(f->fd, (struct sockaddr *)&a, sizeof(a)), 0);
    assert_int_equal(listen(f->fd, 16), 0);
    assert_int_equal(getsockname(f->fd, (struct sockaddr *)&a, &alen), 0);
    f->port = ntohs(a.sin_port);
    assert_int_equal(pthread_create(&f->thread, NULL, fake_main, f), 0);
}

/* Headers (each ending "\r\n") sent with every event from now on. */
static inline void
fake_set_head(struct fake *f, const char *head)
{
    pthread_mutex_lock(&f->lock);
    f->head = head;
    pthread_mutex_unlock(&f->lock);
}

static inline void
fake_stop(struct fake *f)
{
    shutdown(f->fd, SHUT_RDWR);
    pthread_join(f->thread, NULL);
    close(f->fd);
    pthread_mutex_destroy(&f->lock);
}

static inline void
fake_api(const struct fake *f, char *out, size_t size)
{
    snprintf(out, size, "127.0.0.1:%d", f->port);
}

/* The program to run: $<var>, else build/<name> (beside the test). */
static inline void
bootstrap_path(const char *var, const char *name, char *out, size_t size)
{
    const char *env = getenv(var);
    char self[PATH_MAX], *slash;
    ssize_t n;

    if (env && env[0]) {
        snprintf(out, size, "%s", env);
        return;
    }
    n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    assert_true(n > 0);
    self[n] = '\0';
    slash = strrchr(self, '/');
    assert_non_null(slash);
    *slash = '\0';
    snprintf(out, size, "%s/%s", self, name);
}

/* Runs that program (see bootstrap_path) with exactly envp (nothing
 * inherited: env -i) and waits (bounded) for it to exit; its exit status. */
static inline int
run_bootstrap(const char *var, const char *name, char *const envp[])
{
    char path[2 * PATH_MAX];
    pid_t pid;
    int st = -1, i;

    bootstrap_path(var, name, path, sizeof(path));
    assert_int_equal(access(path, X_OK), 0);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        execve(path, (char *[]){ path, NULL }, envp);
        _exit(127);
    }
    for (i = 0; i < 200; i++) {
        if (waitpid(pid, &st, WNOHANG) == pid)
            return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
        nanosleep(&(struct timespec){ 0, 50000000L }, NULL);
    }
    kill(pid, SIGKILL);
    waitpid(pid, &st, 0);
    fail_msg("bootstrap did not exit when the Runtime API went away");
    return -1;
}

/* The service got exactly one request: an init error of type whose body
 * holds part. */
static inline void
fake_assert_init_error(const struct fake *f, const char *type,
                       const char *part)
{
    assert_int_equal(f->nreqs, 1);
    assert_string_equal(f->reqs[0].path, "/2018-06-01/runtime/init/error");
    assert_string_equal(f->reqs[0].error_type, type);
    assert_non_null(strstr(f->reqs[0].body, part));
}

/* Runs the program of var/name (see bootstrap_path) against a new stand-in
 * service handing out events[0..n), with AWS_LAMBDA_RUNTIME_API and the
 * NULL-terminated extra variables as its whole environment, and waits for
 * it to give up when the events run out. f then holds what it posted. */
static inline void
fake_run_program(struct fake *f, const char *var, const char *name,
                 const char **events, int n, const char *const *extra)
{
    char api[96], *envp[8];
    int i = 0;

    fake_start(f, events, n);
    snprintf(api, sizeof(api), "AWS_LAMBDA_RUNTIME_API=127.0.0.1:%d", f->port);
    envp[i++] = api;
    while (extra && *extra && i < 7)
        envp[i++] = (char *)*extra++;
    envp[i] = NULL;
    assert_int_equal(run_bootstrap(var, name, envp), 1);
    fake_stop(f);
}

#endif
