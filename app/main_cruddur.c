/* main_cruddur.c - the FastCGI worker: set up once, then answer requests
 * one at a time until the server stops us. */
#include <curl/curl.h>
#include <fcgiapp.h>
#include <signal.h>

#include "app/context/app.h"
#include "app/core/log.h"
#include "app/http/fcgi.h"
#include "app/observe.h"
#include "app/request.h"

/* One request: read, answer, write, log, forget. */
static void
main_serve(struct app *app, FCGX_Request *fr)
{
    struct http_request req;
    struct http_response res;
    struct observe ob;
    cr_code rc;

    observe_start(&ob);
    http_request_init(&req);
    http_response_init(&res);
    /* The budget counts from the moment the request is ours. */
    req.deadline = deadline_in(app->cfg.budget_ms);
    rc = fcgi_request_read(fr, &req, &res);
    /* Even a request refused while being read gets its id and its line. */
    observe_begin(app, &ob, &req);
    if (rc == CR_OK)
        request_handle(app, &req, &res);
    fcgi_response_write(fr, config_origin_allowed(&app->cfg, req.origin),
                        &req, &res);
    observe_end(app, &ob, &req, &res);
    http_response_free(&res);
    http_request_free(&req);
}

int
main(void)
{
    FCGX_Request fr;
    struct app app;
    int unix_listener;

    /* A client that goes away mid-answer must not kill the worker. */
    signal(SIGPIPE, SIG_IGN);
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return 1;
    if (app_init(&app) != CR_OK) {
        log_line("worker not started: fix the setting named above");
        return 1;
    }
    if (FCGX_Init() != 0 || FCGX_InitRequest(&fr, 0, 0) != 0) {
        log_line("libfcgi could not be initialised");
        app_free(&app);
        return 1;
    }
    unix_listener = fcgi_listener_is_unix();
    while (FCGX_Accept_r(&fr) >= 0) {
        main_serve(&app, &fr);
        fcgi_request_finish(&fr, unix_listener);
        /* Only now, with the answer gone, do the spans go to the export
         * thread's queue. */
        tracer_submit(app.tracer, &app.trace);
    }
    FCGX_Free(&fr, 1);
    app_free(&app);
    curl_global_cleanup();
    return 0;
}
