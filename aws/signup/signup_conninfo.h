/* signup_conninfo.h - where the sign-up function finds PostgreSQL.
 *
 * Exactly one of these variables is set:
 *   CONNECTION_URL            the libpq connection string itself
 *   CONNECTION_URL_SECRET     a Secrets Manager secret (name or ARN) whose
 *                             SecretString is a connection string, or the
 *                             JSON object RDS writes: {"host", "port",
 *                             "dbname" (default cruddur), "username",
 *                             "password"}
 *   CONNECTION_URL_PARAMETER  an SSM parameter (name or ARN; a SecureString
 *                             is decrypted) holding a connection string
 * The two lookups are SigV4-signed calls through the project's AWS client
 * (region, credentials and endpoint overrides of aws_env_load; libcurl
 * verifies the TLS peer against the CA bundle). */
#ifndef CRUDDUR_SIGNUP_CONNINFO_H
#define CRUDDUR_SIGNUP_CONNINFO_H

#include "app/core/err.h"
#include "aws/signup/signup_event.h"

/* The connection string in *out (free() it). On failure err (type
 * "ConfigError") says what is wrong, for the operator: CR_INVALID for the
 * settings or the secret's shape, the AWS client's code for a failed call. */
cr_code signup_conninfo_load(char **out, struct signup_error *err);

/* A secret's text as a connection string (*out, free() it): the text
 * itself, or the keyword=value string of its JSON object's fields. */
cr_code signup_conninfo_from_secret(const char *secret, char **out,
                                    struct signup_error *err);

#endif
