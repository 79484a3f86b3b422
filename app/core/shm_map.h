/* shm_map.h - a small object in POSIX shared memory that every worker of a
 * host maps: the write counter (app/core/shm_gen.h), the breakers
 * (app/core/breaker_shm.h).
 *
 * An object is named after its kind and a scope (hashed), so that the
 * workers meant to share it find the same one: the first creates it (all
 * zeros), the others map it. It outlives the workers; shm_map_unlink()
 * removes it (scripts/dev/down --purge, through the worker's flags). */
#ifndef CRUDDUR_SHM_MAP_H
#define CRUDDUR_SHM_MAP_H

#include <stddef.h>

#include "app/core/err.h"

#define SHM_MAP_PATH_SIZE 64

/* Where kind's object for scope lives: /dev/shm/cruddur-<kind>-<FNV-1a of
 * scope, 16 hex> (Linux keeps POSIX shared memory there). kind is short
 * (at most 24 characters). */
void shm_map_path(const char *kind, const char *scope,
                  char path[SHM_MAP_PATH_SIZE]);

/* Maps the object at path, size bytes, creating it when absent. CR_BACKEND
 * when the system refuses shared memory. */
cr_code shm_map_open(const char *path, size_t size, void **out);
void shm_map_close(void *p, size_t size);

/* Removes the object at path. Processes that have it mapped keep theirs;
 * the next one to open it makes a new one. CR_NOT_FOUND when there is
 * none, CR_BACKEND when the system refuses. */
cr_code shm_map_unlink(const char *path);

#endif
