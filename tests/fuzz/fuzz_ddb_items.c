/* fuzz_ddb_items.c - libFuzzer entry for fz_ddb_items.h. */
#include "tests/fuzz/fz_ddb_items.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (fz_ddb_items(data, size))
        abort();
    return 0;
}
