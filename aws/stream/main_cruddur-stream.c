/* main_cruddur-stream.c - the stream processor as a local daemon: follows
 * the messages table's stream on DynamoDB Local and moves the group rows
 * (stream_poller.h). Configuration is the worker's environment
 * (AWS_ENDPOINT_URL, AWS_DEFAULT_REGION, the keys, DDB_MESSAGES_TABLE) and
 * CRUDDUR_STATE, the folder of its checkpoint file. SIGTERM or SIGINT: it
 * finishes the batch at hand and exits 0. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <curl/curl.h>

#include "app/core/env.h"
#include "app/core/log.h"
#include "aws/client/aws_client.h"
#include "aws/stream/stream_poller.h"
#include "aws/stream/stream_trace.h"

/* The one thing a signal handler may touch. */
static volatile sig_atomic_t stream_stop;

static void
stream_on_signal(int sig)
{
    (void)sig;
    stream_stop = 1;
}

static int
stream_signals(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = stream_on_signal;
    sigemptyset(&sa.sa_mask);
    return sigaction(SIGTERM, &sa, NULL) || sigaction(SIGINT, &sa, NULL);
}

int
main(void)
{
    const char *state = env_get("CRUDDUR_STATE");
    struct aws_client aws;
    struct aws_env env;
    struct stream_poller p;
    struct stream_trace *trace = NULL;
    struct stat st;
    int rc = 1;

    if (state == NULL || stat(state, &st) || !S_ISDIR(st.st_mode)) {
        log_line("config: CRUDDUR_STATE %s", state ? "is not a folder"
                                                   : "is not set");
        return 1;
    }
    if (stream_signals() || curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return 1;
    /* The worker's OTEL_* variables: no endpoint, no tracer. */
    if (stream_trace_new(&trace))
        goto out_curl;
    if (aws_env_load(&env, 0)) {
        log_line("config: %s", env.error);
        goto out_curl;
    }
    if (aws_client_init(&aws, &env)) {
        log_line("config: %s", aws.creds.error);
        goto out_curl;
    }
    if (stream_poller_init(&p, &aws, state, &stream_stop) == CR_OK) {
        p.handler.trace = trace;
        log_line("stream: polling table %s at %s", env.table,
                 env.streams_endpoint);
        stream_poller_run(&p);
        log_line("stream: stopped (%zu group rows moved)", p.handler.moved);
        rc = 0;
    }
    stream_poller_free(&p);
    aws_client_free(&aws);
out_curl:
    stream_trace_free(trace);     /* one last export of what is queued */
    curl_global_cleanup();
    return rc;
}
