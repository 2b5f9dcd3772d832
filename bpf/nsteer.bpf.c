// SPDX-License-Identifier: GPL-2.0
/* The nsteer datapath: one object per uplink, its programs sharing its maps.
 *
 *   nsteer_xdp      XDP on the uplink (nsteer_xdp_skb in generic mode): the fast path. Unicast to
 *                   a known untagged port is redirected straight into the port's veth (native XDP,
 *                   up to NSTEER_XDP_REDIRECT_PORTS_MAX ports); unknown unicast is dropped here when
 *                   asked to.
 *                   Everything else is passed up, where nsteer_tc_up sees it.
 *   nsteer_tc_up    tc ingress on the uplink: the complete wire-to-port semantics (floods, VLAN tags,
 *                   and every frame when XDP is off), so XDP stays an optimisation, never a second
 *                   implementation. nsteer_tcx_up is the same on TCX, where a frame left to the
 *                   stack goes on to the programs behind it.
 *   nsteer_tc_port  tc ingress on each port's host end, i.e. every frame a port sends.
 *
 * Only packet data and UAPI context fields are read, so the object needs no kernel BTF to load. */
#include "base.h"
#include "maps.h"
#include "ethernet.h"
#include "counters.h"
#include "monitor.h"
#include "mld.h"

char LICENSE[] SEC("license") = "GPL";

static __always_inline const struct nsteer_config *config_get(void)
{
	__u32 zero = 0;
	const struct nsteer_config *cfg = bpf_map_lookup_elem(&uplink_config, &zero);

	return cfg && cfg->uplink_ifindex ? cfg : NULL;
}

/* Who owns (mac, vlan): the index entry first, checked against the slot it names, and the "ports"
 * hash only when a port that maps to the same entry overflowed into it. A port's slot is reused
 * only after a grace period (see port_remove), so a key that matches here names the right port. */
static __always_inline bool port_find_at(__u32 idx, const __u8 *mac, __u16 vlan,
					 struct nsteer_port_dest *dest)
{
	__u32 slot;
	const struct nsteer_index_entry *e = bpf_map_lookup_elem(&mac_index, &idx);
	const struct nsteer_port_dest *found;
	const struct nsteer_slot *p;
	struct nsteer_port_key key;

	if (!e)
		return false;
	slot = e->slot;
	if (slot) {
		p = bpf_map_lookup_elem(&port_slots, &slot);
		if (p && p->ifindex && p->vlan == vlan && mac_equal(p->mac, mac)) {
			dest->ifindex = p->ifindex;
			dest->slot = slot;
			dest->flags = p->flags;
			return true;
		}
	}
	if (!e->overflow)
		return false;
	key.vlan = vlan;
	mac_copy(key.mac, mac);
	found = bpf_map_lookup_elem(&ports, &key);
	if (!found)
		return false;
	*dest = *found;
	return true;
}

static __always_inline bool port_find(const __u8 *mac, __u16 vlan, struct nsteer_port_dest *dest)
{
	return port_find_at(nsteer_index_of(mac, vlan), mac, vlan, dest);
}

/* nsteer_index_of for a MAC in packet data, or on the stack with bytes 2-5 4-byte aligned: one
 * word load and a swap (the JITs of the XDP architectures load unaligned packet data), where the
 * byte-wise version costs a dozen instructions on the fast path. The progrun tests' hits, whose
 * index entries user space computed byte-wise, show that the two agree. */
static __always_inline __u32 index_of_word(const __u8 *mac, __u16 vlan)
{
	return nsteer_index_fold(bpf_ntohl(*(const __be32 *)(mac + 2)), vlan);
}

/* The frame's first bytes: read in place when the linear part holds them (always, in practice),
 * copied across fragments otherwise. The in-place read is what keeps steering near the cost of
 * a bare redirect; bpf_xdp_load_bytes is a helper call and a copy per frame. */
static __always_inline const struct frame_head *xdp_head(struct xdp_md *ctx, struct frame_head *buf,
							 __u32 len)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;

	if (data + sizeof(*buf) <= end)
		return data;
	if (bpf_xdp_load_bytes(ctx, 0, buf, len) < 0)
		return NULL;
	return buf;
}

/* generic: the skb-mode flavour, which delivers nothing itself (see below). */
static __always_inline int steer_xdp(struct xdp_md *ctx, bool generic)
{
	const struct nsteer_config *cfg = config_get();
	struct nsteer_port_dest port;
	const struct frame_head *h;
	/* Two bytes ahead of the copy put its dst[2..5] on a word boundary, for index_of_word. */
	struct {
		__u16 align;
		struct frame_head head;
	} __attribute__((aligned(8))) buf;
	__u16 vlan = NSTEER_VLAN_NONE;
	__u32 len;

	/* A tag the NIC stripped is out of XDP's sight (before the rx VLAN metadata kfunc, which
	 * needs a device-bound program): any decision here could cross VLANs. */
	if (!cfg || (cfg->flags & NSTEER_CFG_RX_VLAN_STRIPPED))
		return XDP_PASS;
	h = xdp_head(ctx, &buf.head, ETH_HLEN);
	if (!h) {
		drop_xdp(ctx, NSTEER_SLOT_UPLINK, NSTEER_DROP_MALFORMED);
		return XDP_DROP;
	}
	if (mac_is_multicast(h->dst))
		return XDP_PASS; /* the stack needs its copy too, and tc clones for the ports */
	/* 802.1ad too: the stack treats both as VLAN tags, so XDP must not steer them as untagged */
	if (eth_is_vlan(h->proto)) {
		h = xdp_head(ctx, &buf.head, sizeof(buf.head));
		if (!h) {
			drop_xdp(ctx, NSTEER_SLOT_UPLINK, NSTEER_DROP_MALFORMED);
			return XDP_DROP;
		}
		vlan = bpf_ntohs(h->vlan_tci) & VLAN_VID_MASK;
	}
	if (!port_find_at(index_of_word(h->dst, vlan), h->dst, vlan, &port)) {
		if (cfg->unknown == NSTEER_UNKNOWN_DROP) {
			drop_xdp(ctx, NSTEER_SLOT_UPLINK, NSTEER_DROP_UNKNOWN_DST);
			return XDP_DROP;
		}
		return XDP_PASS;
	}
	if (vlan != NSTEER_VLAN_NONE)
		return XDP_PASS; /* tc removes the tag */
	/* Generic XDP runs on an skb already, and its redirect into a veth goes through that veth's
	 * queue and NAPI: `make bench` measured it below tc's redirect_peer at 1, 10, 100 and 1000
	 * ports (0.96 against 1.16 Mpps at one), losing 8-14% of the frames at 1 and 10 where tc lost
	 * none. It keeps what XDP is for, dropping early; tc delivers. */
	if (generic)
		return XDP_PASS;
	/* A frame in fragments (jumbo) takes the tc path too: not every driver or kernel can send a
	 * redirected multi-buffer frame (veth on 6.1 drops it), and tc always can. */
	len = bpf_xdp_get_buff_len(ctx);
	if (len > (__u32)(ctx->data_end - ctx->data))
		return XDP_PASS;
	if (cfg->slots_used > NSTEER_XDP_REDIRECT_PORTS_MAX + 1)
		return XDP_PASS; /* many ports: tc delivers for less (see the constant) */
	count_rx(port.slot, len);
	return bpf_redirect_map(&port_devs, port.slot, XDP_PASS);
}

/* Native XDP: frags, so jumbo frames arrive whole and the peer's MTU is not capped. */
SEC("xdp.frags")
int nsteer_xdp(struct xdp_md *ctx)
{
	return steer_xdp(ctx, false);
}

/* Generic XDP linearises every frame itself and needs no frags; and with a frags program the
 * kernel (seen on 6.18) hands tc a passed frame without its Ethernet header, breaking floods. */
SEC("xdp")
int nsteer_xdp_skb(struct xdp_md *ctx)
{
	return steer_xdp(ctx, true);
}

struct flood_ctx {
	struct __sk_buff *skb;
	__u32 skip_ifindex; /* the sender, when a port floods */
	__u32 only_flags;   /* 0: every port; else only ports with one of these flags */
	__u16 vlan;
	bool by_group; /* an IPv6 multicast frame for mld.group: only to its listeners */
	struct nsteer_mld_key mld;
};

static long flood_one(__u32 index, struct flood_ctx *fc)
{
	__u32 slot = index + 1; /* slot 0 is the uplink's */
	const struct nsteer_slot *port = bpf_map_lookup_elem(&port_slots, &slot);

	if (!port || !port->ifindex || port->vlan != fc->vlan ||
	    port->ifindex == fc->skip_ifindex ||
	    (fc->only_flags && !(port->flags & fc->only_flags)) ||
	    (fc->by_group && !mld_listening(slot, &fc->mld)))
		return 0;
	/* Egress of the host end is ingress of the namespace end: the port receives the copy,
	 * unless its veth refuses it (its receive ring is full: the port's stack fell behind), which
	 * is counted here, as nothing else would count it to the port (not in a monitor's events:
	 * under a storm of broadcasts they would only add to the load). */
	if (bpf_clone_redirect(fc->skb, port->ifindex, 0) == 0)
		count_rx(slot, fc->skb->len);
	else
		count_drop(slot, NSTEER_DROP_PORT_REJECTED);
	return 0;
}

/* Clones skb, untagged, to the ports on vlan (all, or those with one of only_flags) except
 * skip_ifindex; leaves skb as it found it: a tagged frame (tpid, tci) gets its tag back, of the
 * same protocol (an 802.1ad tag must reach the uplink's stack as 802.1ad). -1 when the
 * tag cannot come off (see untag): skb is then malformed, and changed.
 *
 * Why tc cloning and not an XDP devmap broadcast (BPF_F_BROADCAST): `make bench` measured the
 * devmap broadcast delivering 3-5x more copies per second, but an XDP program has one verdict per
 * frame, so a frame it broadcasts to the ports can no longer reach the uplink's own stack, which
 * needs every broadcast too (ARP and ND for the host's address on the NIC). tc sees the frame on
 * its way into that stack and can do both. Broadcasts are control traffic (ARP, ND, DHCP), so the
 * measured tc rate (see README, Performance) is ample, and one mechanism serves every XDP mode. */
static __always_inline int flood_to_ports(const struct nsteer_config *cfg, struct __sk_buff *skb,
					  const __u8 *dst, __u16 vlan, __be16 tpid, __u16 tci,
					  __u32 skip_ifindex, __u32 only_flags)
{
	struct flood_ctx fc = {
		.skb = skb,
		.skip_ifindex = skip_ifindex,
		.only_flags = only_flags,
		.vlan = vlan,
	};

	if (tpid && bpf_skb_vlan_pop(skb) < 0)
		return -1;
	fc.by_group = mld_filtered_group(skb, dst, fc.mld.group);
	if (cfg->slots_used > 1)
		bpf_loop(cfg->slots_used - 1, flood_one, &fc, 0);
	if (tpid)
		bpf_skb_vlan_push(skb, tpid, tci);
	return 0;
}

/* A port in another namespace is entered through its veth's peer directly (redirect_peer skips
 * the backlog queue); the host-access port shares this namespace, where only a redirect to its
 * veth's egress reaches the other end. The frame was addressed to another host's MAC as far as
 * the receiving device knew: before 6.15 redirect_peer keeps that PACKET_OTHERHOST verdict and
 * the port's stack would drop it. */
static __always_inline int deliver(struct __sk_buff *skb, const struct nsteer_port_dest *dst)
{
	bpf_skb_change_type(skb, PACKET_HOST);
	count_rx(dst->slot, skb->len);
	if (dst->flags & NSTEER_PORT_HOST)
		return bpf_redirect(dst->ifindex, 0);
	return bpf_redirect_peer(dst->ifindex, 0);
}

/* The frame's VLAN, its tag's TCI and protocol (tpid 0: untagged), as the stack delivered it:
 * offloaded into skb metadata or still in the data. */
static __always_inline int skb_vlan(struct __sk_buff *skb, const struct frame_head *h, __u16 *vlan,
				    __u16 *tci, __be16 *tpid)
{
	__be16 tag[2]; /* the TCI and the ethertype it encapsulates */

	if (skb->vlan_present) {
		*tpid = skb->vlan_proto;
		*tci = skb->vlan_tci;
		*vlan = *tci & VLAN_VID_MASK;
		return 0;
	}
	if (!eth_is_vlan(h->proto)) {
		*tpid = 0;
		*tci = 0;
		*vlan = NSTEER_VLAN_NONE;
		return 0;
	}
	/* A tag cut before its ethertype is malformed, here as in XDP (which reads the whole
	 * 802.1Q header): both must count it so, whichever sees the frame first. */
	if (bpf_skb_load_bytes(skb, ETH_HLEN, tag, sizeof(tag)) < 0)
		return -1;
	*tpid = h->proto;
	*tci = bpf_ntohs(tag[0]);
	*vlan = *tci & VLAN_VID_MASK;
	return 0;
}

/* The uplink's ingress; pass is the verdict for a frame left to the uplink's stack. */
static __always_inline int uplink_ingress(struct __sk_buff *skb, const int pass)
{
	const struct nsteer_config *cfg = config_get();
	struct nsteer_port_dest port;
	struct frame_head h;
	__u16 vlan, tci;
	__be16 tpid;

	if (!cfg)
		return pass;
	if (bpf_skb_load_bytes(skb, 0, &h, ETH_HLEN) < 0 ||
	    skb_vlan(skb, &h, &vlan, &tci, &tpid) < 0) {
		drop_skb(skb, NSTEER_SLOT_UPLINK, NSTEER_DROP_MALFORMED);
		return TC_ACT_SHOT;
	}
	if (mac_is_multicast(h.dst)) {
		/* A port's own broadcast, reflected by the switch in vepa mode, is not sent back to it
		 * (as macvlan does). */
		struct nsteer_port_dest sender;
		__u32 skip = port_find(h.src, vlan, &sender) ? sender.ifindex : 0;

		/* A priority tag (VID 0) stays on: the ports' stacks take it as untagged, and the
		 * kernel's pop would take a QinQ inner tag out with it. */
		if (flood_to_ports(cfg, skb, h.dst, vlan, vlan != NSTEER_VLAN_NONE ? tpid : 0, tci,
				   skip, 0)) {
			drop_skb(skb, NSTEER_SLOT_UPLINK, NSTEER_DROP_MALFORMED);
			return TC_ACT_SHOT;
		}
		count_rx(NSTEER_SLOT_UPLINK, skb->len);
		return pass;
	}
	if (!port_find(h.dst, vlan, &port)) {
		if (cfg->unknown == NSTEER_UNKNOWN_DROP) {
			drop_skb(skb, NSTEER_SLOT_UPLINK, NSTEER_DROP_UNKNOWN_DST);
			return TC_ACT_SHOT;
		}
		count_rx(NSTEER_SLOT_UPLINK, skb->len);
		return pass;
	}
	/* The kernel's pop also moves a QinQ frame's inner tag out of the data, and fails when that
	 * tag is cut short: the frame is malformed (the port's stack could not untag it either). */
	if (vlan != NSTEER_VLAN_NONE && bpf_skb_vlan_pop(skb) < 0) {
		drop_skb(skb, NSTEER_SLOT_UPLINK, NSTEER_DROP_MALFORMED);
		return TC_ACT_SHOT;
	}
	return deliver(skb, &port);
}

/* Two entry points over one body, like nsteer_xdp and nsteer_xdp_skb above (alike by design: the
 * kernel attaches programs, not arguments).
 * On clsact, and on TCX while nsteer moves between the two: a final verdict, so that the other
 * hook's nsteer program, when both are attached, never sees a frame a second time. */
SEC("tc")
int nsteer_tc_up(struct __sk_buff *skb)
{
	return uplink_ingress(skb, TC_ACT_OK);
}

/* On TCX: the frames nsteer leaves to the stack go on to the programs behind it, as its XDP
 * program's do behind libxdp's dispatcher; the frames it steers or drops are its own. */
SEC("tc")
int nsteer_tcx_up(struct __sk_buff *skb)
{
	return uplink_ingress(skb, TCX_NEXT);
}

static __always_inline int to_wire(struct __sk_buff *skb, const struct nsteer_port *port,
				   const struct nsteer_config *cfg)
{
	if (port->vlan != NSTEER_VLAN_NONE &&
	    bpf_skb_vlan_push(skb, bpf_htons(ETH_P_8021Q), port->vlan) < 0)
		return TC_ACT_SHOT;
	count_tx(NSTEER_SLOT_UPLINK, skb->len);
	return bpf_redirect(cfg->uplink_ifindex, 0);
}

SEC("tc")
int nsteer_tc_port(struct __sk_buff *skb)
{
	const struct nsteer_config *cfg = config_get();
	__u32 self = skb->ifindex;
	struct nsteer_port_dest dst;
	const struct nsteer_port *port;
	struct frame_head h;

	port = bpf_map_lookup_elem(&port_by_ifindex, &self);
	if (!cfg || !port)
		return TC_ACT_SHOT; /* a port being torn down: its frames belong nowhere */
	if (bpf_skb_load_bytes(skb, 0, &h, ETH_HLEN) < 0) {
		drop_skb(skb, port->slot, NSTEER_DROP_MALFORMED);
		return TC_ACT_SHOT;
	}
	/* A port's VLAN is nsteer's to add; a port tagging its own frames could hop VLANs. */
	if (skb->vlan_present || eth_is_vlan(h.proto)) {
		drop_skb(skb, port->slot, NSTEER_DROP_VLAN);
		return TC_ACT_SHOT;
	}
	if (!mac_equal(h.src, port->mac)) {
		drop_skb(skb, port->slot, NSTEER_DROP_SPOOFED_SRC);
		return TC_ACT_SHOT;
	}
	count_tx(port->slot, skb->len);

	/* The host-access port reaches, and is reached by, every port in every mode. */
	if (mac_is_multicast(h.dst)) {
		bool to_all = cfg->mode == NSTEER_MODE_BRIDGE || (port->flags & NSTEER_PORT_HOST);

		if (h.proto == bpf_htons(ETH_P_IPV6))
			mld_snoop(skb, port->slot);
		/* untagged: checked above */
		flood_to_ports(cfg, skb, h.dst, port->vlan, false, 0, self,
			       to_all ? 0 : NSTEER_PORT_HOST);
		return to_wire(skb, port, cfg);
	}
	if (port_find(h.dst, port->vlan, &dst) && dst.ifindex != self) {
		if ((port->flags | dst.flags) & NSTEER_PORT_HOST)
			return deliver(skb, &dst);
		switch (cfg->mode) {
		case NSTEER_MODE_BRIDGE:
			return deliver(skb, &dst);
		case NSTEER_MODE_PRIVATE:
			drop_skb(skb, port->slot, NSTEER_DROP_PORT_TO_PORT);
			return TC_ACT_SHOT;
		default: /* vepa: the external switch hairpins it back */
			break;
		}
	}
	return to_wire(skb, port, cfg);
}
