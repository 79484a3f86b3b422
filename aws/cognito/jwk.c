/* jwk.c - RSA JWK (n, e) to PEM through OpenSSL 3's provider API. */
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>

#include "app/core/b64url.h"
#include "aws/cognito/jwk.h"

/* Decodes a base64url big-endian unsigned integer. A JWK integer has no
 * leading zero octets (RFC 7518 6.3.1), but tolerating them is harmless. */
static cr_code
jwk_bignum(const char *b64, BIGNUM **out)
{
    unsigned char *raw = NULL;
    size_t len;
    cr_code rc;

    *out = NULL;
    rc = b64url_decode(b64, strlen(b64), &raw, &len);
    if (rc)
        return rc;
    if (len == 0 || len > JWK_RSA_MAX_BITS / 8) {
        free(raw);
        return CR_INVALID;
    }
    *out = BN_bin2bn(raw, (int)len, NULL);
    free(raw);
    return *out ? CR_OK : CR_NOMEM;
}

static cr_code
jwk_pem_of(EVP_PKEY *pkey, char **pem, size_t *pem_len)
{
    BIO *bio = BIO_new(BIO_s_mem());
    char *data;
    long len;
    cr_code rc = CR_NOMEM;

    if (bio == NULL)
        return CR_NOMEM;
    if (PEM_write_bio_PUBKEY(bio, pkey) != 1)
        goto out;
    len = BIO_get_mem_data(bio, &data);
    if (len <= 0)
        goto out;
    *pem = malloc((size_t)len + 1);
    if (*pem == NULL)
        goto out;
    memcpy(*pem, data, (size_t)len);
    (*pem)[len] = '\0';
    *pem_len = (size_t)len;
    rc = CR_OK;
out:
    BIO_free(bio);
    return rc;
}

cr_code
jwk_rsa_pem(const char *n, const char *e, char **pem, size_t *pem_len)
{
    BIGNUM *bn_n = NULL, *bn_e = NULL;
    OSSL_PARAM_BLD *bld = NULL;
    OSSL_PARAM *params = NULL;
    EVP_PKEY_CTX *ctx = NULL;
    EVP_PKEY *pkey = NULL;
    int bits;
    cr_code rc;

    *pem = NULL;
    *pem_len = 0;
    rc = jwk_bignum(n, &bn_n);
    if (rc)
        goto out;
    rc = jwk_bignum(e, &bn_e);
    if (rc)
        goto out;
    rc = CR_INVALID;
    bits = BN_num_bits(bn_n);
    /* A public exponent is odd and at least 3; an even modulus is no RSA
     * modulus at all. */
    if (bits < JWK_RSA_MIN_BITS || bits > JWK_RSA_MAX_BITS ||
        !BN_is_odd(bn_n) || !BN_is_odd(bn_e) || BN_is_one(bn_e) ||
        BN_num_bits(bn_e) > 64)
        goto out;
    rc = CR_NOMEM;
    bld = OSSL_PARAM_BLD_new();
    if (bld == NULL ||
        !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn_n) ||
        !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, bn_e))
        goto out;
    params = OSSL_PARAM_BLD_to_param(bld);
    ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
    if (params == NULL || ctx == NULL)
        goto out;
    rc = CR_INVALID;
    if (EVP_PKEY_fromdata_init(ctx) != 1 ||
        EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1)
        goto out;
    rc = jwk_pem_of(pkey, pem, pem_len);
out:
    if (rc)
        ERR_clear_error();  /* leave no stale OpenSSL errors behind */
    EVP_PKEY_free(pkey);
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);
    BN_free(bn_e);
    BN_free(bn_n);
    return rc;
}
