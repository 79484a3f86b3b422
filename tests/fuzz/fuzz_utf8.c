/* fuzz_utf8.c - libFuzzer entry for fz_utf8.h. */
#include "tests/fuzz/fz_utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (fz_utf8(data, size))
        abort();
    return 0;
}
