/* aws_sigv4.c - SigV4 with the digest fetched once and the key kept. */
#include <stdio.h>
#include <string.h>

#include "app/core/buf.h"
#include "aws/client/aws_sigv4.h"

#define AWS_SIGV4_SIGNED \
    "content-type;host;x-amz-date;x-amz-security-token;x-amz-target"
#define AWS_SIGV4_SIGNED_NO_TOKEN "content-type;host;x-amz-date;x-amz-target"

cr_code
aws_sigv4_init(struct aws_sigv4 *s)
{
    memset(s, 0, sizeof(*s));
    buf_init(&s->text, 0);
    s->sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
    s->ctx = EVP_MD_CTX_new();
    if (s->sha256 == NULL || s->ctx == NULL) {
        aws_sigv4_free(s);
        return CR_NOMEM;
    }
    return CR_OK;
}

void
aws_sigv4_free(struct aws_sigv4 *s)
{
    EVP_MD_CTX_free(s->ctx);
    EVP_MD_free(s->sha256);
    buf_free(&s->text);
    memset(s, 0, sizeof(*s));
}

/* SHA-256 of the n pieces (p[i], len[i]). */
static cr_code
aws_sigv4_hash(struct aws_sigv4 *s, const void *const *p, const size_t *len,
               int n, unsigned char out[32])
{
    unsigned int olen = 0;
    int i, ok;

    ok = EVP_DigestInit_ex2(s->ctx, s->sha256, NULL);
    for (i = 0; ok && i < n; i++)
        ok = EVP_DigestUpdate(s->ctx, p[i], len[i]);
    ok = ok && EVP_DigestFinal_ex(s->ctx, out, &olen) && olen == 32;
    return ok ? CR_OK : CR_NOMEM;
}

/* HMAC-SHA256 (RFC 2104) over the one digest: no MAC object to fetch. */
static cr_code
aws_sigv4_hmac(struct aws_sigv4 *s, const void *key, size_t klen,
               const void *msg, size_t mlen, unsigned char out[32])
{
    unsigned char k[64] = { 0 }, pad[64], inner[32];
    const void *p[2];
    size_t len[2] = { 64, 0 }, i;
    cr_code rc;

    if (klen > sizeof(k)) {
        p[0] = key;
        len[0] = klen;
        if ((rc = aws_sigv4_hash(s, p, len, 1, k)))
            return rc;
        len[0] = 64;
    } else {
        memcpy(k, key, klen);
    }
    for (i = 0; i < 64; i++)
        pad[i] = k[i] ^ 0x36;
    p[0] = pad;
    p[1] = msg;
    len[1] = mlen;
    if ((rc = aws_sigv4_hash(s, p, len, 2, inner)))
        return rc;
    for (i = 0; i < 64; i++)
        pad[i] = k[i] ^ 0x5c;
    p[1] = inner;
    len[1] = sizeof(inner);
    return aws_sigv4_hash(s, p, len, 2, out);
}

static void
aws_sigv4_hex(const unsigned char *in, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    size_t i;

    for (i = 0; i < n; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 0xF];
    }
    out[2 * n] = '\0';
}

/* The signing key of scope for secret, derived once a day (per slot). */
static cr_code
aws_sigv4_key(struct aws_sigv4 *s, const struct aws_sigv4_req *r,
              const char *scope, const char *secret, unsigned char **key)
{
    struct aws_sigv4_key *k = &s->keys[r->slot];
    char first[4 + sizeof(k->secret)];
    unsigned char a[32], b[32];
    cr_code rc;

    *key = k->key;
    if (strcmp(k->scope, scope) == 0 && strcmp(k->secret, secret) == 0)
        return CR_OK;
    k->scope[0] = '\0';
    if (strlen(secret) >= sizeof(k->secret))
        return CR_INVALID;
    snprintf(first, sizeof(first), "AWS4%s", secret);
    if ((rc = aws_sigv4_hmac(s, first, strlen(first), r->amz_date, 8, a)) ||
        (rc = aws_sigv4_hmac(s, a, 32, r->region, strlen(r->region), b)) ||
        (rc = aws_sigv4_hmac(s, b, 32, r->service, strlen(r->service), a)) ||
        (rc = aws_sigv4_hmac(s, a, 32, "aws4_request", 12, k->key)))
        return rc;
    snprintf(k->scope, sizeof(k->scope), "%s", scope);
    snprintf(k->secret, sizeof(k->secret), "%s", secret);
    return CR_OK;
}

/* "name:value\n" with the value's white space trimmed and runs of it
 * made one space, as SigV4 canonical headers are. */
static cr_code
aws_sigv4_header(struct buf *b, const char *name, const char *v)
{
    const char *end;
    cr_code rc;

    if ((rc = buf_append_str(b, name)) || (rc = buf_append(b, ":", 1)))
        return rc;
    while (*v == ' ' || *v == '\t')
        v++;
    while (*v) {
        end = v + strcspn(v, " \t");
        if ((rc = buf_append(b, v, (size_t)(end - v))))
            return rc;
        v = end + strspn(end, " \t");
        if (*v && (rc = buf_append(b, " ", 1)))
            return rc;
    }
    return buf_append(b, "\n", 1);
}

/* The canonical request's hash, in hex. */
static cr_code
aws_sigv4_canonical(struct aws_sigv4 *s, const struct aws_sigv4_req *r,
                    int token, char hex[65])
{
    unsigned char md[32];
    char body_hex[65];
    struct buf *b = &s->text;
    const void *p[1];
    size_t len[1];
    cr_code rc;

    p[0] = r->body;
    len[0] = r->body_len;
    if ((rc = aws_sigv4_hash(s, p, len, 1, md)))
        return rc;
    aws_sigv4_hex(md, 32, body_hex);
    buf_reset(b);
    if ((rc = buf_append_str(b, "POST\n")) ||
        (rc = buf_append_str(b, r->path)) ||
        (rc = buf_append_str(b, "\n\n")) ||
        (rc = aws_sigv4_header(b, "content-type", r->content_type)) ||
        (rc = aws_sigv4_header(b, "host", r->host)) ||
        (rc = aws_sigv4_header(b, "x-amz-date", r->amz_date)) ||
        (token && (rc = aws_sigv4_header(b, "x-amz-security-token",
                                         r->token))) ||
        (rc = aws_sigv4_header(b, "x-amz-target", r->target)) ||
        (rc = buf_append_str(b, "\n")) ||
        (rc = buf_append_str(b, token ? AWS_SIGV4_SIGNED
                                       : AWS_SIGV4_SIGNED_NO_TOKEN)) ||
        (rc = buf_append_str(b, "\n")) ||
        (rc = buf_append(b, body_hex, 64)))
        return rc;
    p[0] = b->data;
    len[0] = b->len;
    if ((rc = aws_sigv4_hash(s, p, len, 1, md)) == CR_OK)
        aws_sigv4_hex(md, 32, hex);
    return rc;
}

cr_code
aws_sigv4_sign(struct aws_sigv4 *s, const struct aws_sigv4_req *r,
               char out[AWS_SIGV4_AUTH_SIZE])
{
    const char *colon = strchr(r->userpwd, ':');
    char access[256], scope[96], canon[65], to_sign[256], sig[65];
    unsigned char *key, md[32];
    int token = r->token && r->token[0], n;
    size_t alen;
    cr_code rc;

    if (colon == NULL || r->slot < 0 || r->slot >= AWS_SIGV4_SLOTS ||
        strlen(r->amz_date) != 16 ||
        (alen = (size_t)(colon - r->userpwd)) >= sizeof(access))
        return CR_INVALID;
    memcpy(access, r->userpwd, alen);
    access[alen] = '\0';
    n = snprintf(scope, sizeof(scope), "%.8s/%s/%s/aws4_request", r->amz_date,
                 r->region, r->service);
    if (n < 0 || (size_t)n >= sizeof(scope))
        return CR_INVALID;
    if ((rc = aws_sigv4_key(s, r, scope, colon + 1, &key)) ||
        (rc = aws_sigv4_canonical(s, r, token, canon)))
        return rc;
    n = snprintf(to_sign, sizeof(to_sign), "AWS4-HMAC-SHA256\n%s\n%s\n%s",
                 r->amz_date, scope, canon);
    if (n < 0 || (size_t)n >= sizeof(to_sign))
        return CR_INVALID;
    if ((rc = aws_sigv4_hmac(s, key, 32, to_sign, (size_t)n, md)))
        return rc;
    aws_sigv4_hex(md, 32, sig);
    n = snprintf(out, AWS_SIGV4_AUTH_SIZE,
                 "AWS4-HMAC-SHA256 Credential=%s/%s, SignedHeaders=%s, "
                 "Signature=%s", access, scope,
                 token ? AWS_SIGV4_SIGNED : AWS_SIGV4_SIGNED_NO_TOKEN, sig);
    return n < 0 || n >= AWS_SIGV4_AUTH_SIZE ? CR_INVALID : CR_OK;
}
