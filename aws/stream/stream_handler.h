/* stream_handler.h - the message stream processor's one handler, shared by
 * the Lambda bootstrap and the local poller.
 *
 * Input is a batch of DynamoDB Streams records, {"Records": [...]}, the
 * shape both Lambda's event and GetRecords' answer have. For every INSERT
 * or MODIFY of a MSG# row, the conversation's group rows older than the
 * message are moved to the message's time and text (msg_req_move_group:
 * delete old + put new in one conditioned transaction). A group row never
 * moves backwards, so redelivered and out-of-order records change nothing.
 * An owner with two rows of one conversation (both sides started it at the
 * same moment, each writing both rows) keeps the newest: the older is
 * deleted (msg_req_drop_group). A conversation whose rows all belong to
 * one participant (another client wrote only one side) gets the other's
 * row at the message, named as the conversation's messages name the first
 * (msg_req_put_group, conditioned on its absence). What another client
 * added to a row is kept when it moves; a row lacking what we need is
 * left alone with one warning naming its key. Records are handled one by one: one
 * failure does not stop the others; stream_handle_batch() logs each failed
 * record once. */
#ifndef CRUDDUR_STREAM_HANDLER_H
#define CRUDDUR_STREAM_HANDLER_H

#include <stddef.h>

#include <jansson.h>

#include "app/core/err.h"
#include "aws/client/aws_client.h"

struct stream_trace;

struct stream_handler {
    struct aws_client *aws;   /* not owned */
    struct stream_trace *trace; /* not owned; NULL: not traced */
    const char *table;        /* not owned */
    int max_rounds;           /* read-decide-write rounds per record: 5 */
    long round_delay_ms;      /* pause before a re-read, times the round: 20 */
    size_t moved;             /* group rows moved so far (for logs, tests) */
    size_t dropped;           /* superseded group rows deleted so far */
    size_t healed;            /* group rows written for a participant who
                               * had none (a half-written conversation) */
    struct aws_error err;     /* the last record's DynamoDB failure */
};

/* A failed record: its dynamodb.SequenceNumber (borrowed from the batch;
 * "" when the record has none) and why it failed. */
struct stream_failure {
    const char *id;
    cr_code rc;
};

struct stream_report {
    size_t nrecords;
    size_t nfailed;
    struct stream_failure *failed;   /* nfailed of them, in batch order */
};

void stream_handler_init(struct stream_handler *h, struct aws_client *aws,
                         const char *table);

/* One stream record. CR_OK when it was applied or there was nothing to do
 * (REMOVE, a row that is not a message, a group whose rows are gone, rows
 * already at or past the message). CR_INVALID for a malformed record;
 * CR_CONFLICT when the rows kept changing for max_rounds rounds; DynamoDB's
 * codes (CR_DDB_UNAVAILABLE ...) otherwise. */
cr_code stream_handle_record(struct stream_handler *h, json_t *record);

/* Every record of batch, in order. CR_INVALID when batch is not a batch at
 * all (no "Records" array), CR_NOMEM; otherwise CR_OK with rep filled
 * (stream_report_free() it), whatever happened to single records. */
cr_code stream_handle_batch(struct stream_handler *h, json_t *batch,
                            struct stream_report *rep);
void stream_report_free(struct stream_report *rep);

/* Lambda's partial batch answer: {"batchItemFailures": [{"itemIdentifier":
 * SequenceNumber}, ...]} (a new reference in *resp). A failed record with
 * no sequence number is reported as "", which makes Lambda retry the whole
 * batch, the only safe thing to do then. */
cr_code stream_report_response(const struct stream_report *rep, json_t **resp);

/* record's dynamodb.SequenceNumber, or NULL. */
const char *stream_record_seq(json_t *record);

#endif
