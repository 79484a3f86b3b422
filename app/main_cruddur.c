/* main_cruddur.c - the FastCGI worker: set up once, then answer requests
 * one at a time until the server stops us.
 *
 * Run by hand with a flag it only tends what the workers share in memory
 * (it outlives them): the write counter of the workers on CONNECTION_URL,
 * the breakers of the workers on a FastCGI socket (its configured path):
 *   cruddur --write-counter-path        prints where it is
 *   cruddur --remove-write-counter      removes it (scripts/dev/down --purge)
 *   cruddur --breakers-path SOCKET      the same for the breakers
 *   cruddur --remove-breakers SOCKET */
#include <curl/curl.h>
#include <fcgiapp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "app/context/app.h"
#include "app/context/hot_cache.h"
#include "app/core/env.h"
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

/* A shared object's path (remove 0) or its removal; the exit status. */
static int
main_shm_tend(const char *what, const char *path, int remove,
              cr_code (*unlink_fn)(const char *), const char *scope)
{
    cr_code rc;

    if (!remove) {
        printf("%s\n", path);
        return 0;
    }
    rc = unlink_fn(scope);
    if (rc == CR_OK)
        printf("removed the %s %s\n", what, path);
    else if (rc != CR_NOT_FOUND)
        log_line("cannot remove the %s %s: %s", what, path, cr_strerror(rc));
    return rc == CR_OK || rc == CR_NOT_FOUND ? 0 : 1;
}

static int
main_write_counter(const char *flag)
{
    const char *conninfo = env_get("CONNECTION_URL");
    char path[SHM_GEN_PATH_SIZE];

    if (conninfo == NULL) {
        log_line("config: CONNECTION_URL is not set");
        return 1;
    }
    hot_cache_counter_path(conninfo, path);
    return main_shm_tend("write counter", path,
                         strcmp(flag, "--remove-write-counter") == 0,
                         hot_cache_counter_remove, conninfo);
}

static int
main_breakers(const char *flag, const char *socket)
{
    char path[SHM_MAP_PATH_SIZE];

    breaker_shm_path(socket, path);
    return main_shm_tend("breakers", path,
                         strcmp(flag, "--remove-breakers") == 0,
                         breaker_shm_unlink, socket);
}

int
main(int argc, char **argv)
{
    FCGX_Request fr;
    struct app app;
    int unix_listener;

    if (argc == 2 && (strcmp(argv[1], "--write-counter-path") == 0 ||
                      strcmp(argv[1], "--remove-write-counter") == 0))
        return main_write_counter(argv[1]);
    if (argc == 3 && (strcmp(argv[1], "--breakers-path") == 0 ||
                      strcmp(argv[1], "--remove-breakers") == 0))
        return main_breakers(argv[1], argv[2]);

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
