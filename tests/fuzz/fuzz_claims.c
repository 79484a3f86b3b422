/* fuzz_claims.c - libFuzzer entry for fz_claims.h. */
#include "tests/fuzz/fz_claims.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (fz_claims(data, size))
        abort();
    return 0;
}
