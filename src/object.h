/* SPDX-License-Identifier: GPL-2.0 */
#ifndef NSTEER_OBJECT_H
#define NSTEER_OBJECT_H

#include <stdint.h>

#include "nsteer.skel.h"

/* The datapath's BPF object. The skeleton embeds its ELF bytes in every file that opens it, so
 * only object.c opens it: the binary carries the object once. */
struct nsteer_bpf *object_open(void);

/* A hash of the object's bytes: which nsteer built the programs that are attached. */
uint64_t object_build_id(void);

#endif
