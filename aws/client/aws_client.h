/* aws_client.h - JSON-protocol calls to DynamoDB, DynamoDB Streams,
 * Cognito, Secrets Manager and SSM over one kept libcurl handle, signed by
 * libcurl (SigV4).
 *
 * One client per process (a worker, the stream poller, the tool): it owns
 * the curl handle (so connections are reused), a copy of the endpoints and
 * the credentials cache. Throttling, 5xx and transport failures are retried
 * with jittered exponential backoff a bounded number of times, and only
 * while the client's deadline (set by the worker for each request) leaves
 * time: each attempt waits at most what is left. A call that runs out of
 * time trips the service's breaker (app/core/breaker.h): calls to it then
 * fail at once for a cool-down. */
#ifndef CRUDDUR_AWS_CLIENT_H
#define CRUDDUR_AWS_CLIENT_H

#include <time.h>

#include <curl/curl.h>
#include <jansson.h>

#include "app/core/breaker.h"
#include "app/core/buf.h"
#include "app/core/deadline.h"
#include "app/core/err.h"
#include "aws/client/aws_creds.h"
#include "aws/client/aws_env.h"
#include "aws/client/aws_error.h"

struct aws_client {
    CURL *curl;
    struct aws_env env;
    struct aws_creds creds;
    unsigned int seed;       /* backoff jitter; per client, no global state */
    int max_tries;           /* 4 */
    long base_delay_ms;      /* 25: waits are random in [0, base * 2^try) */
    long timeout_ms;         /* per attempt, 5000 */
    time_t sign_time;        /* 0: sign with the clock; tests fix a time */
    cr_deadline deadline;    /* the current request's; DEADLINE_NONE */
    struct breaker breakers[AWS_SERVICE_COUNT];   /* one per service */
    struct buf answer;       /* the last answer's text, kept for the next */
};

/* Copies env, sets up credentials (aws_creds_init) and the curl handle.
 * CR_INVALID when there are no usable credentials (c->creds.error says
 * why), CR_NOMEM. On failure nothing is left to free. */
cr_code aws_client_init(struct aws_client *c, const struct aws_env *env);
void aws_client_free(struct aws_client *c);

/* Requests are borrowed: aws_call, aws_call_pages and every wrapper of them
 * in this project leave the request json to the caller, who json_decref()s
 * it (a NULL request fails with CR_NOMEM, so a json_pack() can be passed
 * and released after). Nothing here logs: a failure's detail is in err.
 *
 * POSTs request (not consumed) to svc's endpoint with X-Amz-Target
 * "<prefix>.<target>" (DynamoDB_20120810, DynamoDBStreams_20120810,
 * AWSCognitoIdentityProviderService, secretsmanager, AmazonSSM); a target
 * that already contains a
 * '.' is sent as it is. On CR_OK *response holds the decoded answer (the
 * caller json_decref()s it). Otherwise *response is NULL, err (may be NULL)
 * describes the AWS error and the code is aws_error_code()'s; CR_BACKEND
 * also covers an answer that is not JSON. No answer in time, or a breaker
 * cooling down, is the service's unavailable code with err->status 0,
 * except for a DynamoDB write whose request went out and got no answer
 * (in time or at all) or a 5xx from an attempt, and no success after:
 * CR_OUTCOME_UNKNOWN, as it may have landed (err->sent_unanswered says so
 * also beside CR_CONFLICT: a later attempt may have lost its condition to
 * the first one's write). */
cr_code aws_call(struct aws_client *c, enum aws_service svc,
                 const char *target, json_t *request, json_t **response,
                 struct aws_error *err);

/* The same call, its 200 answer handed to fn as text instead of a tree:
 * text[0..len) is NUL-terminated, writable (a reader may decode in place)
 * and valid during fn only. fn's failure (with err->message saying why)
 * is the call's, reported as such. A reader that needs no tree (the
 * message routes: aws/client/ddb_items.h) saves building one. */
typedef cr_code (*aws_answer_fn)(void *arg, char *text, size_t len,
                                 struct aws_error *err);
cr_code aws_call_read(struct aws_client *c, enum aws_service svc,
                      const char *target, json_t *request, aws_answer_fn fn,
                      void *arg, struct aws_error *err);

/* The headers aws_call sends with body, but for the Authorization
 * libcurl adds as it signs (a new list: the caller curl_slist_free_all()s
 * it), for tools that replay the request elsewhere: cruddur-load -p, the
 * bench's ceiling without our code. */
cr_code aws_request_headers(struct aws_client *c, enum aws_service svc,
                            const char *target, const char *body,
                            struct curl_slist **headers);

/* The one paging loop: calls target page after page, handing each answer
 * to fn (borrowed: valid during the call). fn returns non-OK to end the
 * loop with that code, or sets *stop to end it with CR_OK (found what it
 * looked for). CR_OK after the last page. request is borrowed but gains
 * start_name as it pages (aws_next_page); an aws_call failure is returned
 * with err filled. */
typedef cr_code (*aws_page_fn)(void *arg, json_t *response, int *stop);
cr_code aws_call_pages(struct aws_client *c, enum aws_service svc,
                       const char *target, json_t *request,
                       const char *last_name, const char *start_name,
                       aws_page_fn fn, void *arg, struct aws_error *err);

/* Paging of the list calls: when response names where it stopped (its
 * last_name member, a non-empty string or an object), copies that into
 * request as start_name and returns CR_OK: call again for the next page.
 * CR_NOT_FOUND when response was the last page; CR_NOMEM. E.g.
 * "LastEvaluatedKey" -> "ExclusiveStartKey" (DynamoDB Query and Scan),
 * "PaginationToken" -> "PaginationToken" (Cognito ListUsers). last_name
 * may be a path into the answer: "StreamDescription.LastEvaluatedShardId"
 * -> "ExclusiveStartShardId" (DynamoDB Streams DescribeStream). */
cr_code aws_next_page(json_t *request, const json_t *response,
                      const char *last_name, const char *start_name);

#endif
