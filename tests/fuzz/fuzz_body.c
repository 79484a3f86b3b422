/* fuzz_body.c - libFuzzer entry for fz_body.h. */
#include "tests/fuzz/fz_body.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (fz_body(data, size))
        abort();
    return 0;
}
