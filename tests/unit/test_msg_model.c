/* test_msg_model.c - the table's time format, keys, rows and requests. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "app/core/uuid.h"
#include "aws/messages/msg_key.h"
#include "aws/messages/msg_req.h"
#include "aws/messages/msg_row.h"
#include "aws/messages/msg_time.h"

#define G  "5c0a3e1b-8d2f-4e6a-9b71-2f4c8d9e0a13"
#define U1 "198ff1bc-38a2-401b-ac30-ed0f6fb0da1a"
#define U2 "ef7b2bad-8c15-477c-bd24-a16a0451f017"
#define M1 "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9"

static void
test_time_round_trip(void **state)
{
    char t[MSG_TIME_SIZE];
    int64_t u;

    (void)state;
    /* 2023-03-18T19:04:11.000042Z */
    assert_int_equal(msg_time_format(1679166251000042LL, t), CR_OK);
    assert_string_equal(t, "2023-03-18T19:04:11.000042+00:00");
    assert_int_equal(msg_time_parse(t, &u), CR_OK);
    assert_true(u == 1679166251000042LL);
    assert_int_equal(msg_time_format(0, t), CR_OK);
    assert_string_equal(t, "1970-01-01T00:00:00.000000+00:00");
    assert_int_equal(msg_time_format(-1, t), CR_OK);   /* floors */
    assert_string_equal(t, "1969-12-31T23:59:59.999999+00:00");
    assert_int_equal(msg_time_parse(t, &u), CR_OK);
    assert_true(u == -1);
    assert_int_equal(msg_time_parse("2024-02-29T12:00:00.500000+00:00", &u), CR_OK);
    assert_int_equal(msg_time_format(u, t), CR_OK);
    assert_string_equal(t, "2024-02-29T12:00:00.500000+00:00");
    assert_int_equal(msg_time_parse("9999-12-31T23:59:59.999999+00:00", &u), CR_OK);
    assert_int_equal(msg_time_format(u + 1, t), CR_INVALID);  /* year 10000 */
}

static void
test_time_order_across_year(void **state)
{
    char a[MSG_TIME_SIZE], b[MSG_TIME_SIZE];
    int64_t u;

    (void)state;
    assert_int_equal(msg_time_parse("2022-12-31T23:59:59.999999+00:00", &u), CR_OK);
    assert_int_equal(msg_time_format(u, a), CR_OK);
    assert_int_equal(msg_time_format(u + 1, b), CR_OK);
    assert_string_equal(b, "2023-01-01T00:00:00.000000+00:00");
    assert_true(strcmp(a, b) < 0);   /* string order is time order */
    assert_int_equal(msg_time_format(u + 86400000000LL * 40, b), CR_OK);
    assert_true(strcmp(a, b) < 0);
}

static void
test_time_advance_carries(void **state)
{
    char t[MSG_TIME_SIZE];

    (void)state;
    strcpy(t, "2023-03-18T19:04:11.999999+00:00");
    assert_int_equal(msg_time_advance(t), CR_OK);
    assert_string_equal(t, "2023-03-18T19:04:12.000000+00:00");
    strcpy(t, "2023-03-18T19:59:59.999999+00:00");
    assert_int_equal(msg_time_advance(t), CR_OK);
    assert_string_equal(t, "2023-03-18T20:00:00.000000+00:00");
    strcpy(t, "2023-12-31T23:59:59.999999+00:00");
    assert_int_equal(msg_time_advance(t), CR_OK);
    assert_string_equal(t, "2024-01-01T00:00:00.000000+00:00");
    strcpy(t, "2023-03-18T19:04:11.000041+00:00");
    assert_int_equal(msg_time_advance(t), CR_OK);
    assert_string_equal(t, "2023-03-18T19:04:11.000042+00:00");
}

static void
test_time_parse_strict(void **state)
{
    static const char *const bad[] = {
        "", "2023-03-18T19:04:11.123456Z", "2023-03-18T19:04:11.123456+01:00",
        "2023-03-18T19:04:11+00:00", "2023-03-18 19:04:11.123456+00:00",
        "2023-03-18T19:04:11.12345+00:00", "2023-03-18T19:04:11.1234567+00:00",
        "2023-02-29T19:04:11.123456+00:00", "2023-13-01T00:00:00.000000+00:00",
        "2023-00-01T00:00:00.000000+00:00", "2023-04-31T00:00:00.000000+00:00",
        "2023-03-18T24:00:00.000000+00:00", "2023-03-18T19:60:00.000000+00:00",
        "2023-03-18T19:04:60.000000+00:00", "0000-01-01T00:00:00.000000+00:00",
        "2023-03-18T19:04:11.12345a+00:00", "+023-03-18T19:04:11.123456+00:00",
        "2023-03-18T19:04:11.123456+00:00 ",
    };
    int64_t u;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(msg_time_parse(bad[i], &u), CR_INVALID);
    assert_int_equal(msg_time_parse(NULL, &u), CR_INVALID);
}

static void
test_keys(void **state)
{
    char k[MSG_KEY_SIZE];

    (void)state;
    assert_int_equal(msg_key_group(U1, k), CR_OK);
    assert_string_equal(k, "GRP#" U1);
    assert_int_equal(msg_key_messages(G, k), CR_OK);
    assert_string_equal(k, "MSG#" G);
    assert_int_equal(msg_key_messages("not-a-uuid", k), CR_INVALID);
}

/* One group per pair of users, whoever starts: a version 5 UUID (the
 * expected value is Python's uuid.uuid5 of the same namespace and name). */
static void
test_conversation_uuid(void **state)
{
    static const unsigned char dns[16] = {   /* RFC 4122's DNS namespace */
        0x6b, 0xa7, 0xb8, 0x10, 0x9d, 0xad, 0x11, 0xd1,
        0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8,
    };
    char a[USER_UUID_SIZE], b[USER_UUID_SIZE], upper[USER_UUID_SIZE];
    size_t i;

    (void)state;
    assert_int_equal(uuid_v5(dns, "python.org", a), CR_OK);
    assert_string_equal(a, "886313e1-3b8a-5372-9b90-0c9aee199e5d");
    assert_int_equal(msg_conversation_uuid(U1, U2, a), CR_OK);
    assert_string_equal(a, "5a3c5a11-7fa7-5068-b689-60d9ff3a3529");
    assert_int_equal(msg_conversation_uuid(U2, U1, b), CR_OK);
    assert_string_equal(a, b);
    for (i = 0; i < sizeof(upper); i++)
        upper[i] = (char)((U2[i] >= 'a' && U2[i] <= 'f') ? U2[i] - 32 : U2[i]);
    assert_int_equal(msg_conversation_uuid(upper, U1, b), CR_OK);
    assert_string_equal(a, b);
    assert_int_equal(msg_conversation_uuid(U1, M1, b), CR_OK);
    assert_string_not_equal(a, b);
    assert_int_equal(msg_conversation_uuid(U1, "not-a-uuid", b), CR_INVALID);
}

static void
fill_group(struct msg_group_row *g)
{
    memset(g, 0, sizeof(*g));
    strcpy(g->owner_uuid, U1);
    strcpy(g->sk, "2023-03-18T19:04:11.123456+00:00");
    strcpy(g->group_uuid, G);
    strcpy(g->user_uuid, U2);
    strcpy(g->user_display_name, "Andrew Bayko");
    strcpy(g->user_handle, "bayko");
    g->message = "last one \xf0\x9f\x9a\x80";
    g->message_len = strlen(g->message);
}

static void
fill_msg(struct msg_row *m)
{
    memset(m, 0, sizeof(*m));
    strcpy(m->group_uuid, G);
    strcpy(m->sk, "2023-03-18T19:04:11.123456+00:00");
    strcpy(m->message_uuid, M1);
    strcpy(m->user_uuid, U1);
    strcpy(m->user_display_name, "Andrew Brown");
    strcpy(m->user_handle, "andrewbrown");
    m->message = "hello";
    m->message_len = strlen(m->message);
}

static void
test_group_item_round_trip(void **state)
{
    struct msg_group_row g, back;
    json_t *item, *expect;

    (void)state;
    fill_group(&g);
    assert_int_equal(msg_group_to_item(&g, &item), CR_OK);
    expect = json_pack("{s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s}}",
                       "pk", "S", "GRP#" U1, "sk", "S", g.sk,
                       "message_group_uuid", "S", G, "message", "S", g.message,
                       "user_uuid", "S", U2, "user_display_name", "S",
                       "Andrew Bayko", "user_handle", "S", "bayko");
    assert_true(json_equal(item, expect));
    assert_int_equal(msg_group_from_item(item, &back), CR_OK);
    assert_string_equal(back.owner_uuid, U1);
    assert_string_equal(back.sk, g.sk);
    assert_string_equal(back.group_uuid, G);
    assert_string_equal(back.user_handle, "bayko");
    assert_string_equal(back.message, g.message);
    /* A group row is not a message row. */
    struct msg_row m;
    assert_int_equal(msg_from_item(item, &m), CR_INVALID);
    json_decref(expect);
    json_decref(item);
}

static void
test_msg_item_round_trip(void **state)
{
    struct msg_row m, back;
    json_t *item;

    (void)state;
    fill_msg(&m);
    assert_int_equal(msg_to_item(&m, &item), CR_OK);
    assert_int_equal(json_object_size(item), 7);
    /* No message_group_uuid: message rows stay out of the group index. */
    assert_null(json_object_get(item, "message_group_uuid"));
    assert_string_equal(json_string_value(json_object_get(
        json_object_get(item, "pk"), "S")), "MSG#" G);
    assert_int_equal(msg_from_item(item, &back), CR_OK);
    assert_string_equal(back.message_uuid, M1);
    assert_string_equal(back.user_display_name, "Andrew Brown");
    assert_string_equal(back.message, "hello");
    /* Unknown extra attributes are ignored. */
    json_object_set_new(item, "extra", json_pack("{s:s}", "N", "1"));
    assert_int_equal(msg_from_item(item, &back), CR_OK);
    json_decref(item);
    /* A text with U+0000 (another client may write one) goes both ways
     * by length, NUL and all. */
    m.message = "a\0b";
    m.message_len = 3;
    assert_int_equal(msg_to_item(&m, &item), CR_OK);
    assert_int_equal(json_string_length(json_object_get(json_object_get(
        item, "message"), "S")), 3);
    assert_int_equal(msg_from_item(item, &back), CR_OK);
    assert_int_equal(back.message_len, 3);
    assert_memory_equal(back.message, "a\0b", 3);
    json_decref(item);
}

/* The one builder: every field from the users, a fresh uuid, the time. */
static void
test_row_builders(void **state)
{
    const struct user a = { U1, "andrewbrown", "Andrew Brown" };
    const struct user b = { U2, "bayko", "Andrew Bayko" };
    struct msg_group_row g, expect_g;
    struct msg_row m, m2;
    int64_t usec;

    (void)state;
    assert_int_equal(msg_time_parse("2023-03-18T19:04:11.123456+00:00",
                                    &usec), CR_OK);
    assert_int_equal(msg_row_new(&m, G, &a, "hello", usec), CR_OK);
    assert_string_equal(m.group_uuid, G);
    assert_string_equal(m.sk, "2023-03-18T19:04:11.123456+00:00");
    assert_string_equal(m.user_uuid, U1);
    assert_string_equal(m.user_display_name, "Andrew Brown");
    assert_string_equal(m.user_handle, "andrewbrown");
    assert_string_equal(m.message, "hello");
    assert_true(uuid_valid(m.message_uuid));
    assert_int_equal(msg_row_new(&m2, G, &a, "hello", usec), CR_OK);
    assert_string_not_equal(m.message_uuid, m2.message_uuid);

    /* U1's row names the other person, b: what fill_group() writes. */
    fill_group(&expect_g);
    assert_int_equal(msg_group_row_new(&g, &a, &b, G, expect_g.sk,
                                       expect_g.message,
                                       strlen(expect_g.message)), CR_OK);
    assert_string_equal(g.owner_uuid, expect_g.owner_uuid);
    assert_string_equal(g.sk, expect_g.sk);
    assert_string_equal(g.group_uuid, G);
    assert_string_equal(g.user_uuid, U2);
    assert_string_equal(g.user_display_name, "Andrew Bayko");
    assert_string_equal(g.user_handle, "bayko");
    assert_ptr_equal(g.message, expect_g.message);
    assert_int_equal(msg_group_row_new(&g, &a, &b, G,
                                       "2023-03-18T19:04:11.123456+00:00 and more",
                                       "x", 1), CR_INVALID);
}

/* Each mutation of a good message item must be rejected. */
static void
test_strict_rejects(void **state)
{
    static const char *const attrs[] = {
        "pk", "sk", "message_uuid", "message", "user_uuid",
        "user_display_name", "user_handle",
    };
    struct msg_row m, back;
    json_t *good, *bad;
    size_t i;
    char longname[400], key[MSG_ITEM_KEY_SIZE];

    (void)state;
    fill_msg(&m);
    assert_int_equal(msg_to_item(&m, &good), CR_OK);
    for (i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++) {
        bad = json_deep_copy(good);
        json_object_del(bad, attrs[i]);                       /* missing */
        assert_int_equal(msg_from_item(bad, &back), CR_INVALID);
        json_object_set_new(bad, attrs[i], json_pack("{s:s}", "N", "1"));
        assert_int_equal(msg_from_item(bad, &back), CR_INVALID); /* wrong type */
        json_object_set_new(bad, attrs[i], json_string("x"));
        assert_int_equal(msg_from_item(bad, &back), CR_INVALID); /* not {"S"} */
        json_object_set_new(bad, attrs[i], json_pack("{s:s,s:s}", "S", "x", "N", "1"));
        assert_int_equal(msg_from_item(bad, &back), CR_INVALID);
        json_decref(bad);
    }
    bad = json_deep_copy(good);
    json_object_set_new(bad, "pk", json_pack("{s:s}", "S", "MSG#nope"));
    assert_int_equal(msg_from_item(bad, &back), CR_INVALID);
    json_object_set_new(bad, "pk", json_pack("{s:s}", "S", "GRP#" G));
    assert_int_equal(msg_from_item(bad, &back), CR_INVALID);
    json_decref(bad);
    /* A NUL in any field but the text: not the field it would cut to. */
    for (i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++) {
        const char *v;

        if (strcmp(attrs[i], "message") == 0)
            continue;
        bad = json_deep_copy(good);
        v = json_string_value(json_object_get(json_object_get(bad, attrs[i]),
                                              "S"));
        snprintf(longname, sizeof(longname), "%s", v);      /* and a NUL */
        json_object_set_new(bad, attrs[i], json_pack("{s:s#}", "S", longname,
                                                     (int)strlen(longname) + 1));
        assert_int_equal(msg_from_item(bad, &back), CR_INVALID);
        json_decref(bad);
    }
    bad = json_deep_copy(good);
    json_object_set_new(bad, "sk", json_pack("{s:s}", "S", "2023-03-18T19:04:11Z"));
    assert_int_equal(msg_from_item(bad, &back), CR_INVALID);
    json_decref(bad);
    bad = json_deep_copy(good);
    memset(longname, 'a', sizeof(longname) - 1);
    longname[sizeof(longname) - 1] = '\0';
    json_object_set_new(bad, "user_display_name", json_pack("{s:s}", "S", longname));
    assert_int_equal(msg_from_item(bad, &back), CR_INVALID);   /* too long */
    json_decref(bad);
    bad = json_array();
    assert_int_equal(msg_from_item(bad, &back), CR_INVALID);
    json_decref(bad);
    /* What a skipped row's warning names: its key, one printable line. */
    msg_item_key(good, key, sizeof(key));
    assert_string_equal(key, "pk=MSG#" G " sk=2023-03-18T19:04:11.123456+00:00");
    bad = json_pack("{s:{s:s}, s:{s:i}}", "pk", "S", "GRP#\nx\x7f", "sk", "N", 1);
    msg_item_key(bad, key, sizeof(key));
    assert_string_equal(key, "pk=GRP#?x? sk=?");
    json_decref(bad);
    json_decref(good);
    /* And on the way out. */
    m.sk[5] = 'x';
    assert_int_equal(msg_to_item(&m, &good), CR_INVALID);
    fill_msg(&m);
    m.message = NULL;
    assert_int_equal(msg_to_item(&m, &good), CR_INVALID);
}

/* The Idempotency-Key item: round trip, strictness and its GetItem (its
 * Put is tried on DynamoDB Local: test_stream_handler.c). */
static void
test_idem_item(void **state)
{
    struct msg_idem k, back;
    json_t *it, *req;

    (void)state;
    memset(&k, 0, sizeof(k));
    strcpy(k.owner_uuid, U1);
    strcpy(k.key, "retry-1");
    strcpy(k.request, "abc123");
    k.response = "{\"message_group_uuid\":\"" U2 "\"}";
    k.expires_at = 1800000000;
    assert_int_equal(msg_idem_to_item(&k, &it), CR_OK);
    assert_string_equal(json_string_value(json_object_get(json_object_get(it, "pk"), "S")),
                        "IDEM#" U1);
    assert_string_equal(json_string_value(json_object_get(json_object_get(it, "expires_at"), "N")),
                        "1800000000");
    assert_null(json_object_get(it, "message_group_uuid"));
    assert_int_equal(msg_idem_from_item(it, &back), CR_OK);
    assert_string_equal(back.key, "retry-1");
    assert_string_equal(back.request, "abc123");
    assert_string_equal(back.response, k.response);
    assert_true(back.expires_at == 1800000000);
    json_object_set_new(it, "expires_at", json_pack("{s:s}", "N", "soon"));
    assert_int_equal(msg_idem_from_item(it, &back), CR_INVALID);
    json_object_set_new(it, "pk", json_pack("{s:s}", "S", "MSG#" U1));
    assert_int_equal(msg_idem_from_item(it, &back), CR_INVALID);
    json_decref(it);
    k.request[0] = '\0';
    assert_int_equal(msg_idem_to_item(&k, &it), CR_INVALID);
    strcpy(k.request, "abc123");

    assert_int_equal(msg_req_get_idem("t", U1, "retry-1", &req), CR_OK);
    assert_string_equal(json_string_value(json_object_get(json_object_get(json_object_get(req,
        "Key"), "sk"), "S")), "retry-1");
    assert_true(json_is_true(json_object_get(req, "ConsistentRead")));
    json_decref(req);
    assert_int_equal(msg_req_get_idem("t", "nope", "retry-1", &req), CR_INVALID);
}

static void
test_requests(void **state)
{
    struct msg_group_row a, b;
    struct msg_row m;
    json_t *req, *items, *it;
    const char *s;

    (void)state;
    assert_int_equal(msg_req_list_messages("t", G, 20, NULL, &req), CR_OK);
    assert_string_equal(json_string_value(json_object_get(req, "KeyConditionExpression")),
                        "pk = :pk");
    assert_true(json_is_false(json_object_get(req, "ScanIndexForward")));
    assert_int_equal(json_integer_value(json_object_get(req, "Limit")), 20);
    json_decref(req);
    assert_int_equal(msg_req_list_messages("t", G, 20, "2023-01-01T00:00:00.000000+00:00",
                                           &req), CR_OK);
    assert_string_equal(json_string_value(json_object_get(req, "KeyConditionExpression")),
                        "pk = :pk AND sk < :before");
    json_decref(req);
    assert_int_equal(msg_req_list_messages("t", G, 20, "yesterday", &req), CR_INVALID);

    assert_int_equal(msg_req_list_groups("t", U1, 20, &req), CR_OK);
    s = json_string_value(json_object_get(json_object_get(json_object_get(req,
        "ExpressionAttributeValues"), ":pk"), "S"));
    assert_string_equal(s, "GRP#" U1);
    json_decref(req);

    fill_group(&a);
    b = a;
    strcpy(b.owner_uuid, U2);
    strcpy(b.user_uuid, U1);
    fill_msg(&m);
    assert_int_equal(msg_req_new_conversation("t", &a, &b, &m, &req), CR_OK);
    items = json_object_get(req, "TransactItems");
    assert_int_equal(json_array_size(items), 3);
    for (size_t i = 0; i < 3; i++) {
        it = json_object_get(json_array_get(items, i), "Put");
        assert_string_equal(json_string_value(json_object_get(it, "ConditionExpression")),
                            "attribute_not_exists(pk)");
    }
    json_decref(req);

    assert_int_equal(msg_req_put_message("t", &m, &req), CR_OK);
    assert_string_equal(json_string_value(json_object_get(req, "ConditionExpression")),
                        "attribute_not_exists(pk)");
    json_decref(req);

    assert_int_equal(msg_req_group_rows("t", G, &req), CR_OK);
    assert_string_equal(json_string_value(json_object_get(req, "IndexName")),
                        "message-group-sk-index");
    json_decref(req);

    assert_int_equal(msg_req_move_group("t", &a, NULL, "2023-03-18T19:05:00.000000+00:00",
                                        "newer", 5, &req), CR_OK);
    items = json_object_get(req, "TransactItems");
    it = json_object_get(json_array_get(items, 0), "Delete");
    assert_string_equal(json_string_value(json_object_get(it, "ConditionExpression")),
                        "attribute_exists(pk)");
    assert_string_equal(json_string_value(json_object_get(json_object_get(
        json_object_get(it, "Key"), "sk"), "S")), a.sk);
    it = json_object_get(json_object_get(json_array_get(items, 1), "Put"), "Item");
    assert_string_equal(json_string_value(json_object_get(json_object_get(it, "sk"), "S")),
                        "2023-03-18T19:05:00.000000+00:00");
    assert_string_equal(json_string_value(json_object_get(json_object_get(it, "message"), "S")),
                        "newer");
    json_decref(req);
    /* Never backwards, never onto itself. */
    assert_int_equal(msg_req_move_group("t", &a, NULL, a.sk, "x", 1, &req), CR_INVALID);
    assert_int_equal(msg_req_move_group("t", &a, NULL, "2023-03-18T19:04:11.123455+00:00",
                                        "x", 1, &req), CR_INVALID);

    /* Moved from the item it was read from: what another client added
     * stays, what we change changes. */
    assert_int_equal(msg_group_to_item(&a, &it), CR_OK);
    json_object_set_new(it, "reactions", json_pack("{s:s}", "N", "3"));
    assert_int_equal(msg_req_move_group("t", &a, it, "2023-03-18T19:05:00.000000+00:00",
                                        "newer", 5, &req), CR_OK);
    json_decref(it);
    it = json_object_get(json_object_get(json_array_get(json_object_get(req,
        "TransactItems"), 1), "Put"), "Item");
    assert_string_equal(json_string_value(json_object_get(json_object_get(it, "reactions"), "N")),
                        "3");
    assert_string_equal(json_string_value(json_object_get(json_object_get(it, "sk"), "S")),
                        "2023-03-18T19:05:00.000000+00:00");
    assert_string_equal(json_string_value(json_object_get(json_object_get(it, "message"), "S")),
                        "newer");
    assert_string_equal(json_string_value(json_object_get(json_object_get(it, "user_handle"), "S")),
                        a.user_handle);
    json_decref(req);

    /* Healing: the message and the one missing row, or that row alone. */
    assert_int_equal(msg_req_put_message_groups("t", &b, 1, &m, &req), CR_OK);
    items = json_object_get(req, "TransactItems");
    assert_int_equal(json_array_size(items), 2);
    for (size_t i = 0; i < 2; i++) {
        it = json_object_get(json_array_get(items, i), "Put");
        assert_string_equal(json_string_value(json_object_get(it, "ConditionExpression")),
                            "attribute_not_exists(pk)");
    }
    it = json_object_get(json_object_get(json_array_get(items, 0), "Put"), "Item");
    assert_string_equal(json_string_value(json_object_get(json_object_get(it, "pk"), "S")),
                        "GRP#" U2);
    it = json_object_get(json_object_get(json_array_get(items, 1), "Put"), "Item");
    assert_non_null(json_object_get(it, "message_uuid"));
    json_decref(req);
    assert_int_equal(msg_req_put_message_groups("t", &b, 0, &m, &req), CR_INVALID);
    assert_null(req);
    assert_int_equal(msg_req_put_group("t", &b, &req), CR_OK);
    assert_string_equal(json_string_value(json_object_get(req, "ConditionExpression")),
                        "attribute_not_exists(pk)");
    assert_string_equal(json_string_value(json_object_get(json_object_get(
        json_object_get(req, "Item"), "pk"), "S")), "GRP#" U2);
    json_decref(req);

    /* A superseded group row: deleted only if still there. */
    assert_int_equal(msg_req_drop_group("t", &a, &req), CR_OK);
    assert_string_equal(json_string_value(json_object_get(req, "TableName")), "t");
    assert_string_equal(json_string_value(json_object_get(req, "ConditionExpression")),
                        "attribute_exists(pk)");
    assert_string_equal(json_string_value(json_object_get(json_object_get(
        json_object_get(req, "Key"), "pk"), "S")), "GRP#" U1);
    assert_string_equal(json_string_value(json_object_get(json_object_get(
        json_object_get(req, "Key"), "sk"), "S")), a.sk);
    json_decref(req);
    strcpy(a.sk, "yesterday");
    assert_int_equal(msg_req_drop_group("t", &a, &req), CR_INVALID);
    assert_null(req);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_time_round_trip),
        cmocka_unit_test(test_time_order_across_year),
        cmocka_unit_test(test_time_advance_carries),
        cmocka_unit_test(test_time_parse_strict),
        cmocka_unit_test(test_keys),
        cmocka_unit_test(test_conversation_uuid),
        cmocka_unit_test(test_group_item_round_trip),
        cmocka_unit_test(test_msg_item_round_trip),
        cmocka_unit_test(test_row_builders),
        cmocka_unit_test(test_strict_rejects),
        cmocka_unit_test(test_requests),
        cmocka_unit_test(test_idem_item),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
