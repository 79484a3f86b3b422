/* test_jwks.c - the JWKS side of token verification: lazy first fetch,
 * refetch on an unknown kid (at most once per 60 s) and after an hour (a
 * failed refresh keeps the keys, retried with a growing pause), key rotation without
 * a new verifier, the JWKS endpoint down and back, tolerated junk keys, and
 * the JWK-to-PEM conversion. The JWKS is served over real HTTP by a thread
 * of this test; time moves through the `now` argument. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "aws/cognito/jwk.h"
#include "aws/cognito/jwks.h"
#include "aws/cognito/jwt_verify.h"
#include "tests/unit/jwt_fixture.h"

struct world {
    struct fx_key a, b;        /* kids "k1" and "k2" */
    struct fx_server srv;
    char issuer[128];
    struct jwt_verifier *v;
    char *tok_a, *tok_b;       /* valid tokens signed by a and b */
    char sub[128];
    const char *why;
};

static struct world w;

/* Serves {"keys":[jwk1, jwk2, ...]} built from the NULL-ended list. */
static void
serve_keys(int status, const char *first, ...)
{
    char doc[16384] = "{\"keys\":[";
    const char *j;
    va_list ap;

    va_start(ap, first);
    for (j = first; j; j = va_arg(ap, const char *)) {
        if (j != first)
            strcat(doc, ",");
        strcat(doc, j);
    }
    va_end(ap);
    strcat(doc, "]}");
    fx_server_set(&w.srv, status, doc);
}

static char *
signed_bearer(const struct fx_key *k, const char *kid, json_t *claims)
{
    char *tok = fx_sign(JWT_ALG_RS256, k->priv_pem, kid, claims);
    char *h = tok ? fx_bearer(tok) : NULL;

    free(tok);
    return h;
}

static int
group_setup(void **state)
{
    json_t *c;

    (void)state;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    if (fx_key_gen(&w.a, 2048) || fx_key_gen(&w.b, 2048))
        return -1;
    pthread_mutex_init(&w.srv.mu, NULL);
    if (fx_server_start(&w.srv))
        return -1;
    snprintf(w.issuer, sizeof(w.issuer), "http://127.0.0.1:%d" FX_POOL,
             w.srv.port);
    snprintf(w.srv.path, sizeof(w.srv.path), FX_POOL "/.well-known/jwks.json");
    c = fx_claims(w.issuer, FX_T0);
    json_object_set_new(c, "exp", json_integer(FX_T0 + 86400));
    w.tok_a = signed_bearer(&w.a, "k1", c);
    w.tok_b = signed_bearer(&w.b, "k2", c);
    json_decref(c);
    return w.tok_a && w.tok_b ? 0 : -1;
}

static int
group_teardown(void **state)
{
    (void)state;
    fx_server_stop(&w.srv);
    free(w.srv.body);
    free(w.tok_a);
    free(w.tok_b);
    fx_key_free(&w.a);
    fx_key_free(&w.b);
    curl_global_cleanup();
    return 0;
}

/* Each test: a fresh verifier, the JWKS holding k1 only, server up. */
static int
setup(void **state)
{
    char *j = fx_jwk(&w.a, "k1");

    (void)state;
    serve_keys(200, j, NULL);
    free(j);
    if (!w.srv.running && fx_server_start(&w.srv))
        return -1;
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

static cr_code
verify(const char *header, time_t now)
{
    w.why = NULL;
    return jwt_verify_bearer(w.v, header, now, w.sub, sizeof(w.sub), &w.why);
}

static void
test_lazy_fetch_then_cached(void **state)
{
    (void)state;
    assert_int_equal(fx_server_requests(&w.srv), 0);   /* not at creation */
    assert_int_equal(verify(w.tok_a, FX_T0), CR_OK);
    assert_string_equal(w.sub, FX_SUB);
    assert_int_equal(fx_server_requests(&w.srv), 1);
    assert_int_equal(verify(w.tok_a, FX_T0 + 1), CR_OK);
    assert_int_equal(verify(w.tok_a, FX_T0 + 500), CR_OK);
    assert_int_equal(fx_server_requests(&w.srv), 1);
    /* A header-level reject never fetches. */
    assert_int_equal(verify("Basic abc", FX_T0), CR_UNAUTHORIZED);
    assert_int_equal(fx_server_requests(&w.srv), 1);
}

static void
test_rotation_and_rate_limit(void **state)
{
    char *ja = fx_jwk(&w.a, "k1"), *jb = fx_jwk(&w.b, "k2");

    (void)state;
    assert_int_equal(verify(w.tok_a, FX_T0), CR_OK);
    assert_int_equal(fx_server_requests(&w.srv), 1);
    /* k2 unknown, and within 60 s of the last fetch: no new request. */
    assert_int_equal(verify(w.tok_b, FX_T0 + 10), CR_UNAUTHORIZED);
    assert_string_equal(w.why, "unknown_kid");
    assert_int_equal(fx_server_requests(&w.srv), 1);
    /* The pool rotates: k2 appears (the set counter restarts at 0). */
    serve_keys(200, ja, jb, NULL);
    assert_int_equal(verify(w.tok_b, FX_T0 + 59), CR_UNAUTHORIZED);
    assert_int_equal(fx_server_requests(&w.srv), 0);
    /* 60 s after the first fetch the same token passes, same verifier. */
    assert_int_equal(verify(w.tok_b, FX_T0 + 60), CR_OK);
    assert_int_equal(fx_server_requests(&w.srv), 1);
    assert_int_equal(verify(w.tok_a, FX_T0 + 61), CR_OK);
    assert_int_equal(verify(w.tok_b, FX_T0 + 62), CR_OK);
    assert_int_equal(fx_server_requests(&w.srv), 1);
    free(ja);
    free(jb);
}

static void
test_unknown_kid_flood(void **state)
{
    json_t *c = fx_claims(w.issuer, FX_T0);
    char kid[16], *h;
    int i;

    (void)state;
    /* The first token's kid is unknown: that is the one (lazy) fetch. */
    for (i = 0; i < 20; i++) {
        snprintf(kid, sizeof(kid), "junk%d", i);
        h = signed_bearer(&w.a, kid, c);
        assert_int_equal(verify(h, FX_T0 + i), CR_UNAUTHORIZED);
        assert_string_equal(w.why, "unknown_kid");
        free(h);
    }
    assert_int_equal(fx_server_requests(&w.srv), 1);
    h = signed_bearer(&w.a, "junk-late", c);
    assert_int_equal(verify(h, FX_T0 + 60), CR_UNAUTHORIZED);
    assert_int_equal(fx_server_requests(&w.srv), 2);
    free(h);
    json_decref(c);
}

static void
test_removed_key(void **state)
{
    char *jb = fx_jwk(&w.b, "k2");

    (void)state;
    assert_int_equal(verify(w.tok_a, FX_T0), CR_OK);
    /* k1 retired, k2 current: once a refetch happens, k1 is gone. */
    serve_keys(200, jb, NULL);
    assert_int_equal(verify(w.tok_b, FX_T0 + 60), CR_OK);
    assert_int_equal(verify(w.tok_a, FX_T0 + 61), CR_UNAUTHORIZED);
    assert_string_equal(w.why, "unknown_kid");
    free(jb);
}

/* A key the pool withdrew stops verifying once the set is an hour old,
 * though no token named an unknown kid. */
static void
test_max_age(void **state)
{
    char *jb = fx_jwk(&w.b, "k2");

    (void)state;
    assert_int_equal(verify(w.tok_a, FX_T0), CR_OK);
    serve_keys(200, jb, NULL);      /* k1 withdrawn */
    assert_int_equal(verify(w.tok_a, FX_T0 + JWKS_MAX_AGE_SECS - 1), CR_OK);
    assert_int_equal(fx_server_requests(&w.srv), 0);
    assert_int_equal(verify(w.tok_a, FX_T0 + JWKS_MAX_AGE_SECS), CR_UNAUTHORIZED);
    assert_string_equal(w.why, "unknown_kid");
    assert_int_equal(fx_server_requests(&w.srv), 1);
    assert_int_equal(verify(w.tok_b, FX_T0 + JWKS_MAX_AGE_SECS + 1), CR_OK);
    assert_int_equal(fx_server_requests(&w.srv), 1);
    free(jb);
}

/* An old set whose refresh fails keeps serving; the refresh is retried
 * after JWKS_RETRY_SECS, then twice that, and so on, at most
 * JWKS_RETRY_MAX_SECS apart. */
static void
test_max_age_refresh_fails(void **state)
{
    char *ja = fx_jwk(&w.a, "k1");
    time_t t = FX_T0 + JWKS_MAX_AGE_SECS, wait = JWKS_RETRY_SECS;
    int i;

    (void)state;
    assert_int_equal(verify(w.tok_a, FX_T0), CR_OK);
    serve_keys(500, ja, NULL);
    assert_int_equal(verify(w.tok_a, t), CR_OK);        /* old key kept */
    assert_int_equal(fx_server_requests(&w.srv), 1);
    for (i = 0; wait < JWKS_RETRY_MAX_SECS; i++) {
        assert_int_equal(verify(w.tok_a, t + wait - 1), CR_OK);
        assert_int_equal(fx_server_requests(&w.srv), 1 + i);
        t += wait;
        assert_int_equal(verify(w.tok_a, t), CR_OK);
        assert_int_equal(fx_server_requests(&w.srv), 2 + i);
        wait = wait * 2 < JWKS_RETRY_MAX_SECS ? wait * 2 : JWKS_RETRY_MAX_SECS;
    }
    assert_true(wait == JWKS_RETRY_MAX_SECS);
    /* Back: one fetch, and the set is young again for an hour. */
    serve_keys(200, ja, NULL);
    t += wait;
    assert_int_equal(verify(w.tok_a, t), CR_OK);
    assert_int_equal(verify(w.tok_a, t + JWKS_MAX_AGE_SECS - 1), CR_OK);
    assert_int_equal(fx_server_requests(&w.srv), 1);
    free(ja);
}

static void
test_jwks_down_then_back(void **state)
{
    (void)state;
    fx_server_stop(&w.srv);
    assert_int_equal(verify(w.tok_a, FX_T0), CR_AUTH_UNAVAILABLE);
    assert_string_equal(w.why, "jwks_unavailable");
    assert_string_equal(w.sub, "");
    /* Within the retry pause nothing is tried, still unavailable. */
    assert_int_equal(verify(w.tok_a, FX_T0), CR_AUTH_UNAVAILABLE);
    /* Junk is still junk while the JWKS is down. */
    assert_int_equal(verify("Bearer a.b", FX_T0), CR_UNAUTHORIZED);
    assert_int_equal(fx_server_start(&w.srv), 0);
    assert_int_equal(verify(w.tok_a, FX_T0), CR_AUTH_UNAVAILABLE);
    assert_int_equal(fx_server_requests(&w.srv), 0);
    assert_int_equal(verify(w.tok_a, FX_T0 + JWKS_RETRY_SECS), CR_OK);
    assert_string_equal(w.sub, FX_SUB);
    assert_int_equal(fx_server_requests(&w.srv), 1);
}

static void
test_jwks_down_with_cache(void **state)
{
    (void)state;
    assert_int_equal(verify(w.tok_a, FX_T0), CR_OK);
    fx_server_stop(&w.srv);
    /* The cached key keeps working; an unknown kid cannot be judged. */
    assert_int_equal(verify(w.tok_a, FX_T0 + 100), CR_OK);
    assert_int_equal(verify(w.tok_b, FX_T0 + 100), CR_AUTH_UNAVAILABLE);
    assert_int_equal(verify(w.tok_a, FX_T0 + 101), CR_OK);
    assert_int_equal(fx_server_start(&w.srv), 0);
    assert_int_equal(verify(w.tok_b, FX_T0 + 110), CR_UNAUTHORIZED);
    assert_string_equal(w.why, "unknown_kid");
    assert_int_equal(verify(w.tok_a, FX_T0 + 111), CR_OK);
}

static void
test_jwks_bad_answers(void **state)
{
    char *ja = fx_jwk(&w.a, "k1");

    (void)state;
    serve_keys(500, ja, NULL);
    assert_int_equal(verify(w.tok_a, FX_T0), CR_AUTH_UNAVAILABLE);
    fx_server_set(&w.srv, 200, "<html>not json</html>");
    assert_int_equal(verify(w.tok_a, FX_T0 + 10), CR_AUTH_UNAVAILABLE);
    fx_server_set(&w.srv, 200, "{\"keys\":{}}");
    assert_int_equal(verify(w.tok_a, FX_T0 + 20), CR_AUTH_UNAVAILABLE);
    assert_int_equal(fx_server_requests(&w.srv), 1);
    serve_keys(200, ja, NULL);
    /* A worker without keys does not back off (it cannot verify anything
     * meanwhile): the next try is JWKS_RETRY_SECS after the last, however
     * many failed. */
    assert_int_equal(verify(w.tok_a, FX_T0 + 20 + JWKS_RETRY_SECS - 1), CR_AUTH_UNAVAILABLE);
    assert_int_equal(fx_server_requests(&w.srv), 0);
    assert_int_equal(verify(w.tok_a, FX_T0 + 20 + JWKS_RETRY_SECS), CR_OK);
    free(ja);
}

static void
test_junk_keys_skipped(void **state)
{
    char *ja = fx_jwk(&w.a, "k1"), enc[4096], rs512[4096], noalg[4096];
    char *small;
    struct fx_key k1024;
    const char *ec = "{\"kty\":\"EC\",\"kid\":\"ec1\",\"crv\":\"P-256\","
                     "\"x\":\"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU\","
                     "\"y\":\"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0\"}";
    const char *bad_n = "{\"kty\":\"RSA\",\"kid\":\"bad\",\"n\":\"@@@\","
                        "\"e\":\"AQAB\"}";
    const char *no_kid = "{\"kty\":\"RSA\",\"n\":\"AQAB\",\"e\":\"AQAB\"}";
    char *p;

    (void)state;
    assert_int_equal(fx_key_gen(&k1024, 1024), 0);
    small = fx_jwk(&k1024, "small");
    /* The same good key, but for encryption / RS512 / under other kids. */
    snprintf(enc, sizeof(enc), "%s", ja);
    p = strstr(enc, "\"sig\"");
    memcpy(p, "\"enc\"", 5);
    p = strstr(enc, "\"k1\"");
    memcpy(p, "\"k3\"", 4);
    snprintf(rs512, sizeof(rs512), "%s", ja);
    p = strstr(rs512, "RS256");
    memcpy(p, "RS512", 5);
    p = strstr(rs512, "\"k1\"");
    memcpy(p, "\"k4\"", 4);
    snprintf(noalg, sizeof(noalg), "{\"kty\":\"RSA\",\"kid\":\"k5\","
             "\"n\":\"%s\",\"e\":\"%s\"}", w.a.n, w.a.e);
    serve_keys(200, ec, bad_n, small, no_kid, "17", "null", enc, rs512,
               ja, noalg, NULL);
    assert_int_equal(verify(w.tok_a, FX_T0), CR_OK);
    assert_int_equal(fx_server_requests(&w.srv), 1);
    /* A token under a skipped key's kid: unknown, not accepted. */
    {
        json_t *c0 = fx_claims(w.issuer, FX_T0);
        char *hs = signed_bearer(&k1024, "small", c0);

        assert_int_equal(verify(hs, FX_T0 + 1), CR_UNAUTHORIZED);
        assert_string_equal(w.why, "unknown_kid");
        free(hs);
        json_decref(c0);
    }
    {
        json_t *c = fx_claims(w.issuer, FX_T0);
        char *h3 = signed_bearer(&w.a, "k3", c), *h4 = signed_bearer(&w.a,
                                                                     "k4", c);
        char *h5 = signed_bearer(&w.a, "k5", c);

        assert_int_equal(verify(h3, FX_T0 + 1), CR_UNAUTHORIZED);
        assert_string_equal(w.why, "unknown_kid");
        assert_int_equal(verify(h4, FX_T0 + 1), CR_UNAUTHORIZED);
        /* use and alg are optional in a JWK: k5 is usable. */
        assert_int_equal(verify(h5, FX_T0 + 1), CR_OK);
        free(h3);
        free(h4);
        free(h5);
        json_decref(c);
    }
    fx_key_free(&k1024);
    free(small);
    free(ja);
}

static void
test_jwks_load_direct(void **state)
{
    struct jwks *set = NULL;
    char *ja = fx_jwk(&w.a, "k1"), doc[4096];
    const char *pem = NULL;
    size_t len = 0;

    (void)state;
    assert_int_equal(jwks_new(&set, "http://127.0.0.1:1/none"), CR_OK);
    snprintf(doc, sizeof(doc), "{\"keys\":[%s,%s]}", ja, ja);
    assert_int_equal(jwks_load(set, doc, strlen(doc)), CR_OK);
    assert_int_equal(jwks_count(set), 1);            /* duplicate kid */
    assert_int_equal(jwks_skipped(set), 1);
    assert_int_equal(jwks_load(set, "[]", 2), CR_INVALID);
    assert_int_equal(jwks_load(set, "{\"keys\":[", 9), CR_INVALID);
    assert_int_equal(jwks_count(set), 1);            /* old set kept */
    assert_int_equal(jwks_skipped(set), 1);
    assert_int_equal(jwks_key(set, NULL, "k1", FX_T0, &pem, &len), CR_OK);
    assert_string_equal(pem, w.a.pub_pem);
    assert_int_equal(len, strlen(w.a.pub_pem));
    assert_int_equal(jwks_load(set, "{\"keys\":[]}", 11), CR_OK);
    assert_int_equal(jwks_count(set), 0);
    assert_int_equal(jwks_skipped(set), 0);
    jwks_free(set);
    free(ja);
}

static void
test_jwk_pem(void **state)
{
    char *pem = NULL;
    size_t len = 0;

    (void)state;
    /* n/e back to the very PEM OpenSSL writes for the generated key. */
    assert_int_equal(jwk_rsa_pem(w.b.n, w.b.e, &pem, &len), CR_OK);
    assert_string_equal(pem, w.b.pub_pem);
    assert_int_equal(len, strlen(pem));
    free(pem);
    assert_int_equal(jwk_rsa_pem("AQAB", "AQAB", &pem, &len), CR_INVALID);
    assert_null(pem);
    assert_int_equal(jwk_rsa_pem(w.b.n, "AAE", &pem, &len), CR_INVALID);
    assert_int_equal(jwk_rsa_pem(w.b.n, "Ag", &pem, &len), CR_INVALID);
    assert_int_equal(jwk_rsa_pem(w.b.n, "", &pem, &len), CR_INVALID);
    assert_int_equal(jwk_rsa_pem(w.b.n, "AQAB=", &pem, &len), CR_INVALID);
    assert_null(pem);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_lazy_fetch_then_cached, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_rotation_and_rate_limit, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_unknown_kid_flood, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_removed_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_max_age, setup, teardown),
        cmocka_unit_test_setup_teardown(test_max_age_refresh_fails, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_jwks_down_then_back, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_jwks_down_with_cache, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_jwks_bad_answers, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_junk_keys_skipped, setup,
                                        teardown),
        cmocka_unit_test(test_jwks_load_direct),
        cmocka_unit_test(test_jwk_pem),
    };

    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
