/* shm_gen.c - a counter in POSIX shared memory. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/core/fnv.h"
#include "app/core/shm_gen.h"

#define SHM_GEN_SIZE 4096
#define SHM_GEN_DIR "/dev/shm"

void
shm_gen_path(const char *scope, char path[SHM_GEN_PATH_SIZE])
{
    snprintf(path, SHM_GEN_PATH_SIZE, SHM_GEN_DIR "/cruddur-gen-%016llx",
             (unsigned long long)fnv1a64(scope, strlen(scope)));
}

/* shm_open's name: the path without its folder ("/cruddur-gen-..."). */
static const char *
shm_gen_name(const char path[SHM_GEN_PATH_SIZE])
{
    return path + strlen(SHM_GEN_DIR);
}

cr_code
shm_gen_open(struct shm_gen *g, const char *scope)
{
    char path[SHM_GEN_PATH_SIZE];
    void *p;
    int fd;

    g->word = NULL;
    shm_gen_path(scope, path);
    fd = shm_open(shm_gen_name(path), O_RDWR | O_CREAT, 0600);
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

cr_code
shm_gen_unlink(const char *scope)
{
    char path[SHM_GEN_PATH_SIZE];

    shm_gen_path(scope, path);
    if (shm_unlink(shm_gen_name(path)) == 0)
        return CR_OK;
    return errno == ENOENT ? CR_NOT_FOUND : CR_BACKEND;
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
