/* test_lambda_runtime.c - the Lambda Runtime API client and loop against a
 * small HTTP server in the test that plays the Lambda service: events in,
 * responses and errors checked. The last tests run the real bootstrap
 * (build/bootstrap, or $LAMBDA_BOOTSTRAP: the zip's, unzipped) with an
 * environment holding only what Lambda sets. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <limits.h>
#include <signal.h>
#include <sys/wait.h>

#include <cmocka.h>
#include <curl/curl.h>
#include <jansson.h>

#include "aws/client/aws_client.h"
#include "aws/stream/lambda_runtime.h"
#include "aws/stream/stream_handler.h"
#include "aws/stream/stream_lambda.h"
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
    struct fake_req reqs[FAKE_MAX];
    int nreqs;
    pthread_mutex_t lock;
};

static void
fake_parse(struct fake_req *r, const char *raw)
{
    const char *body = strstr(raw, "\r\n\r\n");

    memset(r, 0, sizeof(*r));
    sscanf(raw, "%7s %159s", r->method, r->path);
    snprintf(r->body, sizeof(r->body), "%s", body ? body + 4 : "");
    if ((body = strcasestr(raw, "\r\nLambda-Runtime-Function-Error-Type: ")))
        sscanf(body + 38, "%63[^\r]", r->error_type);
}

static void
fake_answer(struct fake *f, int c, const struct fake_req *r)
{
    char head[512];
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
                         "Lambda-Runtime-Deadline-Ms: 1900000000000\r\n", i + 1);
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

static void *
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

static void
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

static void
fake_stop(struct fake *f)
{
    shutdown(f->fd, SHUT_RDWR);
    pthread_join(f->thread, NULL);
    close(f->fd);
    pthread_mutex_destroy(&f->lock);
}

static void
fake_api(const struct fake *f, char *out, size_t size)
{
    snprintf(out, size, "127.0.0.1:%d", f->port);
}

/* A REMOVE, a group row's INSERT (skipped) and a MSG# record whose image
 * is not a message (poisoned): only the last is reported, by its
 * sequence number. No DynamoDB call is needed for any of them. */
static const char batch_event[] =
    "{\"Records\":["
    "{\"eventID\":\"e1\",\"eventName\":\"REMOVE\",\"dynamodb\":{\"Keys\":"
    "{\"pk\":{\"S\":\"MSG#5c0a3e1b-8d2f-4e6a-9b71-2f4c8d9e0a13\"},"
    "\"sk\":{\"S\":\"2024-01-01T00:00:00.000000+00:00\"}},\"SequenceNumber\":\"100\"}},"
    "{\"eventID\":\"e2\",\"eventName\":\"INSERT\",\"dynamodb\":{\"Keys\":"
    "{\"pk\":{\"S\":\"GRP#5c0a3e1b-8d2f-4e6a-9b71-2f4c8d9e0a13\"},"
    "\"sk\":{\"S\":\"2024-01-01T00:00:00.000000+00:00\"}},\"SequenceNumber\":\"200\"}},"
    "{\"eventID\":\"e3\",\"eventName\":\"INSERT\",\"dynamodb\":{\"Keys\":"
    "{\"pk\":{\"S\":\"MSG#5c0a3e1b-8d2f-4e6a-9b71-2f4c8d9e0a13\"},"
    "\"sk\":{\"S\":\"2024-01-01T00:00:01.000000+00:00\"}},"
    "\"NewImage\":{\"pk\":{\"S\":\"MSG#5c0a3e1b-8d2f-4e6a-9b71-2f4c8d9e0a13\"}},"
    "\"SequenceNumber\":\"300\"}}]}";

static struct aws_client aws;

static void
assert_failures(const char *body, const char *only_id)
{
    json_t *j = json_loads(body, 0, NULL), *list;

    assert_non_null(j);
    list = json_object_get(j, "batchItemFailures");
    assert_true(json_is_array(list));
    if (only_id == NULL) {
        assert_int_equal(json_array_size(list), 0);
    } else {
        assert_int_equal(json_array_size(list), 1);
        assert_string_equal(json_string_value(json_object_get(
            json_array_get(list, 0), "itemIdentifier")), only_id);
    }
    json_decref(j);
}

static void
test_loop_answers(void **state)
{
    const char *events[] = { batch_event, "not json", "{\"foo\":1}",
                             "{\"Records\":[]}" };
    struct lambda_runtime rt;
    struct stream_handler h;
    struct fake f;
    char api[64];

    (void)state;
    fake_start(&f, events, 4);
    fake_api(&f, api, sizeof(api));
    assert_int_equal(lambda_runtime_init(&rt, api), CR_OK);
    stream_handler_init(&h, &aws, "cruddur-messages");
    assert_int_equal(lambda_runtime_run(&rt, stream_lambda_handle, &h, 4), CR_OK);
    lambda_runtime_free(&rt);
    fake_stop(&f);

    assert_int_equal(f.nreqs, 4);
    assert_string_equal(f.reqs[0].path,
                        "/2018-06-01/runtime/invocation/req-1/response");
    assert_failures(f.reqs[0].body, "300");
    assert_string_equal(f.reqs[1].path,
                        "/2018-06-01/runtime/invocation/req-2/error");
    assert_string_equal(f.reqs[1].error_type, "InvalidEvent");
    assert_non_null(strstr(f.reqs[1].body, "\"errorType\":\"InvalidEvent\""));
    assert_string_equal(f.reqs[2].path,
                        "/2018-06-01/runtime/invocation/req-3/error");
    assert_string_equal(f.reqs[3].path,
                        "/2018-06-01/runtime/invocation/req-4/response");
    assert_failures(f.reqs[3].body, NULL);
}

static void
test_init_error(void **state)
{
    struct lambda_runtime rt;
    struct fake f;
    char api[64];

    (void)state;
    fake_start(&f, NULL, 0);
    fake_api(&f, api, sizeof(api));
    assert_int_equal(lambda_runtime_init(&rt, api), CR_OK);
    assert_int_equal(lambda_runtime_init_error(&rt, "Runtime.ConfigError",
                                               "no region"), CR_OK);
    lambda_runtime_free(&rt);
    fake_stop(&f);
    assert_int_equal(f.nreqs, 1);
    assert_string_equal(f.reqs[0].path, "/2018-06-01/runtime/init/error");
    assert_string_equal(f.reqs[0].error_type, "Runtime.ConfigError");
    assert_non_null(strstr(f.reqs[0].body, "\"errorMessage\":\"no region\""));
}

/* An answer without a request id, and a service that is gone. */
static void
test_next_failures(void **state)
{
    const char *events[] = { "{\"Records\":[]}" };
    struct lambda_invocation inv;
    struct lambda_runtime rt;
    struct fake f;
    char api[64];

    (void)state;
    fake_start(&f, events, 1);
    f.give_id = 0;
    fake_api(&f, api, sizeof(api));
    assert_int_equal(lambda_runtime_init(&rt, api), CR_OK);
    lambda_invocation_init(&inv);
    assert_int_equal(lambda_runtime_next(&rt, &inv), CR_BACKEND);
    assert_int_equal(lambda_runtime_next(&rt, &inv), CR_BACKEND);  /* 500 */
    fake_stop(&f);
    assert_int_equal(lambda_runtime_next(&rt, &inv), CR_BACKEND);  /* closed */
    lambda_invocation_free(&inv);
    lambda_runtime_free(&rt);
    assert_int_equal(lambda_runtime_init(&rt, NULL), CR_INVALID);
    assert_int_equal(lambda_runtime_init(&rt, "no port"), CR_INVALID);
}

/* The bootstrap to run: $LAMBDA_BOOTSTRAP, else build/bootstrap. */
static void
bootstrap_path(char *out, size_t size)
{
    const char *env = getenv("LAMBDA_BOOTSTRAP");
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
    snprintf(out, size, "%s/bootstrap", self);
}

/* Runs the bootstrap with exactly envp (nothing inherited: env -i) and
 * waits (bounded) for it to exit; its exit status. */
static int
run_bootstrap(char *const envp[])
{
    char path[PATH_MAX + 16];
    pid_t pid;
    int st = -1, i;

    bootstrap_path(path, sizeof(path));
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

static void
test_bootstrap_binary(void **state)
{
    const char *events[] = { batch_event, "[1,2]" };
    char api[96], *envp[6];
    struct fake f;

    (void)state;
    fake_start(&f, events, 2);
    snprintf(api, sizeof(api), "AWS_LAMBDA_RUNTIME_API=127.0.0.1:%d", f.port);
    envp[0] = api;
    envp[1] = "AWS_REGION=eu-west-1";
    envp[2] = "AWS_ACCESS_KEY_ID=ASIATEST";
    envp[3] = "AWS_SECRET_ACCESS_KEY=secret";
    envp[4] = "AWS_SESSION_TOKEN=token";
    envp[5] = NULL;
    /* Two events, then "next" fails: the bootstrap gives up and exits. */
    assert_int_equal(run_bootstrap(envp), 1);
    fake_stop(&f);
    assert_int_equal(f.nreqs, 2);
    assert_string_equal(f.reqs[0].path,
                        "/2018-06-01/runtime/invocation/req-1/response");
    assert_failures(f.reqs[0].body, "300");
    assert_string_equal(f.reqs[1].path,
                        "/2018-06-01/runtime/invocation/req-2/error");
}

static void
test_bootstrap_init_error(void **state)
{
    char api[96], *envp[2];
    struct fake f;

    (void)state;
    fake_start(&f, NULL, 0);
    snprintf(api, sizeof(api), "AWS_LAMBDA_RUNTIME_API=127.0.0.1:%d", f.port);
    envp[0] = api;     /* no region, no credentials */
    envp[1] = NULL;
    assert_int_equal(run_bootstrap(envp), 1);
    fake_stop(&f);
    assert_int_equal(f.nreqs, 1);
    assert_string_equal(f.reqs[0].path, "/2018-06-01/runtime/init/error");
    assert_string_equal(f.reqs[0].error_type, "Runtime.ConfigError");
}

static int
setup(void **state)
{
    struct aws_env env;

    (void)state;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    setenv("AWS_DEFAULT_REGION", "us-east-1", 1);
    setenv("AWS_ACCESS_KEY_ID", "x", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "y", 1);
    if (aws_env_load(&env, 1) || aws_client_init(&aws, &env))
        return -1;
    return 0;
}

static int
teardown(void **state)
{
    (void)state;
    aws_client_free(&aws);
    curl_global_cleanup();
    return 0;
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_loop_answers),
        cmocka_unit_test(test_init_error),
        cmocka_unit_test(test_next_failures),
        cmocka_unit_test(test_bootstrap_binary),
        cmocka_unit_test(test_bootstrap_init_error),
    };

    signal(SIGPIPE, SIG_IGN);
    return cmocka_run_group_tests(tests, setup, teardown);
}
