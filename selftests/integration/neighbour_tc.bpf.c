// SPDX-License-Identifier: GPL-2.0
/* Not part of the datapath: another tool's program on the uplink's TCX ingress, for the TCX test
 * (test_tcx.sh). Like neighbour.bpf.c it leaves a mark only it can: frames of ethertype 0x88b6
 * leave it as 0x88b5. It then lets the next program on the device decide (TCX_NEXT), as a
 * program that shares a device does. */
#define BPF_NO_PRESERVE_ACCESS_INDEX
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

char LICENSE[] SEC("license") = "GPL";

SEC("tc")
int neighbour_tcx(struct __sk_buff *skb)
{
	__be16 proto;

	if (bpf_skb_load_bytes(skb, 12, &proto, sizeof(proto)) == 0 && proto == bpf_htons(0x88b6)) {
		proto = bpf_htons(0x88b5);
		bpf_skb_store_bytes(skb, 12, &proto, sizeof(proto), 0);
	}
	return TCX_NEXT;
}
