/* message_entry.h - the API's shape of a conversation in a list and of a
 * message: {"uuid", "display_name", "handle", "message", "created_at"}.
 * For a conversation uuid is the group's and the person the other
 * participant; for a message, the message's own and its sender. */
#ifndef CRUDDUR_MESSAGE_ENTRY_H
#define CRUDDUR_MESSAGE_ENTRY_H

#include <stddef.h>

#include <jansson.h>

#include "app/core/buf.h"
#include "app/core/err.h"

/* A new reference, or NULL when out of memory. */
json_t *message_entry_json(const char *uuid, const char *display_name,
                           const char *handle, const char *message,
                           const char *created_at);

/* Appends the same object as message_entry_json() would dump (jansson,
 * compact), without making it: the list routes write their answers
 * straight into a buffer. message is message_len bytes: a row another
 * client wrote may hold U+0000, written as \u0000. */
cr_code message_entry_write(struct buf *b, const char *uuid,
                            const char *display_name, const char *handle,
                            const char *message, size_t message_len,
                            const char *created_at);

#endif
