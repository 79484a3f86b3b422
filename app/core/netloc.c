/* netloc.c - a URL's scheme and host as libcurl reads them. */
#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "app/core/netloc.h"

/* 1 when the URL has the part (a user, a password, ...). */
static int
netloc_has(CURLU *u, CURLUPart part)
{
    char *v = NULL;
    int has = curl_url_get(u, part, &v, 0) == CURLUE_OK;

    curl_free(v);
    return has;
}

/* The text right after "scheme://" must be the host libcurl read (an IPv6
 * one inside brackets), then a port, path, query, fragment or the end: so
 * what a person reads in the setting is where the request goes. */
static int
netloc_written_as_read(const char *url, const char *scheme, const char *host,
                       int ipv6)
{
    size_t n = strlen(scheme);
    const char *p = url + n;

    if (strncasecmp(url, scheme, n) != 0 || strncmp(p, "://", 3) != 0)
        return 0;
    p += 3;
    n = strlen(host);
    if (ipv6 && *p++ != '[')
        return 0;
    if (strncasecmp(p, host, n) != 0)
        return 0;
    p += n;
    if (ipv6 && *p++ != ']')
        return 0;
    return *p == '\0' || *p == ':' || *p == '/' || *p == '?' || *p == '#';
}

static cr_code
netloc_read(CURLU *u, const char *url, struct netloc *out)
{
    char *scheme = NULL, *host = NULL, *p;
    size_t n;
    cr_code rc = CR_INVALID;

    if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
        netloc_has(u, CURLUPART_USER) || netloc_has(u, CURLUPART_PASSWORD) ||
        netloc_has(u, CURLUPART_OPTIONS) || netloc_has(u, CURLUPART_ZONEID) ||
        curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK)
        goto out;
    if (strcmp(scheme, "https") != 0 && strcmp(scheme, "http") != 0)
        goto out;
    n = strlen(host);
    if (host[0] == '[') {           /* libcurl keeps IPv6 in brackets */
        if (n < 3 || host[n - 1] != ']' || n - 2 >= sizeof(out->host))
            goto out;
        memcpy(out->host, host + 1, n - 2);
        out->host[n - 2] = '\0';
    } else {
        if (n == 0 || n >= sizeof(out->host))
            goto out;
        memcpy(out->host, host, n + 1);
    }
    if (!netloc_written_as_read(url, scheme, out->host, host[0] == '['))
        goto out;
    /* Host names and IPv6 hex digits are case-blind: one spelling to
     * compare with. */
    for (p = out->host; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    out->https = scheme[4] == 's';
    rc = CR_OK;
out:
    curl_free(scheme);
    curl_free(host);
    return rc;
}

cr_code
netloc_parse(const char *url, struct netloc *out)
{
    CURLU *u = curl_url();
    cr_code rc;

    memset(out, 0, sizeof(*out));
    if (u == NULL)
        return CR_NOMEM;
    rc = netloc_read(u, url, out);
    curl_url_cleanup(u);
    if (rc)
        memset(out, 0, sizeof(*out));
    return rc;
}

int
netloc_host_loopback(const char *host)
{
    struct in_addr a4;
    struct in6_addr a6;

    if (strcasecmp(host, "localhost") == 0)
        return 1;
    /* inet_pton takes dotted decimal only: no octal, hex or short forms. */
    if (inet_pton(AF_INET, host, &a4) == 1)
        return (ntohl(a4.s_addr) >> 24) == 127;
    if (inet_pton(AF_INET6, host, &a6) == 1)
        return IN6_IS_ADDR_LOOPBACK(&a6);
    return 0;
}
