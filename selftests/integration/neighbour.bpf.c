// SPDX-License-Identifier: GPL-2.0
/* Not part of the datapath: a second XDP program for the coexistence test, loaded next to nsteer on
 * the same uplink through libxdp's dispatcher (by xdp-loader, as a user would). It leaves a mark
 * that can only come from it: frames of ethertype 0x88b6 leave it as 0x88b5, everything else passes
 * untouched. Running before nsteer, its mark shows in what nsteer then steers. */
#define BPF_NO_PRESERVE_ACCESS_INDEX
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

char LICENSE[] SEC("license") = "GPL";

SEC("xdp")
int neighbour_mark(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;

	if ((void *)(eth + 1) <= end && eth->h_proto == bpf_htons(0x88b6))
		eth->h_proto = bpf_htons(0x88b5);
	return XDP_PASS;
}
