/* app.c - one worker's kept state: made once at start, freed at exit. */
#include <string.h>
#include <unistd.h>

#include "app/context/app.h"
#include "app/core/log.h"
#include "aws/cognito/jwt_verify.h"

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
    /* Without shared memory the cache stays off: slower, never wrong. */
    if (hot_cache_init(&app->hot, app->cfg.cache_on,
                       app->cfg.connection_url) != CR_OK)
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
}
