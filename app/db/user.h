/* user.h - a user as the services see one: the PostgreSQL row's public
 * part. Sizes follow the CHECK constraints in sql/migrations/. */
#ifndef CRUDDUR_USER_H
#define CRUDDUR_USER_H

#define USER_UUID_SIZE     37   /* 36 characters and a NUL */
#define USER_HANDLE_SIZE   33   /* handles are 1..32 ASCII characters */
#define USER_NAME_SIZE     257  /* display names are 1..64 code points */
#define USER_NAME_MAX_CHARS 64
#define USER_EMAIL_SIZE    255  /* 254 bytes at most (RFC 5321's path) */

struct user {
    char uuid[USER_UUID_SIZE];
    char handle[USER_HANDLE_SIZE];
    char display_name[USER_NAME_SIZE];
};

/* 1 when s could be a handle: 1..32 of [A-Za-z0-9_.-], not starting with
 * '.' or '-'. Anything else cannot name a user. */
int user_handle_valid(const char *s);
#define USER_HANDLE_RULE "1 to 32 letters, digits, '_', '.' or '-', " \
                         "not starting with '.' or '-'"

/* The rules of the other fields of a new user (sign-up): NULL when s is
 * acceptable, else why not, a phrase such as "is blank". A display name is
 * well-formed UTF-8, not blank, 1..64 code points, without control
 * characters; an email is 3..254 bytes of UTF-8 without white space or
 * control characters, with an '@' that is neither first nor last. */
const char *user_display_name_problem(const char *s);
const char *user_email_problem(const char *s);

#endif
