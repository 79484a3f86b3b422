/* shm_gen.h - a write counter shared by every worker of a host.
 *
 * NOTIFY reaches the other workers' connections a little after the commit,
 * so a worker that has just written bumps this counter before it answers,
 * and a worker about to answer from its cache checks it first: once a
 * write has been answered, no worker of the host serves an answer cached
 * before it (README, "Caching"). One 64-bit word in POSIX shared memory,
 * named after a scope (the CONNECTION_URL, hashed; app/core/shm_map.h):
 * the first worker creates it, the others map the same one; workers of
 * two stacks on one host aimed at one database share it too, as they
 * should. The object
 * outlives the workers; shm_gen_unlink() removes it (scripts/dev/down
 * --purge, through the worker's --remove-write-counter). */
#ifndef CRUDDUR_SHM_GEN_H
#define CRUDDUR_SHM_GEN_H

#include <stdatomic.h>
#include <stdint.h>

#include "app/core/err.h"
#include "app/core/shm_map.h"

#define SHM_GEN_PATH_SIZE SHM_MAP_PATH_SIZE

struct shm_gen {
    _Atomic uint64_t *word;     /* NULL when not open */
};

/* Where scope's counter lives: /dev/shm/cruddur-gen-<FNV-1a of scope, 16
 * hex> (Linux keeps POSIX shared memory there). The one place that names
 * it. */
void shm_gen_path(const char *scope, char path[SHM_GEN_PATH_SIZE]);

/* Removes scope's counter. Workers that have it open keep theirs; the next
 * one to start makes a new one. CR_NOT_FOUND when there is none,
 * CR_BACKEND when the system refuses. */
cr_code shm_gen_unlink(const char *scope);

/* Opens (creating it when absent) the counter of scope. CR_BACKEND when
 * the system refuses shared memory. */
cr_code shm_gen_open(struct shm_gen *g, const char *scope);
void shm_gen_close(struct shm_gen *g);
uint64_t shm_gen_read(const struct shm_gen *g);
void shm_gen_bump(struct shm_gen *g);

#endif
