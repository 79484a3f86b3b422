/* message_entry.c - one conversation or message as the API answers it. */
#include "services/message_entry.h"

json_t *
message_entry_json(const char *uuid, const char *display_name,
                   const char *handle, const char *message,
                   const char *created_at)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:s}", "uuid", uuid,
                     "display_name", display_name, "handle", handle,
                     "message", message, "created_at", created_at);
}
