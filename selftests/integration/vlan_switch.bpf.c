// SPDX-License-Identifier: GPL-2.0
/* Not part of the datapath: the VLAN switch that the integration tests run in a lab's wire
 * namespace (see wire_switch in lib.sh), because the test kernel may lack 802.1Q devices. wire0 is
 * its trunk, each veth wv<VID> an access port of VLAN VID: frames an access port receives leave the
 * trunk tagged with its VID, tagged frames the trunk receives reach their access port untagged.
 * Tags travel as skb metadata, as a kernel VLAN device with tx offload would send them.
 *
 * It can also act as the reflective relay of a VEPA setup: unicast to a station in `reflect` goes
 * back down the trunk, and so does a copy of a station's broadcasts and multicasts.
 *
 * The lab's ifindexes and MACs are known only at run time: the test fills the maps with bpftool. */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32); /* ifindex of the trunk */
} trunk SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);   /* ifindex of an access port */
	__type(value, __u32); /* its VID */
} vid_of_port SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);   /* VID */
	__type(value, __u32); /* ifindex of its access port */
} port_of_vid SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u64);  /* a station's MAC in its first 6 bytes, the rest zero */
	__type(value, __u8); /* unused */
} reflect SEC(".maps");

static __always_inline __u32 trunk_ifindex(void)
{
	__u32 zero = 0, *ifx = bpf_map_lookup_elem(&trunk, &zero);

	return ifx ? *ifx : 0;
}

SEC("tc")
int access_in(struct __sk_buff *skb)
{
	__u32 ifindex = skb->ifindex, *vid = bpf_map_lookup_elem(&vid_of_port, &ifindex);
	__u32 out = trunk_ifindex();

	if (!vid || !out || skb->vlan_present || bpf_skb_vlan_push(skb, bpf_htons(0x8100), *vid))
		return TC_ACT_SHOT;
	return bpf_redirect(out, 0);
}

SEC("tc")
int trunk_in(struct __sk_buff *skb)
{
	__u64 dst = 0, src = 0;
	__u32 vid, *ifx, out = trunk_ifindex();

	if (bpf_skb_load_bytes(skb, 0, &dst, 6) || bpf_skb_load_bytes(skb, 6, &src, 6))
		return TC_ACT_OK;
	if (out && bpf_map_lookup_elem(&reflect, &dst))
		return bpf_redirect(out, 0);
	/* the first byte of dst is the lowest in memory: its group bit marks broadcast/multicast */
	if (out && ((__u8 *)&dst)[0] & 1 && bpf_map_lookup_elem(&reflect, &src))
		bpf_clone_redirect(skb, out, 0);
	if (!skb->vlan_present)
		return TC_ACT_OK; /* untagged: wire0's own stack */
	vid = skb->vlan_tci & 0xfff;
	ifx = bpf_map_lookup_elem(&port_of_vid, &vid);
	if (!ifx)
		return TC_ACT_OK;
	if (bpf_skb_vlan_pop(skb))
		return TC_ACT_SHOT;
	return bpf_redirect(*ifx, 0);
}
