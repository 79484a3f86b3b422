/* aws_sigv4.h - AWS Signature Version 4 of the JSON-protocol POSTs.
 *
 * libcurl's CURLOPT_AWS_SIGV4 derives the day's signing key again for
 * every request (four HMACs), fetches its digest from OpenSSL each time
 * and formats hashes a byte at a time: about 0.3 M instructions, as much
 * as the rest of a message read. Here the digest is fetched once, the
 * signing key is kept for its day, region, service and secret, and a
 * request costs two hashes and one HMAC. The signed headers are the ones
 * the client sends: content-type, host, x-amz-date, x-amz-security-token
 * (with temporary credentials) and x-amz-target, as botocore signs them
 * (tests/unit/test_aws_sigv4.c compares). */
#ifndef CRUDDUR_AWS_SIGV4_H
#define CRUDDUR_AWS_SIGV4_H

#include <stddef.h>

#include <openssl/evp.h>

#include "app/core/buf.h"
#include "app/core/err.h"

#define AWS_SIGV4_SLOTS 8
#define AWS_SIGV4_AUTH_SIZE 512

struct aws_sigv4_key {
    char scope[96];             /* "YYYYMMDD/region/service"; "" unused */
    char secret[256];
    unsigned char key[32];
};

struct aws_sigv4 {
    EVP_MD *sha256;             /* fetched once */
    EVP_MD_CTX *ctx;            /* reused for every hash */
    struct buf text;            /* the canonical request, reused */
    struct aws_sigv4_key keys[AWS_SIGV4_SLOTS];
};

/* One request to sign. */
struct aws_sigv4_req {
    const char *userpwd;        /* "ACCESS_KEY:SECRET" */
    const char *token;          /* session token; NULL or "" when none */
    const char *region, *service;
    const char *amz_date;       /* "YYYYMMDDTHHMMSSZ", also X-Amz-Date */
    const char *host;           /* the Host header sent */
    const char *path;           /* "/" */
    const char *content_type;   /* the value, e.g. application/x-amz-json-1.0 */
    const char *target;         /* X-Amz-Target */
    const char *body;
    size_t body_len;
    int slot;                   /* which kept key: 0 .. AWS_SIGV4_SLOTS - 1 */
};

cr_code aws_sigv4_init(struct aws_sigv4 *s);
void aws_sigv4_free(struct aws_sigv4 *s);

/* The Authorization header's value for r into out (AWS_SIGV4_AUTH_SIZE).
 * CR_INVALID when a part does not fit or userpwd has no ':'; CR_NOMEM
 * when OpenSSL fails. */
cr_code aws_sigv4_sign(struct aws_sigv4 *s, const struct aws_sigv4_req *r,
                       char out[AWS_SIGV4_AUTH_SIZE]);

#endif
