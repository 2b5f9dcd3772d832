/* SPDX-License-Identifier: GPL-2.0 */
/* Every drop goes through drop_skb or drop_xdp: counted always, and described in the
 * "drop_events" ring only while `nsteer monitor` reads it. The description is built out of line,
 * once per program, so the drop sites stay small and the fast path does not grow. */
#ifndef NSTEER_BPF_MONITOR_H
#define NSTEER_BPF_MONITOR_H

#include "maps.h"
#include "counters.h"

#ifdef NSTEER_NO_MONITOR
/* make bench's baseline only: the datapath without the switch, to measure what it costs idle. */
static __always_inline bool monitor_on(void)
{
	return false;
}
#else
static __always_inline bool monitor_on(void)
{
	__u32 zero = 0;
	const __u32 *reader = bpf_map_lookup_elem(&monitor, &zero);

	return reader && *reader;
}
#endif

static __always_inline struct nsteer_drop_event *drop_event_new(__u32 slot, __u32 reason, __u32 len)
{
	struct nsteer_drop_event *ev = bpf_ringbuf_reserve(&drop_events, sizeof(*ev), 0);

	if (!ev)
		return NULL; /* the reader is behind: the counters still have it */
	ev->boot_ns = bpf_ktime_get_boot_ns();
	ev->slot = slot;
	ev->reason = reason;
	ev->len = len;
	ev->cap_len = 0;
	ev->vlan_tci = 0;
	ev->vlan_proto = 0;
	ev->pad = 0;
	return ev;
}

/* The bytes kept of a len-byte frame (len > 0): at most NSTEER_MONITOR_SNAPLEN, computed so that
 * the verifier sees the bounds [1, SNAPLEN] in the register the load helper gets, which clang's
 * rewrite of plain comparisons loses. */
static __always_inline __u32 snap_len(__u32 len)
{
	__u32 cap = (len < NSTEER_MONITOR_SNAPLEN ? len : NSTEER_MONITOR_SNAPLEN) - 1;

	asm volatile("%0 &= %1" : "+r"(cap) : "i"(NSTEER_MONITOR_SNAPLEN - 1));
	return cap + 1;
}

static __noinline int report_drop_skb(struct __sk_buff *skb, __u32 slot, __u32 reason)
{
	struct nsteer_drop_event *ev = drop_event_new(slot, reason, skb->len);
	__u32 cap;

	if (!ev)
		return 0;
	if (skb->vlan_present) {
		ev->vlan_tci = skb->vlan_tci;
		ev->vlan_proto = skb->vlan_proto;
	}
	if (skb->len) {
		cap = snap_len(skb->len);
		if (bpf_skb_load_bytes(skb, 0, ev->data, cap) == 0)
			ev->cap_len = cap;
	}
	bpf_ringbuf_submit(ev, 0);
	return 0;
}

static __noinline int report_drop_xdp(struct xdp_md *ctx, __u32 slot, __u32 reason)
{
	__u32 len = bpf_xdp_get_buff_len(ctx), cap;
	struct nsteer_drop_event *ev = drop_event_new(slot, reason, len);

	if (!ev)
		return 0;
	if (len) {
		cap = snap_len(len);
		if (bpf_xdp_load_bytes(ctx, 0, ev->data, cap) == 0)
			ev->cap_len = cap;
	}
	bpf_ringbuf_submit(ev, 0);
	return 0;
}

static __always_inline void drop_skb(struct __sk_buff *skb, __u32 slot,
				     enum nsteer_drop_reason reason)
{
	count_drop(slot, reason);
	if (monitor_on())
		report_drop_skb(skb, slot, reason);
}

static __always_inline void drop_xdp(struct xdp_md *ctx, __u32 slot, enum nsteer_drop_reason reason)
{
	count_drop(slot, reason);
	if (monitor_on())
		report_drop_xdp(ctx, slot, reason);
}

#endif
