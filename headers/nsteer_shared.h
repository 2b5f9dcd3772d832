/* SPDX-License-Identifier: GPL-2.0 */
/* Everything the BPF programs and the loader must agree on: map value layouts, enums and names.
 * Both sides compile this one file; the _Static_asserts at the bottom catch a layout change that
 * would otherwise make one side read the other's fields at the wrong offsets. */
#ifndef NSTEER_SHARED_H
#define NSTEER_SHARED_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define NSTEER_PORTS_MAX 4096
#define NSTEER_NETNS_LEN 128
#define NSTEER_IFNAME_LEN 16
#define NSTEER_VLAN_NONE 0

/* tc filter identity on every device nsteer attaches to, so it finds (and only touches) its own. */
#define NSTEER_TC_HANDLE 0x6e73 /* "ns" */
#define NSTEER_TC_PRIORITY 1

/* Each enum below is one list, X(ID, name, value): the enum and the names the CLI, JSON and
 * status use both come from it, so a new value is one line here. The listing order is the order
 * in which help text offers the names. */
#define NSTEER_MODES(X)                                                     \
	X(BRIDGE, bridge, 0)   /* ports reach each other inside the host */ \
	X(PRIVATE, private, 1) /* never */                                  \
	X(VEPA, vepa, 2)       /* only through the external switch */

#define NSTEER_UNKNOWNS(X)                                                            \
	X(PASS, pass, 0) /* frames for a MAC no port owns go to the uplink's stack */ \
	X(DROP, drop, 1)

#define NSTEER_XDP_MODES(X)                                                            \
	X(AUTO, auto, 3) /* attach only: native or off, whichever sees whole frames */ \
	X(NATIVE, native, 0)                                                           \
	X(SKB, skb, 1)                                                                 \
	X(OFF, off, 2)

/* Where the uplink's tc program hangs. TCX (kernel 6.6) is a link: pinned, swapped atomically,
 * ordered against other programs; clsact is a filter on a qdisc, all 6.1 has. */
#define NSTEER_TC_HOOKS(X)                                                       \
	X(AUTO, auto, 0) /* attach only: tcx where the kernel has it, else clsact */ \
	X(TCX, tcx, 1)                                                           \
	X(CLSACT, clsact, 2)

#define NSTEER_ENUM_VALUE(prefix, ID, name, value) prefix##ID = value,
#define NSTEER_MODE_VALUE(ID, name, value) NSTEER_ENUM_VALUE(NSTEER_MODE_, ID, name, value)
#define NSTEER_UNKNOWN_VALUE(ID, name, value) NSTEER_ENUM_VALUE(NSTEER_UNKNOWN_, ID, name, value)
#define NSTEER_XDP_VALUE(ID, name, value) NSTEER_ENUM_VALUE(NSTEER_XDP_, ID, name, value)
#define NSTEER_TC_HOOK_VALUE(ID, name, value) NSTEER_ENUM_VALUE(NSTEER_TC_HOOK_, ID, name, value)

enum nsteer_mode { NSTEER_MODES(NSTEER_MODE_VALUE) };
enum nsteer_unknown { NSTEER_UNKNOWNS(NSTEER_UNKNOWN_VALUE) };
enum nsteer_xdp_mode { NSTEER_XDP_MODES(NSTEER_XDP_VALUE) };
enum nsteer_tc_hook { NSTEER_TC_HOOKS(NSTEER_TC_HOOK_VALUE) };

/* nsteer_config.flags */
#define NSTEER_CFG_OWN_CLSACT \
	(1U << 0) /* nsteer created the uplink's clsact qdisc, so removes it */
#define NSTEER_CFG_HOST_ACCESS (1U << 1) /* attach --host-access */
/* The uplink strips VLAN tags before XDP runs (ethtool rxvlan), so a frame that looks untagged to
 * XDP may have been tagged: XDP hands every frame to tc, which reads the tag from the skb. */
#define NSTEER_CFG_RX_VLAN_STRIPPED (1U << 2)
#define NSTEER_CFG_XDP_AUTO (1U << 3)      /* xdp_mode was chosen by --xdp-mode auto */
#define NSTEER_CFG_XDP_NO_NATIVE (1U << 4) /* ... as off, because native XDP failed to attach */
/* A detach (with --ports) is under way: a kill before it removed the pins leaves this for status. */
#define NSTEER_CFG_DETACHING (1U << 5)
#define NSTEER_CFG_DETACHING_PORTS (1U << 6)
/* `nsteer apply` attached it: apply detaches it when its file no longer has it. */
#define NSTEER_CFG_APPLIED (1U << 7)
/* The uplink's tc program hangs on a TCX link (pinned as NSTEER_PIN_LINK_TCX_UPLINK), not on a
 * clsact filter. */
#define NSTEER_CFG_TCX (1U << 8)
#define NSTEER_CFG_TC_HOOK_ASKED (1U << 9) /* --tc-hook named the hook: it is not auto's choice */

/* The single entry of the "uplink_config" map. uplink_ifindex == 0 means "not configured yet": the
 * uplink's programs then pass everything to its stack and the ports' programs drop, so a
 * half-finished attach never steers with stale settings. */
struct nsteer_config {
	__u32 uplink_ifindex;
	__u32 mode;     /* enum nsteer_mode */
	__u32 unknown;  /* enum nsteer_unknown */
	__u32 xdp_mode; /* enum nsteer_xdp_mode */
	__u32 flags;
	__u32 slots_used; /* every port's slot is below this: floods look no further */
	__u64 build_id;   /* hash of the BPF object that is attached: tells a newer nsteer apart */
};

/* XDP redirects a frame into a port only while the uplink has at most this many port slots
 * (slots_used - 1); beyond, it passes the frame to tc, whose redirect_peer delivers it. Into a
 * port's stack, an XDP redirect pays per destination in every NAPI poll (a devmap flush, the
 * port's ring lock, the port's own NAPI poll building the skb), tc per frame and none of that.
 * `make bench` on the veth lab: XDP ahead at 1 and 10 ports (1.29 and 1.17 Mpps against tc's
 * 1.14 and 0.95), behind at 100 and 1000 (0.73 and 0.25 against 0.87 and 0.53, the rest lost). */
#define NSTEER_XDP_REDIRECT_PORTS_MAX 32

/* Key of the "ports" map: who a frame from the wire belongs to. */
struct nsteer_port_key {
	__u8 mac[6];
	__u16 vlan; /* host byte order, NSTEER_VLAN_NONE for an untagged port */
};

/* Every port has a slot: its index into the array maps (port_devs, counters), which the fast
 * path can read without a second hash lookup. Slot 0 belongs to the uplink itself. */
#define NSTEER_SLOT_UPLINK 0
#define NSTEER_SLOTS (NSTEER_PORTS_MAX + 1)

/* Value of the "ports" map. */
struct nsteer_port_dest {
	__u32 ifindex; /* the port's host end */
	__u32 slot;
	__u32 flags; /* NSTEER_PORT_*, as in struct nsteer_port */
};

/* Value of the "port_slots" map, indexed by slot (ifindex 0: a free slot). Floods walk it in slot
 * order, and the fast path checks a mac_index hit against it. */
struct nsteer_slot {
	__u8 mac[6];
	__u16 vlan;
	__u32 ifindex; /* host end */
	__u32 flags;   /* NSTEER_PORT_* */
};

/* The fast path's lookup: a direct-mapped index from (MAC, VLAN) to a slot, an array the JIT reads
 * inline, where the "ports" hash costs a hash computation and a bucket walk per frame. A port sits in
 * the index entry its key maps to unless another port got there first; it then lives only in the
 * "ports" hash, and the entry's overflow counts such ports, so that a miss with overflow 0 is
 * known to be an unknown MAC without touching the hash. */
#define NSTEER_INDEX_SIZE 8192

struct nsteer_index_entry {
	__u32 slot;     /* 0: no port here */
	__u32 overflow; /* ports that map here but live only in the "ports" hash */
};

/* The entry of mac_index that (mac, vlan) maps to: the low four bytes of a MAC vary the most
 * (derived MACs are hashes; vendors number their NICs there), folded so every bit counts. */
static inline __u32 nsteer_index_fold(__u32 mac_low4, __u16 vlan)
{
	__u32 x = mac_low4 ^ vlan;

	x ^= x >> 13;
	x ^= x >> 7;
	return x & (NSTEER_INDEX_SIZE - 1);
}

static inline __u32 nsteer_index_of(const __u8 *mac, __u16 vlan)
{
	return nsteer_index_fold(
		(__u32)mac[2] << 24 | (__u32)mac[3] << 16 | (__u32)mac[4] << 8 | mac[5], vlan);
}

/* IPv6 multicast listening, snooped from the MLD reports (RFC 3810, and MLDv1) each port sends.
 * A flood gives an IPv6 multicast frame only to the ports that joined its group, as macvlan does
 * with each device's multicast filter, which a BPF program cannot read. Without it, the DAD, MLD
 * and router solicitations of every port that comes up reach every other port: N^2 copies when N
 * containers start. */
#define NSTEER_MLD_GROUPS_MAX 16384

/* Key of the "mld_listeners" map (the value, a __u8, is unused): port slot listens to group. */
struct nsteer_mld_key {
	__u8 group[16]; /* an IPv6 multicast address */
	__u32 slot;
};

/* Values of the "mld_snooped" array, indexed by slot. Filtering is only safe for a port whose
 * every report was seen; any doubt (a report nsteer could not parse or record, a port made before
 * snooping existed) puts the port back to receiving every IPv6 multicast frame. */
enum nsteer_mld_state {
	NSTEER_MLD_UNKNOWN = 0, /* floods send the port every IPv6 multicast frame */
	NSTEER_MLD_SNOOPED = 1, /* seen since its link came up: floods send only its groups */
};

/* nsteer_port.flags */
#define NSTEER_PORT_NETNS_CREATED \
	(1U << 0) /* port add created the named netns; port del removes it */
/* The host-access port (attach --host-access): it lives in the uplink's own namespace, is reached
 * by a plain redirect, and talks to every port whatever the mode. */
#define NSTEER_PORT_HOST (1U << 1)
/* Known by a label its creator gave (nsteer_netns_ref.label, e.g. a CNI attachment), not by a
 * namespace name or path. */
#define NSTEER_PORT_LABELLED (1U << 2)
/* Made by `nsteer apply`: apply removes it when its file no longer has it. Ports made by hand or
 * by the CNI plugin never carry it, so apply leaves them alone. */
#define NSTEER_PORT_APPLIED (1U << 3)

/* Value of the "port_by_ifindex" map, keyed by the host end's ifindex. The datapath reads mac and
 * vlan; the rest is what the loader needs to list, delete and repair ports after it has exited. */
struct nsteer_port {
	__u8 mac[6];
	__u16 vlan;
	__u32 ifindex;      /* host end, in the uplink's namespace */
	__u32 peer_ifindex; /* namespace end, in the port's namespace */
	__u32 flags;
	__u32 slot;
	__u64 netns_inode;
	char netns[NSTEER_NETNS_LEN];        /* as given: iproute2 name, path, or "pid:N" */
	char ifname[NSTEER_IFNAME_LEN];      /* namespace end */
	char host_ifname[NSTEER_IFNAME_LEN]; /* host end */
};

/* Why the datapath drops a frame: X(ID, name, what). The enum, the counters' fields, `stats`,
 * `status`, their JSON and the layout checks all come from this list, so a new reason is one line
 * here (and the count_drop calls that use it). One is counted in two places: PORT_REJECTED, a
 * frame or copy the port's veth refused. tc's flood sees its copy refused and counts it; an XDP
 * redirect is refused after XDP's verdict, in the kernel's veth, which counts it on the port's
 * host end (ethtool -S: tx_queue_N_xdp_xmit_errors), and the loader adds that count in. */
#define NSTEER_DROP_REASONS(X)                                                       \
	X(MALFORMED, malformed, "too short for an Ethernet (or 802.1Q) header")      \
	X(UNKNOWN_DST, unknown_dst, "no port owns the destination (--unknown drop)") \
	X(SPOOFED_SRC, spoofed_src, "a port sent with a source MAC not its own")     \
	X(PORT_TO_PORT, port_to_port, "port to port, which private mode forbids")    \
	X(VLAN, vlan, "a tagged frame where none is allowed")                        \
	X(PORT_REJECTED, port_rejected,                                              \
	  "the port's veth refused it (XDP's redirect, or tc's copy of a broadcast): its ring " \
	  "full, or over its MTU")

#define NSTEER_DROP_VALUE(ID, name, what) NSTEER_DROP_##ID,
enum nsteer_drop_reason {
	NSTEER_DROP_REASONS(NSTEER_DROP_VALUE) NSTEER_DROP__MAX,
};

/* Per-CPU values of the "counters" map, indexed by slot: a port's, or NSTEER_SLOT_UPLINK for the
 * uplink's own (frames to its stack and to the wire). For a port, rx is toward it, tx from it.
 * The drops sit in an array indexed by reason, named one by one beside it for readers. */
#define NSTEER_DROP_FIELD(ID, name, what) __u64 drop_##name;
struct nsteer_counters {
	__u64 rx_packets;
	__u64 rx_bytes;
	__u64 tx_packets;
	__u64 tx_bytes;
	union {
		__u64 drops[NSTEER_DROP__MAX];
		struct {
			NSTEER_DROP_REASONS(NSTEER_DROP_FIELD)
		};
	};
};

/* What nsteer holds on the uplink's NIC so that frames for its ports get past the NIC's filters
 * at all, as macvlan holds it for its devices: each port's MAC in the unicast list, each port
 * VLAN in the VLAN filter, and allmulticast. Key of the "nic_holds" map. */
#define NSTEER_NIC_HOLD_KINDS(X)                                                              \
	X(UNICAST, unicast, 0)       /* mac in the device's unicast address list */           \
	X(VLAN, vlan, 1)             /* vlan in its VLAN filter (through an 802.1Q device) */ \
	X(ALLMULTI, allmulticast, 2) /* IFF_ALLMULTI */

#define NSTEER_NIC_VALUE(ID, name, value) NSTEER_ENUM_VALUE(NSTEER_NIC_, ID, name, value)
enum nsteer_nic_hold_kind { NSTEER_NIC_HOLD_KINDS(NSTEER_NIC_VALUE) };

struct nsteer_nic_hold {
	__u8 mac[6]; /* NSTEER_NIC_UNICAST, else zero */
	__u16 vlan;  /* NSTEER_NIC_VLAN, else zero */
	__u32 kind;  /* enum nsteer_nic_hold_kind */
};

/* Value of "nic_holds". */
struct nsteer_nic_hold_state {
	__u32 ours; /* 1: nsteer made this change to the NIC and undoes it; 0: it was there before */
	__u32 users; /* ports that need it (allmulticast: the attachment itself) */
};
#define NSTEER_NIC_HOLDS_MAX (2 * NSTEER_PORTS_MAX + 1)

/* `nsteer monitor`: the datapath describes each frame it drops in the "drop_events" ring buffer,
 * but only while "monitor" (one __u32: the pid of the monitor, 0 for none) says someone reads
 * it, so that nobody pays for the ring when nobody watches: idle, a drop costs one more array
 * read. One reader per uplink (a ring buffer has one consumer position). */
#define NSTEER_MONITOR_SNAPLEN 128 /* bytes of each dropped frame kept, from its start */
#define NSTEER_MONITOR_RING_SIZE (256 * 1024)

struct nsteer_drop_event {
	__u64 boot_ns;  /* CLOCK_BOOTTIME */
	__u32 slot;     /* NSTEER_SLOT_UPLINK: arrived from the wire; else the port that sent it */
	__u32 reason;   /* enum nsteer_drop_reason */
	__u32 len;      /* the frame's whole length */
	__u16 cap_len;  /* bytes of it in data */
	__u16 vlan_tci; /* a tag the NIC took out of the data (tc sees it beside the frame) */
	__u16 vlan_proto; /* that tag's protocol, network order; 0 when the tag is in data or none */
	__u16 pad;
	__u8 data[NSTEER_MONITOR_SNAPLEN];
};

#define NSTEER_PIN_ROOT "/sys/fs/bpf/nsteer"
/* Programs pinned beside the maps so that a later `port add` can attach the same program. */
#define NSTEER_PIN_PROG_TC_UPLINK "prog_tc_uplink"
#define NSTEER_PIN_PROG_TC_PORT "prog_tc_port"
/* The TCX link that holds the uplink's tc program on the device (with --tc-hook tcx or auto's). */
#define NSTEER_PIN_LINK_TCX_UPLINK "link_tcx_uplink"

_Static_assert(sizeof(struct nsteer_config) == 32, "nsteer_config layout");
_Static_assert(sizeof(struct nsteer_port_key) == 8, "nsteer_port_key layout");
_Static_assert(__builtin_offsetof(struct nsteer_port_key, vlan) == 6, "nsteer_port_key.vlan");
_Static_assert(sizeof(struct nsteer_port) == 192, "nsteer_port layout");
_Static_assert(__builtin_offsetof(struct nsteer_port, netns_inode) == 24,
	       "nsteer_port.netns_inode");
_Static_assert(sizeof(struct nsteer_port_dest) == 12, "nsteer_port_dest layout");
_Static_assert(sizeof(struct nsteer_slot) == 16, "nsteer_slot layout");
_Static_assert(sizeof(struct nsteer_mld_key) == 20, "nsteer_mld_key layout");
_Static_assert(sizeof(struct nsteer_index_entry) == 8, "nsteer_index_entry layout");
_Static_assert(sizeof(struct nsteer_nic_hold) == 12, "nsteer_nic_hold layout");
_Static_assert(sizeof(struct nsteer_nic_hold_state) == 8, "nsteer_nic_hold_state layout");
_Static_assert((NSTEER_MONITOR_SNAPLEN & (NSTEER_MONITOR_SNAPLEN - 1)) == 0,
	       "the snap length is a power of 2 (the datapath bounds it with a mask)");
_Static_assert(sizeof(struct nsteer_drop_event) == 32 + NSTEER_MONITOR_SNAPLEN,
	       "nsteer_drop_event layout");
_Static_assert((NSTEER_INDEX_SIZE & (NSTEER_INDEX_SIZE - 1)) == 0, "index size is a power of 2");
_Static_assert(sizeof(struct nsteer_counters) == (4 + NSTEER_DROP__MAX) * 8,
	       "nsteer_counters layout");
#define NSTEER_DROP_ASSERT(ID, name, what)                                                   \
	_Static_assert(                                                                      \
		__builtin_offsetof(struct nsteer_counters, drop_##name) ==                   \
			__builtin_offsetof(struct nsteer_counters, drops[NSTEER_DROP_##ID]), \
		"drop_" #name " is drops[NSTEER_DROP_" #ID "]");
NSTEER_DROP_REASONS(NSTEER_DROP_ASSERT)

#endif
