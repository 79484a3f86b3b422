/* services.h - one handler per API route, one file per service (named as
 * the Flask app's services). Each answers through res and nothing else. */
#ifndef CRUDDUR_SERVICES_H
#define CRUDDUR_SERVICES_H

#include "app/context/app.h"
#include "app/http/http.h"
#include "aws/client/aws_error.h"

/* Runs query q, whose one row holds the answer already as JSON (built by
 * PostgreSQL), and answers it with 200. A query that returns no row
 * answers 404 not_found_code; a failure answers what http_fail() says. */
void service_answer_query(struct app *app, struct http_response *res,
                          enum db_query q, int nparams,
                          const char *const *params,
                          const char *not_found_code);

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
