/* tool_ddb.c - cruddur-aws ddb: the table and its patterns. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/programs/cruddur-aws/tool_ddb.h"
#include "app/programs/cruddur-aws/tool_seed.h"
#include "aws/messages/msg_req.h"

/* The table of aws/messages/msg_row.h: keys, index and stream. On-demand
 * billing: nothing to size, and no throttling of a burst of messages at a
 * provisioned 5 writes a second. */
static json_t *
tool_table_spec(const char *table)
{
    return json_pack(
        "{s:s, s:[{s:s,s:s},{s:s,s:s},{s:s,s:s}], s:[{s:s,s:s},{s:s,s:s}],"
        " s:[{s:s, s:[{s:s,s:s},{s:s,s:s}], s:{s:s}}], s:s, s:{s:b,s:s}}",
        "TableName", table,
        "AttributeDefinitions",
        "AttributeName", "message_group_uuid", "AttributeType", "S",
        "AttributeName", "pk", "AttributeType", "S",
        "AttributeName", "sk", "AttributeType", "S",
        "KeySchema",
        "AttributeName", "pk", "KeyType", "HASH",
        "AttributeName", "sk", "KeyType", "RANGE",
        "GlobalSecondaryIndexes",
        "IndexName", MSG_GROUP_INDEX, "KeySchema",
        "AttributeName", "message_group_uuid", "KeyType", "HASH",
        "AttributeName", "sk", "KeyType", "RANGE",
        "Projection", "ProjectionType", "ALL",
        "BillingMode", "PAY_PER_REQUEST",
        "StreamSpecification", "StreamEnabled", 1, "StreamViewType",
        "NEW_IMAGE");
}

/* Real DynamoDB takes a while to create a table; wait for ACTIVE. */
static int
tool_wait_active(struct tool *t)
{
    const char *table = t->aws.env.table;
    json_t *req = json_pack("{s:s}", "TableName", table), *resp = NULL;
    const char *status = NULL;
    int i, rc = 1;

    for (i = 0; req && i < 120; i++) {
        json_decref(resp);
        resp = NULL;
        if (tool_call(t, AWS_DYNAMODB, "DescribeTable", req, &resp))
            break;
        status = json_string_value(json_object_get(
            json_object_get(resp, "Table"), "TableStatus"));
        if (status && strcmp(status, "ACTIVE") == 0) {
            printf("table %s ACTIVE, stream %s\n", table,
                   json_string_value(json_object_get(
                       json_object_get(resp, "Table"), "LatestStreamArn")));
            rc = 0;
            break;
        }
        nanosleep(&(struct timespec){ 1, 0 }, NULL);
    }
    json_decref(req);
    json_decref(resp);
    return rc;
}

/* One table-level call (req is borrowed). 0 when it did its work, 1 when
 * it answered `already` (the table is as wanted already: says so), -1 on
 * any other failure (reported). */
static int
tool_table_call(struct tool *t, const char *target, json_t *req,
                cr_code already, const char *already_note)
{
    json_t *resp = NULL;
    struct aws_error err;
    cr_code rc;

    rc = aws_call(&t->aws, AWS_DYNAMODB, target, req, &resp, &err);
    json_decref(resp);
    if (rc == already) {
        printf("table %s %s\n", t->aws.env.table, already_note);
        return 1;
    }
    if (rc) {
        tool_report(target, rc, &err);
        return -1;
    }
    return 0;
}

/* The Idempotency-Key items' expiry (aws/messages/msg_row.h): DynamoDB
 * deletes an item some time after its expires_at. Asked again of a table
 * that has it, DynamoDB answers a ValidationException. */
static int
tool_enable_ttl(struct tool *t)
{
    json_t *req = json_pack("{s:s, s:{s:b, s:s}}", "TableName",
                            t->aws.env.table, "TimeToLiveSpecification",
                            "Enabled", 1, "AttributeName", "expires_at");
    int r = tool_table_call(t, "UpdateTimeToLive", req, CR_INVALID,
                            "keeps its time to live as it is");

    json_decref(req);
    if (r == 0)
        printf("table %s: items expire at their expires_at\n",
               t->aws.env.table);
    return r < 0;
}

static int
tool_schema_load(struct tool *t)
{
    json_t *req = tool_table_spec(t->aws.env.table);
    int r = tool_table_call(t, "CreateTable", req, CR_CONFLICT,
                            "already exists");

    json_decref(req);
    if (r < 0 || (r == 0 && tool_wait_active(t)))
        return 1;
    return tool_enable_ttl(t);
}

static int
tool_drop(struct tool *t)
{
    json_t *req = json_pack("{s:s}", "TableName", t->aws.env.table);
    int r = tool_table_call(t, "DeleteTable", req, CR_NOT_FOUND,
                            "does not exist");

    json_decref(req);
    if (r == 0)
        printf("table %s dropped\n", t->aws.env.table);
    return r < 0;
}

/* Prints every entry of a listing answer's list member: strings as they
 * are, objects as one line of JSON. An answer without it is a failure. */
static cr_code
tool_list_page(void *arg, json_t *resp, int *stop)
{
    json_t *entries = json_object_get(resp, arg), *e;
    size_t i;

    (void)stop;
    if (!json_is_array(entries))
        return CR_BACKEND;
    json_array_foreach(entries, i, e) {
        if (json_is_string(e))
            puts(json_string_value(e));
        else
            tool_print(e, JSON_COMPACT);
    }
    return CR_OK;
}

/* Every entry of list in target's answers, all pages. 0 when all read. */
static int
tool_list_pages(struct tool *t, const char *target, json_t *req,
                const char *list, const char *last, const char *start)
{
    return tool_call_pages(t, AWS_DYNAMODB, target, req, last, start,
                           tool_list_page, (void *)list) != CR_OK;
}

static int
tool_list_tables(struct tool *t)
{
    json_t *req = json_object();
    int rc = tool_list_pages(t, "ListTables", req, "TableNames",
                             "LastEvaluatedTableName",
                             "ExclusiveStartTableName");

    json_decref(req);
    return rc;
}

static int
tool_scan(struct tool *t)
{
    json_t *req = json_pack("{s:s}", "TableName", t->aws.env.table);
    int rc = tool_list_pages(t, "Scan", req, "Items", "LastEvaluatedKey",
                             "ExclusiveStartKey");

    json_decref(req);
    return rc;
}

/* A message text and a newline: all len bytes as stored, for another
 * client may have written a U+0000 into it, where %s would stop. */
static void
tool_print_text(const char *text, size_t len)
{
    fwrite(text, 1, len, stdout);
    putchar('\n');
}

/* Pattern A: the newest `limit` messages, printed oldest first. */
static int
tool_get_conversation(struct tool *t, const char *group, int limit)
{
    json_t *req = NULL, *resp = NULL, *items;
    struct msg_row m;
    size_t i;
    int rc = 1;

    if (msg_req_list_messages(t->aws.env.table, group, limit, NULL, &req)) {
        fputs("cruddur-aws: GROUP_UUID is not a UUID\n", stderr);
        return 2;
    }
    if (tool_call(t, AWS_DYNAMODB, "Query", req, &resp) ||
        msg_resp_items(resp, &items))
        goto out;
    for (i = json_array_size(items); i-- > 0;) {
        /* Another client's row that lacks what we need: passed over with
         * a word, as the API does, not the end of the listing. */
        if (msg_from_item(json_array_get(items, i), &m)) {
            fputs("cruddur-aws: skipped a message row lacking what we "
                  "need\n", stderr);
            continue;
        }
        printf("%s  %-12s  ", m.sk, m.user_handle);
        tool_print_text(m.message, m.message_len);
    }
    rc = 0;
out:
    json_decref(req);
    json_decref(resp);
    return rc;
}

/* Pattern B for the user of handle. */
static int
tool_list_conversations(struct tool *t, const char *handle)
{
    json_t *req = NULL, *resp = NULL, *items, *it;
    struct msg_group_row g;
    struct user u;
    size_t i;
    int rc = 1;

    if (tool_user_by_handle(handle, &u))
        return 1;
    if (msg_req_list_groups(t->aws.env.table, u.uuid, 20, &req) ||
        tool_call(t, AWS_DYNAMODB, "Query", req, &resp) ||
        msg_resp_items(resp, &items))
        goto out;
    json_array_foreach(items, i, it) {
        if (msg_group_from_item(it, &g)) {
            fputs("cruddur-aws: skipped a message group row lacking what we "
                  "need\n", stderr);
            continue;
        }
        printf("%s  %s  %-12s  %s: ", g.sk, g.group_uuid, g.user_handle,
               g.user_display_name);
        tool_print_text(g.message, g.message_len);
    }
    rc = 0;
out:
    json_decref(req);
    json_decref(resp);
    return rc;
}

int
tool_ddb(struct tool *t, int argc, char **argv)
{
    const char *cmd = argc > 0 ? argv[0] : "";

    if (strcmp(cmd, "schema-load") == 0)
        return tool_schema_load(t);
    if (strcmp(cmd, "drop") == 0)
        return tool_drop(t);
    if (strcmp(cmd, "list-tables") == 0)
        return tool_list_tables(t);
    if (strcmp(cmd, "scan") == 0)
        return tool_scan(t);
    if (strcmp(cmd, "seed") == 0)
        return tool_ddb_seed(t);
    if (strcmp(cmd, "get-conversation") == 0)
        return tool_get_conversation(t, argc > 1 ? argv[1] : TOOL_SEED_GROUP,
                                     argc > 2 ? atoi(argv[2]) : 20);
    if (strcmp(cmd, "list-conversations") == 0)
        return tool_list_conversations(t, argc > 1 ? argv[1] : "andrewbrown");
    fputs("usage: cruddur-aws ddb schema-load|drop|list-tables|scan|seed|"
          "get-conversation [GROUP_UUID] [LIMIT]|list-conversations [HANDLE]\n",
          stderr);
    return 2;
}
