/* message_participant.h - who may read and post to a conversation: only
 * its participants. Anyone else gets the answer a group that does not
 * exist gets (404 message_group_not_found), so a stranger learns nothing. */
#ifndef CRUDDUR_MESSAGE_PARTICIPANT_H
#define CRUDDUR_MESSAGE_PARTICIPANT_H

#include "app/context/app.h"
#include "aws/client/aws_error.h"

/* CR_OK when owner_uuid is one of group_uuid's participants; CR_NOT_FOUND
 * when the group does not exist or owner is not in it (the same answer to
 * a caller). A conversation's participants never change, so a yes is
 * remembered for MESSAGE_PARTICIPANT_SECS and spares the next request from
 * the same caller its DynamoDB read; a no is never remembered. err as in
 * msg_store.h. */
#define MESSAGE_PARTICIPANT_SECS 60
cr_code message_participant_check(struct app *app, const char *owner_uuid,
                                  const char *group_uuid,
                                  struct aws_error *err);

#endif
