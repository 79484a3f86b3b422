/* message_participant.h - who may read and post to a conversation: only
 * its participants. Anyone else gets the answer a group that does not
 * exist gets (404 message_group_not_found), so a stranger learns nothing.
 *
 * A conversation's participants are the owners of its group rows and the
 * people those rows name. Normally each of the two has a row; a
 * conversation another client wrote half (the Flask app's non-atomic
 * start, a crashed script, a partial restore) may have one row only, and
 * the participant it lacks is still a participant: named by the other's
 * row. The message services write the missing row with their next
 * message (create_message.c). */
#ifndef CRUDDUR_MESSAGE_PARTICIPANT_H
#define CRUDDUR_MESSAGE_PARTICIPANT_H

#include "app/context/app.h"
#include "aws/client/aws_error.h"

/* What the check saw of the conversation. */
struct message_conversation {
    int caller_row;                   /* the caller has a group row of it */
    int other_row;                    /* the other participant has one */
    char other_uuid[USER_UUID_SIZE];  /* the other participant ("" when no
                                       * row names one) */
};

/* CR_OK when owner_uuid is one of group_uuid's participants, with conv
 * (may be NULL) filled; CR_NOT_FOUND when the group does not exist or
 * owner is not in it (the same answer to a caller). A conversation's
 * participants never change and its rows are never deleted (only moved),
 * so a yes for a conversation both of whose rows were seen is remembered
 * for MESSAGE_PARTICIPANT_SECS and spares the next request from the same
 * caller its DynamoDB reads; a half-written conversation and a no are never
 * remembered. err as in msg_store.h. */
#define MESSAGE_PARTICIPANT_SECS 60
cr_code message_participant_check(struct app *app, const char *owner_uuid,
                                  const char *group_uuid,
                                  struct message_conversation *conv,
                                  struct aws_error *err);

#endif
