/* message_entry.c - one conversation or message as the API answers it. */
#include "app/core/json_out.h"
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

cr_code
message_entry_write(struct buf *b, const char *uuid, const char *display_name,
                    const char *handle, const char *message,
                    size_t message_len, const char *created_at)
{
    cr_code rc;

    if ((rc = buf_append_str(b, "{\"uuid\":")) ||
        (rc = json_out_str_jansson(b, uuid)) ||
        (rc = buf_append_str(b, ",\"display_name\":")) ||
        (rc = json_out_str_jansson(b, display_name)) ||
        (rc = buf_append_str(b, ",\"handle\":")) ||
        (rc = json_out_str_jansson(b, handle)) ||
        (rc = buf_append_str(b, ",\"message\":")) ||
        (rc = json_out_strn_jansson(b, message, message_len)) ||
        (rc = buf_append_str(b, ",\"created_at\":")) ||
        (rc = json_out_str_jansson(b, created_at)))
        return rc;
    return buf_append(b, "}", 1);
}
