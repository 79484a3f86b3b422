/* fuzz_b64url.c - libFuzzer entry for fz_b64url.h. */
#include "tests/fuzz/fz_b64url.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (fz_b64url(data, size))
        abort();
    return 0;
}
