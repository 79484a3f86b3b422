/* fuzz_http.c - libFuzzer entry for fz_http.h. */
#include "tests/fuzz/fz_http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (fz_http(data, size))
        abort();
    return 0;
}
