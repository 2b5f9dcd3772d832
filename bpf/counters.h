/* SPDX-License-Identifier: GPL-2.0 */
#ifndef NSTEER_BPF_COUNTERS_H
#define NSTEER_BPF_COUNTERS_H

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

	if (!c)
		return;
	switch (reason) {
	case NSTEER_DROP_MALFORMED: c->drop_malformed++; break;
	case NSTEER_DROP_UNKNOWN_DST: c->drop_unknown_dst++; break;
	case NSTEER_DROP_SPOOFED_SRC: c->drop_spoofed_src++; break;
	case NSTEER_DROP_PORT_TO_PORT: c->drop_port_to_port++; break;
	case NSTEER_DROP_VLAN: c->drop_vlan++; break;
	default: break;
	}
}

#endif
