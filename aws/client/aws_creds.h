/* aws_creds.h - the credentials AWS requests are signed with.
 *
 * From AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (/ AWS_SESSION_TOKEN) when
 * set; otherwise from the ECS container credentials endpoint
 * (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI, or ..._FULL_URI with the optional
 * AWS_CONTAINER_AUTHORIZATION_TOKEN header). Temporary credentials are
 * cached here and fetched again 5 minutes before they expire. */
#ifndef CRUDDUR_AWS_CREDS_H
#define CRUDDUR_AWS_CREDS_H

#include <time.h>

#include <curl/curl.h>

#include "app/core/err.h"

#define AWS_KEY_SIZE     256
#define AWS_TOKEN_SIZE   4096
#define AWS_CREDS_URL_SIZE 512
#define AWS_CREDS_ERROR_SIZE 160

enum aws_creds_source { AWS_CREDS_NONE, AWS_CREDS_ENV, AWS_CREDS_CONTAINER };

struct aws_creds {
    enum aws_creds_source source;
    char userpwd[2 * AWS_KEY_SIZE];  /* "ACCESS_KEY:SECRET" for libcurl */
    char token[AWS_TOKEN_SIZE];      /* session token; "" when none */
    time_t expires;                  /* 0: never (keys from the environment) */
    char url[AWS_CREDS_URL_SIZE];    /* container endpoint */
    /* Base of a RELATIVE_URI; http://169.254.170.2 unless a test points it
     * at a loopback server. */
    char container_host[64];
    /* Why the last init or fetch failed (nothing here logs), or "". */
    char error[AWS_CREDS_ERROR_SIZE];
};

/* Chooses the source from the environment; reads static keys at once.
 * CR_INVALID when there is no usable source, c->error saying why. */
cr_code aws_creds_init(struct aws_creds *c);

/* Makes c hold credentials valid at `now`, fetching them through h from
 * the container endpoint when they are missing or expire within 5 minutes.
 * A failed refresh keeps credentials that have not expired yet (quietly:
 * c->error keeps its cause). CR_BACKEND when no valid credentials could be
 * had, c->error saying why. */
cr_code aws_creds_get(struct aws_creds *c, CURL *h, time_t now);

#endif
