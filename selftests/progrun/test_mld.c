// SPDX-License-Identifier: GPL-2.0
/* MLD snooping (bpf/mld.h), on crafted frames (BPF_PROG_RUN): the reports a port sends through
 * nsteer_tc_port make it a listener of their groups, and floods of IPv6 multicast, from a port or
 * from the wire, give a copy only to listeners, to ports whose listening is unknown, and to every
 * port for ff02::1. The lab's ports start unknown, as a port made before snooping would be;
 * snooped() makes one what `port add` makes a new port. */
#include "progrun.h"

TestSuite(mld, .init = progrun_setup, .fini = progrun_teardown);

#define GROUP(last)                                                        \
	{                                                                  \
		0xff, 0x05, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x12, last \
	}
static const __u8 GROUP_A[16] = GROUP(0x01);
static const __u8 GROUP_B[16] = GROUP(0x02);
static const __u8 ALL_NODES[16] = { 0xff, 0x02, [15] = 0x01 };
static const __u8 ALL_MLDV2_ROUTERS[16] = { 0xff, 0x02, [15] = 0x16 };
static const __u8 LINK_LOCAL[16] = { 0xfe, 0x80, [15] = 0x01 };

enum { TO_INCLUDE = 3, TO_EXCLUDE = 4 };

/* What precedes every MLD message: next header ICMPv6, a router alert (MLD), and padding. */
static const __u8 hop_by_hop[8] = { 58, 0, 5, 2, 0, 0, 1, 0 };

struct record {
	__u8 type;
	__u16 sources;
	const __u8 *group;
};

static void snooped(enum port_id id)
{
	__u32 state = NSTEER_MLD_SNOOPED;
	int err = bpf_map_update_elem(bpf_map__fd(pr.skel->maps.mld_snooped), &port(id)->slot,
				      &state, BPF_ANY);

	cr_assert_eq(err, 0, "mld_snooped[%u]: %s", port(id)->slot, strerror(-err));
}

static __u32 state_of(enum port_id id)
{
	__u32 state;
	int err = bpf_map_lookup_elem(bpf_map__fd(pr.skel->maps.mld_snooped), &port(id)->slot,
				      &state);

	cr_assert_eq(err, 0, "mld_snooped[%u]: %s", port(id)->slot, strerror(-err));
	return state;
}

static bool listens(enum port_id id, const __u8 *group)
{
	struct nsteer_mld_key key = { .slot = port(id)->slot };
	__u8 value;

	memcpy(key.group, group, 16);
	return bpf_map_lookup_elem(bpf_map__fd(pr.skel->maps.mld_listeners), &key, &value) == 0;
}

/* Ethernet (to group's MAC, 33:33 and its low four bytes; tagged when vid >= 0) and an IPv6 header
 * from fe80::1 to group with next header nexthdr; returns the offset of the IPv6 payload. */
static size_t ipv6_head(struct frame *f, const __u8 *group, const unsigned char *src, int vid,
			__u8 nexthdr)
{
	unsigned char dst[6] = { 0x33, 0x33, group[12], group[13], group[14], group[15] };
	size_t off = 12;

	memset(f->data, 0, sizeof(f->data));
	memcpy(f->data, dst, 6);
	memcpy(f->data + 6, src, 6);
	if (vid >= 0) {
		f->data[off++] = 0x81;
		f->data[off++] = 0x00;
		f->data[off++] = vid >> 8;
		f->data[off++] = vid & 0xff;
	}
	f->data[off++] = 0x86;
	f->data[off++] = 0xdd;
	f->data[off] = 0x60; /* version 6 */
	f->data[off + 6] = nexthdr;
	f->data[off + 7] = 1; /* hop limit */
	memcpy(f->data + off + 8, LINK_LOCAL, 16);
	memcpy(f->data + off + 24, group, 16);
	return off + 40;
}

/* A UDP datagram to group, as an application's multicast traffic. */
static void mcast_frame(struct frame *f, const __u8 *group, const unsigned char *src, int vid)
{
	size_t off = ipv6_head(f, group, src, vid, 17);

	f->data[off + 3] = 9; /* to port 9 */
	f->data[off + 5] = 16;
	f->len = off + 16 < FRAME_MIN ? FRAME_MIN : off + 16;
}

/* An MLDv2 report with records (claiming `claimed` of them), as a port's stack sends it: to
 * ff02::16, after a hop-by-hop header with a router alert. */
static void mld2_report(struct frame *f, const unsigned char *src, const struct record *recs, int n,
			int claimed)
{
	size_t off = ipv6_head(f, ALL_MLDV2_ROUTERS, src, -1, 0);

	memcpy(f->data + off, hop_by_hop, sizeof(hop_by_hop));
	off += sizeof(hop_by_hop);
	f->data[off] = 143;
	f->data[off + 6] = claimed >> 8;
	f->data[off + 7] = claimed & 0xff;
	off += 8;
	for (int i = 0; i < n; i++) {
		f->data[off] = recs[i].type;
		f->data[off + 2] = recs[i].sources >> 8;
		f->data[off + 3] = recs[i].sources & 0xff;
		memcpy(f->data + off + 4, recs[i].group, 16);
		off += 20;
		for (int s = 0; s < recs[i].sources; s++, off += 16)
			memcpy(f->data + off, LINK_LOCAL, 16);
	}
	f->len = off < FRAME_MIN ? FRAME_MIN : off;
}

/* An MLDv1 report (131) or done (132) for group. */
static void mld1(struct frame *f, const unsigned char *src, __u8 type, const __u8 *group)
{
	size_t off = ipv6_head(f, group, src, -1, 0);

	memcpy(f->data + off, hop_by_hop, sizeof(hop_by_hop));
	off += sizeof(hop_by_hop);
	f->data[off] = type;
	memcpy(f->data + off + 8, group, 16);
	f->len = off + 24 < FRAME_MIN ? FRAME_MIN : off + 24;
}

static void report(enum port_id from, const struct record *recs, int n)
{
	struct frame f;
	struct run r;

	mld2_report(&f, port(from)->mac, recs, n, n);
	run_tc_port(from, &f, &r);
	assert_tc_verdict(&r, TC_ACT_REDIRECT, "a report goes on to the wire, for its routers");
}

static void send_from_port(enum port_id from, const __u8 *group)
{
	struct frame f;
	struct run r;

	mcast_frame(&f, group, port(from)->mac, -1);
	run_tc_port(from, &f, &r);
	assert_tc_verdict(&r, TC_ACT_REDIRECT, "multicast goes on to the wire");
}

Test(mld, a_flood_reaches_a_snooped_port_only_for_the_groups_it_reported)
{
	struct record join = { TO_EXCLUDE, 0, GROUP_A };

	snooped(PORT_A);
	snooped(PORT_B);
	report(PORT_B, &join, 1);
	cr_assert(listens(PORT_B, GROUP_A), "B's report did not make it a listener of the group");
	expect_rx(PORT_A, 0, "A listens to no group, ff02::16 included, so B's report is not its");

	send_from_port(PORT_A, GROUP_A);
	expect_rx(PORT_B, 1, "B reported the group");
	send_from_port(PORT_A, GROUP_B);
	expect_rx(PORT_B, 1, "B never reported this group");
	expect_wire_tx(3, "the report and both frames go on to the wire");
}

Test(mld, a_port_of_unknown_listening_gets_every_ipv6_multicast)
{
	snooped(PORT_A);
	send_from_port(PORT_A, GROUP_B);
	expect_rx(PORT_B, 1, "B's listening is not known (a port made before snooping)");
}

Test(mld, all_nodes_reaches_every_port_without_a_report)
{
	snooped(PORT_A);
	snooped(PORT_B);
	send_from_port(PORT_A, ALL_NODES);
	expect_rx(PORT_B, 1, "every node listens to ff02::1 and none reports it");
}

Test(mld, a_frame_to_an_ipv6_multicast_mac_that_is_not_ipv6_is_flooded)
{
	const unsigned char dst[6] = { 0x33, 0x33, 0x00, 0x00, 0x12, 0x01 };
	struct frame f;
	struct run r;

	snooped(PORT_A);
	snooped(PORT_B);
	frame_make(&f, dst, port(PORT_A)->mac, -1, 100);
	run_tc_port(PORT_A, &f, &r);
	expect_rx(PORT_B, 1, "only IPv6 frames have a group to filter by");
}

Test(mld, change_to_include_nothing_is_a_leave)
{
	struct record join = { TO_EXCLUDE, 0, GROUP_A }, leave = { TO_INCLUDE, 0, GROUP_A };

	snooped(PORT_A);
	snooped(PORT_B);
	report(PORT_B, &join, 1);
	report(PORT_B, &leave, 1);
	cr_assert_not(listens(PORT_B, GROUP_A), "B left the group but still listens to it");
	send_from_port(PORT_A, GROUP_A);
	expect_rx(PORT_B, 0, "B left the group");
}

Test(mld, include_with_sources_is_a_join)
{
	struct record join = { TO_INCLUDE, 2, GROUP_A };

	snooped(PORT_B);
	report(PORT_B, &join, 1);
	cr_assert(listens(PORT_B, GROUP_A), "source-specific listening is listening");
}

Test(mld, every_record_of_a_report_counts)
{
	struct record recs[] = {
		{ TO_INCLUDE, 1,
		  GROUP_B }, /* sources before the next record: the walk must skip them */
		{ TO_EXCLUDE, 0, GROUP_A },
	};

	snooped(PORT_B);
	report(PORT_B, recs, 2);
	cr_assert(listens(PORT_B, GROUP_B), "the first record was lost");
	cr_assert(listens(PORT_B, GROUP_A), "the record after one with a source was lost");
	cr_assert_eq(state_of(PORT_B), NSTEER_MLD_SNOOPED, "a well-formed report was doubted");
}

Test(mld, mldv1_report_and_done)
{
	struct frame f;
	struct run r;

	snooped(PORT_B);
	mld1(&f, port(PORT_B)->mac, 131, GROUP_A);
	run_tc_port(PORT_B, &f, &r);
	cr_assert(listens(PORT_B, GROUP_A), "an MLDv1 report did not make B a listener");
	mld1(&f, port(PORT_B)->mac, 132, GROUP_A);
	run_tc_port(PORT_B, &f, &r);
	cr_assert_not(listens(PORT_B, GROUP_A), "an MLDv1 done did not end B's listening");
}

Test(mld, a_report_missing_records_makes_the_port_unknown)
{
	struct record join = { TO_EXCLUDE, 0, GROUP_A };
	struct frame f;
	struct run r;

	snooped(PORT_A);
	snooped(PORT_B);
	mld2_report(&f, port(PORT_B)->mac, &join, 1, 40); /* claims 40 records, carries 1 */
	run_tc_port(PORT_B, &f, &r);
	cr_assert_eq(state_of(PORT_B), NSTEER_MLD_UNKNOWN,
		     "B's listening can no longer be known, yet it is still filtered");
	send_from_port(PORT_A, GROUP_B);
	expect_rx(PORT_B, 1, "a port whose listening is unknown gets every group");
}

Test(mld, an_unknown_record_type_makes_the_port_unknown)
{
	struct record odd = { 9, 0, GROUP_A };

	snooped(PORT_B);
	report(PORT_B, &odd, 1);
	cr_assert_eq(state_of(PORT_B), NSTEER_MLD_UNKNOWN,
		     "a record nsteer cannot read was trusted");
}

Test(mld, a_flood_from_the_wire_reaches_only_listeners_of_its_vlan)
{
	struct record join = { TO_EXCLUDE, 0, GROUP_A };
	struct frame f, got;
	struct run r;
	int fd_d;

	snooped(PORT_C);
	snooped(PORT_D);
	report(PORT_D, &join, 1);
	fd_d = capture_open(port(PORT_D)->ns_ifindex);
	mcast_frame(&f, GROUP_A, MAC_REMOTE, port(PORT_D)->vlan);
	run_tc_up(&f, &r);

	assert_tc_verdict(&r, TC_ACT_OK, "the uplink's own stack gets its copy");
	expect_rx(PORT_D, 1, "D reported the group");
	expect_rx(PORT_C, 0, "C is on the VLAN but never reported the group");
	expect_rx(PORT_E, 0, "E is on another VLAN");
	cr_assert(capture_next(fd_d, MAC_REMOTE, 1000, &got), "port D received no copy");
	cr_assert_eq(got.len, f.len - 4, "port D's copy is %zu bytes, want %zu (untagged)", got.len,
		     f.len - 4);
	cr_assert_arr_eq(got.data + 14, f.data + 18, f.len - 18,
			 "the group read after the tag came off was not the frame's own");
	close(fd_d);
}

Test(mld, a_port_that_routes_gets_every_group)
{
	static const __u8 all_routers[16] = { 0xff, 0x02, [15] = 0x02 };
	struct record join = { TO_EXCLUDE, 0, all_routers };
	struct frame f;
	struct run r;

	snooped(PORT_A);
	snooped(PORT_B);
	report(PORT_B, &join, 1);
	cr_assert_eq(state_of(PORT_B), NSTEER_MLD_UNKNOWN,
		     "B joined ff02::2, as a stack does when it forwards, yet is still filtered");
	/* An MLD query (130) makes a port a querier: a router too. */
	mld1(&f, port(PORT_A)->mac, 130, ALL_NODES);
	run_tc_port(PORT_A, &f, &r);
	cr_assert_eq(state_of(PORT_A), NSTEER_MLD_UNKNOWN,
		     "A sent an MLD query, yet is still filtered");
}
