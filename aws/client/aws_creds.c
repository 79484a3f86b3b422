/* aws_creds.c - static keys from the environment or temporary ones from
 * the ECS container credentials endpoint. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "app/core/buf.h"
#include "app/core/env.h"
#include "app/core/netloc.h"
#include "aws/client/aws_creds.h"
#include "aws/client/httpc.h"

#define AWS_CREDS_EARLY 300   /* refresh this many seconds before expiry */

/* rc, with why into c->error for the caller. */
#define AWS_CREDS_FAIL(c, rc, ...) \
    cr_fail((rc), (c)->error, sizeof((c)->error), __VA_ARGS__)

/* What the AWS SDKs accept (botocore's ContainerMetadataFetcher, the Go
 * and Java SDKs): https to any host; plain http only to this machine or to
 * the ECS and EKS agents, so a FULL_URI cannot send the task's
 * authorization token in clear to an arbitrary host. The host is the one
 * libcurl will connect to (netloc.h). */
static int
aws_creds_full_uri_ok(const char *u)
{
    static const char *const agents[] = {
        "169.254.170.2", "169.254.170.23", "fd00:ec2::23",
    };
    struct netloc nl;
    size_t i;

    if (netloc_parse(u, &nl) != CR_OK)
        return 0;
    if (nl.https || netloc_host_loopback(nl.host))
        return 1;
    for (i = 0; i < sizeof(agents) / sizeof(agents[0]); i++)
        if (strcmp(nl.host, agents[i]) == 0)
            return 1;
    return 0;
}

static cr_code
aws_creds_from_env(struct aws_creds *c, const char *ak, const char *sk)
{
    const char *tok = env_get("AWS_SESSION_TOKEN");

    if (strlen(ak) >= AWS_KEY_SIZE || strlen(sk) >= AWS_KEY_SIZE ||
        strchr(ak, ':'))
        return AWS_CREDS_FAIL(c, CR_INVALID, "AWS_ACCESS_KEY_ID or "
                              "AWS_SECRET_ACCESS_KEY is malformed");
    if (tok && strlen(tok) >= AWS_TOKEN_SIZE)
        return AWS_CREDS_FAIL(c, CR_INVALID, "AWS_SESSION_TOKEN is too long");
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
    const char *auth = env_get("AWS_CONTAINER_AUTHORIZATION_TOKEN");

    memset(c, 0, sizeof(*c));
    strcpy(c->container_host, "http://169.254.170.2");
    if (ak && sk)
        return aws_creds_from_env(c, ak, sk);
    if (ak || sk)
        return AWS_CREDS_FAIL(c, CR_INVALID, "%s is set without %s",
                              ak ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY",
                              ak ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID");
    if (rel) {
        /* Kept relative: the host is joined at fetch time. */
        if (rel[0] != '/' || strlen(rel) >= sizeof(c->url))
            return AWS_CREDS_FAIL(c, CR_INVALID, "AWS_CONTAINER_CREDENTIALS_"
                                  "RELATIVE_URI is malformed");
        strcpy(c->url, rel);
    } else if (full) {
        if (!aws_creds_full_uri_ok(full) || strlen(full) >= sizeof(c->url))
            return AWS_CREDS_FAIL(c, CR_INVALID, "AWS_CONTAINER_CREDENTIALS_"
                                  "FULL_URI is not allowed");
        strcpy(c->url, full);
    } else {
        return AWS_CREDS_FAIL(c, CR_INVALID, "no AWS credentials "
                              "(AWS_ACCESS_KEY_ID or "
                              "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI)");
    }
    /* It becomes a header line: a line break would add headers of its own
     * (botocore refuses it too). */
    if (auth && strpbrk(auth, "\r\n"))
        return AWS_CREDS_FAIL(c, CR_INVALID, "AWS_CONTAINER_AUTHORIZATION_"
                              "TOKEN holds a line break");
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
        AWS_CREDS_FAIL(c, rc, "container endpoint: %s", why);
        goto out;
    }
    rc = CR_BACKEND;
    if (status != 200) {
        AWS_CREDS_FAIL(c, rc, "container endpoint answered %ld", status);
        goto out;
    }
    doc = json_loadb(out.data ? out.data : "", out.len, 0, NULL);
    if (doc == NULL || aws_creds_take(c, doc) != CR_OK) {
        AWS_CREDS_FAIL(c, rc, "malformed answer from the container endpoint");
        goto out;
    }
    rc = CR_OK;
out:
    if (rc == CR_NOMEM)
        AWS_CREDS_FAIL(c, rc, "container endpoint: out of memory");
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
        return AWS_CREDS_FAIL(c, CR_INVALID, "no credentials source");
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
