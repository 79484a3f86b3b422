/* idempotency.c - the Idempotency-Key rules both keyed posts share. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "services/idempotency.h"

int
idem_key_valid(const char *key)
{
    size_t n = strlen(key);

    if (n == 0 || n > 128)
        return 0;
    for (; *key; key++)
        if (*key < 0x21 || *key > 0x7e)
            return 0;
    return 1;
}

cr_code
idem_fingerprint(const char *const *parts, size_t n,
                 char out[IDEM_FINGERPRINT_SIZE])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0, i;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    char prefix[24];
    size_t k;
    int ok;

    ok = ctx != NULL && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1;
    for (k = 0; ok && k < n; k++) {
        snprintf(prefix, sizeof(prefix), "%zu:", strlen(parts[k]));
        ok = EVP_DigestUpdate(ctx, prefix, strlen(prefix)) == 1 &&
             EVP_DigestUpdate(ctx, parts[k], strlen(parts[k])) == 1;
    }
    ok = ok && EVP_DigestFinal_ex(ctx, md, &len) == 1 && len == 32;
    EVP_MD_CTX_free(ctx);
    if (!ok)
        return CR_NOMEM;
    for (i = 0; i < len; i++)
        snprintf(out + 2 * i, 3, "%02x", md[i]);
    return CR_OK;
}

cr_code
idem_answer_kept(struct http_response *res, const char *kept_fp,
                 const char *fp, const char *kept_answer)
{
    char *copy;

    if (strcmp(kept_fp, fp) != 0) {
        http_error(res, 422, "idempotency_key_reused");
        return CR_OK;
    }
    if ((copy = strdup(kept_answer)) == NULL)
        return CR_NOMEM;
    http_raw(res, 200, copy);
    return CR_OK;
}
