/* aws_client.c - signed JSON-protocol calls with bounded, jittered retries. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app/core/buf.h"
#include "app/core/obs.h"
#include "aws/client/aws_client.h"
#include "aws/client/httpc.h"

#define AWS_RESPONSE_LIMIT (16u * 1024 * 1024)

struct aws_svc_info {
    const char *sign_name;     /* service name in the SigV4 scope */
    const char *target_prefix;
    const char *content_type;
};

static const struct aws_svc_info aws_svcs[] = {
    [AWS_DYNAMODB] = { "dynamodb", "DynamoDB_20120810",
                       "Content-Type: application/x-amz-json-1.0" },
    /* Streams are signed in DynamoDB's name, as the SDKs do. */
    [AWS_STREAMS] = { "dynamodb", "DynamoDBStreams_20120810",
                      "Content-Type: application/x-amz-json-1.0" },
    [AWS_COGNITO] = { "cognito-idp", "AWSCognitoIdentityProviderService",
                      "Content-Type: application/x-amz-json-1.1" },
    [AWS_SECRETS] = { "secretsmanager", "secretsmanager",
                      "Content-Type: application/x-amz-json-1.1" },
    [AWS_SSM] = { "ssm", "AmazonSSM",
                  "Content-Type: application/x-amz-json-1.1" },
};

cr_code
aws_client_init(struct aws_client *c, const struct aws_env *env)
{
    cr_code rc;

    memset(c, 0, sizeof(*c));
    c->env = *env;
    if ((rc = aws_creds_init(&c->creds)))
        return rc;
    c->curl = curl_easy_init();
    if (c->curl == NULL) {
        snprintf(c->creds.error, sizeof(c->creds.error), "no libcurl handle");
        return CR_NOMEM;
    }
    c->seed = (unsigned int)time(NULL) ^ ((unsigned int)getpid() << 16) ^
              (unsigned int)(uintptr_t)c;
    buf_init(&c->answer, AWS_RESPONSE_LIMIT);
    c->max_tries = 4;
    c->base_delay_ms = 25;
    c->timeout_ms = 5000;
    return CR_OK;
}

void
aws_client_free(struct aws_client *c)
{
    if (c->curl)
        curl_easy_cleanup(c->curl);
    c->curl = NULL;
    buf_free(&c->answer);
}

static const char *
aws_endpoint(const struct aws_client *c, enum aws_service svc)
{
    switch (svc) {
    case AWS_DYNAMODB: return c->env.ddb_endpoint;
    case AWS_STREAMS: return c->env.streams_endpoint;
    case AWS_COGNITO: return c->env.cognito_endpoint;
    case AWS_SECRETS: return c->env.secrets_endpoint;
    case AWS_SSM: return c->env.ssm_endpoint;
    }
    return c->env.ddb_endpoint;
}

static cr_code
aws_add_header(struct curl_slist **list, const char *name, const char *value)
{
    struct buf line;
    struct curl_slist *l;
    cr_code rc;

    buf_init(&line, 0);
    if ((rc = buf_append_str(&line, name)) || (rc = buf_append_str(&line, ": ")) ||
        (rc = buf_append_str(&line, value))) {
        buf_free(&line);
        return rc;
    }
    l = curl_slist_append(*list, line.data);
    buf_free(&line);
    if (l == NULL)
        return CR_NOMEM;
    *list = l;
    return CR_OK;
}

/* The request headers, all of them signed. X-Amz-Date is ours so that the
 * signing time is one libcurl reads from the request, not its clock. */
static cr_code
aws_headers(struct aws_client *c, enum aws_service svc, const char *target,
            struct curl_slist **out)
{
    const struct aws_svc_info *si = &aws_svcs[svc];
    char full_target[160], stamp[32];
    struct curl_slist *l = NULL;
    time_t t = c->sign_time ? c->sign_time : time(NULL);
    struct tm tm;
    cr_code rc = CR_NOMEM;

    if (strchr(target, '.'))
        snprintf(full_target, sizeof(full_target), "%s", target);
    else
        snprintf(full_target, sizeof(full_target), "%s.%s", si->target_prefix,
                 target);
    gmtime_r(&t, &tm);
    strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
    if ((l = curl_slist_append(NULL, si->content_type)) == NULL)
        goto out;
    if ((rc = aws_add_header(&l, "X-Amz-Target", full_target)) ||
        (rc = aws_add_header(&l, "X-Amz-Date", stamp)))
        goto out;
    if (c->creds.token[0] &&
        (rc = aws_add_header(&l, "x-amz-security-token", c->creds.token)))
        goto out;
    *out = l;
    return CR_OK;
out:
    curl_slist_free_all(l);
    return rc;
}

cr_code
aws_request_headers(struct aws_client *c, enum aws_service svc,
                    const char *target, const char *body,
                    struct curl_slist **headers)
{
    cr_code rc;

    *headers = NULL;
    if ((rc = aws_creds_get(&c->creds, c->curl, time(NULL))))
        return rc;
    (void)body;
    return aws_headers(c, svc, target, headers);
}

/* One attempt, within deadline d, its answer in c->answer. *retry says
 * whether another attempt may succeed; CR_TIMEOUT when no answer came in
 * time (err says so too); *sent is set when a request went out and its
 * outcome is not known: no answer came, or a 5xx (AWS: a write answered
 * 500 may or may not have been applied). */
static cr_code
aws_call_once(struct aws_client *c, enum aws_service svc, const char *target,
              const char *body, struct aws_error *err, int *retry, int *sent,
              cr_deadline d)
{
    long left = deadline_left_ms(d, c->timeout_ms);
    long most = left < c->timeout_ms ? left : c->timeout_ms;
    struct httpc_req req = { .method = "POST", .body = body,
                             .body_len = strlen(body),
                             .connect_timeout_ms = most < 1000 ? most : 1000,
                             .timeout_ms = most };
    char url[AWS_URL_SIZE + 2], sigv4[AWS_REGION_SIZE + 32];
    struct curl_slist *hdrs = NULL;
    struct buf *out = &c->answer;
    const char *why = NULL;
    long status = 0;
    cr_code rc;

    aws_error_clear(err);
    *retry = 0;
    buf_reset(out);
    if (left <= 0) {
        snprintf(err->message, sizeof(err->message), "request budget spent");
        rc = CR_TIMEOUT;
        goto out;
    }
    if ((rc = aws_creds_get(&c->creds, c->curl, time(NULL)))) {
        *retry = 1;
        snprintf(err->message, sizeof(err->message), "no credentials: %s",
                 c->creds.error);
        rc = aws_error_code(err, svc);  /* status 0: unavailable */
        goto out;
    }
    if ((rc = aws_headers(c, svc, target, &hdrs)))
        goto out;
    snprintf(url, sizeof(url), "%s/", aws_endpoint(c, svc));
    snprintf(sigv4, sizeof(sigv4), "aws:amz:%s:%s", c->env.region,
             aws_svcs[svc].sign_name);
    req.url = url;
    req.headers = hdrs;
    req.aws_sigv4 = sigv4;
    req.userpwd = c->creds.userpwd;
    rc = httpc_perform(c->curl, &req, &status, out, &why);
    if (rc == CR_BACKEND || rc == CR_TIMEOUT) {  /* no answer */
        *retry = 1;
        *sent |= httpc_request_sent(c->curl);
        snprintf(err->message, sizeof(err->message), "%s", why);
        if (rc == CR_BACKEND)
            rc = aws_error_code(err, svc);
        goto out;
    }
    if (rc)
        goto out;
    err->status = status;
    if (status == 200)
        goto out;
    aws_error_parse(err, status, out->data, out->len);
    *sent |= status >= 500;
    *retry = aws_error_retryable(err);
    rc = aws_error_code(err, svc);
out:
    curl_slist_free_all(hdrs);
    return rc;
}

/* Waits about base * 2^(try-1), half of it random ("equal jitter"), so
 * workers throttled together do not retry together. 0, without waiting,
 * when the wait would leave deadline d no time for the attempt. */
static int
aws_backoff(struct aws_client *c, int attempt, cr_deadline d)
{
    long cap = c->base_delay_ms << (attempt - 1);
    long ms = cap / 2 + (long)(rand_r(&c->seed) % (unsigned)(cap / 2 + 1));
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

    if (deadline_left_ms(d, ms + 1) <= ms)
        return 0;
    nanosleep(&ts, NULL);
    return 1;
}

/* Whether a DynamoDB call writes (PutItem, UpdateItem, DeleteItem,
 * BatchWriteItem, TransactWriteItems; the table calls too): after one was
 * sent and got no answer, its outcome is unknown. Told by the verb in its
 * name, matched without case and spelt in lower case here: this file
 * names no operation or transaction item that it does not send (the IAM
 * check, tests/cfn/worker-ddb.js, reads those names in the code). */
static int
aws_write_target(enum aws_service svc, const char *target)
{
    static const char *const verbs[] = { "put", "update", "delete", "write" };
    size_t i;

    for (i = 0; svc == AWS_DYNAMODB && i < sizeof(verbs) / sizeof(*verbs);
         i++)
        if (strcasestr(target, verbs[i]))
            return 1;
    return 0;
}

/* How a call ended, for the service's breaker. */
static enum breaker_outcome
aws_outcome(cr_code rc, const struct aws_error *err)
{
    if (rc == CR_TIMEOUT)
        return BREAKER_TIMED_OUT;
    return rc == CR_OK || err->status != 0 ? BREAKER_ANSWERED
                                           : BREAKER_FAILED;
}

/* The table a DynamoDB request names, for its span's
 * aws.dynamodb.table_names: TableName, else the first transaction item's
 * (its one member, whichever operation it is), else the first of
 * RequestItems (the batch calls); NULL when none. */
static const char *
aws_table_name(json_t *request)
{
    json_t *item = json_array_get(json_object_get(request, "TransactItems"), 0);
    const char *name = json_string_value(json_object_get(request, "TableName"));
    void *it;

    if (name == NULL && item && (it = json_object_iter(item)))
        name = json_string_value(json_object_get(json_object_iter_value(it),
                                                 "TableName"));
    if (name == NULL &&
        (it = json_object_iter(json_object_get(request, "RequestItems"))))
        name = json_object_iter_key(it);
    return name;
}

cr_code
aws_call_read(struct aws_client *c, enum aws_service svc, const char *target,
              json_t *request, aws_answer_fn fn, void *arg,
              struct aws_error *err)
{
    struct breaker *b = &c->breakers[svc];
    int64_t start = deadline_now_ms();
    enum breaker_pass pass = BREAKER_REFUSE;
    cr_deadline d;
    static char none[1];        /* the text of an empty answer */
    struct aws_error local;
    char *body, why[AWS_ERR_TYPE_SIZE + AWS_ERR_MESSAGE_SIZE + 64];
    int attempt = 0, retry = 0, retries = 0, sent = 0;
    int64_t start_ns = obs_now_ns(), retry_ns[OBS_MAX_RETRIES];
    cr_code rc = CR_NOMEM;

    if (err == NULL)
        err = &local;
    aws_error_clear(err);
    /* Spent by another backend: no attempt, and nothing learnt about this
     * one, so its breaker is left alone. */
    if (deadline_left_ms(c->deadline, 1) == 0) {
        snprintf(err->message, sizeof(err->message), "request budget spent");
        rc = aws_error_code(err, svc);
        goto out;
    }
    if ((pass = breaker_enter(b)) == BREAKER_REFUSE) {
        snprintf(err->message, sizeof(err->message),
                 "timed out recently, cooling down");
        rc = aws_error_code(err, svc);      /* status 0: unavailable */
        goto out;
    }
    d = breaker_deadline(pass, c->deadline);
    body = json_dumps(request, JSON_COMPACT);
    if (body == NULL) {
        breaker_cancel(b, pass);
        return CR_NOMEM;
    }
    for (attempt = 0; attempt < c->max_tries; attempt++) {
        if (attempt > 0 && !aws_backoff(c, attempt, d))
            break;
        /* The trace's retry event: when the retry went out, not the end. */
        if (attempt > 0 && retries++ < OBS_MAX_RETRIES)
            retry_ns[retries - 1] = obs_now_ns();
        rc = aws_call_once(c, svc, target, body, err, &retry, &sent, d);
        if (rc == CR_OK || !retry)
            break;
    }
    free(body);
    /* The answer is read before the call is reported: a text that does
     * not read is the call's failure, logged with it. */
    if (rc == CR_OK)
        rc = fn(arg, c->answer.data ? c->answer.data : none, c->answer.len,
                err);
    breaker_done(b, pass, start, aws_outcome(rc, err));
    if (rc == CR_TIMEOUT)
        rc = aws_error_code(err, svc);      /* status 0: unavailable */
    /* A write that went out unanswered and was never settled by a later
     * answer may have landed: not "unavailable". A lost condition after
     * it stays CR_CONFLICT, flagged: the writer knows what it asked. */
    err->sent_unanswered = sent;
    if (sent && rc && rc != CR_CONFLICT && aws_write_target(svc, target))
        rc = CR_OUTCOME_UNKNOWN;
out:
    if (rc)
        snprintf(err->target, sizeof(err->target), "%s", target);
    /* A failed condition is an answer the caller expects, not a fault. */
    obs_call_end_retried(OBS_DDB, target, aws_table_name(request),
                         retries + 1, retry_ns, start_ns,
                         rc && rc != CR_CONFLICT
                             ? aws_error_reason(err, why, sizeof(why)) : NULL);
    return rc;
}

/* aws_call's reader: the answer as a jansson tree. \u0000 is read: a
 * string DynamoDB holds may contain it (another client wrote it), and
 * readers take such strings by length. */
static cr_code
aws_json_answer(void *arg, char *text, size_t len, struct aws_error *err)
{
    json_t **response = arg;

    if ((*response = json_loadb(text, len, JSON_ALLOW_NUL, NULL)) == NULL) {
        snprintf(err->message, sizeof(err->message), "answer is not JSON");
        return CR_BACKEND;
    }
    return CR_OK;
}

cr_code
aws_call(struct aws_client *c, enum aws_service svc, const char *target,
         json_t *request, json_t **response, struct aws_error *err)
{
    *response = NULL;
    return aws_call_read(c, svc, target, request, aws_json_answer, response,
                         err);
}

/* The member at path ("A.B": member B of member A) of j, or NULL. */
static json_t *
aws_member(const json_t *j, const char *path)
{
    const char *dot;
    char name[64];
    size_t n;

    while ((dot = strchr(path, '.')) != NULL) {
        n = (size_t)(dot - path);
        if (n >= sizeof(name))
            return NULL;
        memcpy(name, path, n);
        name[n] = '\0';
        j = json_object_get(j, name);
        path = dot + 1;
    }
    return json_object_get(j, path);
}

cr_code
aws_next_page(json_t *request, const json_t *response, const char *last_name,
              const char *start_name)
{
    json_t *last = aws_member(response, last_name);

    if (!json_is_object(last) &&
        !(json_is_string(last) && json_string_length(last) > 0))
        return CR_NOT_FOUND;
    return json_object_set(request, start_name, last) ? CR_NOMEM : CR_OK;
}

cr_code
aws_call_pages(struct aws_client *c, enum aws_service svc, const char *target,
               json_t *request, const char *last_name, const char *start_name,
               aws_page_fn fn, void *arg, struct aws_error *err)
{
    json_t *resp = NULL;
    int stop = 0;
    cr_code rc;

    for (;;) {
        if ((rc = aws_call(c, svc, target, request, &resp, err)) ||
            (rc = fn(arg, resp, &stop)) || stop)
            break;
        rc = aws_next_page(request, resp, last_name, start_name);
        json_decref(resp);
        resp = NULL;
        if (rc) {
            if (rc == CR_NOT_FOUND)
                rc = CR_OK;     /* that was the last page */
            break;
        }
    }
    json_decref(resp);
    return rc;
}
