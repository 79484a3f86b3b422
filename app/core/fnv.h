/* fnv.h - FNV-1a, 64 bits: a cheap, stable hash of bytes (ETags of cached
 * answers, the name of the shared write counter). Not for secrets. */
#ifndef CRUDDUR_FNV_H
#define CRUDDUR_FNV_H

#include <stddef.h>
#include <stdint.h>

uint64_t fnv1a64(const void *data, size_t len);

#endif
