/* message_group_access.h - what the message services share: one DynamoDB
 * call with its failure logged, and "which of the caller's group rows is
 * this conversation" (the participant rule of SPEC section 3). */
#ifndef CRUDDUR_MESSAGE_GROUP_ACCESS_H
#define CRUDDUR_MESSAGE_GROUP_ACCESS_H

#include <jansson.h>

#include "app/context/app.h"
#include "aws/messages/msg_model.h"

/* aws_call on DynamoDB; a failure is logged (type only, never a body).
 * Codes as aws_error_code(): CR_CONFLICT for a lost condition,
 * CR_DDB_UNAVAILABLE after the client's retries. */
cr_code mgroup_ddb(struct app *app, const char *target, json_t *req,
                   json_t **resp);

/* CR_OK when owner_uuid is one of group_uuid's participants; CR_NOT_FOUND
 * when the group does not exist or owner is not in it (the same answer to
 * a caller). A conversation's participants never change, so a yes is
 * remembered for MGROUP_PARTICIPANT_SECS and spares the next request from
 * the same caller its DynamoDB read; a no is never remembered. */
#define MGROUP_PARTICIPANT_SECS 60
cr_code mgroup_check_participant(struct app *app, const char *owner_uuid,
                                 const char *group_uuid);

/* Owner's group row of the conversation with other_uuid (every page of
 * pattern B, read consistently), or CR_NOT_FOUND. mine->message is NULL. */
cr_code mgroup_with_user(struct app *app, const char *owner_uuid,
                         const char *other_uuid, struct msg_group_row *mine);

/* The API's shape of a conversation entry and of a message: {"uuid",
 * "display_name", "handle", "message", "created_at"} (a new reference, or
 * NULL when out of memory). */
json_t *mgroup_entry_json(const char *uuid, const char *display_name,
                          const char *handle, const char *message,
                          const char *created_at);

#endif
