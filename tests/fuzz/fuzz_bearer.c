/* fuzz_bearer.c - libFuzzer entry for fz_bearer.h. The verifier lives for
 * the whole run, as a worker's does. */
#include "tests/fuzz/fz_bearer.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct jwt_verifier *verifier;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    verifier = fz_bearer_new();
    return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (fz_bearer(verifier, data, size))
        abort();
    return 0;
}
