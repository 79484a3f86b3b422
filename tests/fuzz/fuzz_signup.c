/* fuzz_signup.c - libFuzzer entry for fz_signup.h. */
#include "tests/fuzz/fz_signup.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (fz_signup(data, size))
        abort();
    return 0;
}
