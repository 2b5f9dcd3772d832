/* SPDX-License-Identifier: GPL-2.0 */
/* What every header of the datapath builds on, so that each compiles on its own: the kernel's
 * types, read without CO-RE relocations (the programs touch only packet data and UAPI context
 * structs, and must load where /sys/kernel/btf/vmlinux is missing), libbpf's helpers, and the
 * layouts shared with the loader. */
#ifndef NSTEER_BPF_BASE_H
#define NSTEER_BPF_BASE_H

#define BPF_NO_PRESERVE_ACCESS_INDEX
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "nsteer_shared.h"

#endif
