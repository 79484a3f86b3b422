/* reqid.c - request ids and the per-worker random generator. */
#include <stdint.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "app/core/reqid.h"

void
reqid_rng_seed(struct reqid_rng *r)
{
    struct timespec ts;

    if (getrandom(r->s, sizeof(r->s), GRND_NONBLOCK) != (ssize_t)sizeof(r->s)) {
        clock_gettime(CLOCK_REALTIME, &ts);
        r->s[0] = (uint64_t)ts.tv_nsec << 32 ^ (uint64_t)ts.tv_sec;
        r->s[1] = (uint64_t)getpid() << 40 ^ (uint64_t)(uintptr_t)r;
    }
    if (r->s[0] == 0 && r->s[1] == 0)
        r->s[1] = 0x9e3779b97f4a7c15ULL;
}

/* xorshift128+: ids need to be unique, not secret; this is fast and
 * needs no lock, as each worker has its own state. */
uint64_t
reqid_rng_next(struct reqid_rng *r)
{
    uint64_t x = r->s[0];
    const uint64_t y = r->s[1];

    r->s[0] = y;
    x ^= x << 23;
    r->s[1] = x ^ y ^ (x >> 17) ^ (y >> 26);
    return r->s[1] + y;
}

void
reqid_random_bytes(struct reqid_rng *r, unsigned char *out, size_t n)
{
    size_t i;
    uint64_t v = 0;
    int nonzero = 0;

    for (i = 0; i < n; i++) {
        if (i % 8 == 0)
            v = reqid_rng_next(r);
        out[i] = (unsigned char)(v >> (8 * (i % 8)));
        nonzero |= out[i] != 0;
    }
    /* W3C: an all-zero trace or span id is invalid. */
    if (!nonzero && n > 0)
        out[n - 1] = 1;
}

static int
reqid_char_ok(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '.' || c == '_' || c == ':' ||
           c == '-';
}

int
reqid_valid(const char *s)
{
    size_t n;

    if (s == NULL || *s == '\0')
        return 0;
    for (n = 0; s[n]; n++)
        if (n == REQID_MAX || !reqid_char_ok(s[n]))
            return 0;
    return 1;
}

void
reqid_hex(const unsigned char *in, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    size_t i;

    for (i = 0; i < n; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 15];
    }
    out[2 * n] = '\0';
}

void
reqid_choose(struct reqid_rng *r, const char *incoming, char out[REQID_SIZE])
{
    unsigned char raw[16];

    if (reqid_valid(incoming)) {
        memcpy(out, incoming, strlen(incoming) + 1);
        return;
    }
    reqid_random_bytes(r, raw, sizeof(raw));
    reqid_hex(raw, sizeof(raw), out);
}

void
reqid_sanitize(const char *in, char *out, size_t size)
{
    size_t i;

    if (size == 0)
        return;
    for (i = 0; in && in[i] && i + 1 < size; i++)
        out[i] = reqid_char_ok(in[i]) || in[i] == ';' || in[i] == '='
                     ? in[i] : '_';
    out[i] = '\0';
}
