/* fuzz_stream.c - libFuzzer entry for fz_stream.h. The client and the
 * handler live for the whole run, as the Lambda's do. */
#include "tests/fuzz/fz_stream.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct fz_stream *stream;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    stream = fz_stream_new();
    return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (fz_stream(stream, data, size))
        abort();
    return 0;
}
