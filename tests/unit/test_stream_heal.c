/* test_stream_heal.c - the stream handler heals a conversation another
 * client wrote half (one group row), against DynamoDB Local
 * (tests/unit/stream_fixture.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "aws/messages/msg_key.h"
#include "aws/stream/stream_handler.h"
#include "tests/unit/stream_fixture.h"

/* A conversation another client wrote half: a's group row only. Each of
 * its messages' records gets b the row b lacks, at that message and naming
 * a as a's own messages name a; with no message by a to name a by, it is
 * left alone (the API heals it, naming a from PostgreSQL). */
static void
test_half_written_heals(void **state)
{
    struct stream_handler h;
    struct stream_report rep;
    struct msg_group_row g;
    struct sfx_convo c;
    char t0[MSG_TIME_SIZE], t1[MSG_TIME_SIZE], t2[MSG_TIME_SIZE];
    char pk[MSG_KEY_SIZE];
    json_t *recs, *one;
    int k;

    (void)state;
    SFX_NEED_DDB();
    for (k = 0; k < 3; k++) {
        stream_handler_init(&h, &sfx_aws, SFX_TABLE);
        sfx_new_ids(&c);
        sfx_next_time(t0);
        sfx_put_row(c.a, c.b, c.g, t0, "hi b", NULL);
        if (k < 2)      /* k 0: a writes; k 1: a wrote before b writes */
            sfx_post_as(&c, c.a, "Alpha Old", "alpha", "from a", t1);
        if (k > 0)      /* k 1, 2: b writes */
            sfx_post_as(&c, c.b, "Bravo", "bravo", "from b", t2);
        msg_key_messages(c.g, pk);
        recs = sfx_recorded(pk);
        /* Only the newest message's record: the processor must find a's
         * name in the older messages itself. */
        one = json_pack("[O]", json_array_get(recs, json_array_size(recs) - 1));
        assert_int_equal(sfx_run(&h, one, &rep), 0);
        stream_report_free(&rep);
        if (k == 2) {
            assert_int_equal(h.healed, 0);
            assert_int_equal(sfx_rows_of(c.b, &g, NULL), 0);
        } else {
            assert_int_equal(h.healed, 1);
            assert_int_equal(sfx_rows_of(c.b, &g, NULL), 1);
            assert_string_equal(g.group_uuid, c.g);
            assert_string_equal(g.user_uuid, c.a);
            assert_string_equal(g.user_display_name, "Alpha Old");
            assert_string_equal(g.user_handle, "alpha");
            assert_string_equal(g.sk, k == 0 ? t1 : t2);
        }
        /* a's own row moved as always; replaying changes nothing more. */
        assert_int_equal(sfx_rows_of(c.a, &g, NULL), 1);
        assert_string_equal(g.sk, k == 0 ? t1 : t2);
        assert_int_equal(sfx_run(&h, one, &rep), 0);
        stream_report_free(&rep);
        assert_int_equal(h.healed, k == 2 ? 0 : 1);
        json_decref(one);
        json_decref(recs);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_half_written_heals),
    };

    return cmocka_run_group_tests(tests, sfx_setup, sfx_teardown);
}
