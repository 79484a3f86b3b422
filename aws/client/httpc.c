/* httpc.c - one HTTP request on a kept libcurl easy handle. */
#include <stdlib.h>
#include <string.h>

#include "app/core/env.h"
#include "aws/client/httpc.h"

struct httpc_sink {
    struct buf *out;
    int overflow;
};

static size_t
httpc_write(char *ptr, size_t size, size_t nmemb, void *userdata)
{
    struct httpc_sink *sink = userdata;
    size_t n = size * nmemb;

    if (buf_append(sink->out, ptr, n) != CR_OK) {
        sink->overflow = 1;
        return 0;  /* makes libcurl abort the transfer */
    }
    return n;
}

/* Debian's libcurl looks for CA certificates where Debian keeps them. Where
 * that path does not exist (the Lambda zip on Amazon Linux ships its own
 * bundle), CURL_CA_BUNDLE names the file, as it does for the curl tool. */
static void
httpc_set_ca_bundle(CURL *h)
{
    const char *ca = env_get("CURL_CA_BUNDLE");

    if (ca != NULL)
        curl_easy_setopt(h, CURLOPT_CAINFO, ca);
}

/* No body: curl's GET mode, whatever the last request on h sent (its
 * body is not sent again), then the method's name. */
static void
httpc_set_body(CURL *h, const struct httpc_req *r)
{
    if (r->body) {
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, r->body);
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
                         (curl_off_t)r->body_len);
    } else {
        curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
    }
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, r->method);
}

/* What every request on h shares, set on its first one: h is marked
 * through CURLOPT_PRIVATE (which nothing else here uses). */
static void
httpc_set_once(CURL *h)
{
    static char marked;
    char *mark = NULL;

    curl_easy_getinfo(h, CURLINFO_PRIVATE, &mark);
    if (mark == &marked)
        return;
    httpc_set_ca_bundle(h);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, httpc_write);
    curl_easy_setopt(h, CURLOPT_PRIVATE, &marked);
}

int
httpc_request_sent(CURL *h)
{
    long n = 0;

    /* What libcurl wrote of this transfer's request: 0 until connected. */
    return curl_easy_getinfo(h, CURLINFO_REQUEST_SIZE, &n) == CURLE_OK &&
           n > 0;
}

cr_code
httpc_perform(CURL *h, const struct httpc_req *r, long *status,
              struct buf *out, const char **why)
{
    struct httpc_sink sink = { out, 0 };
    CURLcode cc;

    /* The options are kept from one request to the next (no
     * curl_easy_reset: setting them all again cost more than the rest of
     * a call); each request sets every option that differs between
     * requests, so nothing of the last one leaks into it. */
    httpc_set_once(h);
    curl_easy_setopt(h, CURLOPT_URL, r->url);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS,
                     r->timeout_ms ? r->timeout_ms : 10000L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                     r->connect_timeout_ms ? r->connect_timeout_ms : 2000L);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &sink);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, r->headers);
    /* NULL turns the last request's signing off. */
    curl_easy_setopt(h, CURLOPT_AWS_SIGV4, r->aws_sigv4);
    curl_easy_setopt(h, CURLOPT_USERPWD, r->aws_sigv4 ? r->userpwd : NULL);
    httpc_set_body(h, r);

    cc = curl_easy_perform(h);
    if (sink.overflow) {
        if (why)
            *why = "answer over the size limit";
        return CR_INVALID;
    }
    if (cc != CURLE_OK) {
        if (why)
            *why = curl_easy_strerror(cc);
        return cc == CURLE_OPERATION_TIMEDOUT ? CR_TIMEOUT : CR_BACKEND;
    }
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, status);
    return CR_OK;
}
