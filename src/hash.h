/* SPDX-License-Identifier: GPL-2.0 */
#ifndef NSTEER_HASH_H
#define NSTEER_HASH_H

#include <stddef.h>
#include <stdint.h>

#define FNV64_OFFSET 0xcbf29ce484222325ULL
#define FNV64_PRIME 0x100000001b3ULL

/* 64-bit FNV-1a: stable across runs and machines, which is all nsteer asks of a hash
 * (derived MACs, veth names, the build id of the BPF object). */
static inline uint64_t fnv1a64(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;

	while (n--)
		h = (h ^ *b++) * FNV64_PRIME;
	return h;
}

#endif
