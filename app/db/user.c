/* user.c - what a handle, a display name and an email may look like. */
#include <string.h>

#include "app/core/utf8.h"
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

/* 1 when s holds an ASCII control character (C0 or DEL). */
static int
user_has_control(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return 1;
    return 0;
}

const char *
user_display_name_problem(const char *s)
{
    size_t len = strlen(s);

    if (!utf8_valid(s, len))
        return "is not valid UTF-8";
    if (utf8_blank(s))
        return "is blank";
    if (len >= USER_NAME_SIZE || utf8_count(s) > USER_NAME_MAX_CHARS)
        return "is longer than 64 characters";
    if (user_has_control(s))
        return "holds a control character";
    return NULL;
}

const char *
user_email_problem(const char *s)
{
    size_t len = strlen(s);
    const char *at = strrchr(s, '@');

    if (!utf8_valid(s, len))
        return "is not valid UTF-8";
    if (utf8_blank(s))
        return "is blank";
    if (len >= USER_EMAIL_SIZE)
        return "is longer than 254 bytes";
    if (user_has_control(s) || strchr(s, ' '))
        return "holds white space or a control character";
    if (at == NULL || at == s || at[1] == '\0')
        return "is not an email address";
    return NULL;
}
