/* shm_gen.c - a counter in POSIX shared memory. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/core/fnv.h"
#include "app/core/shm_gen.h"

#define SHM_GEN_SIZE 4096

cr_code
shm_gen_open(struct shm_gen *g, const char *scope)
{
    char name[64];
    void *p;
    int fd;

    g->word = NULL;
    snprintf(name, sizeof(name), "/cruddur-gen-%016llx",
             (unsigned long long)fnv1a64(scope, strlen(scope)));
    fd = shm_open(name, O_RDWR | O_CREAT, 0600);
    if (fd < 0)
        return CR_BACKEND;
    /* A new object is all zeros; extending to the same size keeps what
     * another worker wrote. */
    if (ftruncate(fd, SHM_GEN_SIZE) != 0) {
        close(fd);
        return CR_BACKEND;
    }
    p = mmap(NULL, SHM_GEN_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    if (p == MAP_FAILED)
        return CR_BACKEND;
    g->word = p;
    return CR_OK;
}

void
shm_gen_close(struct shm_gen *g)
{
    if (g->word)
        munmap((void *)g->word, SHM_GEN_SIZE);
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
