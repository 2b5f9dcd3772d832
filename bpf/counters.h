/* SPDX-License-Identifier: GPL-2.0 */
#ifndef NSTEER_BPF_COUNTERS_H
#define NSTEER_BPF_COUNTERS_H

/* Entries are created by the loader, never here: a missing entry (a port being removed) just goes
 * uncounted instead of re-creating state behind the loader's back. */
static __always_inline struct nsteer_counters *counters_of(__u32 ifindex)
{
	return bpf_map_lookup_elem(&counters, &ifindex);
}

static __always_inline void count_rx(__u32 ifindex, __u64 bytes)
{
	struct nsteer_counters *c = counters_of(ifindex);

	if (c) {
		c->rx_packets++;
		c->rx_bytes += bytes;
	}
}

static __always_inline void count_tx(__u32 ifindex, __u64 bytes)
{
	struct nsteer_counters *c = counters_of(ifindex);

	if (c) {
		c->tx_packets++;
		c->tx_bytes += bytes;
	}
}

static __always_inline void count_drop(__u32 ifindex, enum nsteer_drop_reason reason)
{
	struct nsteer_counters *c = counters_of(ifindex);

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
