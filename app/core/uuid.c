/* uuid.c - version 4 and 5 UUIDs and their textual check. */
#include <string.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "app/core/obs.h"
#include "app/core/uuid.h"

/* 16 bytes as 8-4-4-4-12 lowercase hex, with version and RFC 4122 variant
 * bits set. */
static void
uuid_format(unsigned char b[16], int version, char out[UUID_STR_SIZE])
{
    static const char hex[] = "0123456789abcdef";
    size_t i, o = 0;

    b[6] = (unsigned char)((b[6] & 0x0f) | (version << 4));
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
    for (i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out[o++] = '-';
        out[o++] = hex[b[i] >> 4];
        out[o++] = hex[b[i] & 0x0f];
    }
    out[o] = '\0';
}

cr_code
uuid_v4(char out[UUID_STR_SIZE])
{
    unsigned char b[16];

    if (RAND_bytes(b, sizeof(b)) != 1) {
        obs_fail("uuid: RAND_bytes failed");
        return CR_INTERNAL;
    }
    uuid_format(b, 4, out);
    return CR_OK;
}

cr_code
uuid_v5(const unsigned char ns[16], const char *name,
        char out[UUID_STR_SIZE])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int ok;

    ok = ctx != NULL && EVP_DigestInit_ex(ctx, EVP_sha1(), NULL) == 1 &&
         EVP_DigestUpdate(ctx, ns, 16) == 1 &&
         EVP_DigestUpdate(ctx, name, strlen(name)) == 1 &&
         EVP_DigestFinal_ex(ctx, md, &len) == 1 && len >= 16;
    EVP_MD_CTX_free(ctx);
    if (!ok) {
        obs_fail("uuid: SHA-1 failed");
        return CR_INTERNAL;
    }
    uuid_format(md, 5, out);
    return CR_OK;
}

static int
uuid_is_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
           (c >= 'A' && c <= 'F');
}

int
uuid_valid(const char *s)
{
    size_t i;

    if (s == NULL || strlen(s) != UUID_STR_SIZE - 1)
        return 0;
    for (i = 0; i < UUID_STR_SIZE - 1; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (s[i] != '-')
                return 0;
        } else if (!uuid_is_hex(s[i])) {
            return 0;
        }
    }
    return 1;
}
