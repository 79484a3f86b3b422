/* uuid.c - version 4 UUIDs and their textual check. */
#include <string.h>

#include <openssl/rand.h>

#include "app/log.h"
#include "app/uuid.h"

cr_code
uuid_v4(char out[UUID_STR_SIZE])
{
    static const char hex[] = "0123456789abcdef";
    unsigned char b[16];
    size_t i, o = 0;

    if (RAND_bytes(b, sizeof(b)) != 1) {
        log_line("uuid: RAND_bytes failed");
        return CR_INTERNAL;
    }
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);  /* version 4 */
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);  /* RFC 4122 variant */
    for (i = 0; i < sizeof(b); i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out[o++] = '-';
        out[o++] = hex[b[i] >> 4];
        out[o++] = hex[b[i] & 0x0f];
    }
    out[o] = '\0';
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
