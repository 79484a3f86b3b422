/* breaker_shm.h - the breakers' slots (app/core/breaker.h) in shared
 * memory, one set for the workers of one server.
 *
 * Named after a scope: the worker's FastCGI socket without lighttpd's
 * per-worker number (app/http/fcgi.h), so the workers of one
 * fastcgi.server share it and another stack's do not. Which slot is which
 * backend is the caller's (app/context/app.c). The object outlives the
 * workers; breaker_shm_unlink() removes it (scripts/dev/down --purge,
 * through the worker's --remove-breakers). */
#ifndef CRUDDUR_BREAKER_SHM_H
#define CRUDDUR_BREAKER_SHM_H

#include "app/core/breaker.h"
#include "app/core/err.h"
#include "app/core/shm_map.h"

#define BREAKER_SHM_SLOTS 16

struct breaker_shm {
    void *map;          /* NULL when not open */
};

/* Where scope's slots live (app/core/shm_map.h): the one place that names
 * them. */
void breaker_shm_path(const char *scope, char path[SHM_MAP_PATH_SIZE]);

/* Opens (creating them when absent) the slots of scope. CR_BACKEND when
 * the system refuses shared memory. */
cr_code breaker_shm_open(struct breaker_shm *m, const char *scope);
void breaker_shm_close(struct breaker_shm *m);
cr_code breaker_shm_unlink(const char *scope);

/* Slot i (< BREAKER_SHM_SLOTS); NULL when not open. */
struct breaker_slot *breaker_shm_slot(struct breaker_shm *m, unsigned i);

#endif
