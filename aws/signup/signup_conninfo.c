/* signup_conninfo.c - the connection string from the environment, Secrets
 * Manager or SSM Parameter Store. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "app/core/buf.h"
#include "app/core/env.h"
#include "aws/client/aws_client.h"
#include "aws/signup/signup_conninfo.h"

#define SIGNUP_REF_MAX 2048   /* secret ids and parameter names/ARNs */

/* Appends " key='value'" with libpq's quoting (backslash before \ and '). */
static cr_code
signup_kv(struct buf *b, const char *key, const char *value)
{
    cr_code rc;

    if ((rc = buf_append_str(b, b->len ? " " : "")) ||
        (rc = buf_append_str(b, key)) || (rc = buf_append_str(b, "='")))
        return rc;
    for (; *value; value++) {
        if ((*value == '\\' || *value == '\'') &&
            (rc = buf_append(b, "\\", 1)))
            return rc;
        if ((rc = buf_append(b, value, 1)))
            return rc;
    }
    return buf_append(b, "'", 1);
}

/* The member key of o as text: a string, or an integer (a port). NULL
 * when absent or of another type. */
static const char *
signup_member(const json_t *o, const char *key, char num[24])
{
    const json_t *v = json_object_get(o, key);

    if (json_is_integer(v)) {
        snprintf(num, 24, "%lld", (long long)json_integer_value(v));
        return num;
    }
    return json_is_string(v) && json_string_length(v) > 0 &&
           strlen(json_string_value(v)) == json_string_length(v)
               ? json_string_value(v) : NULL;
}

static cr_code
signup_conninfo_from_json(const json_t *o, char **out,
                          struct signup_error *err)
{
    static const char *const keys[][2] = {
        { "host", "host" }, { "port", "port" }, { "dbname", "dbname" },
        { "username", "user" }, { "password", "password" },
    };
    char num[24];
    const char *v;
    struct buf b;
    size_t i;
    cr_code rc = CR_OK;

    if (signup_member(o, "host", num) == NULL) {
        signup_error_set(err, "ConfigError",
                         "the secret's JSON has no \"host\"");
        return CR_INVALID;
    }
    buf_init(&b, 0);
    for (i = 0; i < sizeof(keys) / sizeof(keys[0]) && rc == CR_OK; i++) {
        v = signup_member(o, keys[i][0], num);
        if (v == NULL && strcmp(keys[i][0], "dbname") == 0)
            v = "cruddur";
        if (v)
            rc = signup_kv(&b, keys[i][1], v);
    }
    if (rc)
        buf_free(&b);
    else
        *out = buf_take(&b);
    return rc;
}

cr_code
signup_conninfo_from_secret(const char *secret, char **out,
                            struct signup_error *err)
{
    json_t *o;
    cr_code rc;

    *out = NULL;
    if (secret[strspn(secret, " \t\r\n")] != '{') {
        *out = strdup(secret);
        return *out ? CR_OK : CR_NOMEM;
    }
    o = json_loads(secret, 0, NULL);
    if (!json_is_object(o)) {
        json_decref(o);
        signup_error_set(err, "ConfigError", "the secret is not valid JSON");
        return CR_INVALID;
    }
    rc = signup_conninfo_from_json(o, out, err);
    json_decref(o);
    return rc;
}

/* One AWS call whose answer holds the text at answer[obj][field] (obj
 * NULL: at answer[field]); the text is copied to *out. */
static cr_code
signup_fetch(struct aws_client *aws, enum aws_service svc, const char *target,
             json_t *req, const char *obj, const char *field, char **out,
             struct signup_error *err)
{
    struct aws_error ae;
    json_t *resp = NULL, *at;
    const char *text;
    char why[256];
    cr_code rc;

    if (req == NULL)
        return CR_NOMEM;
    rc = aws_call(aws, svc, target, req, &resp, &ae);
    json_decref(req);
    if (rc) {
        signup_error_set(err, "ConfigError", "%s: %s", cr_strerror(rc),
                         aws_error_describe(&ae, why, sizeof(why)));
        return rc;
    }
    at = obj ? json_object_get(resp, obj) : resp;
    text = json_string_value(json_object_get(at, field));
    if (text == NULL || *text == '\0') {
        signup_error_set(err, "ConfigError", "%s: the answer has no %s",
                         target, field);
        rc = CR_INVALID;
    } else if ((*out = strdup(text)) == NULL) {
        rc = CR_NOMEM;
    }
    json_decref(resp);
    return rc;
}

/* Reads the secret or the parameter named ref into *text. */
static cr_code
signup_lookup(int secret, const char *ref, char **text,
              struct signup_error *err)
{
    struct aws_client aws;
    struct aws_env env;
    cr_code rc;

    if (strlen(ref) > SIGNUP_REF_MAX) {
        signup_error_set(err, "ConfigError", "%s is too long",
                         secret ? "CONNECTION_URL_SECRET"
                                : "CONNECTION_URL_PARAMETER");
        return CR_INVALID;
    }
    if ((rc = aws_env_load(&env, 0))) {
        signup_error_set(err, "ConfigError", "%s", env.error);
        return rc;
    }
    if ((rc = aws_client_init(&aws, &env))) {
        signup_error_set(err, "ConfigError", "no AWS credentials: %s",
                         aws.creds.error);
        return rc;
    }
    if (secret)
        rc = signup_fetch(&aws, AWS_SECRETS, "GetSecretValue",
                          json_pack("{s:s}", "SecretId", ref), NULL,
                          "SecretString", text, err);
    else
        rc = signup_fetch(&aws, AWS_SSM, "GetParameter",
                          json_pack("{s:s, s:b}", "Name", ref,
                                    "WithDecryption", 1),
                          "Parameter", "Value", text, err);
    aws_client_free(&aws);
    return rc;
}

cr_code
signup_conninfo_load(char **out, struct signup_error *err)
{
    const char *url = env_get("CONNECTION_URL");
    const char *secret = env_get("CONNECTION_URL_SECRET");
    const char *param = env_get("CONNECTION_URL_PARAMETER");
    char *text = NULL;
    cr_code rc;

    *out = NULL;
    if (!!url + !!secret + !!param != 1) {
        signup_error_set(err, "ConfigError",
                         "set exactly one of CONNECTION_URL, "
                         "CONNECTION_URL_SECRET and CONNECTION_URL_PARAMETER");
        return CR_INVALID;
    }
    if (url) {
        *out = strdup(url);
        return *out ? CR_OK : CR_NOMEM;
    }
    if ((rc = signup_lookup(secret != NULL, secret ? secret : param, &text,
                            err)))
        return rc;
    /* A parameter holds the string itself; a secret may be RDS's JSON. */
    if (param) {
        *out = text;
        return CR_OK;
    }
    rc = signup_conninfo_from_secret(text, out, err);
    free(text);
    return rc;
}
