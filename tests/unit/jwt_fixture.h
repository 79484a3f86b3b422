/* jwt_fixture.h - what the token tests share: RSA keys made at start, a
 * JWKS served over HTTP from a thread on 127.0.0.1 (stoppable, countable,
 * changeable), and token signing (libjwt for real signatures, plain
 * base64url for forged tokens). Test support only: functions are static
 * inline so each test file includes what it uses. */
#ifndef CRUDDUR_JWT_FIXTURE_H
#define CRUDDUR_JWT_FIXTURE_H

#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <jansson.h>
#include <jwt.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "app/core/b64url.h"

#define FX_POOL "/us-east-1_TestPool"
#define FX_CLIENT "test-client-id"
#define FX_SUB "5f3c2b1a-0000-4000-8000-00000000abcd"
#define FX_T0 ((time_t)1700000000)

struct fx_key {
    EVP_PKEY *pkey;
    char *priv_pem;
    char *pub_pem;
    char *n;           /* base64url modulus */
    char *e;           /* base64url exponent */
};

struct fx_server {
    int lfd;
    int port;
    pthread_t thread;
    atomic_int stop;
    int running;
    pthread_mutex_t mu;
    char *body;        /* JWKS document served */
    int status;        /* HTTP status served */
    int requests;      /* requests for the JWKS path */
    char path[128];
};

static inline char *
fx_bio_string(BIO *bio)
{
    char *data, *s;
    long len = BIO_get_mem_data(bio, &data);

    s = malloc((size_t)len + 1);
    if (s) {
        memcpy(s, data, (size_t)len);
        s[len] = '\0';
    }
    return s;
}

static inline char *
fx_bn_b64(EVP_PKEY *pkey, const char *name)
{
    BIGNUM *bn = NULL;
    unsigned char raw[1024];
    char *out = NULL;
    int len;

    if (EVP_PKEY_get_bn_param(pkey, name, &bn) != 1)
        return NULL;
    len = BN_bn2bin(bn, raw);
    BN_free(bn);
    if (b64url_encode(raw, (size_t)len, &out) != CR_OK)
        return NULL;
    return out;
}

static inline int
fx_key_gen(struct fx_key *k, unsigned bits)
{
    BIO *bio;

    memset(k, 0, sizeof(*k));
    k->pkey = EVP_RSA_gen(bits);
    if (k->pkey == NULL)
        return -1;
    bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PrivateKey(bio, k->pkey, NULL, NULL, 0, NULL, NULL);
    k->priv_pem = fx_bio_string(bio);
    BIO_free(bio);
    bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PUBKEY(bio, k->pkey);
    k->pub_pem = fx_bio_string(bio);
    BIO_free(bio);
    k->n = fx_bn_b64(k->pkey, OSSL_PKEY_PARAM_RSA_N);
    k->e = fx_bn_b64(k->pkey, OSSL_PKEY_PARAM_RSA_E);
    return k->priv_pem && k->pub_pem && k->n && k->e ? 0 : -1;
}

static inline void
fx_key_free(struct fx_key *k)
{
    EVP_PKEY_free(k->pkey);
    free(k->priv_pem);
    free(k->pub_pem);
    free(k->n);
    free(k->e);
}

/* One JWK object as JSON text (caller frees). */
static inline char *
fx_jwk(const struct fx_key *k, const char *kid)
{
    json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "kty", "RSA",
                          "kid", kid, "use", "sig", "alg", "RS256",
                          "n", k->n, "e", k->e);
    char *s = json_dumps(o, JSON_COMPACT);

    json_decref(o);
    return s;
}

/* --- the JWKS server ---------------------------------------------------- */

static inline void
fx_serve_one(struct fx_server *s, int fd)
{
    char req[4096], head[256], path[256];
    size_t got = 0;
    ssize_t n;
    const char *body;
    int status, hl;
    struct timeval tv = { 2, 0 };

    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    while (got < sizeof(req) - 1) {
        n = recv(fd, req + got, sizeof(req) - 1 - got, 0);
        if (n <= 0)
            return;
        got += (size_t)n;
        req[got] = '\0';
        if (strstr(req, "\r\n\r\n"))
            break;
    }
    if (sscanf(req, "GET %255s ", path) != 1)
        return;
    pthread_mutex_lock(&s->mu);
    if (strcmp(path, s->path) == 0) {
        s->requests++;
        status = s->status;
        body = s->body ? s->body : "";
    } else {
        status = 404;
        body = "{}";
    }
    hl = snprintf(head, sizeof(head), "HTTP/1.1 %d X\r\nContent-Type: "
                  "application/json\r\nContent-Length: %zu\r\n"
                  "Connection: close\r\n\r\n", status, strlen(body));
    if (send(fd, head, (size_t)hl, MSG_NOSIGNAL) == hl)
        (void)!send(fd, body, strlen(body), MSG_NOSIGNAL);
    pthread_mutex_unlock(&s->mu);
}

static inline void *
fx_server_main(void *arg)
{
    struct fx_server *s = arg;
    struct pollfd p;
    int fd;

    while (!atomic_load(&s->stop)) {
        p.fd = s->lfd;
        p.events = POLLIN;
        if (poll(&p, 1, 50) <= 0)
            continue;
        fd = accept(s->lfd, NULL, NULL);
        if (fd < 0)
            continue;
        fx_serve_one(s, fd);
        close(fd);
    }
    return NULL;
}

/* Starts serving; on the first start the port is chosen by the kernel and
 * kept for later restarts, so a verifier's URL stays valid. */
static inline int
fx_server_start(struct fx_server *s)
{
    struct sockaddr_in a;
    socklen_t alen = sizeof(a);
    int one = 1;

    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons((uint16_t)s->port);
    s->lfd = socket(AF_INET, SOCK_STREAM, 0);
    if (s->lfd < 0)
        return -1;
    setsockopt(s->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (bind(s->lfd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
        listen(s->lfd, 16) != 0 ||
        getsockname(s->lfd, (struct sockaddr *)&a, &alen) != 0) {
        close(s->lfd);
        return -1;
    }
    s->port = ntohs(a.sin_port);
    atomic_store(&s->stop, 0);
    if (pthread_create(&s->thread, NULL, fx_server_main, s) != 0) {
        close(s->lfd);
        return -1;
    }
    s->running = 1;
    return 0;
}

/* Stops listening: connections are then refused. */
static inline void
fx_server_stop(struct fx_server *s)
{
    if (!s->running)
        return;
    atomic_store(&s->stop, 1);
    pthread_join(s->thread, NULL);
    close(s->lfd);
    s->running = 0;
}

/* Sets what the JWKS path answers (body is copied) and zeroes the count. */
static inline void
fx_server_set(struct fx_server *s, int status, const char *body)
{
    pthread_mutex_lock(&s->mu);
    free(s->body);
    s->body = strdup(body);
    s->status = status;
    s->requests = 0;
    pthread_mutex_unlock(&s->mu);
}

static inline int
fx_server_requests(struct fx_server *s)
{
    int n;

    pthread_mutex_lock(&s->mu);
    n = s->requests;
    pthread_mutex_unlock(&s->mu);
    return n;
}

/* --- tokens --------------------------------------------------------------- */

/* The claims of a valid access token issued at `at` for issuer (caller
 * changes or deletes members, then frees). */
static inline json_t *
fx_claims(const char *issuer, time_t at)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:s, s:s}",
                     "sub", FX_SUB, "iss", issuer, "client_id", FX_CLIENT,
                     "token_use", "access", "scope", "aws.cognito.signin.user.admin",
                     "auth_time", (json_int_t)at, "iat", (json_int_t)at,
                     "exp", (json_int_t)at + 3600, "jti", "j-1",
                     "username", "alice@example.com");
}

/* A token signed by libjwt with alg and key (PEM or HMAC secret). */
static inline char *
fx_sign(jwt_alg_t alg, const char *key, const char *kid, json_t *claims)
{
    jwt_t *jwt = NULL;
    char *payload = json_dumps(claims, JSON_COMPACT), *tok = NULL;

    if (payload == NULL || jwt_new(&jwt) != 0)
        goto out;
    if (jwt_add_grants_json(jwt, payload) != 0 ||
        (kid && jwt_add_header(jwt, "kid", kid) != 0) ||
        jwt_set_alg(jwt, alg, (const unsigned char *)key,
                    (int)strlen(key)) != 0)
        goto out;
    tok = jwt_encode_str(jwt);
out:
    jwt_free(jwt);
    free(payload);
    return tok;
}

static inline char *
fx_b64_str(const char *s)
{
    char *out = NULL;

    b64url_encode((const unsigned char *)s, strlen(s), &out);
    return out;
}

/* A hand-assembled token: base64url(header).base64url(payload).sig. */
static inline char *
fx_forge(const char *header, const char *payload, const char *sig)
{
    char *h = fx_b64_str(header), *p = fx_b64_str(payload), *tok;

    tok = malloc(strlen(h) + strlen(p) + strlen(sig) + 3);
    sprintf(tok, "%s.%s.%s", h, p, sig);
    free(h);
    free(p);
    return tok;
}

/* "Bearer <tok>" (caller frees). */
static inline char *
fx_bearer(const char *tok)
{
    char *h = malloc(strlen(tok) + 8);

    sprintf(h, "Bearer %s", tok);
    return h;
}

#endif
