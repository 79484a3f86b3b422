/* shm_gen.h - a write counter shared by every worker of a host.
 *
 * NOTIFY reaches the other workers' connections a little after the commit,
 * so a worker that has just written bumps this counter before it answers,
 * and a worker about to answer from its cache checks it first: once a
 * write has been answered, no worker of the host serves an answer cached
 * before it (README, "Caching"). One 64-bit word in POSIX shared memory,
 * named after a scope (the CONNECTION_URL, hashed): the first worker
 * creates it, the others map the same one; workers of two stacks on one
 * host aimed at one database share it too, as they should. */
#ifndef CRUDDUR_SHM_GEN_H
#define CRUDDUR_SHM_GEN_H

#include <stdatomic.h>
#include <stdint.h>

#include "app/core/err.h"

struct shm_gen {
    _Atomic uint64_t *word;     /* NULL when not open */
};

/* Opens (creating it when absent) the counter of scope. CR_BACKEND when
 * the system refuses shared memory. */
cr_code shm_gen_open(struct shm_gen *g, const char *scope);
void shm_gen_close(struct shm_gen *g);
uint64_t shm_gen_read(const struct shm_gen *g);
void shm_gen_bump(struct shm_gen *g);

#endif
