/* services.h - one handler per API route, one file per service (named as
 * the Flask app's services). Each answers through res and nothing else. */
#ifndef CRUDDUR_SERVICES_H
#define CRUDDUR_SERVICES_H

#include <stdint.h>

#include "app/context/app.h"
#include "app/core/buf.h"
#include "app/http/http.h"
#include "aws/client/aws_error.h"

/* How the rows of an activity query make an answer. */
enum service_rows {
    ROWS_LIST,          /* an array; no row is [] */
    ROWS_OWNED_LIST,    /* an array; no row: its owner does not exist */
    ROWS_ONE,           /* the first row as an object */
    ROWS_SHOW,          /* the first row, the others as its "replies" */
};

/* Runs query q, whose rows are activities (app/db/activity_json.h), and
 * writes them into b as shape says. *min_expires gets the earliest
 * expires_at written (ACTIVITY_NEVER for none). CR_NOT_FOUND for no row,
 * except for ROWS_LIST. */
cr_code service_activities_body(struct app *app, enum db_query q, int nparams,
                                const char *const *params,
                                enum service_rows shape, struct buf *b,
                                int64_t *min_expires);

/* Answers the body of service_activities_body() with 200, or 404
 * not_found_code, or what http_fail() says. */
void service_answer_activities(struct app *app, struct http_response *res,
                               enum db_query q, int nparams,
                               const char *const *params,
                               enum service_rows shape,
                               const char *not_found_code);

/* Writes a cacheable answer for arg into b; *until_us bounds how long it
 * holds (ACTIVITY_NEVER: only changes end it). CR_NOT_FOUND: a 404. */
typedef cr_code (*service_fill_fn)(struct app *app, const char *arg,
                                   struct buf *b, int64_t *until_us);

/* Answers a hot read, the same for every caller, from the worker's cache
 * (app/context/hot_cache.h) when it holds a good answer for key, else by
 * fill, kept under key for next time as long as the tables in deps
 * (RESP_DEP() bits) are unchanged. Answers carry an ETag (304 for a
 * matching If-None-Match) and "Cache-Control: no-cache": public, but
 * checked again before each use. 404 not_found_code is not cached. */
void service_answer_cached(struct app *app, struct http_request *req,
                           struct http_response *res, const char *key,
                           unsigned deps, service_fill_fn fill,
                           const char *arg, const char *not_found_code);

/* Answers rc (http_fail()) for a service whose DynamoDB step failed. The
 * failure's detail (err's call, HTTP status and AWS error type, never a
 * body) was reported by aws_call itself (obs_call_end), so the request's
 * one access line carries it; service and err stay for the callers. */
void service_fail_aws(struct http_response *res, const char *service,
                      cr_code rc, const struct aws_error *err);

/* The handlers, one a route (routes.c), each in the file of its name:
 * service_NAME is in services/NAME.c. */
void service_health_check(struct app *app, struct http_request *req,
                          struct http_response *res);
void service_home_activities(struct app *app, struct http_request *req,
                             struct http_response *res);
void service_notifications_activities(struct app *app, struct http_request *req,
                                      struct http_response *res);
void service_search_activities(struct app *app, struct http_request *req,
                               struct http_response *res);
void service_user_activities(struct app *app, struct http_request *req,
                             struct http_response *res);
void service_show_activity(struct app *app, struct http_request *req,
                           struct http_response *res);
void service_create_activity(struct app *app, struct http_request *req,
                             struct http_response *res);
void service_create_reply(struct app *app, struct http_request *req,
                          struct http_response *res);
void service_users_short(struct app *app, struct http_request *req,
                         struct http_response *res);
void service_message_groups(struct app *app, struct http_request *req,
                            struct http_response *res);
void service_messages(struct app *app, struct http_request *req,
                      struct http_response *res);
void service_create_message(struct app *app, struct http_request *req,
                            struct http_response *res);

#endif
