/* fuzz_msg_time.c - libFuzzer entry for fz_msg_time.h. */
#include "tests/fuzz/fz_msg_time.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (fz_msg_time(data, size))
        abort();
    return 0;
}
