/* SPDX-License-Identifier: GPL-2.0 */
/* MLD snooping: which IPv6 multicast groups each port listens to, read from the reports its stack
 * sends (nsteer_tc_port sees every frame a port sends, from the moment its link comes up), and
 * the flood filter that uses it. See struct nsteer_mld_key for why.
 *
 * Every doubt errs toward delivering: a port whose reports could not all be recorded goes back to
 * NSTEER_MLD_UNKNOWN and receives every IPv6 multicast frame, as before snooping. A wrong "joined"
 * costs a copy the port's stack drops; a wrong "not joined" would cut it off from its neighbours. */
#ifndef NSTEER_BPF_MLD_H
#define NSTEER_BPF_MLD_H

#include "ethernet.h"
#include "maps.h"

#define ETH_P_IPV6 0x86dd
#define NEXTHDR_HOP 0
#define NEXTHDR_ICMP 58
#define ICMPV6_MGM_QUERY 130
#define ICMPV6_MGM_REPORT 131    /* MLDv1 report */
#define ICMPV6_MGM_REDUCTION 132 /* MLDv1 done */
#define ICMPV6_MLD2_REPORT 143

/* MLDv2 multicast address record types (RFC 3810 5.2.12) */
#define MLD2_MODE_IS_INCLUDE 1
#define MLD2_MODE_IS_EXCLUDE 2
#define MLD2_CHANGE_TO_INCLUDE 3
#define MLD2_CHANGE_TO_EXCLUDE 4
#define MLD2_ALLOW_NEW_SOURCES 5
#define MLD2_BLOCK_OLD_SOURCES 6

struct mld2_record_head {
	__u8 type;
	__u8 aux_words; /* auxiliary data, in 32-bit words */
	__be16 sources;
	__u8 group[16];
};

static __always_inline void mld_lost(__u32 slot)
{
	__u32 unknown = NSTEER_MLD_UNKNOWN;

	bpf_map_update_elem(&mld_snooped, &slot, &unknown, BPF_ANY);
}

/* ff02::2 (all routers), ff05::2 (all site routers), ff02::16 (all MLDv2 routers): the groups a
 * stack joins when it routes. */
static __always_inline bool group_is_routers(const __u8 *group)
{
	const __u8 scope = group[1], last = group[15];

	for (int i = 2; i < 15; i++)
		if (group[i])
			return false;
	return ((scope == 0x02 || scope == 0x05) && last == 0x02) ||
	       (scope == 0x02 && last == 0x16);
}

static __always_inline void mld_note(__u32 slot, const __u8 *group, bool joined)
{
	struct nsteer_mld_key key = { .slot = slot };
	__u8 yes = 1;

	if (group[0] != 0xff) /* not a multicast address: nothing a flood would ever ask about */
		return;
	/* A multicast router forwards groups it never joins: like a snooping switch's router
	 * ports (RFC 4541 2.1.2), a port that routes gets every group. */
	if (joined && group_is_routers(group)) {
		mld_lost(slot);
		return;
	}
	__builtin_memcpy(key.group, group, sizeof(key.group));
	if (!joined)
		bpf_map_delete_elem(&mld_listeners, &key);
	else if (bpf_map_update_elem(&mld_listeners, &key, &yes, BPF_ANY))
		mld_lost(slot); /* the map is full: this port's listening is no longer known */
}

struct mld_walk {
	struct __sk_buff *skb;
	__u32 off; /* the next record */
	__u32 slot;
};

static long mld_record(__u32 index, struct mld_walk *w)
{
	struct mld2_record_head rec;
	__u16 sources;
	bool joined;

	if (bpf_skb_load_bytes(w->skb, w->off, &rec, sizeof(rec)) < 0) {
		mld_lost(w->slot); /* the report claims more records than it carries */
		return 1;
	}
	sources = bpf_ntohs(rec.sources);
	switch (rec.type) {
	case MLD2_MODE_IS_EXCLUDE:
	case MLD2_CHANGE_TO_EXCLUDE:
	case MLD2_ALLOW_NEW_SOURCES:
		joined = true;
		break;
	case MLD2_MODE_IS_INCLUDE:
	case MLD2_CHANGE_TO_INCLUDE:
		joined = sources > 0; /* include nothing: the port left the group */
		break;
	case MLD2_BLOCK_OLD_SOURCES:
		/* Still listening to other sources, or not: only source tracking could tell, and
		 * staying a listener is the safe guess. */
		joined = true;
		break;
	default:
		mld_lost(w->slot);
		return 1;
	}
	mld_note(w->slot, rec.group, joined);
	w->off += sizeof(rec) + sources * 16 + rec.aux_words * 4;
	return 0;
}

/* Records what an MLD report that a port sent says about its listening. skb is an IPv6 frame to
 * a multicast MAC; anything but an MLD report is left alone. */
static __always_inline void mld_snoop(struct __sk_buff *skb, __u32 slot)
{
	struct mld_walk walk = { .skb = skb, .slot = slot };
	__u32 off = ETH_HLEN + sizeof(struct ipv6hdr);
	__u8 nexthdr, hop[2], type, group[16];
	__be16 records;

	if (bpf_skb_load_bytes(skb, ETH_HLEN + __builtin_offsetof(struct ipv6hdr, nexthdr),
			       &nexthdr, 1) < 0)
		return;
	/* MLD messages carry a router alert in a hop-by-hop options header (RFC 3810 5). */
	if (nexthdr == NEXTHDR_HOP) {
		if (bpf_skb_load_bytes(skb, off, hop, sizeof(hop)) < 0)
			return;
		nexthdr = hop[0];
		off += (hop[1] + 1) * 8;
	}
	if (nexthdr != NEXTHDR_ICMP || bpf_skb_load_bytes(skb, off, &type, 1) < 0)
		return;
	switch (type) {
	case ICMPV6_MGM_QUERY: /* a querier is a router (see mld_note) */
		mld_lost(slot);
		return;
	case ICMPV6_MGM_REPORT:
	case ICMPV6_MGM_REDUCTION:
		if (bpf_skb_load_bytes(skb, off + 8, group, sizeof(group)) < 0)
			mld_lost(slot);
		else
			mld_note(slot, group, type == ICMPV6_MGM_REPORT);
		return;
	case ICMPV6_MLD2_REPORT:
		if (bpf_skb_load_bytes(skb, off + 6, &records, sizeof(records)) < 0) {
			mld_lost(slot);
			return;
		}
		walk.off = off + 8;
		bpf_loop(bpf_ntohs(records), mld_record, &walk, 0);
		return;
	}
}

/* The IPv6 multicast group that frame skb (untagged, to dst) is for, when floods may give it only
 * to the group's listeners. Not for ff02::1 (all nodes), which every node listens to and none
 * reports, nor for scopes 0 and 1, which never reach a link (RFC 3810 6). */
static __always_inline bool mld_filtered_group(struct __sk_buff *skb, const __u8 *dst,
					       __u8 group[16])
{
	__be16 proto;
	__u32 w[4];

	if (dst[0] != 0x33 || dst[1] != 0x33)
		return false;
	if (bpf_skb_load_bytes(skb, 12, &proto, sizeof(proto)) < 0 ||
	    proto != bpf_htons(ETH_P_IPV6) ||
	    bpf_skb_load_bytes(skb, ETH_HLEN + __builtin_offsetof(struct ipv6hdr, daddr), w,
			       sizeof(w)) < 0)
		return false;
	__builtin_memcpy(group, w, sizeof(w));
	if (group[0] != 0xff || (group[1] & 0x0f) < 2)
		return false;
	return !(w[0] == bpf_htonl(0xff020000) && w[1] == 0 && w[2] == 0 && w[3] == bpf_htonl(1));
}

/* Whether a flood of a frame for key.group gives port slot its copy. */
static __always_inline bool mld_listening(__u32 slot, struct nsteer_mld_key *key)
{
	const __u32 *state = bpf_map_lookup_elem(&mld_snooped, &slot);

	if (!state || *state != NSTEER_MLD_SNOOPED)
		return true;
	key->slot = slot;
	return bpf_map_lookup_elem(&mld_listeners, key) != NULL;
}

#endif
