/* test_stream_ckpt.c - the poller's checkpoint file: saved and read back,
 * and what it has to tell left in c->detail for the poller to log (the
 * file logs nothing itself). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "aws/stream/stream_ckpt.h"

struct dir {
    char path[64], file[96];
};

static void
dir_make(struct dir *d)
{
    snprintf(d->path, sizeof(d->path), "%s", "/tmp/cruddur-ckpt-test.XXXXXX");
    assert_non_null(mkdtemp(d->path));
    snprintf(d->file, sizeof(d->file), "%s/stream-checkpoints.json", d->path);
}

static void
dir_remove(struct dir *d)
{
    unlink(d->file);
    rmdir(d->path);
}

static void
test_saved_and_read_back(void **state)
{
    struct stream_ckpt c;
    struct dir d;

    (void)state;
    dir_make(&d);
    assert_int_equal(stream_ckpt_load(&c, d.path), CR_OK);
    assert_string_equal(c.detail, "");             /* no file yet: news-less */
    assert_int_equal(stream_ckpt_use_stream(&c, "arn:1"), CR_OK);
    assert_string_equal(c.detail, "");             /* the first stream */
    assert_int_equal(stream_ckpt_set(&c, "shard-1", "100"), CR_OK);
    stream_ckpt_free(&c);
    assert_int_equal(stream_ckpt_load(&c, d.path), CR_OK);
    assert_string_equal(stream_ckpt_get(&c, "shard-1"), "100");
    assert_int_equal(stream_ckpt_use_stream(&c, "arn:1"), CR_OK);
    assert_string_equal(stream_ckpt_get(&c, "shard-1"), "100");
    /* The table made again: a new stream, the old shards forgotten. */
    assert_int_equal(stream_ckpt_use_stream(&c, "arn:2"), CR_OK);
    assert_string_equal(c.detail,
                        "the table's stream changed; old checkpoints dropped");
    assert_null(stream_ckpt_get(&c, "shard-1"));
    stream_ckpt_free(&c);
    dir_remove(&d);
}

static void
test_unreadable_file_told(void **state)
{
    struct stream_ckpt c;
    struct dir d;
    FILE *f;

    (void)state;
    dir_make(&d);
    assert_non_null(f = fopen(d.file, "w"));
    fputs("{not json", f);
    fclose(f);
    assert_int_equal(stream_ckpt_load(&c, d.path), CR_OK);
    assert_non_null(strstr(c.detail, "stream-checkpoints.json does not parse"));
    assert_null(stream_ckpt_get(&c, "shard-1"));
    stream_ckpt_free(&c);
    dir_remove(&d);
}

static void
test_unwritable_told(void **state)
{
    struct stream_ckpt c;
    struct dir d;

    (void)state;
    dir_make(&d);
    assert_int_equal(stream_ckpt_load(&c, d.path), CR_OK);
    dir_remove(&d);                                 /* the folder is gone */
    assert_int_equal(stream_ckpt_set(&c, "shard-1", "7"), CR_BACKEND);
    assert_non_null(strstr(c.detail, "cannot write "));
    assert_string_equal(stream_ckpt_get(&c, "shard-1"), "7");  /* kept */
    stream_ckpt_free(&c);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_saved_and_read_back),
        cmocka_unit_test(test_unreadable_file_told),
        cmocka_unit_test(test_unwritable_told),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
