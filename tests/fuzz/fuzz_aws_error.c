/* fuzz_aws_error.c - libFuzzer entry for fz_aws_error.h. */
#include "tests/fuzz/fz_aws_error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (fz_aws_error(data, size))
        abort();
    return 0;
}
