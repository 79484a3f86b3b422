/* test_jwt.c - Cognito access-token verification against tokens the test
 * signs itself, with keys it generates and a JWKS it serves over HTTP.
 * Token content, algorithms, format and the Authorization header; key
 * fetching, rotation and JWKS outages are in test_jwks.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "aws/cognito/jwt_verify.h"
#include "tests/unit/jwt_fixture.h"

struct world {
    struct fx_key a;          /* in the JWKS as kid "k1" */
    struct fx_key other;      /* in no JWKS */
    struct fx_server srv;
    char issuer[128];
    struct jwt_verifier *v;
    char sub[128];
    const char *why;
};

static struct world w;

static int
group_setup(void **state)
{
    char *jwk, doc[4096];

    (void)state;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    if (fx_key_gen(&w.a, 2048) || fx_key_gen(&w.other, 2048))
        return -1;
    pthread_mutex_init(&w.srv.mu, NULL);
    if (fx_server_start(&w.srv))
        return -1;
    snprintf(w.issuer, sizeof(w.issuer), "http://127.0.0.1:%d" FX_POOL,
             w.srv.port);
    snprintf(w.srv.path, sizeof(w.srv.path), FX_POOL "/.well-known/jwks.json");
    jwk = fx_jwk(&w.a, "k1");
    snprintf(doc, sizeof(doc), "{\"keys\":[%s]}", jwk);
    free(jwk);
    fx_server_set(&w.srv, 200, doc);
    return 0;
}

static int
group_teardown(void **state)
{
    (void)state;
    fx_server_stop(&w.srv);
    free(w.srv.body);
    fx_key_free(&w.a);
    fx_key_free(&w.other);
    curl_global_cleanup();
    return 0;
}

static int
setup(void **state)
{
    (void)state;
    return jwt_verifier_new(&w.v, w.issuer, FX_CLIENT) == CR_OK ? 0 : -1;
}

static int
teardown(void **state)
{
    (void)state;
    jwt_verifier_free(w.v);
    w.v = NULL;
    return 0;
}

/* Verifies "Bearer tok" at time now. */
static cr_code
check_tok(const char *tok, time_t now)
{
    char *h = fx_bearer(tok);
    cr_code rc;

    w.why = NULL;
    rc = jwt_verify_bearer(w.v, h, now, w.sub, sizeof(w.sub), &w.why);
    free(h);
    return rc;
}

/* Signs claims with key a (RS256, kid k1), verifies, frees claims. */
static cr_code
check_claims(json_t *claims, time_t now)
{
    char *tok = fx_sign(JWT_ALG_RS256, w.a.priv_pem, "k1", claims);
    cr_code rc;

    assert_non_null(tok);
    json_decref(claims);
    rc = check_tok(tok, now);
    free(tok);
    return rc;
}

static void
expect_unauth(cr_code rc, const char *why)
{
    assert_int_equal(rc, CR_UNAUTHORIZED);
    assert_string_equal(w.why, why);
    assert_string_equal(w.sub, "");
}

static void
test_valid(void **state)
{
    (void)state;
    assert_int_equal(check_claims(fx_claims(w.issuer, FX_T0), FX_T0 + 10),
                     CR_OK);
    assert_string_equal(w.sub, FX_SUB);
    assert_string_equal(w.why, "ok");
}

static void
test_expiry(void **state)
{
    (void)state;
    /* exp = T0 + 3600; 60 s of skew are allowed past it, not 61. */
    expect_unauth(check_claims(fx_claims(w.issuer, FX_T0),
                               FX_T0 + 3600 + 61), "expired");
    assert_int_equal(check_claims(fx_claims(w.issuer, FX_T0),
                                  FX_T0 + 3600 + 60), CR_OK);
    assert_int_equal(check_claims(fx_claims(w.issuer, FX_T0),
                                  FX_T0 + 3600 + 30), CR_OK);
    expect_unauth(check_claims(fx_claims(w.issuer, FX_T0), FX_T0 + 86400),
                  "expired");
}

static void
test_time_claims(void **state)
{
    json_t *c;

    (void)state;
    c = fx_claims(w.issuer, FX_T0);
    json_object_set_new(c, "nbf", json_integer(FX_T0 + 300));
    expect_unauth(check_claims(c, FX_T0), "not_yet_valid");
    c = fx_claims(w.issuer, FX_T0);
    json_object_set_new(c, "nbf", json_integer(FX_T0 + 60));
    assert_int_equal(check_claims(c, FX_T0), CR_OK);
    /* iat in the future (beyond skew) with a still-valid exp. */
    c = fx_claims(w.issuer, FX_T0);
    json_object_set_new(c, "iat", json_integer(FX_T0 + 600));
    expect_unauth(check_claims(c, FX_T0), "issued_in_future");
    c = fx_claims(w.issuer, FX_T0);
    json_object_set_new(c, "iat", json_integer(FX_T0 + 60));
    assert_int_equal(check_claims(c, FX_T0), CR_OK);
    c = fx_claims(w.issuer, FX_T0);
    json_object_del(c, "exp");
    expect_unauth(check_claims(c, FX_T0), "bad_exp");
    c = fx_claims(w.issuer, FX_T0);
    json_object_set_new(c, "exp", json_string("9999999999"));
    expect_unauth(check_claims(c, FX_T0), "bad_exp");
    c = fx_claims(w.issuer, FX_T0);
    json_object_set_new(c, "nbf", json_string("0"));
    expect_unauth(check_claims(c, FX_T0), "bad_nbf");
}

static void
test_identity_claims(void **state)
{
    char issuer2[160], longsub[200];
    json_t *c;

    (void)state;
    snprintf(issuer2, sizeof(issuer2), "%s/", w.issuer);
    expect_unauth(check_claims(fx_claims(issuer2, FX_T0), FX_T0),
                  "wrong_issuer");
    expect_unauth(check_claims(fx_claims("https://cognito-idp.us-east-1."
                                         "amazonaws.com/us-east-1_Other",
                                         FX_T0), FX_T0), "wrong_issuer");
    c = fx_claims(w.issuer, FX_T0);
    json_object_del(c, "iss");
    expect_unauth(check_claims(c, FX_T0), "wrong_issuer");
    c = fx_claims(w.issuer, FX_T0);
    json_object_set_new(c, "client_id", json_string("another-client"));
    expect_unauth(check_claims(c, FX_T0), "wrong_client");
    c = fx_claims(w.issuer, FX_T0);
    json_object_del(c, "client_id");
    json_object_set_new(c, "aud", json_string(FX_CLIENT));
    expect_unauth(check_claims(c, FX_T0), "wrong_client");
    c = fx_claims(w.issuer, FX_T0);
    json_object_set_new(c, "token_use", json_string("id"));
    expect_unauth(check_claims(c, FX_T0), "wrong_token_use");
    c = fx_claims(w.issuer, FX_T0);
    json_object_del(c, "sub");
    expect_unauth(check_claims(c, FX_T0), "bad_sub");
    c = fx_claims(w.issuer, FX_T0);
    json_object_set_new(c, "sub", json_string(""));
    expect_unauth(check_claims(c, FX_T0), "bad_sub");
    c = fx_claims(w.issuer, FX_T0);
    json_object_set_new(c, "sub", json_integer(42));
    expect_unauth(check_claims(c, FX_T0), "bad_sub");
    memset(longsub, 'x', sizeof(longsub) - 1);
    longsub[sizeof(longsub) - 1] = '\0';
    c = fx_claims(w.issuer, FX_T0);
    json_object_set_new(c, "sub", json_string(longsub));
    expect_unauth(check_claims(c, FX_T0), "bad_sub");  /* w.sub is 128 */
}

/* Replaces part i (0..2) of a valid token with repl. */
static char *
swap_part(const char *tok, int i, const char *repl)
{
    const char *d1 = strchr(tok, '.'), *d2 = strchr(d1 + 1, '.');
    char *out = malloc(strlen(tok) + strlen(repl) + 1);

    if (i == 0)
        sprintf(out, "%s%s", repl, d1);
    else if (i == 1)
        sprintf(out, "%.*s.%s%s", (int)(d1 - tok), tok, repl, d2);
    else
        sprintf(out, "%.*s.%s", (int)(d2 - tok), tok, repl);
    return out;
}

static void
test_tampered(void **state)
{
    json_t *c = fx_claims(w.issuer, FX_T0);
    char *tok = fx_sign(JWT_ALG_RS256, w.a.priv_pem, "k1", c);
    char *payload, *bad, *sig;
    size_t mid;

    (void)state;
    assert_int_equal(check_tok(tok, FX_T0), CR_OK);
    /* Same claims but another sub: the signature no longer matches. */
    json_object_set_new(c, "sub", json_string("someone-else"));
    payload = json_dumps(c, JSON_COMPACT);
    bad = fx_b64_str(payload);
    free(payload);
    payload = swap_part(tok, 1, bad);
    expect_unauth(check_tok(payload, FX_T0), "bad_signature");
    free(payload);
    free(bad);
    /* One signature character changed in the middle (never only the
     * unused low bits of the last one). */
    sig = strdup(strrchr(tok, '.') + 1);
    mid = strlen(sig) / 2;
    sig[mid] = sig[mid] == 'A' ? 'B' : 'A';
    bad = swap_part(tok, 2, sig);
    expect_unauth(check_tok(bad, FX_T0), "bad_signature");
    free(bad);
    free(sig);
    /* A valid RS256 signature by a key that is not the pool's, under the
     * pool's kid. */
    bad = fx_sign(JWT_ALG_RS256, w.other.priv_pem, "k1", c);
    expect_unauth(check_tok(bad, FX_T0), "bad_signature");
    free(bad);
    json_decref(c);
    free(tok);
}

static void
test_algorithms(void **state)
{
    json_t *c = fx_claims(w.issuer, FX_T0);
    char *payload = json_dumps(c, JSON_COMPACT), *tok;

    (void)state;
    /* alg none, with an empty and with a junk signature. */
    tok = fx_forge("{\"alg\":\"none\",\"kid\":\"k1\"}", payload, "");
    expect_unauth(check_tok(tok, FX_T0), "malformed");
    free(tok);
    tok = fx_forge("{\"alg\":\"none\",\"kid\":\"k1\"}", payload, "AAAA");
    expect_unauth(check_tok(tok, FX_T0), "bad_alg");
    free(tok);
    /* The classic confusion: HMAC keyed with the public PEM. libjwt itself
     * would accept this token if handed the PEM (checked in
     * test_libjwt_confusion), so our own header check must stop it. */
    tok = fx_sign(JWT_ALG_HS256, w.a.pub_pem, "k1", c);
    assert_non_null(tok);
    expect_unauth(check_tok(tok, FX_T0), "bad_alg");
    free(tok);
    /* RS512 with a genuine signature of the pool's key: still only RS256. */
    tok = fx_sign(JWT_ALG_RS512, w.a.priv_pem, "k1", c);
    expect_unauth(check_tok(tok, FX_T0), "bad_alg");
    free(tok);
    tok = fx_forge("{\"kid\":\"k1\"}", payload, "AAAA");
    expect_unauth(check_tok(tok, FX_T0), "bad_alg");
    free(tok);
    tok = fx_forge("{\"alg\":\"rs256\",\"kid\":\"k1\"}", payload, "AAAA");
    expect_unauth(check_tok(tok, FX_T0), "bad_alg");
    free(tok);
    /* Duplicate alg: one parser could read RS256, another HS256. */
    tok = fx_forge("{\"alg\":\"RS256\",\"alg\":\"HS256\",\"kid\":\"k1\"}",
                   payload, "AAAA");
    expect_unauth(check_tok(tok, FX_T0), "malformed");
    free(tok);
    tok = fx_forge("{\"alg\":\"RS256\",\"kid\":\"k1\",\"crit\":[\"b64\"]}",
                   payload, "AAAA");
    expect_unauth(check_tok(tok, FX_T0), "bad_header");
    free(tok);
    tok = fx_forge("{\"alg\":\"RS256\"}", payload, "AAAA");
    expect_unauth(check_tok(tok, FX_T0), "bad_kid");
    free(tok);
    tok = fx_forge("{\"alg\":\"RS256\",\"kid\":7}", payload, "AAAA");
    expect_unauth(check_tok(tok, FX_T0), "bad_kid");
    free(tok);
    free(payload);
    json_decref(c);
}

/* Shows the danger the header check exists for: libjwt 1.10.2, given the
 * RSA public PEM as key, verifies an HS256 token keyed with that PEM. If
 * this ever fails, libjwt got safer; our check stays either way. */
static void
test_libjwt_confusion(void **state)
{
    json_t *c = fx_claims(w.issuer, FX_T0);
    char *tok = fx_sign(JWT_ALG_HS256, w.a.pub_pem, "k1", c);
    jwt_t *jwt = NULL;

    (void)state;
    assert_int_equal(jwt_decode(&jwt, tok, (const unsigned char *)w.a.pub_pem,
                                (int)strlen(w.a.pub_pem)), 0);
    jwt_free(jwt);
    free(tok);
    json_decref(c);
}

static void
test_malformed(void **state)
{
    json_t *c = fx_claims(w.issuer, FX_T0);
    char *tok = fx_sign(JWT_ALG_RS256, w.a.priv_pem, "k1", c);
    char *bad, *huge;
    const char *d2 = strrchr(tok, '.');

    (void)state;
    json_decref(c);
    bad = strndup(tok, (size_t)(d2 - tok));                 /* two parts */
    expect_unauth(check_tok(bad, FX_T0), "malformed");
    free(bad);
    bad = malloc(strlen(tok) + 8);
    sprintf(bad, "%s.AAAA", tok);                            /* four parts */
    expect_unauth(check_tok(bad, FX_T0), "malformed");
    free(bad);
    bad = swap_part(tok, 0, "eyJhbGciOiJSUzI1NiIs=");        /* padding */
    expect_unauth(check_tok(bad, FX_T0), "malformed");
    free(bad);
    bad = swap_part(tok, 0, "e");                            /* 1 char */
    expect_unauth(check_tok(bad, FX_T0), "malformed");
    free(bad);
    bad = swap_part(tok, 0, "eyJhbGciOiJSUzI1NiIs+");        /* not url */
    expect_unauth(check_tok(bad, FX_T0), "malformed");
    free(bad);
    bad = fx_forge("{\"alg\":\"RS256\",\"kid\":\"k1\"", "{}", "AAAA");
    expect_unauth(check_tok(bad, FX_T0), "malformed");       /* bad JSON */
    free(bad);
    bad = fx_forge("[\"RS256\"]", "{}", "AAAA");
    expect_unauth(check_tok(bad, FX_T0), "malformed");       /* not object */
    free(bad);
    expect_unauth(check_tok("", FX_T0), "missing_token");    /* "Bearer " */
    expect_unauth(check_tok("..", FX_T0), "malformed");
    huge = malloc(JWT_MAX_TOKEN + 2);
    memset(huge, 'A', JWT_MAX_TOKEN + 1);
    huge[10] = '.';
    huge[20] = '.';
    huge[JWT_MAX_TOKEN + 1] = '\0';
    expect_unauth(check_tok(huge, FX_T0), "token_too_large");
    free(huge);
    /* The payload decodes but is not JSON; signed properly it would still
     * be refused, here the signature fails first. */
    bad = swap_part(tok, 1, "bm90IGpzb24");
    expect_unauth(check_tok(bad, FX_T0), "bad_signature");
    free(bad);
    free(tok);
}

static cr_code
check_header(const char *header)
{
    w.why = NULL;
    return jwt_verify_bearer(w.v, header, FX_T0, w.sub, sizeof(w.sub),
                             &w.why);
}

static void
test_header_schemes(void **state)
{
    json_t *c = fx_claims(w.issuer, FX_T0);
    char *tok = fx_sign(JWT_ALG_RS256, w.a.priv_pem, "k1", c);
    char h[8192 + 64];

    (void)state;
    json_decref(c);
    snprintf(h, sizeof(h), "bearer %s", tok);
    assert_int_equal(check_header(h), CR_OK);
    snprintf(h, sizeof(h), "BEARER %s", tok);
    assert_int_equal(check_header(h), CR_OK);
    snprintf(h, sizeof(h), "Basic %s", tok);
    expect_unauth(check_header(h), "missing_token");
    snprintf(h, sizeof(h), "Bearer  %s", tok);
    expect_unauth(check_header(h), "malformed");
    snprintf(h, sizeof(h), "Bearer\t%s", tok);
    expect_unauth(check_header(h), "bad_scheme");
    snprintf(h, sizeof(h), "Bearer %s ", tok);
    expect_unauth(check_header(h), "malformed");
    snprintf(h, sizeof(h), "Bearer %s x", tok);
    expect_unauth(check_header(h), "malformed");
    snprintf(h, sizeof(h), "Bearer %s,%s", tok, tok);
    expect_unauth(check_header(h), "malformed");
    /* No scheme of ours: a request without a token. */
    snprintf(h, sizeof(h), "Bearer%s", tok);
    expect_unauth(check_header(h), "missing_token");
    expect_unauth(check_header("Bearer"), "missing_token");
    expect_unauth(check_header("Bearer "), "missing_token");
    expect_unauth(check_header(""), "missing_token");
    expect_unauth(check_header(tok), "missing_token");
    expect_unauth(check_header(NULL), "missing_token");
    /* why may be NULL. */
    assert_int_equal(jwt_verify_bearer(w.v, "Basic x", FX_T0, w.sub,
                                       sizeof(w.sub), NULL), CR_UNAUTHORIZED);
    free(tok);
}

/* What a signed-out browser sends is no token; anything else that looks
 * like a bearer token is one, to be verified (and refused). */
static void
test_bearer_absent(void **state)
{
    static const char *const absent[] = {
        "", "   ", "Bearer", "bearer ", "Bearer null", "Bearer undefined",
        "BEARER NULL", "Bearer  null ", "\tBearer\tundefined", "Basic abc",
        "Digest x=1", "Token", "nullBearer",
    };
    static const char *const present[] = {
        "Bearer x", "Bearer a.b.c", "Bearer nullx", "Bearer null x",
        "Bearer undefined.", "bearer  x", "Bearer\tx", "Bearer NaN",
    };
    size_t i;

    (void)state;
    assert_true(jwt_bearer_absent(NULL));
    for (i = 0; i < sizeof(absent) / sizeof(absent[0]); i++)
        assert_true(jwt_bearer_absent(absent[i]));
    for (i = 0; i < sizeof(present) / sizeof(present[0]); i++)
        assert_false(jwt_bearer_absent(present[i]));
}

static void
test_verifier_args(void **state)
{
    struct jwt_verifier *v = (struct jwt_verifier *)&w;

    (void)state;
    assert_int_equal(jwt_verifier_new(&v, "", FX_CLIENT), CR_INVALID);
    assert_null(v);
    assert_int_equal(jwt_verifier_new(&v, w.issuer, NULL), CR_INVALID);
    assert_null(v);
    jwt_verifier_free(NULL);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_valid, setup, teardown),
        cmocka_unit_test_setup_teardown(test_expiry, setup, teardown),
        cmocka_unit_test_setup_teardown(test_time_claims, setup, teardown),
        cmocka_unit_test_setup_teardown(test_identity_claims, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tampered, setup, teardown),
        cmocka_unit_test_setup_teardown(test_algorithms, setup, teardown),
        cmocka_unit_test(test_libjwt_confusion),
        cmocka_unit_test_setup_teardown(test_malformed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_header_schemes, setup, teardown),
        cmocka_unit_test(test_bearer_absent),
        cmocka_unit_test(test_verifier_args),
    };

    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
