/* aws_creds.c - static keys from the environment or temporary ones from
 * the ECS container credentials endpoint. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "app/core/buf.h"
#include "app/core/env.h"
#include "app/core/log.h"
#include "aws/client/aws_creds.h"
#include "aws/client/httpc.h"

#define AWS_CREDS_EARLY 300   /* refresh this many seconds before expiry */

/* The SDKs accept plain http only towards the container agent or loopback,
 * so a FULL_URI cannot send the task's token to an arbitrary host. */
static int
aws_creds_full_uri_ok(const char *u)
{
    static const char *const http_ok[] = {
        "http://127.0.0.1:", "http://127.0.0.1/", "http://localhost:",
        "http://localhost/", "http://[::1]:", "http://[::1]/",
        "http://169.254.170.2/", "http://169.254.170.2:",
        "http://169.254.170.23/", "http://169.254.170.23:",
    };
    size_t i;

    if (strncmp(u, "https://", 8) == 0)
        return 1;
    for (i = 0; i < sizeof(http_ok) / sizeof(http_ok[0]); i++)
        if (strncmp(u, http_ok[i], strlen(http_ok[i])) == 0)
            return 1;
    return 0;
}

static cr_code
aws_creds_from_env(struct aws_creds *c, const char *ak, const char *sk)
{
    const char *tok = env_get("AWS_SESSION_TOKEN");

    if (strlen(ak) >= AWS_KEY_SIZE || strlen(sk) >= AWS_KEY_SIZE ||
        strchr(ak, ':')) {
        log_line("config: AWS_ACCESS_KEY_ID or AWS_SECRET_ACCESS_KEY is malformed");
        return CR_INVALID;
    }
    if (tok && strlen(tok) >= AWS_TOKEN_SIZE) {
        log_line("config: AWS_SESSION_TOKEN is too long");
        return CR_INVALID;
    }
    snprintf(c->userpwd, sizeof(c->userpwd), "%s:%s", ak, sk);
    snprintf(c->token, sizeof(c->token), "%s", tok ? tok : "");
    c->source = AWS_CREDS_ENV;
    return CR_OK;
}

cr_code
aws_creds_init(struct aws_creds *c)
{
    const char *ak = env_get("AWS_ACCESS_KEY_ID");
    const char *sk = env_get("AWS_SECRET_ACCESS_KEY");
    const char *rel = env_get("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
    const char *full = env_get("AWS_CONTAINER_CREDENTIALS_FULL_URI");

    memset(c, 0, sizeof(*c));
    strcpy(c->container_host, "http://169.254.170.2");
    if (ak && sk)
        return aws_creds_from_env(c, ak, sk);
    if (ak || sk) {
        log_line("config: %s is set without %s",
                 ak ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY",
                 ak ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID");
        return CR_INVALID;
    }
    if (rel) {
        /* Kept relative: the host is joined at fetch time. */
        if (rel[0] != '/' || strlen(rel) >= sizeof(c->url)) {
            log_line("config: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI is malformed");
            return CR_INVALID;
        }
        strcpy(c->url, rel);
    } else if (full) {
        if (!aws_creds_full_uri_ok(full) || strlen(full) >= sizeof(c->url)) {
            log_line("config: AWS_CONTAINER_CREDENTIALS_FULL_URI is not allowed");
            return CR_INVALID;
        }
        strcpy(c->url, full);
    } else {
        log_line("config: no AWS credentials (AWS_ACCESS_KEY_ID or "
                 "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI)");
        return CR_INVALID;
    }
    c->source = AWS_CREDS_CONTAINER;
    return CR_OK;
}

/* "2023-03-18T19:04:11Z", fractions of a second allowed. */
static cr_code
aws_creds_parse_expiry(const char *s, time_t *out)
{
    struct tm tm;
    const char *end;

    memset(&tm, 0, sizeof(tm));
    end = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
    if (end == NULL)
        return CR_INVALID;
    if (*end == '.')
        for (end++; *end >= '0' && *end <= '9'; end++)
            ;
    if (strcmp(end, "Z") != 0 && strcmp(end, "+00:00") != 0)
        return CR_INVALID;
    *out = timegm(&tm);
    return *out == (time_t)-1 ? CR_INVALID : CR_OK;
}

static cr_code
aws_creds_take(struct aws_creds *c, json_t *doc)
{
    const char *ak = json_string_value(json_object_get(doc, "AccessKeyId"));
    const char *sk = json_string_value(json_object_get(doc, "SecretAccessKey"));
    const char *tok = json_string_value(json_object_get(doc, "Token"));
    const char *exp = json_string_value(json_object_get(doc, "Expiration"));
    time_t expires;

    if (!ak || !sk || !tok || !exp || !*ak || !*sk || strchr(ak, ':') ||
        strlen(ak) >= AWS_KEY_SIZE || strlen(sk) >= AWS_KEY_SIZE ||
        strlen(tok) >= AWS_TOKEN_SIZE ||
        aws_creds_parse_expiry(exp, &expires) != CR_OK)
        return CR_INVALID;
    snprintf(c->userpwd, sizeof(c->userpwd), "%s:%s", ak, sk);
    strcpy(c->token, tok);
    c->expires = expires;
    return CR_OK;
}

static cr_code
aws_creds_fetch(struct aws_creds *c, CURL *h)
{
    const char *auth = env_get("AWS_CONTAINER_AUTHORIZATION_TOKEN");
    struct httpc_req req = { .method = "GET", .timeout_ms = 2000,
                             .connect_timeout_ms = 1000 };
    struct curl_slist *hdrs = NULL;
    char url[AWS_CREDS_URL_SIZE + 64], *hdr = NULL;
    const char *why = NULL;
    struct buf out;
    json_t *doc = NULL;
    long status = 0;
    cr_code rc = CR_NOMEM;

    buf_init(&out, 64 * 1024);
    if (c->url[0] == '/')
        snprintf(url, sizeof(url), "%s%s", c->container_host, c->url);
    else
        snprintf(url, sizeof(url), "%s", c->url);
    if (auth) {
        size_t n = strlen("Authorization: ") + strlen(auth) + 1;
        struct curl_slist *l;

        if ((hdr = malloc(n)) == NULL)
            goto out;
        snprintf(hdr, n, "Authorization: %s", auth);
        if ((l = curl_slist_append(NULL, hdr)) == NULL)
            goto out;
        hdrs = l;
    }
    req.url = url;
    req.headers = hdrs;
    if ((rc = httpc_perform(h, &req, &status, &out, &why))) {
        log_line("aws creds: container endpoint: %s", why);
        goto out;
    }
    rc = CR_BACKEND;
    if (status != 200) {
        log_line("aws creds: container endpoint answered %ld", status);
        goto out;
    }
    doc = json_loadb(out.data ? out.data : "", out.len, 0, NULL);
    if (doc == NULL || aws_creds_take(c, doc) != CR_OK) {
        log_line("aws creds: malformed answer from the container endpoint");
        goto out;
    }
    rc = CR_OK;
out:
    json_decref(doc);
    curl_slist_free_all(hdrs);
    free(hdr);
    buf_free(&out);
    return rc;
}

cr_code
aws_creds_get(struct aws_creds *c, CURL *h, time_t now)
{
    if (c->source == AWS_CREDS_ENV)
        return CR_OK;
    if (c->source != AWS_CREDS_CONTAINER)
        return CR_INVALID;
    if (c->expires != 0 && now < c->expires - AWS_CREDS_EARLY)
        return CR_OK;
    if (aws_creds_fetch(c, h) == CR_OK)
        return CR_OK;
    if (c->expires != 0 && now < c->expires)
        return CR_OK;  /* still valid for a while; try again next call */
    c->userpwd[0] = '\0';
    c->token[0] = '\0';
    c->expires = 0;
    return CR_BACKEND;
}
