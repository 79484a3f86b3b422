/* fz_stream.h - a DynamoDB Streams batch through the stream processor's
 * Lambda entry (stream_lambda_handle): the event, its records, their keys
 * and new images, and the partial-batch answer.
 *
 * The client's DynamoDB endpoint uses a scheme libcurl may not speak
 * (httpc allows http and https only) and makes one try, so a record that
 * gets as far as querying its group rows fails at once, offline, and is
 * reported as a failed item -- which exercises the answer too. */
#ifndef CRUDDUR_FZ_STREAM_H
#define CRUDDUR_FZ_STREAM_H

#include <jansson.h>

#include "aws/client/aws_client.h"
#include "aws/stream/stream_handler.h"
#include "aws/stream/stream_lambda.h"
#include "tests/fuzz/fz.h"

struct fz_stream {
    struct aws_client aws;
    struct stream_handler h;
};

static inline struct fz_stream *
fz_stream_new(void)
{
    struct fz_stream *s = calloc(1, sizeof(*s));
    struct aws_env env;

    memset(&env, 0, sizeof(env));
    strcpy(env.region, "us-east-1");
    strcpy(env.ddb_endpoint, "fuzz://offline");
    strcpy(env.streams_endpoint, "fuzz://offline");
    strcpy(env.cognito_endpoint, "fuzz://offline");
    strcpy(env.table, "cruddur-messages");
    /* Static keys: nothing fetches credentials either. */
    setenv("AWS_ACCESS_KEY_ID", "fuzz", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "fuzz", 1);
    if (s == NULL || aws_client_init(&s->aws, &env) != CR_OK)
        abort();
    s->aws.max_tries = 1;
    stream_handler_init(&s->h, &s->aws, s->aws.env.table);
    s->h.max_rounds = 1;
    return s;
}

static inline void
fz_stream_free(struct fz_stream *s)
{
    aws_client_free(&s->aws);
    free(s);
}

/* The answer is {"batchItemFailures": [{"itemIdentifier": "..."}...]}
 * with no more failures than records. */
static inline int
fz_stream_answer(const char *answer, const uint8_t *data, size_t size)
{
    json_t *a = json_loads(answer, 0, NULL), *ev, *list, *one;
    size_t i, nrec;
    int bad = 0;

    ev = json_loadb((const char *)data, size, JSON_ALLOW_NUL, NULL);
    nrec = json_array_size(json_object_get(ev, "Records"));
    list = json_object_get(a, "batchItemFailures");
    if (!json_is_array(list) || json_array_size(list) > nrec)
        bad = FZ_BROKEN;
    json_array_foreach(list, i, one) {
        if (!json_is_string(json_object_get(one, "itemIdentifier")))
            bad = FZ_BROKEN;
    }
    json_decref(ev);
    json_decref(a);
    return bad;
}

static inline int
fz_stream(struct fz_stream *s, const uint8_t *data, size_t size)
{
    const char *error_type = NULL;
    char *answer = NULL;
    cr_code rc;
    int bad = 0;

    rc = stream_lambda_handle(&s->h, (const char *)data, size, &answer,
                              &error_type);
    if (rc == CR_OK)
        bad = answer == NULL ? FZ_BROKEN : fz_stream_answer(answer, data,
                                                            size);
    else if (answer != NULL ||
             (rc == CR_INVALID && (error_type == NULL ||
                                   strcmp(error_type, "InvalidEvent") != 0)))
        bad = FZ_BROKEN;
    free(answer);
    return bad;
}

#endif
