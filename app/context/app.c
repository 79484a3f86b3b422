/* app.c - one worker's kept state: made once at start, freed at exit. */
#include <string.h>
#include <unistd.h>

#include "app/context/app.h"
#include "app/core/log.h"
#include "app/http/fcgi.h"
#include "aws/cognito/jwt_verify.h"

/* Which backend is which of the server's breaker slots. */
enum { APP_SLOT_POSTGRES, APP_SLOT_JWKS, APP_SLOT_AWS };
_Static_assert(APP_SLOT_AWS + AWS_SERVICE_COUNT <= BREAKER_SHM_SLOTS,
               "every backend has a breaker slot");

/* The breakers in the slots the workers of this server share, so that one
 * worker's timeout makes them all fail fast. Without shared memory each
 * worker keeps its own: each then waits one budget before it learns. */
static void
app_share_breakers(struct app *app)
{
    char scope[128];            /* a Unix socket's path: 108 at most */
    int i;

    if (fcgi_listener_scope(scope, sizeof(scope)) != CR_OK) {
        log_line("breakers: no FastCGI Unix socket to name them after: "
                 "each worker keeps its own");
        return;
    }
    if (breaker_shm_open(&app->breakers, scope) != CR_OK) {
        log_line("breakers: no shared memory: each worker keeps its own");
        return;
    }
    breaker_share(db_breaker(app->db),
                  breaker_shm_slot(&app->breakers, APP_SLOT_POSTGRES));
    breaker_share(jwt_verifier_keys_breaker(app->jwt),
                  breaker_shm_slot(&app->breakers, APP_SLOT_JWKS));
    for (i = 0; i < AWS_SERVICE_COUNT; i++)
        breaker_share(&app->aws.breakers[i],
                      breaker_shm_slot(&app->breakers, APP_SLOT_AWS + i));
}

cr_code
app_init(struct app *app)
{
    cr_code rc;

    memset(app, 0, sizeof(*app));
    app->pid = (int)getpid();
    reqid_rng_seed(&app->rng);
    if ((rc = log_setup()) || (rc = config_load(&app->cfg)))
        return rc;
    rc = tracer_new(&app->tracer);
    if (rc)
        return rc;
    if ((rc = auth_cache_init(&app->tokens)) != CR_OK) {
        log_line("OpenSSL offers no SHA-256");
        return rc;
    }
    rc = db_new(&app->db, app->cfg.connection_url);
    if (rc) {
        if (rc == CR_INVALID)
            log_line("config: CONNECTION_URL is not a libpq connection "
                     "string or URI");
        goto fail;
    }
    rc = jwt_verifier_new(&app->jwt, app->cfg.cognito_issuer,
                          app->cfg.cognito_client_id);
    if (rc)
        goto fail;
    rc = aws_client_init(&app->aws, &app->cfg.aws);
    if (rc) {
        log_line("config: %s", app->aws.creds.error);
        goto fail;
    }
    app_share_breakers(app);
    /* Without shared memory the cache stays off: slower, never wrong. */
    if (hot_cache_init(&app->hot, app->cfg.cache_on,
                       app->cfg.connection_url, db_breaker(app->db)) != CR_OK)
        log_line("cache: no shared memory for the write counter: "
                 "answering without the cache");
    return CR_OK;
fail:
    auth_cache_free(&app->tokens);
    tracer_free(app->tracer);
    app->tracer = NULL;
    jwt_verifier_free(app->jwt);
    db_free(app->db);
    app->jwt = NULL;
    app->db = NULL;
    return rc;
}

void
app_set_deadline(struct app *app, cr_deadline d)
{
    db_set_deadline(app->db, d);
    jwt_verifier_set_deadline(app->jwt, d);
    app->aws.deadline = d;
}

void
app_free(struct app *app)
{
    tracer_free(app->tracer);
    hot_cache_free(&app->hot);
    aws_client_free(&app->aws);
    jwt_verifier_free(app->jwt);
    db_free(app->db);
    auth_cache_free(&app->tokens);
    breaker_shm_close(&app->breakers);
}
