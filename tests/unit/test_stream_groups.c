/* test_stream_groups.c - the stream handler's moves of the message group
 * rows against DynamoDB Local (tests/unit/stream_fixture.h): twin starts
 * merged, a group whose rows are gone, attributes of other clients kept,
 * two handlers at once. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <pthread.h>

#include "aws/client/aws_env.h"
#include "aws/messages/msg_key.h"
#include "aws/stream/stream_handler.h"
#include "tests/unit/stream_fixture.h"

/* Both sides started the conversation at the same moment: each start
 * wrote both group rows (the same group, whoever starts) at its own time.
 * Whatever order the two first messages' records come in, each owner is
 * left one row, the newest. */
static void
test_twin_starts_merge(void **state)
{
    struct stream_handler h;
    struct stream_report rep;
    struct sfx_convo c[2];
    char t0[MSG_TIME_SIZE], t1[MSG_TIME_SIZE], pk[MSG_KEY_SIZE];
    json_t *recs, *order;
    int k;

    (void)state;
    SFX_NEED_DDB();
    for (k = 0; k < 2; k++) {
        stream_handler_init(&h, &sfx_aws, SFX_TABLE);
        sfx_new_convo(&c[k], t0);
        sfx_start_convo(&c[k], t1);           /* the other side, a moment later */
        msg_key_messages(c[k].g, pk);
        recs = sfx_recorded(pk);
        assert_int_equal(json_array_size(recs), 2);
        order = k == 0 ? json_pack("[O,O]", json_array_get(recs, 0),
                                   json_array_get(recs, 1))
                       : json_pack("[O,O]", json_array_get(recs, 1),
                                   json_array_get(recs, 0));
        assert_int_equal(sfx_run(&h, order, &rep), 0);
        stream_report_free(&rep);
        sfx_assert_rows_at(&c[k], t1, "hello");   /* one row each, at t1 */
        assert_int_equal(h.dropped, 2);
        assert_int_equal(h.moved, 0);
        json_decref(order);
        json_decref(recs);
    }
}

static void
test_group_rows_gone(void **state)
{
    struct stream_handler h;
    struct stream_report rep;
    struct sfx_convo c;
    char t0[MSG_TIME_SIZE], t1[MSG_TIME_SIZE], pk[MSG_KEY_SIZE];
    json_t *recs;

    (void)state;
    SFX_NEED_DDB();
    stream_handler_init(&h, &sfx_aws, SFX_TABLE);
    /* A group whose rows never existed (or were deleted): just messages. */
    sfx_new_ids(&c);
    sfx_post(&c, "to nobody", t0);
    sfx_post(&c, "again", t1);
    msg_key_messages(c.g, pk);
    recs = sfx_recorded(pk);
    assert_int_equal(json_array_size(recs), 2);
    assert_int_equal(sfx_run(&h, recs, &rep), 0);
    stream_report_free(&rep);
    assert_int_equal(h.moved, 0);
    json_decref(recs);
}

/* Rows another client (a later version of the app) wrote with attributes
 * we do not know keep them when they move. */
static void
test_move_keeps_foreign_attributes(void **state)
{
    struct stream_handler h;
    struct stream_report rep;
    struct msg_group_row g;
    struct sfx_convo c;
    char t0[MSG_TIME_SIZE], t1[MSG_TIME_SIZE], pk[MSG_KEY_SIZE];
    const char *owners[2];
    json_t *recs, *item;
    int k;

    (void)state;
    SFX_NEED_DDB();
    stream_handler_init(&h, &sfx_aws, SFX_TABLE);
    sfx_new_ids(&c);
    sfx_next_time(t0);
    sfx_put_row(c.a, c.b, c.g, t0, "v2", json_pack("{s:{s:s}, s:{s:[s,s]}}",
            "unread", "N", "2", "labels", "SS", "work", "x"));
    sfx_put_row(c.b, c.a, c.g, t0, "v2",
                json_pack("{s:{s:b}}", "muted", "BOOL", 1));
    sfx_post(&c, "newer", t1);
    msg_key_messages(c.g, pk);
    recs = sfx_recorded(pk);
    assert_int_equal(sfx_run(&h, recs, &rep), 0);
    stream_report_free(&rep);
    assert_int_equal(h.moved, 2);
    owners[0] = c.a;
    owners[1] = c.b;
    for (k = 0; k < 2; k++) {
        item = NULL;
        assert_int_equal(sfx_rows_of(owners[k], &g, &item), 1);
        assert_string_equal(g.sk, t1);
        assert_string_equal(json_string_value(json_object_get(json_object_get(
            item, "message"), "S")), "newer");
        if (k == 0) {
            assert_string_equal(json_string_value(json_object_get(json_object_get(
                item, "unread"), "N")), "2");
            assert_int_equal(json_array_size(json_object_get(json_object_get(
                item, "labels"), "SS")), 2);
        } else {
            assert_true(json_is_true(json_object_get(json_object_get(item, "muted"),
                                                     "BOOL")));
        }
        json_decref(item);
    }
    json_decref(recs);
}

struct racer {
    json_t *records;
    size_t failed;
};

static void *
race(void *arg)
{
    struct racer *r = arg;
    struct aws_client own;
    struct aws_env env;
    struct stream_handler h;
    struct stream_report rep;
    json_t *b = sfx_batch_of(r->records);

    if (aws_env_load(&env, 0) || aws_client_init(&own, &env))
        return NULL;
    stream_handler_init(&h, &own, SFX_TABLE);
    if (stream_handle_batch(&h, b, &rep) == CR_OK) {
        r->failed = rep.nfailed;
        stream_report_free(&rep);
    }
    json_decref(b);
    aws_client_free(&own);
    return NULL;
}

/* Two handlers on the same conversation at once (Lambda runs shards in
 * parallel): conditions make the loser re-read; the newest wins. */
static void
test_concurrent_handlers(void **state)
{
    struct racer r[2];
    pthread_t th[2];
    struct sfx_convo c;
    char t0[MSG_TIME_SIZE], t[MSG_TIME_SIZE], last[MSG_TIME_SIZE], text[16];
    char pk[MSG_KEY_SIZE];
    json_t *recs, *r0 = json_array(), *r1 = json_array(), *x;
    size_t i;
    int k;

    (void)state;
    SFX_NEED_DDB();
    sfx_new_convo(&c, t0);
    for (k = 0; k < 30; k++) {
        snprintf(text, sizeof(text), "m%d", k);
        sfx_post(&c, text, t);
    }
    strcpy(last, t);
    msg_key_messages(c.g, pk);
    recs = sfx_recorded(pk);
    /* Each gets every other record, the newest ones first. */
    for (i = json_array_size(recs); i-- > 0;) {
        x = json_array_get(recs, i);
        json_array_append(i % 2 ? r0 : r1, x);
    }
    r[0] = (struct racer){ r0, 0 };
    r[1] = (struct racer){ r1, 0 };
    for (k = 0; k < 2; k++)
        assert_int_equal(pthread_create(&th[k], NULL, race, &r[k]), 0);
    for (k = 0; k < 2; k++)
        pthread_join(th[k], NULL);
    assert_int_equal(r[0].failed + r[1].failed, 0);
    sfx_assert_rows_at(&c, last, "m29");
    json_decref(r0);
    json_decref(r1);
    json_decref(recs);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_twin_starts_merge),
        cmocka_unit_test(test_group_rows_gone),
        cmocka_unit_test(test_move_keeps_foreign_attributes),
        cmocka_unit_test(test_concurrent_handlers),
    };

    return cmocka_run_group_tests(tests, sfx_setup, sfx_teardown);
}
