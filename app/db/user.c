/* user.c - what a handle may look like. */
#include <string.h>

#include "app/db/user.h"

static int
user_handle_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
}

int
user_handle_valid(const char *s)
{
    size_t i, len = strlen(s);

    if (len == 0 || len >= USER_HANDLE_SIZE || s[0] == '.' || s[0] == '-')
        return 0;
    for (i = 0; i < len; i++) {
        if (!user_handle_char(s[i]))
            return 0;
    }
    return 1;
}
