/* shm_map.c - objects in POSIX shared memory, by path. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/core/fnv.h"
#include "app/core/shm_map.h"

#define SHM_MAP_DIR "/dev/shm"

void
shm_map_path(const char *kind, const char *scope,
             char path[SHM_MAP_PATH_SIZE])
{
    snprintf(path, SHM_MAP_PATH_SIZE, SHM_MAP_DIR "/cruddur-%s-%016llx", kind,
             (unsigned long long)fnv1a64(scope, strlen(scope)));
}

/* shm_open's name: the path without its folder ("/cruddur-..."). */
static const char *
shm_map_name(const char *path)
{
    return path + strlen(SHM_MAP_DIR);
}

cr_code
shm_map_open(const char *path, size_t size, void **out)
{
    void *p;
    int fd;

    *out = NULL;
    fd = shm_open(shm_map_name(path), O_RDWR | O_CREAT, 0600);
    if (fd < 0)
        return CR_BACKEND;
    /* A new object is all zeros; extending to the same size keeps what
     * another worker wrote. */
    if (ftruncate(fd, (off_t)size) != 0) {
        close(fd);
        return CR_BACKEND;
    }
    p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    if (p == MAP_FAILED)
        return CR_BACKEND;
    *out = p;
    return CR_OK;
}

void
shm_map_close(void *p, size_t size)
{
    if (p)
        munmap(p, size);
}

cr_code
shm_map_unlink(const char *path)
{
    if (shm_unlink(shm_map_name(path)) == 0)
        return CR_OK;
    return errno == ENOENT ? CR_NOT_FOUND : CR_BACKEND;
}
