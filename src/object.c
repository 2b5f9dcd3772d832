// SPDX-License-Identifier: GPL-2.0
#include "hash.h"
#include "object.h"

struct nsteer_bpf *object_open(void)
{
	return nsteer_bpf__open();
}

uint64_t object_build_id(void)
{
	size_t size;
	const void *elf = nsteer_bpf__elf_bytes(&size);

	return fnv1a64(FNV64_OFFSET, elf, size);
}
