// SPDX-License-Identifier: GPL-2.0
/* Programs of `make bench`, not of the datapath: a traffic source, a counting sink, and the
 * reference points nsteer is measured against. */
#define BPF_NO_PRESERVE_ACCESS_INDEX
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

#define BENCH_MACS_MAX 4096

/* Destination MACs the generator cycles through, so traffic spreads over many ports. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, BENCH_MACS_MAX);
	__type(key, __u32);
	__type(value, __u64); /* MAC in the low 6 bytes, as laid out in memory */
} bench_macs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} sink_count SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} bare_target SEC(".maps");

/* Bare redirects spread over many ports, by the last two bytes of the destination MAC (the port
 * number in the scale sweep's MACs): what N veths cost with no steering decision. */
struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP);
	__uint(max_entries, BENCH_MACS_MAX);
	__type(key, __u32);
	__type(value, __u32);
} spread_targets SEC(".maps");

/* The alternative to nsteer's tc flooding: one XDP broadcast to every port through a devmap. */
struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP_HASH);
	__uint(max_entries, BENCH_MACS_MAX);
	__type(key, __u32);
	__type(value, __u32);
} bcast_targets SEC(".maps");

const volatile __u32 n_macs = 1;
__u32 next_mac;

/* Run by BPF_PROG_RUN with BPF_F_TEST_XDP_LIVE_FRAMES: every repetition leaves the wire device. */
SEC("xdp")
int bench_tx(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	__u32 idx = next_mac++;
	__u64 *mac;

	if (data + 6 > end)
		return XDP_ABORTED;
	if (n_macs > 1) {
		idx %= n_macs;
		mac = bpf_map_lookup_elem(&bench_macs, &idx);
		if (mac)
			__builtin_memcpy(data, mac, 6);
	}
	return XDP_TX;
}

/* frags: a sink must not cap the peer's MTU. */
SEC("xdp.frags")
int bench_sink(struct xdp_md *ctx)
{
	__u32 zero = 0;
	__u64 *n = bpf_map_lookup_elem(&sink_count, &zero);

	if (n)
		(*n)++;
	return XDP_DROP;
}

/* What a redirect costs with no steering decision at all. */
SEC("xdp.frags")
int bench_bare_redirect(struct xdp_md *ctx)
{
	return bpf_redirect_map(&bare_target, 0, 0);
}

SEC("xdp.frags")
int bench_spread_redirect(struct xdp_md *ctx)
{
	__u8 *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;

	if (data + 6 > end)
		return XDP_ABORTED;
	return bpf_redirect_map(&spread_targets, (__u32)data[4] << 8 | data[5], 0);
}

SEC("xdp.frags")
int bench_devmap_bcast(struct xdp_md *ctx)
{
	return bpf_redirect_map(&bcast_targets, 0, BPF_F_BROADCAST | BPF_F_EXCLUDE_INGRESS);
}
