/* app.h - what one worker keeps across requests: its settings, its
 * PostgreSQL connection, its token verifier (with the JWKS cache), its AWS
 * client, and its caches of recently verified tokens, recent callers,
 * conversations recent callers were found in, and hot reads' answers. Nothing else outlives a
 * request. */
#ifndef CRUDDUR_APP_H
#define CRUDDUR_APP_H

#include "app/context/auth_cache.h"
#include "app/context/caller.h"
#include "app/context/config.h"
#include "app/core/reqid.h"
#include "app/context/hot_cache.h"
#include "app/core/breaker_shm.h"
#include "app/core/ttl_cache.h"
#include "app/db/db.h"
#include "app/trace/tracer.h"
#include "aws/client/aws_client.h"

struct jwt_verifier;

struct app {
    struct config cfg;
    struct db *db;
    struct jwt_verifier *jwt;
    struct aws_client aws;
    struct auth_cache tokens;
    struct caller_cache callers;
    struct ttl_cache participants;  /* "caller/group" the caller is in */
    struct hot_cache hot;       /* hot reads' bodies, exactly invalidated */
    struct breaker_shm breakers;    /* the server's workers' breaker slots */
    int pid;                    /* for the access log, read once */
    struct reqid_rng rng;       /* request, trace and span ids */
    struct tracer *tracer;      /* NULL: tracing off */
    struct trace_req trace;     /* the spans of the request being answered */
};

/* Reads the configuration (log format and tracing included) and makes the
 * kept handles; connects nothing yet, so a worker starts while a backend
 * is down. */
cr_code app_init(struct app *app);
void app_free(struct app *app);

/* Hands a request's deadline to every backend handle: PostgreSQL, the AWS
 * client, the JWKS fetch. */
void app_set_deadline(struct app *app, cr_deadline d);

#endif
