/* shm_gen.c - a counter in POSIX shared memory. */
#include "app/core/shm_gen.h"
#include "app/core/shm_map.h"

#define SHM_GEN_SIZE 4096
#define SHM_GEN_KIND "gen"

void
shm_gen_path(const char *scope, char path[SHM_GEN_PATH_SIZE])
{
    shm_map_path(SHM_GEN_KIND, scope, path);
}

cr_code
shm_gen_open(struct shm_gen *g, const char *scope)
{
    char path[SHM_GEN_PATH_SIZE];
    void *p;
    cr_code rc;

    g->word = NULL;
    shm_gen_path(scope, path);
    if ((rc = shm_map_open(path, SHM_GEN_SIZE, &p)) == CR_OK)
        g->word = p;
    return rc;
}

cr_code
shm_gen_unlink(const char *scope)
{
    char path[SHM_GEN_PATH_SIZE];

    shm_gen_path(scope, path);
    return shm_map_unlink(path);
}

void
shm_gen_close(struct shm_gen *g)
{
    shm_map_close((void *)g->word, SHM_GEN_SIZE);
    g->word = NULL;
}

uint64_t
shm_gen_read(const struct shm_gen *g)
{
    return g->word ? atomic_load(g->word) : 0;
}

void
shm_gen_bump(struct shm_gen *g)
{
    if (g->word)
        atomic_fetch_add(g->word, 1);
}
