/* request.h - what the worker does with one parsed request. */
#ifndef CRUDDUR_REQUEST_H
#define CRUDDUR_REQUEST_H

#include "app/context/app.h"
#include "app/http/http.h"

/* Answers one parsed request: preflight, route, body, caller, handler. */
void request_handle(struct app *app, struct http_request *req,
                struct http_response *res);

#endif
