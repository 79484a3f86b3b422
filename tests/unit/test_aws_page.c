/* test_aws_page.c - aws_next_page(): which answers have a next page, and
 * what the next request carries. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "aws/client/aws_client.h"

static json_t *
parse(const char *text)
{
    json_t *j = json_loads(text, 0, NULL);

    assert_non_null(j);
    return j;
}

static void
test_key_object_continues(void **state)
{
    json_t *req = parse("{\"TableName\":\"t\"}");
    json_t *resp = parse("{\"Items\":[],\"LastEvaluatedKey\":{\"pk\":{\"S\":\"a\"}}}");

    (void)state;
    assert_int_equal(aws_next_page(req, resp, "LastEvaluatedKey",
                                   "ExclusiveStartKey"), CR_OK);
    assert_true(json_equal(json_object_get(req, "ExclusiveStartKey"),
                           json_object_get(resp, "LastEvaluatedKey")));
    assert_string_equal(json_string_value(json_object_get(req, "TableName")), "t");
    json_decref(resp);
    /* The next page's key replaces the previous one. */
    resp = parse("{\"LastEvaluatedKey\":{\"pk\":{\"S\":\"b\"}}}");
    assert_int_equal(aws_next_page(req, resp, "LastEvaluatedKey",
                                   "ExclusiveStartKey"), CR_OK);
    assert_string_equal(json_string_value(json_object_get(json_object_get(
        json_object_get(req, "ExclusiveStartKey"), "pk"), "S")), "b");
    json_decref(resp);
    json_decref(req);
}

static void
test_token_string_continues(void **state)
{
    json_t *req = parse("{\"UserPoolId\":\"p\"}");
    json_t *resp = parse("{\"Users\":[],\"PaginationToken\":\"tok\"}");

    (void)state;
    assert_int_equal(aws_next_page(req, resp, "PaginationToken",
                                   "PaginationToken"), CR_OK);
    assert_string_equal(json_string_value(json_object_get(req, "PaginationToken")),
                        "tok");
    json_decref(resp);
    json_decref(req);
}

/* DescribeStream keeps its marker inside StreamDescription. */
static void
test_path_continues(void **state)
{
    json_t *req = parse("{\"StreamArn\":\"a\"}");
    json_t *resp = parse("{\"StreamDescription\":{\"Shards\":[],"
                         "\"LastEvaluatedShardId\":\"shard-7\"}}");
    json_t *last = parse("{\"StreamDescription\":{\"Shards\":[]}}");

    (void)state;
    assert_int_equal(aws_next_page(req, resp,
                                   "StreamDescription.LastEvaluatedShardId",
                                   "ExclusiveStartShardId"), CR_OK);
    assert_string_equal(json_string_value(json_object_get(
                            req, "ExclusiveStartShardId")), "shard-7");
    assert_int_equal(aws_next_page(req, last,
                                   "StreamDescription.LastEvaluatedShardId",
                                   "ExclusiveStartShardId"), CR_NOT_FOUND);
    json_decref(last);
    json_decref(resp);
    json_decref(req);
}

static void
test_last_page(void **state)
{
    static const char *const last[] = {
        "{\"Items\":[]}",                          /* no member */
        "{\"LastEvaluatedKey\":null}",
        "{\"LastEvaluatedKey\":\"\"}",             /* empty token */
        "{\"LastEvaluatedKey\":7}",
        "{\"LastEvaluatedKey\":[\"a\"]}",
    };
    json_t *req = parse("{}"), *resp;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(last) / sizeof(last[0]); i++) {
        resp = parse(last[i]);
        assert_int_equal(aws_next_page(req, resp, "LastEvaluatedKey",
                                       "ExclusiveStartKey"), CR_NOT_FOUND);
        json_decref(resp);
    }
    assert_int_equal(json_object_size(req), 0);     /* left untouched */
    json_decref(req);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_key_object_continues),
        cmocka_unit_test(test_token_string_continues),
        cmocka_unit_test(test_path_continues),
        cmocka_unit_test(test_last_page),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
