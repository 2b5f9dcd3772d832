/* SPDX-License-Identifier: GPL-2.0 */
#ifndef NSTEER_BPF_ETHERNET_H
#define NSTEER_BPF_ETHERNET_H

#include "base.h"

#define ETH_HLEN 14
#define ETH_P_8021Q 0x8100
#define ETH_P_8021AD 0x88a8
#define VLAN_VID_MASK 0x0fff

#define TC_ACT_OK 0
#define TC_ACT_SHOT 2
#define PACKET_HOST 0

/* The part of a frame every steering decision reads. */
struct frame_head {
	__u8 dst[6];
	__u8 src[6];
	__be16 proto;
	__be16 vlan_tci;   /* valid when proto is 802.1Q */
	__be16 vlan_proto; /* the encapsulated ethertype */
};

static __always_inline bool eth_is_vlan(__be16 proto)
{
	return proto == bpf_htons(ETH_P_8021Q) || proto == bpf_htons(ETH_P_8021AD);
}

static __always_inline bool mac_is_multicast(const __u8 *mac)
{
	return mac[0] & 1; /* broadcast has the group bit too */
}

static __always_inline bool mac_equal(const __u8 *a, const __u8 *b)
{
	/* 16-bit loads: MACs inside an Ethernet header are only 2-byte aligned. */
	const __u16 *x = (const __u16 *)a, *y = (const __u16 *)b;

	return ((x[0] ^ y[0]) | (x[1] ^ y[1]) | (x[2] ^ y[2])) == 0;
}

static __always_inline void mac_copy(__u8 *dst, const __u8 *src)
{
	__builtin_memcpy(dst, src, 6);
}

#endif
