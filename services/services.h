/* services.h - one handler per API route, one file per service (named as
 * the Flask app's services). Each answers through res and nothing else. */
#ifndef CRUDDUR_SERVICES_H
#define CRUDDUR_SERVICES_H

#include "app/context/app.h"
#include "app/http/http.h"

/* Runs query q, whose one row holds the answer already as JSON (built by
 * PostgreSQL), and answers it with 200. A query that returns no row
 * answers 404 not_found_code; a failure answers what http_fail() says. */
void service_answer_query(struct app *app, struct http_response *res,
                          enum db_query q, int nparams,
                          const char *const *params,
                          const char *not_found_code);

#define SERVICE(name) \
    void name(struct app *app, struct http_request *req, \
              struct http_response *res)

SERVICE(health_check);
SERVICE(home_activities);
SERVICE(notifications_activities);
SERVICE(search_activities);
SERVICE(user_activities);
SERVICE(show_activity);
SERVICE(create_activity);
SERVICE(create_reply);
SERVICE(users_short);
SERVICE(message_groups);
SERVICE(messages);
SERVICE(create_message);

#endif
