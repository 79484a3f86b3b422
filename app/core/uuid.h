/* uuid.h - random (version 4) and name-based (version 5) UUIDs and a
 * strict textual check.
 *
 * The text form is the canonical 8-4-4-4-12 lowercase hex that PostgreSQL
 * prints and the Flask app stored in DynamoDB keys. */
#ifndef CRUDDUR_UUID_H
#define CRUDDUR_UUID_H

#include "app/core/err.h"

#define UUID_STR_SIZE 37   /* 36 characters and a NUL */

/* A new version 4 UUID from OpenSSL's RAND_bytes, lowercase.
 * CR_INTERNAL when the random generator fails (its detail goes to the
 * request's obs_fail(), like every failure below the edge). */
cr_code uuid_v4(char out[UUID_STR_SIZE]);

/* The version 5 UUID of name in namespace ns (RFC 4122: SHA-1 of the
 * namespace's 16 bytes and the name), lowercase. CR_INTERNAL when OpenSSL
 * fails. */
cr_code uuid_v5(const unsigned char ns[16], const char *name,
                char out[UUID_STR_SIZE]);

/* 1 when s is exactly 8-4-4-4-12 hex digits (either case), else 0.
 * Any version is accepted: rows written by other clients keep working. */
int uuid_valid(const char *s);

#endif
