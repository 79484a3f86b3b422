/* netloc.h - where a URL really points, read by libcurl's own parser.
 *
 * A check made on the text of a URL and a connection made by libcurl must
 * agree on the host: "http://169.254.170.2:@attacker.example/" starts like
 * the container agent but libcurl connects to attacker.example. So the
 * trust checks (the container credentials URI, the AWS endpoints, the
 * database host) read the URL with curl_url() and judge the host it yields,
 * and refuse what the two could read differently: a user, password or
 * login options, an IPv6 zone id, and a host libcurl had to rewrite
 * (2852039170, 0251.0376.0252.02, 127.1 and [0:0::1] connect to the
 * address they encode, but no AWS SDK accepts them). */
#ifndef CRUDDUR_NETLOC_H
#define CRUDDUR_NETLOC_H

#include "app/core/err.h"

#define NETLOC_HOST_MAX 256

struct netloc {
    int https;                   /* 1: https, 0: http */
    char host[NETLOC_HOST_MAX];  /* as libcurl reads it, in lower case;
                                    IPv6 without [] */
};

/* Reads an http(s) URL into out. CR_INVALID when libcurl refuses it, when
 * the scheme is another, or for any of the shapes above. */
cr_code netloc_parse(const char *url, struct netloc *out);

/* 1 when host names this machine without a resolver: "localhost" (any
 * case), an IPv4 address in 127.0.0.0/8 in dotted decimal, or ::1. */
int netloc_host_loopback(const char *host);

#endif
