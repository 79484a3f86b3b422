/* fuzz_trace_ctx.c - libFuzzer entry for fz_trace_ctx.h. */
#include "tests/fuzz/fz_trace_ctx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (fz_trace_ctx(data, size))
        abort();
    return 0;
}
