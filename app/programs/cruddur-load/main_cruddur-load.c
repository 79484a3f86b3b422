/* main_cruddur-load.c - the backend ceiling for scripts/bench.
 *
 * Issues the same PostgreSQL queries and DynamoDB calls a route makes,
 * straight from the project's own clients (db_run, aws_call) with no HTTP
 * and no FastCGI in front, from N threads at once, each with its own
 * connection and curl handle, for a fixed time. The route's throughput as
 * a fraction of this one is how close the worker gets to its backend.
 *
 *   cruddur-load [-c THREADS] [-d SECONDS] [-w USEC] [-u HANDLE] [-g GROUP] MODE
 *
 * -w makes each thread pause USEC microseconds between requests (not
 * timed): it shows what a backend costs when its calls come spaced out, as
 * they do behind an HTTP hop, rather than back to back.
 *
 * prints one line: mode=.. threads=.. requests=.. duration_us=.. rps=..
 * p50_us=.. p99_us=.. errors=.. cpu_us=.., the last the process's own CPU
 * (user + system) while the threads ran: what the client code of the
 * route costs a call, with no HTTP hop around it. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "app/context/config.h"
#include "app/core/log.h"
#include "app/core/uuid.h"
#include "app/db/activity_json.h"
#include "app/db/db.h"
#include "app/db/users.h"
#include "aws/client/aws_client.h"
#include "aws/messages/msg_req.h"
#include "aws/messages/msg_store.h"

#define LOAD_MAX_THREADS 256

/* What one thread needs; everything it makes it owns. */
struct load_ctx {
    const struct config *cfg;
    const char *mode;
    const char *group_uuid;
    const struct user *caller;
    double seconds;
    long pause_us;
    struct db *db;
    struct aws_client aws;
    struct aws_error err;       /* the last DynamoDB failure */
    long *lat_us;               /* one latency per request */
    size_t n, cap;
    long errors;
    cr_code setup_rc;
};

static double
load_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- one request of each kind, as the route makes it ---- */

static cr_code
load_pg_text(struct load_ctx *x, enum db_query q, int n, const char *const *p)
{
    char *text = NULL;
    cr_code rc = db_fetch_text(x->db, q, n, p, &text);

    free(text);
    return rc;
}

/* The home feed as the route makes it: its rows, written as JSON. */
static cr_code
load_pg_home(struct load_ctx *x)
{
    struct buf b;
    PGresult *r;
    cr_code rc = db_run(x->db, DBQ_home_activities, 0, NULL, &r);

    if (rc)
        return rc;
    buf_init(&b, 0);
    rc = activity_json_array(r, 0, &b, NULL);
    buf_free(&b);
    PQclear(r);
    return rc;
}

/* One DynamoDB call, as the route makes it (req borrowed). */
static cr_code
load_ddb(struct load_ctx *x, const char *target, json_t *req)
{
    json_t *resp = NULL;
    cr_code rc = msg_store_call(&x->aws, target, req, &resp, &x->err);

    json_decref(resp);
    return rc;
}

static cr_code
load_skip_item(void *arg, const struct ddb_attr *attrs)
{
    (void)arg;
    (void)attrs;
    return CR_OK;
}

/* A list's answer read as the routes read it: one pass, no tree. */
static cr_code
load_list_answer(void *arg, char *text, size_t len, struct aws_error *err)
{
    (void)arg;
    (void)err;
    return ddb_items_read(text, len, msg_message_attrs, MSG_ATTR_COUNT,
                          load_skip_item, NULL, NULL, NULL);
}

/* The Query of a list mode (ddb-message-groups, ddb-messages), as the
 * route sends it; *req NULL for the other modes. */
static cr_code
load_list_request(struct load_ctx *x, json_t **req)
{
    *req = NULL;
    if (strcmp(x->mode, "ddb-message-groups") == 0)
        return msg_req_list_groups(x->cfg->aws.table, x->caller->uuid, 20,
                                   req);
    /* GET /api/messages/G and POST /api/messages check first that the
     * caller is in the group, but a worker remembers that yes for a minute
     * (services/message_participant.c): a client reading or writing one
     * conversation again and again, as the benchmark does, costs the route
     * the one call below. */
    if (strcmp(x->mode, "ddb-messages") == 0)
        return msg_req_list_messages(x->cfg->aws.table, x->group_uuid, 20,
                                     NULL, req);
    return CR_OK;
}

/* -p: the list mode's request as our client sends it (its headers, a
 * blank line, the body), for a ceiling that replays it without our code.
 * libcurl computes the signature as it sends, so the printed
 * Authorization has the real one's shape (key, scope, signed headers)
 * and a signature of zeros: DynamoDB Local checks none, and a replayed
 * request could not be re-signed per request anyway. */
static void
load_print_authorization(const struct aws_client *aws,
                         const struct curl_slist *h)
{
    const char *date = "19700101";
    size_t key = strcspn(aws->creds.userpwd, ":");

    for (; h; h = h->next)
        if (strncmp(h->data, "X-Amz-Date: ", 12) == 0)
            date = h->data + 12;
    printf("Authorization: AWS4-HMAC-SHA256 Credential=%.*s/%.8s/%s/dynamodb/"
           "aws4_request, SignedHeaders=content-type;host;x-amz-date;"
           "x-amz-target, Signature=%064d\n",
           (int)key, aws->creds.userpwd, date, aws->env.region, 0);
}

static int
load_print_request(struct load_ctx *x)
{
    struct curl_slist *h = NULL, *l;
    json_t *req = NULL;
    char *body = NULL;
    int ret = 1;

    if (load_list_request(x, &req) || req == NULL ||
        (body = json_dumps(req, JSON_COMPACT)) == NULL ||
        aws_request_headers(&x->aws, AWS_DYNAMODB, "Query", body, &h))
        goto out;
    for (l = h; l; l = l->next)
        printf("%s\n", l->data);
    load_print_authorization(&x->aws, h);
    printf("\n%s\n", body);
    ret = 0;
out:
    curl_slist_free_all(h);
    free(body);
    json_decref(req);
    return ret;
}

static cr_code
load_put_message(struct load_ctx *x)
{
    struct msg_row m;
    json_t *q = NULL;
    cr_code rc;

    if ((rc = msg_row_new(&m, x->group_uuid, x->caller, "bench",
                          msg_time_now())) ||
        (rc = msg_req_put_message(x->cfg->aws.table, &m, &q)))
        return rc;
    rc = load_ddb(x, "PutItem", q);
    json_decref(q);
    /* Two threads in one microsecond: the route retries, so do we. */
    return rc == CR_CONFLICT ? CR_OK : rc;
}

static cr_code
load_one(struct load_ctx *x)
{
    const char *act[3] = { x->caller->uuid, "bench", "1 hour" };
    json_t *q = NULL;
    cr_code rc;

    if (strcmp(x->mode, "pg-home") == 0)
        return load_pg_home(x);
    if (strcmp(x->mode, "pg-create-activity") == 0)
        return load_pg_text(x, DBQ_create_activity, 3, act);
    if ((rc = load_list_request(x, &q)) || q == NULL)
        return rc ? rc : load_put_message(x);
    rc = msg_store_read(&x->aws, "Query", q, load_list_answer, NULL, &x->err);
    json_decref(q);
    return rc;
}

static int
load_mode_known(const char *mode)
{
    static const char *const modes[] = {
        "pg-home", "pg-create-activity", "ddb-message-groups",
        "ddb-messages", "ddb-create-message",
    };
    size_t i;

    for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
        if (strcmp(mode, modes[i]) == 0)
            return 1;
    }
    return 0;
}

/* ---- threads ---- */

static cr_code
load_record(struct load_ctx *x, long us)
{
    long *grown;

    if (x->n == x->cap) {
        x->cap = x->cap ? x->cap * 2 : 4096;
        grown = realloc(x->lat_us, x->cap * sizeof(*grown));
        if (grown == NULL)
            return CR_NOMEM;
        x->lat_us = grown;
    }
    x->lat_us[x->n++] = us;
    return CR_OK;
}

static void *
load_thread(void *arg)
{
    struct load_ctx *x = arg;
    double end, t0, t1;

    end = load_now() + x->seconds;
    for (t0 = load_now(); t0 < end; t0 = t1) {
        if (x->pause_us > 0) {
            usleep((useconds_t)x->pause_us);
            t0 = load_now();
        }
        if (load_one(x))
            x->errors++;
        t1 = load_now();
        if ((x->setup_rc = load_record(x, (long)((t1 - t0) * 1e6))))
            return NULL;
    }
    return NULL;
}

/* The CPU this process has used so far, user and system, in us. */
static long
load_cpu_us(void)
{
    struct rusage ru;

    if (getrusage(RUSAGE_SELF, &ru) != 0)
        return 0;
    return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000L +
           ru.ru_utime.tv_usec + ru.ru_stime.tv_usec;
}

static int
load_cmp(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;

    return (x > y) - (x < y);
}

/* The caller as the worker knows it: the user row of a seed handle. */
static cr_code
load_caller(const struct config *cfg, const char *handle, struct user *u)
{
    struct db *db = NULL;
    cr_code rc;

    if ((rc = db_new(&db, cfg->connection_url)) == CR_OK)
        rc = users_by_handle(db, handle, u);
    db_free(db);
    return rc;
}

/* Merges every thread's latencies and prints the one result line. */
static int
load_report(struct load_ctx *ctx, int threads, const char *mode,
            double seconds, long cpu_us)
{
    size_t total = 0, k = 0;
    long errors = 0, *all;
    int i;

    for (i = 0; i < threads; i++) {
        total += ctx[i].n;
        errors += ctx[i].errors;
    }
    all = malloc((total ? total : 1) * sizeof(*all));
    if (all == NULL)
        return 1;
    for (i = 0; i < threads; i++) {
        memcpy(all + k, ctx[i].lat_us, ctx[i].n * sizeof(*all));
        k += ctx[i].n;
    }
    qsort(all, total, sizeof(*all), load_cmp);
    printf("mode=%s threads=%d requests=%zu duration_us=%.0f rps=%.1f "
           "p50_us=%ld p99_us=%ld errors=%ld cpu_us=%ld\n", mode, threads,
           total, seconds * 1e6, (double)total / seconds,
           total ? all[total / 2] : 0L, total ? all[(total * 99) / 100] : 0L,
           errors, cpu_us);
    free(all);
    return 0;
}

static int
load_usage(void)
{
    fputs("usage: cruddur-load [-c THREADS] [-d SECONDS] [-w USEC] [-u HANDLE] "
          "[-g GROUP_UUID] [-p] MODE\n"
          "-p: print the list MODE's request as sent (signed headers, a "
          "blank line, the body) and exit\n"
          "MODE: pg-home pg-create-activity ddb-message-groups ddb-messages "
          "ddb-create-message\n", stderr);
    return 2;
}

static int
load_run(const struct config *cfg, const struct user *caller,
         const char *group, const char *mode, int threads, double seconds,
         long pause_us)
{
    struct load_ctx *ctx = calloc((size_t)threads, sizeof(*ctx));
    pthread_t *tid = calloc((size_t)threads, sizeof(*tid));
    char why[AWS_ERR_TARGET_SIZE + AWS_ERR_TYPE_SIZE + 64];
    int i, started = 0, ret = 1;
    long cpu0 = 0;

    if (ctx == NULL || tid == NULL)
        goto out;
    for (i = 0; i < threads; i++) {
        ctx[i] = (struct load_ctx){ .cfg = cfg, .mode = mode,
                                    .group_uuid = group, .caller = caller,
                                    .seconds = seconds,
                                    .pause_us = pause_us };
        if (db_new(&ctx[i].db, cfg->connection_url))
            goto out;
        if (aws_client_init(&ctx[i].aws, &cfg->aws)) {
            log_line("load: %s", ctx[i].aws.creds.error);
            goto out;
        }
    }
    /* Connections are made one after the other before the clock starts,
     * as a worker's are: 64 at once can overrun a busy server's connect
     * timeout, and connecting is not what is measured. */
    for (i = 0; i < threads; i++) {
        if ((ctx[i].setup_rc = load_one(&ctx[i])) &&
            (ctx[i].setup_rc = load_one(&ctx[i]))) {
            log_line("load: connection %d: %s %s", i,
                     cr_strerror(ctx[i].setup_rc),
                     aws_error_describe(&ctx[i].err, why, sizeof(why)));
            goto out;
        }
    }
    cpu0 = load_cpu_us();
    for (; started < threads; started++) {
        if (pthread_create(&tid[started], NULL, load_thread, &ctx[started]))
            goto out;
    }
    ret = 0;
out:
    for (i = 0; i < started; i++)
        pthread_join(tid[i], NULL);
    for (i = 0; i < started; i++) {
        if (ctx[i].setup_rc) {
            log_line("load: thread %d: %s", i, cr_strerror(ctx[i].setup_rc));
            ret = 1;
        }
    }
    if (ret == 0)
        ret = load_report(ctx, threads, mode, seconds, load_cpu_us() - cpu0);
    for (i = 0; ctx && i < threads; i++) {
        db_free(ctx[i].db);
        aws_client_free(&ctx[i].aws);
        free(ctx[i].lat_us);
    }
    free(ctx);
    free(tid);
    return ret;
}

static int
load_print(const struct config *cfg, const struct user *caller,
           const char *group, const char *mode)
{
    struct load_ctx x = { .cfg = cfg, .mode = mode, .group_uuid = group,
                          .caller = caller };
    int ret;

    if (aws_client_init(&x.aws, &cfg->aws))
        return 1;
    ret = load_print_request(&x);
    aws_client_free(&x.aws);
    return ret;
}

int
main(int argc, char **argv)
{
    const char *handle = "andrewbrown";
    const char *group = "5c0a3e1b-8d2f-4e6a-9b71-2f4c8d9e0a13";
    struct config cfg;
    struct user caller;
    double seconds = 10;
    long pause_us = 0;
    int opt, threads = 1, ret, print = 0;

    while ((opt = getopt(argc, argv, "c:d:w:u:g:p")) != -1) {
        switch (opt) {
        case 'c': threads = atoi(optarg); break;
        case 'd': seconds = atof(optarg); break;
        case 'w': pause_us = atol(optarg); break;
        case 'u': handle = optarg; break;
        case 'g': group = optarg; break;
        case 'p': print = 1; break;
        default: return load_usage();
        }
    }
    if (optind != argc - 1 || !load_mode_known(argv[optind]) ||
        threads < 1 || threads > LOAD_MAX_THREADS || !(seconds > 0) ||
        pause_us < 0 || pause_us > 1000000 ||
        !uuid_valid(group))
        return load_usage();
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return 1;
    ret = 1;
    if (config_load(&cfg) != CR_OK)
        goto out;
    if (load_caller(&cfg, handle, &caller) != CR_OK) {
        log_line("load: no user %s in PostgreSQL", handle);
        goto out;
    }
    if (print)
        ret = load_print(&cfg, &caller, group, argv[optind]);
    else
        ret = load_run(&cfg, &caller, group, argv[optind], threads, seconds,
                       pause_us);
out:
    curl_global_cleanup();
    return ret;
}
