/* stream_ckpt.h - the local poller's checkpoints: per shard, the sequence
 * number of the last record it applied, for one stream ARN.
 *
 * Kept in <state>/stream-checkpoints.json and rewritten atomically (a
 * temporary file, fsync, rename) after each applied batch, so a poller
 * killed at any moment restarts after the last batch it saved: nothing is
 * skipped, and what is replayed is at most one batch, which the handler
 * makes harmless (moves are monotone). Nothing here logs: after each call
 * c->detail holds what the caller should tell (a failure's cause, or a
 * file or stream left behind), "" when nothing. */
#ifndef CRUDDUR_STREAM_CKPT_H
#define CRUDDUR_STREAM_CKPT_H

#include <jansson.h>

#include "app/core/err.h"

#define STREAM_CKPT_DETAIL_SIZE 320

struct stream_ckpt {
    char *path;          /* the file; NULL: kept in memory only */
    char *stream_arn;    /* the stream the shards belong to, or NULL */
    json_t *shards;      /* {"shardId": "sequence number", ...} */
    char detail[STREAM_CKPT_DETAIL_SIZE]; /* the last call's news, or "" */
};

/* Reads dir/stream-checkpoints.json if it exists (dir NULL: memory only).
 * A file that does not parse is ignored, said in c->detail (start from the
 * trim horizon: replays, never skips). CR_NOMEM. */
cr_code stream_ckpt_load(struct stream_ckpt *c, const char *dir);
void stream_ckpt_free(struct stream_ckpt *c);

/* Makes arn the stream; a different one than remembered (the table was
 * created again) forgets every shard's checkpoint, said in c->detail. */
cr_code stream_ckpt_use_stream(struct stream_ckpt *c, const char *arn);

/* The shard's last applied sequence number, or NULL. */
const char *stream_ckpt_get(const struct stream_ckpt *c, const char *shard);

/* Records seq for shard and saves. CR_BACKEND when the file could not be
 * written (the caller retries later; the memory copy is kept). */
cr_code stream_ckpt_set(struct stream_ckpt *c, const char *shard,
                        const char *seq);

/* Drops the shards not listed in live (a JSON array of shard ids). */
cr_code stream_ckpt_prune(struct stream_ckpt *c, json_t *live);

cr_code stream_ckpt_save(struct stream_ckpt *c);

#endif
