/* SPDX-License-Identifier: GPL-2.0 */
#ifndef NSTEER_BPF_COUNTERS_H
#define NSTEER_BPF_COUNTERS_H

#include "maps.h"

static __always_inline struct nsteer_counters *counters_of(__u32 slot)
{
	return bpf_map_lookup_elem(&counters, &slot);
}

static __always_inline void count_rx(__u32 slot, __u64 bytes)
{
	struct nsteer_counters *c = counters_of(slot);

	if (c) {
		c->rx_packets++;
		c->rx_bytes += bytes;
	}
}

static __always_inline void count_tx(__u32 slot, __u64 bytes)
{
	struct nsteer_counters *c = counters_of(slot);

	if (c) {
		c->tx_packets++;
		c->tx_bytes += bytes;
	}
}

static __always_inline void count_drop(__u32 slot, enum nsteer_drop_reason reason)
{
	struct nsteer_counters *c = counters_of(slot);

	/* The bound keeps the verifier sure of the index where reason is not a constant. */
	if (c && reason < NSTEER_DROP__MAX)
		c->drops[reason]++;
}

#endif
