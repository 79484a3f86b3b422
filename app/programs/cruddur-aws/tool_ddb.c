/* tool_ddb.c - cruddur-aws call and ddb: the table and its patterns. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/core/uuid.h"
#include "app/programs/cruddur-aws/tool.h"
#include "aws/messages/msg_model.h"

cr_code
tool_call(struct tool *t, enum aws_service svc, const char *target,
          json_t *req, json_t **resp)
{
    struct aws_error err;
    cr_code rc = aws_call(&t->aws, svc, target, req, resp, &err);

    if (rc)
        fprintf(stderr, "cruddur-aws: %s: %s%s%s%s%s\n", target,
                cr_strerror(rc), err.type[0] ? ": " : "", err.type,
                err.message[0] ? ": " : "", err.message);
    return rc;
}

static void
tool_print(json_t *j, size_t flags)
{
    char *s = json_dumps(j, flags | JSON_SORT_KEYS);

    if (s)
        puts(s);
    free(s);
}

int
tool_raw_call(struct tool *t, int argc, char **argv)
{
    static const char *const names[] = {
        [AWS_DYNAMODB] = "dynamodb", [AWS_STREAMS] = "streams",
        [AWS_COGNITO] = "cognito-idp",
    };
    json_t *req, *resp = NULL;
    json_error_t jerr;
    int svc, rc;

    if (argc != 3) {
        fputs("usage: cruddur-aws call SERVICE TARGET JSON\n", stderr);
        return 2;
    }
    for (svc = 0; svc < 3; svc++)
        if (strcmp(argv[0], names[svc]) == 0)
            break;
    if (svc == 3) {
        fputs("cruddur-aws: SERVICE is dynamodb, streams or cognito-idp\n",
              stderr);
        return 2;
    }
    if ((req = json_loads(argv[2], 0, &jerr)) == NULL) {
        fprintf(stderr, "cruddur-aws: JSON: %s\n", jerr.text);
        return 2;
    }
    rc = tool_call(t, (enum aws_service)svc, argv[1], req, &resp) ? 1 : 0;
    if (rc == 0)
        tool_print(resp, JSON_INDENT(2));
    json_decref(req);
    json_decref(resp);
    return rc;
}

/* SPEC section 6. On-demand billing: nothing to size, and no throttling
 * of a burst of messages at a provisioned 5 writes a second. */
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

/* One table-level call (req is consumed). 0 when it did its work, 1 when
 * it answered `already` (the table is as wanted already: says so), -1 on
 * any other failure (printed). */
static int
tool_table_call(struct tool *t, const char *target, json_t *req,
                cr_code already, const char *already_note)
{
    json_t *resp = NULL;
    struct aws_error err;
    cr_code rc;

    if (req == NULL)
        return -1;
    rc = aws_call(&t->aws, AWS_DYNAMODB, target, req, &resp, &err);
    json_decref(req);
    json_decref(resp);
    if (rc == already) {
        printf("table %s %s\n", t->aws.env.table, already_note);
        return 1;
    }
    if (rc) {
        fprintf(stderr, "cruddur-aws: %s: %s %s\n", target, err.type,
                err.message);
        return -1;
    }
    return 0;
}

static int
tool_schema_load(struct tool *t)
{
    int r = tool_table_call(t, "CreateTable",
                            tool_table_spec(t->aws.env.table),
                            CR_CONFLICT, "already exists");

    if (r != 0)
        return r < 0;
    return tool_wait_active(t);
}

static int
tool_drop(struct tool *t)
{
    int r = tool_table_call(t, "DeleteTable",
                            json_pack("{s:s}", "TableName", t->aws.env.table),
                            CR_NOT_FOUND, "does not exist");

    if (r == 0)
        printf("table %s dropped\n", t->aws.env.table);
    return r < 0;
}

/* Calls target page after page (req is taken), printing every entry of
 * the answers' member list: strings as they are, objects as one line of
 * JSON. 0 when every page was read. */
static int
tool_list_pages(struct tool *t, const char *target, json_t *req,
                const char *list, const char *last, const char *start)
{
    json_t *resp = NULL, *entries, *e;
    size_t i;
    cr_code rc = CR_NOMEM;

    while (req) {
        if ((rc = tool_call(t, AWS_DYNAMODB, target, req, &resp)))
            break;
        rc = CR_BACKEND;
        if (!json_is_array(entries = json_object_get(resp, list)))
            break;
        json_array_foreach(entries, i, e) {
            if (json_is_string(e))
                puts(json_string_value(e));
            else
                tool_print(e, JSON_COMPACT);
        }
        if ((rc = aws_next_page(req, resp, last, start)))
            break;
        json_decref(resp);
        resp = NULL;
    }
    json_decref(req);
    json_decref(resp);
    return rc != CR_NOT_FOUND;
}

static int
tool_list_tables(struct tool *t)
{
    return tool_list_pages(t, "ListTables", json_object(), "TableNames",
                           "LastEvaluatedTableName", "ExclusiveStartTableName");
}

static int
tool_scan(struct tool *t)
{
    return tool_list_pages(t, "Scan",
                           json_pack("{s:s}", "TableName", t->aws.env.table),
                           "Items", "LastEvaluatedKey", "ExclusiveStartKey");
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
        if (msg_from_item(json_array_get(items, i), &m)) {
            fputs("cruddur-aws: a message row is malformed\n", stderr);
            goto out;
        }
        printf("%s  %-12s  %s\n", m.sk, m.user_handle, m.message);
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
            fputs("cruddur-aws: a message group row is malformed\n", stderr);
            goto out;
        }
        printf("%s  %s  %-12s  %s: %s\n", g.sk, g.group_uuid, g.user_handle,
               g.user_display_name, g.message);
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
