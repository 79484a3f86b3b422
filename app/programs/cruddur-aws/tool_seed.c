/* tool_seed.c - cruddur-aws ddb seed: a conversation between andrewbrown
 * and bayko, written the way the app writes one (pattern C, then D). */
#include <stdio.h>
#include <string.h>

#include "app/programs/cruddur-aws/tool_seed.h"
#include "aws/messages/msg_req.h"
#include "aws/messages/msg_store.h"

#define TOOL_SEED_STEP_USEC (97LL * 1000000)   /* between two messages */

/* 1: andrewbrown speaks, 0: bayko. */
static const struct { int andrew; const char *text; } tool_seed_lines[] = {
    { 1, "Morning! Did the new messaging table make it to staging?" },
    { 0, "It did. One table, two kinds of rows, and a stream on top." },
    { 1, "Two kinds of rows?" },
    { 0, "Group rows so each of us can list conversations, message rows for the text itself." },
    { 1, "And the group rows know who is on the other side?" },
    { 0, "Yes, each one stores the other person's handle and display name." },
    { 1, "So listing my conversations is a single query." },
    { 0, "Exactly, newest first, twenty at a time." },
    { 1, "What keeps the group row's last message up to date?" },
    { 0, "A small function reading the table's stream moves it forward." },
    { 1, "Only forward?" },
    { 0, "Only forward. Old or repeated events leave it alone." },
    { 1, "Good, I was worried about retries shuffling things." },
    { 0, "Retries are fine, the writes are all conditional." },
    { 1, "Meaning nothing gets overwritten by accident." },
    { 0, "Right. If two messages land in the same microsecond, the second one moves up by one." },
    { 1, "That must be rare." },
    { 0, "Rare, but the load test found it twice." },
    { 1, "Ha. Tests earning their keep." },
    { 0, "How is the frontend side going?" },
    { 1, "The conversation page pages back with a before parameter now." },
    { 0, "Nice, that matches the sort key exactly." },
    { 1, "Times sort as strings, so it just works." },
    { 0, "As long as everything stays in UTC with six digits of fraction." },
    { 1, "I'll add that to the notes for the next cohort." },
    { 0, "Speaking of which, are we recording the walkthrough this week?" },
    { 1, "Thursday, if the demo account behaves." },
    { 0, "Which part misbehaved last time?" },
    { 1, "The sign-in pool. Someone deleted the app client." },
    { 0, "Ouch. The local stack recreates it now, at least." },
    { 1, "And the seed users get known passwords, so tokens are one script away." },
    { 0, "That will save everyone an hour of clicking." },
    { 1, "Have you tried the load test against the local table?" },
    { 0, "Fifty posts at once into one conversation, all fifty stored." },
    { 1, "Not one lost?" },
    { 0, "Not one. Checked by scanning afterwards." },
    { 1, "Great. Then the last piece is the deployment template." },
    { 0, "I have a draft. The policy only allows what the function needs." },
    { 1, "Query on the index, put, delete and the stream reads?" },
    { 0, "Exactly those, on this one table." },
    { 1, "Perfect. Let's ship it after the walkthrough." },
    { 0, "Deal. Talk Thursday!" },
};

#define TOOL_SEED_COUNT ((int)(sizeof(tool_seed_lines) / sizeof(tool_seed_lines[0])))

/* The time of line i: a minute and a half apart, odd microseconds. */
static int64_t
tool_seed_at(int64_t start, int i)
{
    return start + i * TOOL_SEED_STEP_USEC + (i * 7919LL) % 1000000;
}

/* 1 when the owner already has the seeded conversation, 0 when not,
 * -1 on failure (reported). */
static int
tool_seed_exists(struct tool *t, const char *owner)
{
    struct msg_group_row g;
    struct aws_error err;
    cr_code rc;

    aws_error_clear(&err);
    rc = msg_store_find_group(&t->aws, t->aws.env.table, owner,
                              MSG_MATCH_GROUP, TOOL_SEED_GROUP, &g, &err);
    if (rc == CR_OK || rc == CR_NOT_FOUND)
        return rc == CR_OK;
    tool_report("Query", rc, &err);
    return -1;
}

/* Line i, said at `at`, as a message row. */
static cr_code
tool_seed_message(int i, int64_t at, const struct user *a,
                  const struct user *b, struct msg_row *m)
{
    return msg_row_new(m, TOOL_SEED_GROUP, tool_seed_lines[i].andrew ? a : b,
                       tool_seed_lines[i].text, at);
}

/* Pattern C: both group rows (already at the last message) and the first
 * message, in one transaction. */
static cr_code
tool_seed_start(struct tool *t, const struct user *a, const struct user *b,
                const struct msg_row *first, const char *last_sk)
{
    const char *last = tool_seed_lines[TOOL_SEED_COUNT - 1].text;
    struct msg_group_row ga, gb;
    json_t *req = NULL, *resp = NULL;
    cr_code rc;

    if ((rc = msg_group_row_new(&ga, a, b, TOOL_SEED_GROUP, last_sk, last,
                                strlen(last))) ||
        (rc = msg_group_row_new(&gb, b, a, TOOL_SEED_GROUP, last_sk, last,
                                strlen(last))) ||
        (rc = msg_req_new_conversation(t->aws.env.table, &ga, &gb, first,
                                       &req)))
        return rc;
    rc = tool_call(t, AWS_DYNAMODB, "TransactWriteItems", req, &resp);
    json_decref(req);
    json_decref(resp);
    return rc;
}

static cr_code
tool_seed_put(struct tool *t, const struct msg_row *m)
{
    json_t *req = NULL, *resp = NULL;
    cr_code rc;

    if ((rc = msg_req_put_message(t->aws.env.table, m, &req)))
        return rc;
    rc = tool_call(t, AWS_DYNAMODB, "PutItem", req, &resp);
    json_decref(req);
    json_decref(resp);
    return rc;
}

int
tool_ddb_seed(struct tool *t)
{
    struct user a, b;
    struct msg_row m;
    char last_sk[MSG_TIME_SIZE];
    /* Two days ago, so every message is in the past. */
    int64_t start = msg_time_now() - 2LL * 86400 * 1000000;
    int i, seeded;

    if (tool_user_by_handle("andrewbrown", &a) ||
        tool_user_by_handle("bayko", &b))
        return 1;
    if ((seeded = tool_seed_exists(t, a.uuid)) < 0)
        return 1;
    if (seeded) {
        printf("conversation %s is already seeded\n", TOOL_SEED_GROUP);
        return 0;
    }
    if (msg_time_format(tool_seed_at(start, TOOL_SEED_COUNT - 1), last_sk))
        return 1;
    for (i = 0; i < TOOL_SEED_COUNT; i++) {
        if (tool_seed_message(i, tool_seed_at(start, i), &a, &b, &m))
            return 1;
        if (i == 0 && tool_seed_start(t, &a, &b, &m, last_sk))
            return 1;
        if (i > 0 && tool_seed_put(t, &m))
            return 1;
    }
    printf("seeded conversation %s: %d messages between %s and %s\n",
           TOOL_SEED_GROUP, TOOL_SEED_COUNT, a.handle, b.handle);
    return 0;
}
