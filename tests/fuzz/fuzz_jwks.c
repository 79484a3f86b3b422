/* fuzz_jwks.c - libFuzzer entry for fz_jwks.h. */
#include "tests/fuzz/fz_jwks.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (fz_jwks(data, size))
        abort();
    return 0;
}
