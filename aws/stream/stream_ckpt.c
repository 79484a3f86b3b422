/* stream_ckpt.c - per-shard checkpoints in one JSON file, saved atomically. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/core/buf.h"
#include "aws/stream/stream_ckpt.h"

#define CKPT_FILE "stream-checkpoints.json"

/* What the caller should log, into c->detail. */
#define STREAM_CKPT_TELL(c, ...) \
    cr_fail(CR_OK, (c)->detail, sizeof((c)->detail), __VA_ARGS__)

static void
stream_ckpt_read(struct stream_ckpt *c)
{
    json_error_t jerr;
    json_t *j, *shards;
    const char *arn;

    j = json_load_file(c->path, 0, &jerr);
    if (j == NULL) {
        if (access(c->path, F_OK) == 0)
            STREAM_CKPT_TELL(c, "%s does not parse (%s); starting over",
                             CKPT_FILE, jerr.text);
        return;
    }
    arn = json_string_value(json_object_get(j, "stream_arn"));
    shards = json_object_get(j, "shards");
    if (arn && json_is_object(shards)) {
        c->stream_arn = strdup(arn);
        json_object_update(c->shards, shards);
    }
    json_decref(j);
}

cr_code
stream_ckpt_load(struct stream_ckpt *c, const char *dir)
{
    struct buf p;

    memset(c, 0, sizeof(*c));
    if ((c->shards = json_object()) == NULL)
        return CR_NOMEM;
    if (dir == NULL)
        return CR_OK;
    buf_init(&p, 0);
    if (buf_append_str(&p, dir) || buf_append_str(&p, "/" CKPT_FILE)) {
        buf_free(&p);
        stream_ckpt_free(c);
        return CR_NOMEM;
    }
    c->path = buf_take(&p);
    stream_ckpt_read(c);
    return CR_OK;
}

void
stream_ckpt_free(struct stream_ckpt *c)
{
    free(c->path);
    free(c->stream_arn);
    json_decref(c->shards);
    memset(c, 0, sizeof(*c));
}

cr_code
stream_ckpt_use_stream(struct stream_ckpt *c, const char *arn)
{
    char *copy;
    int changed = c->stream_arn != NULL;
    cr_code rc;

    c->detail[0] = '\0';
    if (c->stream_arn && strcmp(c->stream_arn, arn) == 0)
        return CR_OK;
    if ((copy = strdup(arn)) == NULL)
        return CR_NOMEM;
    free(c->stream_arn);
    c->stream_arn = copy;
    json_object_clear(c->shards);
    /* A failed save says why; else a changed stream is the news. */
    if ((rc = stream_ckpt_save(c)) == CR_OK && changed)
        STREAM_CKPT_TELL(c, "the table's stream changed; old checkpoints "
                         "dropped");
    return rc;
}

const char *
stream_ckpt_get(const struct stream_ckpt *c, const char *shard)
{
    return json_string_value(json_object_get(c->shards, shard));
}

cr_code
stream_ckpt_set(struct stream_ckpt *c, const char *shard, const char *seq)
{
    c->detail[0] = '\0';
    if (json_object_set_new(c->shards, shard, json_string(seq)))
        return CR_NOMEM;
    return stream_ckpt_save(c);
}

cr_code
stream_ckpt_prune(struct stream_ckpt *c, json_t *live)
{
    const char *key;
    json_t *v, *id, *keep = json_object();
    size_t i;
    int changed;

    c->detail[0] = '\0';
    if (keep == NULL)
        return CR_NOMEM;
    json_array_foreach(live, i, id) {
        key = json_string_value(id);
        if (key && (v = json_object_get(c->shards, key)))
            json_object_set(keep, key, v);
    }
    changed = json_object_size(keep) != json_object_size(c->shards);
    json_decref(c->shards);
    c->shards = keep;
    return changed ? stream_ckpt_save(c) : CR_OK;
}

/* The whole file to path.tmp, flushed to disk, then renamed over path. */
cr_code
stream_ckpt_save(struct stream_ckpt *c)
{
    struct buf tmp;
    json_t *j = NULL;
    FILE *f = NULL;
    int bad;
    cr_code rc = CR_NOMEM;

    c->detail[0] = '\0';
    if (c->path == NULL)
        return CR_OK;
    buf_init(&tmp, 0);
    if (buf_append_str(&tmp, c->path) || buf_append_str(&tmp, ".tmp"))
        goto out;
    j = json_pack("{s:s?, s:O}", "stream_arn", c->stream_arn, "shards",
                  c->shards);
    if (j == NULL)
        goto out;
    rc = CR_BACKEND;
    bad = (f = fopen(tmp.data, "w")) == NULL ||
          json_dumpf(j, f, JSON_INDENT(1) | JSON_SORT_KEYS) ||
          fflush(f) || fsync(fileno(f));
    if (f && fclose(f))
        bad = 1;
    f = NULL;
    if (bad) {
        STREAM_CKPT_TELL(c, "cannot write %s: %s", tmp.data, strerror(errno));
        goto out;
    }
    if (rename(tmp.data, c->path)) {
        STREAM_CKPT_TELL(c, "cannot rename into %s: %s", c->path,
                         strerror(errno));
        goto out;
    }
    rc = CR_OK;
out:
    json_decref(j);
    buf_free(&tmp);
    return rc;
}
