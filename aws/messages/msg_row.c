/* msg_row.c - message and group rows made in one place, for the services,
 * the seed, the load generator and the stream processor alike. */
#include <string.h>

#include "app/core/uuid.h"
#include "aws/messages/msg_row.h"

/* src into dst of size bytes; CR_INVALID when it does not fit. */
static cr_code
msg_row_copy(char *dst, size_t size, const char *src)
{
    size_t n = strlen(src);

    if (n >= size)
        return CR_INVALID;
    memcpy(dst, src, n + 1);
    return CR_OK;
}

cr_code
msg_row_new(struct msg_row *m, const char *group_uuid,
            const struct user *sender, const char *text, int64_t usec)
{
    cr_code rc;

    memset(m, 0, sizeof(*m));
    if ((rc = msg_row_copy(m->group_uuid, sizeof(m->group_uuid),
                           group_uuid)) ||
        (rc = msg_row_copy(m->user_uuid, sizeof(m->user_uuid),
                           sender->uuid)) ||
        (rc = msg_row_copy(m->user_display_name,
                           sizeof(m->user_display_name),
                           sender->display_name)) ||
        (rc = msg_row_copy(m->user_handle, sizeof(m->user_handle),
                           sender->handle)) ||
        (rc = uuid_v4(m->message_uuid)))
        return rc;
    m->message = text;
    m->message_len = strlen(text);
    return msg_time_format(usec, m->sk);
}

cr_code
msg_group_row_new(struct msg_group_row *g, const struct user *owner,
                  const struct user *other, const char *group_uuid,
                  const char *sk, const char *message, size_t message_len)
{
    cr_code rc;

    memset(g, 0, sizeof(*g));
    if ((rc = msg_row_copy(g->owner_uuid, sizeof(g->owner_uuid),
                           owner->uuid)) ||
        (rc = msg_row_copy(g->sk, sizeof(g->sk), sk)) ||
        (rc = msg_row_copy(g->group_uuid, sizeof(g->group_uuid),
                           group_uuid)) ||
        (rc = msg_row_copy(g->user_uuid, sizeof(g->user_uuid), other->uuid)) ||
        (rc = msg_row_copy(g->user_display_name, sizeof(g->user_display_name),
                           other->display_name)) ||
        (rc = msg_row_copy(g->user_handle, sizeof(g->user_handle),
                           other->handle)))
        return rc;
    g->message = message;
    g->message_len = message_len;
    return CR_OK;
}
