/* breaker_shm.c - breaker slots in POSIX shared memory. */
#include "app/core/breaker_shm.h"

/* The layout's version is in the name: workers of another build never
 * read these slots as something else. */
#define BREAKER_SHM_KIND "breakers1"
#define BREAKER_SHM_SIZE 4096
/* A slot a cache line: workers writing one backend's slot do not slow
 * readers of another's. */
#define BREAKER_SHM_STRIDE 64

/* Atomics that took a lock would take one of this process's: nothing
 * another process would see. */
_Static_assert(ATOMIC_INT_LOCK_FREE == 2 && ATOMIC_LONG_LOCK_FREE == 2 &&
               ATOMIC_LLONG_LOCK_FREE == 2,
               "the slots' atomics are lock-free across processes");
_Static_assert(sizeof(struct breaker_slot) <= BREAKER_SHM_STRIDE,
               "a breaker slot fits its cache line");
_Static_assert(BREAKER_SHM_SLOTS * BREAKER_SHM_STRIDE <= BREAKER_SHM_SIZE,
               "the slots fit the object");

void
breaker_shm_path(const char *scope, char path[SHM_MAP_PATH_SIZE])
{
    shm_map_path(BREAKER_SHM_KIND, scope, path);
}

cr_code
breaker_shm_open(struct breaker_shm *m, const char *scope)
{
    char path[SHM_MAP_PATH_SIZE];

    breaker_shm_path(scope, path);
    return shm_map_open(path, BREAKER_SHM_SIZE, &m->map);
}

void
breaker_shm_close(struct breaker_shm *m)
{
    shm_map_close(m->map, BREAKER_SHM_SIZE);
    m->map = NULL;
}

cr_code
breaker_shm_unlink(const char *scope)
{
    char path[SHM_MAP_PATH_SIZE];

    breaker_shm_path(scope, path);
    return shm_map_unlink(path);
}

struct breaker_slot *
breaker_shm_slot(struct breaker_shm *m, unsigned i)
{
    if (m->map == NULL || i >= BREAKER_SHM_SLOTS)
        return NULL;
    return (struct breaker_slot *)((char *)m->map + i * BREAKER_SHM_STRIDE);
}
