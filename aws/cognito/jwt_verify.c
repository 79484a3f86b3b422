/* jwt_verify.c - Authorization header to verified Cognito sub.
 *
 * Order matters: the header is parsed by us before libjwt sees the token.
 * libjwt 1.10.2's jwt_decode takes the algorithm from the token's own
 * header, so an HS256 token handed to it with our RSA PEM would be checked
 * as an HMAC keyed with that public PEM -- a forgery anyone can make. Only
 * a token whose header says RS256 ever reaches jwt_decode. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <jansson.h>
#include <jwt.h>

#include "app/core/b64url.h"
#include "aws/cognito/jwks.h"
#include "aws/cognito/jwt_claims.h"
#include "aws/cognito/jwt_verify.h"

#define JWT_MAX_KID 256

struct jwt_verifier {
    char *issuer;
    char *client_id;
    CURL *curl;
    struct jwks *keys;
};

cr_code
jwt_verifier_new(struct jwt_verifier **out, const char *issuer,
                 const char *client_id)
{
    static const char suffix[] = "/.well-known/jwks.json";
    struct jwt_verifier *v = NULL;
    char *url = NULL;
    cr_code rc = CR_INVALID;

    *out = NULL;
    if (issuer == NULL || issuer[0] == '\0' || client_id == NULL ||
        client_id[0] == '\0')
        goto out;
    rc = CR_NOMEM;
    v = calloc(1, sizeof(*v));
    if (v == NULL)
        goto out;
    v->issuer = strdup(issuer);
    v->client_id = strdup(client_id);
    v->curl = curl_easy_init();
    url = malloc(strlen(issuer) + sizeof(suffix));
    if (v->issuer == NULL || v->client_id == NULL || v->curl == NULL ||
        url == NULL)
        goto out;
    strcpy(url, issuer);
    strcat(url, suffix);
    rc = jwks_new(&v->keys, url);
    if (rc)
        goto out;
    *out = v;
    v = NULL;
out:
    free(url);
    jwt_verifier_free(v);
    return rc;
}

void
jwt_verifier_free(struct jwt_verifier *v)
{
    if (v == NULL)
        return;
    jwks_free(v->keys);
    if (v->curl)
        curl_easy_cleanup(v->curl);
    free(v->client_id);
    free(v->issuer);
    free(v);
}

/* s[0..len) is word, in any case. */
static int
jwt_word_is(const char *s, size_t len, const char *word)
{
    return len == strlen(word) && strncasecmp(s, word, len) == 0;
}

int
jwt_bearer_absent(const char *header)
{
    static const char blank[] = " \t";
    size_t len;

    if (header == NULL)
        return 1;
    header += strspn(header, blank);
    len = strcspn(header, blank);
    if (len == 0)
        return 1;
    /* Another scheme (Basic, ...) is no credential for this API either:
     * RFC 6750 treats it as a request without authentication. */
    if (!jwt_word_is(header, len, "Bearer"))
        return 1;
    header += len;
    header += strspn(header, blank);
    len = strcspn(header, blank);
    /* A browser client that is signed out sends what its token store
     * holds: JavaScript's null or undefined, or nothing. */
    if (len == 0 || jwt_word_is(header, len, "null") ||
        jwt_word_is(header, len, "undefined"))
        return header[len + strspn(header + len, blank)] == '\0';
    return 0;
}

/* "Bearer <token>": the scheme in any case, exactly one space, then a
 * token of base64url characters and dots only (so no second token and no
 * trailing space). Returns the token or NULL with *why set. */
static const char *
jwt_bearer_token(const char *header, const char **why)
{
    const char *tok;
    size_t len;

    if (jwt_bearer_absent(header)) {
        *why = "missing_token";
        return NULL;
    }
    if (strncasecmp(header, "Bearer ", 7) != 0) {
        *why = "bad_scheme";
        return NULL;
    }
    tok = header + 7;
    len = strnlen(tok, JWT_MAX_TOKEN + 1);
    if (len > JWT_MAX_TOKEN) {
        *why = "token_too_large";
        return NULL;
    }
    if (len == 0 || strspn(tok, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                "abcdefghijklmnopqrstuvwxyz"
                                "0123456789-_.") != len) {
        *why = "malformed";
        return NULL;
    }
    return tok;
}

/* Splits into three non-empty parts: part[i] starts at tok + off[i] and
 * is len[i] long. */
static int
jwt_split(const char *tok, size_t off[3], size_t len[3])
{
    const char *p = tok, *dot;
    int i;

    for (i = 0; i < 3; i++) {
        dot = strchr(p, '.');
        if ((dot == NULL) != (i == 2))
            return -1;
        off[i] = (size_t)(p - tok);
        len[i] = dot ? (size_t)(dot - p) : strlen(p);
        if (len[i] == 0)
            return -1;
        /* Not past the last part: NULL + 1 is undefined behaviour. */
        if (dot)
            p = dot + 1;
    }
    return 0;
}

/* Our own reading of the JOSE header: alg must be RS256, kid a string. */
static const char *
jwt_header_kid(const char *b64, size_t b64_len, char *kid, size_t kid_size)
{
    unsigned char *raw = NULL;
    size_t raw_len;
    json_t *hdr = NULL, *k;
    const char *reason = "malformed";

    if (b64url_decode(b64, b64_len, &raw, &raw_len) != CR_OK)
        goto out;
    hdr = json_loadb((const char *)raw, raw_len, JSON_REJECT_DUPLICATES,
                     NULL);
    if (!json_is_object(hdr))
        goto out;
    reason = "bad_alg";
    if (!json_is_string(json_object_get(hdr, "alg")) ||
        strcmp(json_string_value(json_object_get(hdr, "alg")), "RS256") != 0)
        goto out;
    /* We implement no JWS extensions, so any critical one is unknown. */
    reason = "bad_header";
    if (json_object_get(hdr, "crit") != NULL)
        goto out;
    reason = "bad_kid";
    k = json_object_get(hdr, "kid");
    if (!json_is_string(k) || json_string_length(k) == 0 ||
        json_string_length(k) >= kid_size ||
        strlen(json_string_value(k)) != json_string_length(k))
        goto out;
    memcpy(kid, json_string_value(k), json_string_length(k) + 1);
    reason = NULL;
out:
    json_decref(hdr);
    free(raw);
    return reason;
}

/* libjwt checks the RS256 signature with the kid's PEM. */
static cr_code
jwt_signature(const char *tok, const char *pem, size_t pem_len,
              const char **why)
{
    jwt_t *jwt = NULL;
    int err;

    err = jwt_decode(&jwt, tok, (const unsigned char *)pem, (int)pem_len);
    if (err == ENOMEM)
        return CR_NOMEM;
    /* Belt and braces: whatever path libjwt took, what it verified must
     * have been RS256 (an allocation failure inside 1.10.2's jwt_decode can
     * return success for an unverified token with alg none). */
    if (err != 0 || jwt == NULL || jwt_get_alg(jwt) != JWT_ALG_RS256) {
        jwt_free(jwt);
        *why = "bad_signature";
        return CR_UNAUTHORIZED;
    }
    jwt_free(jwt);
    return CR_OK;
}

void
jwt_verifier_set_deadline(struct jwt_verifier *v, cr_deadline d)
{
    jwks_set_deadline(v->keys, d);
}

struct breaker *
jwt_verifier_keys_breaker(struct jwt_verifier *v)
{
    return jwks_breaker(v->keys);
}

size_t
jwt_verifier_keys_skipped(const struct jwt_verifier *v)
{
    return jwks_skipped(v->keys);
}

static cr_code
jwt_key_for(struct jwt_verifier *v, const char *kid, time_t now,
            const char **pem, size_t *pem_len, const char **why)
{
    cr_code rc = jwks_key(v->keys, v->curl, kid, now, pem, pem_len);

    if (rc == CR_NOT_FOUND) {
        *why = "unknown_kid";
        return CR_UNAUTHORIZED;
    }
    if (rc == CR_AUTH_UNAVAILABLE)
        *why = "jwks_unavailable";
    return rc;
}

static cr_code
jwt_verify_token(struct jwt_verifier *v, const char *tok, time_t now,
                 char *sub, size_t sub_size, const char **why)
{
    struct jwt_expect x = { v->issuer, v->client_id, JWT_SKEW_SECS };
    char kid[JWT_MAX_KID + 1];
    size_t off[3], len[3], pem_len, body_len;
    unsigned char *body = NULL;
    const char *pem;
    cr_code rc;

    *why = "malformed";
    if (jwt_split(tok, off, len) != 0)
        return CR_UNAUTHORIZED;
    *why = jwt_header_kid(tok + off[0], len[0], kid, sizeof(kid));
    if (*why)
        return CR_UNAUTHORIZED;
    rc = jwt_key_for(v, kid, now, &pem, &pem_len, why);
    if (rc == CR_OK)
        rc = jwt_signature(tok, pem, pem_len, why);
    if (rc)
        return rc;
    rc = b64url_decode(tok + off[1], len[1], &body, &body_len);
    if (rc == CR_INVALID) {
        *why = "bad_payload";
        return CR_UNAUTHORIZED;
    }
    if (rc)
        return rc;
    rc = jwt_claims_check((const char *)body, body_len, &x, now, sub,
                          sub_size, why);
    free(body);
    return rc;
}

cr_code
jwt_verify_bearer(struct jwt_verifier *v, const char *header, time_t now,
                  char *sub, size_t sub_size, const char **why)
{
    const char *reason = "ok", *tok;
    cr_code rc = CR_UNAUTHORIZED;

    if (sub_size > 0)
        sub[0] = '\0';
    tok = jwt_bearer_token(header, &reason);
    if (tok)
        rc = jwt_verify_token(v, tok, now, sub, sub_size, &reason);
    if (rc == CR_NOMEM)
        reason = "out_of_memory";
    if (why)
        *why = reason;
    return rc;
}
