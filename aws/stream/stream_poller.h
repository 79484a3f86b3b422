/* stream_poller.h - the local poller: follows the messages table's stream
 * on DynamoDB Local (ListStreams, DescribeStream, GetShardIterator,
 * GetRecords) and feeds each batch to the stream handler.
 *
 * Shards are picked up as they appear and dropped once closed and drained.
 * Each shard resumes after its checkpoint (stream_ckpt.h), else at the trim
 * horizon. A batch with a failed record is saved up to the record before
 * it (and says so) and read again from there after a backoff; the
 * checkpoint never passes a record that was neither applied nor given up.
 * A malformed record is given up after a few tries, logged. An answer
 * jansson cannot read at all (a lone surrogate DynamoDB Local kept) is
 * read again one record at a time, so its record fails alone and is given
 * up the same way. Any stream error (DynamoDB Local restarted, the table
 * dropped) forgets the shards and starts over from ListStreams after a
 * backoff. */
#ifndef CRUDDUR_STREAM_POLLER_H
#define CRUDDUR_STREAM_POLLER_H

#include <signal.h>
#include <stddef.h>

#include "app/core/err.h"
#include "aws/client/aws_client.h"
#include "aws/stream/stream_ckpt.h"
#include "aws/stream/stream_handler.h"

struct poll_shard {
    char *id;
    char *iterator;        /* NULL: get one from the checkpoint */
    int closed_done;       /* closed and drained: left alone */
    long backoff_ms;       /* after a failed record; 0 when none */
    long long retry_at_ms; /* not read again before this time */
    char *fail_seq;        /* the record that failed last, and how often */
    int fail_count;
    int one_by_one;        /* an answer was unreadable: Limit 1 until the
                            * record it held is given up (or none is
                            * left to read) */
};

struct stream_poller {
    struct aws_client *aws;           /* not owned */
    struct stream_handler handler;
    struct stream_ckpt ckpt;          /* owned */
    char *stream_arn;                 /* NULL: ListStreams first */
    struct poll_shard *shards;
    size_t nshards;
    long long described_ms;           /* last DescribeStream */
    long idle_ms;                     /* current idle wait: 100 .. 1000 */
    volatile sig_atomic_t *stop;      /* set by SIGTERM/SIGINT */
    struct aws_error err;             /* the last Streams call's failure */
};

/* state_dir holds the checkpoint file (NULL: memory only). */
cr_code stream_poller_init(struct stream_poller *p, struct aws_client *aws,
                           const char *state_dir, volatile sig_atomic_t *stop);
void stream_poller_free(struct stream_poller *p);

/* One pass over every shard. *records counts the records read. A stream
 * error drops the stream state (the next pass starts with ListStreams);
 * p->err holds its detail when it was a failed call. */
cr_code stream_poller_pass(struct stream_poller *p, size_t *records);

/* Passes until *stop, waiting between idle passes and after errors (each
 * logged once, here). */
void stream_poller_run(struct stream_poller *p);

#endif
