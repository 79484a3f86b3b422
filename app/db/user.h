/* user.h - a user as the services see one: the PostgreSQL row's public
 * part. Sizes follow the CHECK constraints in sql/schema.sql. */
#ifndef CRUDDUR_USER_H
#define CRUDDUR_USER_H

#define USER_UUID_SIZE     37   /* 36 characters and a NUL */
#define USER_HANDLE_SIZE   33   /* handles are 1..32 ASCII characters */
#define USER_NAME_SIZE     257  /* display names are 1..64 code points */

struct user {
    char uuid[USER_UUID_SIZE];
    char handle[USER_HANDLE_SIZE];
    char display_name[USER_NAME_SIZE];
};

/* 1 when s could be a handle: 1..32 of [A-Za-z0-9_.-], not starting with
 * '.' or '-'. Anything else cannot name a user. */
int user_handle_valid(const char *s);

#endif
