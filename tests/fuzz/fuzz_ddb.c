/* fuzz_ddb.c - libFuzzer entry for fz_ddb.h. */
#include "tests/fuzz/fz_ddb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (fz_ddb(data, size))
        abort();
    return 0;
}
