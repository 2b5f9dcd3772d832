// SPDX-License-Identifier: GPL-2.0
/* nsteer_xdp, the uplink's fast path, on crafted frames (BPF_PROG_RUN). It may only redirect what
 * nsteer_tc_up would deliver to the same port; everything else it passes up to tc, or drops when
 * the uplink drops unknown destinations. */
#include "progrun_expect.h"

TestSuite(xdp, .init = progrun_setup, .fini = progrun_teardown);

Test(xdp, unicast_to_untagged_port_is_redirected_and_counted)
{
	xdp_from_wire(port(PORT_A)->mac, -1, 128, XDP_REDIRECT,
		      "a known untagged port's MAC goes straight to it");
	expect_unchanged("redirected frame");
	expect_rx_range(PORT_A, PORT_A, 1, 128, "port A gets the frame, all 128 bytes");
	expect_uplink_untouched("a frame steered to a port is not the uplink's");
}

Test(xdp, unknown_unicast_is_passed_when_unknown_is_pass)
{
	xdp_from_wire(MAC_UNKNOWN, -1, FRAME_MIN, XDP_PASS,
		      "the host's own stack may want a frame no port owns");
	expect_uplink_count(drop_unknown_dst, 0, "a passed frame is not dropped");
}

Test(xdp, unknown_unicast_is_dropped_and_counted_when_unknown_is_drop)
{
	configure(NSTEER_MODE_BRIDGE, NSTEER_UNKNOWN_DROP);
	xdp_from_wire(MAC_UNKNOWN, -1, FRAME_MIN, XDP_DROP,
		      "--unknown drop drops at the earliest point");
	expect_uplink_count(drop_unknown_dst, 1, "--unknown drop");
}

Test(xdp, drops_are_described_only_while_a_monitor_reads)
{
	struct drop_events e;

	configure(NSTEER_MODE_BRIDGE, NSTEER_UNKNOWN_DROP);
	xdp_from_wire(MAC_UNKNOWN, -1, FRAME_MIN, XDP_DROP, "--unknown drop");
	drop_events_take(&e);
	cr_assert_eq(e.n, 0, "a drop was described while no monitor reads");
	monitor_switch(4242);
	xdp_from_wire(MAC_UNKNOWN, -1, 1000, XDP_DROP, "--unknown drop, monitored");
	expect_drop_event(NSTEER_SLOT_UPLINK, NSTEER_DROP_UNKNOWN_DST);
	monitor_switch(0);
	xdp_from_wire(MAC_UNKNOWN, -1, FRAME_MIN, XDP_DROP, "--unknown drop, monitor gone");
	drop_events_take(&e);
	cr_assert_eq(e.n, 0, "a drop was described after the monitor ended");
	expect_uplink_count(drop_unknown_dst, 3, "counted, monitored or not");
}

Test(xdp, malformed_frame_is_described_with_what_there_is)
{
	monitor_switch(4242);
	xdp_from_wire(port(PORT_C)->mac, 100, ETH_HLEN + 2, XDP_DROP, "a tag cut short");
	expect_drop_event(NSTEER_SLOT_UPLINK, NSTEER_DROP_MALFORMED);
}

Test(xdp, broadcast_and_multicast_are_passed_to_tc)
{
	const unsigned char *group[] = { MAC_BROADCAST, MAC_IPV4_MCAST, MAC_IPV6_MCAST };

	/* Even with --unknown drop: a group address is never "unknown", tc floods it to the ports
	 * and the host's stack needs its copy (ARP, neighbour discovery). */
	configure(NSTEER_MODE_BRIDGE, NSTEER_UNKNOWN_DROP);
	for (size_t i = 0; i < sizeof(group) / sizeof(group[0]); i++) {
		xdp_from_wire(group[i], -1, FRAME_MIN, XDP_PASS,
			      "group addresses are tc's to flood");
		xdp_from_wire(group[i], 100, FRAME_MIN, XDP_PASS,
			      "tagged group addresses are tc's to flood");
	}
	expect_nothing_counted("XDP counts no frame it passes on to tc; tc counts the clones");
}

Test(xdp, tagged_unicast_to_vlan_port_is_passed_to_tc)
{
	xdp_from_wire(port(PORT_C)->mac, port(PORT_C)->vlan, 128, XDP_PASS,
		      "the tag must come off first, which tc does");
	expect_unchanged("passed frame");
	expect_rx(PORT_C, 0, "XDP counted a frame that tc will count again");
}

Test(xdp, tagged_frame_to_untagged_port_mac_is_not_redirected)
{
	/* Port A is untagged: its MAC on VLAN 100 is somebody else. */
	xdp_from_wire(port(PORT_A)->mac, 100, 128, XDP_PASS,
		      "a port only gets frames of its own VLAN");
	expect_rx(PORT_A, 0, "port A counted a frame of VLAN 100");
}

Test(xdp, untagged_frame_to_vlan_port_mac_is_unknown)
{
	configure(NSTEER_MODE_BRIDGE, NSTEER_UNKNOWN_DROP);
	xdp_from_wire(port(PORT_C)->mac, -1, 128, XDP_DROP,
		      "port C is on VLAN 100: untagged, its MAC is unknown");
	expect_rx(PORT_C, 0, "port C counted an untagged frame");
	expect_uplink_count(drop_unknown_dst, 1, "untagged, port C's MAC is unknown");
}

Test(xdp, truncated_vlan_header_is_dropped_as_malformed)
{
	/* 14..17 bytes: the ethertype says 802.1Q, but the tag or the inner ethertype is cut. */
	expect_cut_tags_malformed(xdp_from_wire, 18, XDP_DROP);
}

Test(xdp, shortest_frame_is_refused_by_the_kernel)
{
	int err;

	/* BPF_PROG_RUN will not run a frame shorter than an Ethernet header (EINVAL), so the
	 * program's own runt check cannot be reached here; the integration tests send runts. */
	frame_make(&probe.f, port(PORT_A)->mac, MAC_REMOTE, -1, ETH_HLEN - 1);
	err = prog_run(pr.skel->progs.nsteer_xdp, NULL, &probe.f, &probe.r);
	cr_assert_eq(err, -EINVAL, "a 13-byte frame: BPF_PROG_RUN returned %d, want -EINVAL", err);

	xdp_from_wire(port(PORT_A)->mac, -1, ETH_HLEN, XDP_REDIRECT,
		      "a bare 14-byte header is a frame like any other");
}

Test(xdp, unconfigured_uplink_passes_everything)
{
	const struct nsteer_config unset = { .uplink_ifindex = 0, .unknown = NSTEER_UNKNOWN_DROP };

	/* The map as it is before attach writes it (all zero) ... */
	config_write(&(struct nsteer_config){ 0 });
	xdp_from_wire(port(PORT_A)->mac, -1, FRAME_MIN, XDP_PASS,
		      "no configuration: nothing may be steered");

	/* ... and settings without an uplink (a half-finished attach): nothing steered or
	 * dropped. */
	config_write(&unset);
	expect_xdp(XDP_PASS, "uplink_ifindex 0: a known port must not be steered");
	xdp_from_wire(MAC_UNKNOWN, -1, FRAME_MIN, XDP_PASS,
		      "uplink_ifindex 0: unknown must not be dropped");
	xdp_from_wire(port(PORT_C)->mac, 100, 15, XDP_PASS,
		      "uplink_ifindex 0: not even malformed frames are dropped");
}

Test(xdp, jumbo_multibuffer_frame_is_passed_whole_to_tc)
{
	/* nsteer_xdp is xdp.frags: BPF_PROG_RUN puts what exceeds one page into fragments. A
	 * redirected multi-buffer frame is dropped by some drivers and kernels (veth on 6.1), so
	 * such frames go to tc, which delivers them as an skb. */
	xdp_from_wire(port(PORT_A)->mac, -1, 9000, XDP_PASS,
		      "a jumbo frame in fragments goes on to tc");
	expect_unchanged("the jumbo frame, fragments included, unchanged");
	expect_rx(PORT_A, 0, "tc counts it, not XDP");

	/* One that fits the linear part is still redirected here. */
	xdp_from_wire(port(PORT_A)->mac, -1, 1500, XDP_REDIRECT,
		      "a frame in one buffer takes the fast path");
	expect_port_count(PORT_A, rx_bytes, 1500, "and is counted with its length");
}

Test(xdp, s_tagged_frame_is_not_redirected_into_untagged_port)
{
	__u16 tpid = htons(ETH_P_8021AD);

	/* An 802.1ad (QinQ outer) tag puts the frame on a VLAN just as 802.1Q does: nsteer_tc_up
	 * sees it as VLAN 100 (the stack moves either kind of tag into skb metadata before tc) and
	 * never delivers it to untagged port A. XDP sees the raw frame and must agree. */
	frame_make(&probe.f, port(PORT_A)->mac, MAC_REMOTE, 100, 128);
	memcpy(probe.f.data + 12, &tpid, 2);
	expect_xdp(XDP_PASS, "an S-tagged frame belongs to VLAN 100, not to port A");
	expect_rx(PORT_A, 0, "port A counted a frame of S-VLAN 100");
}

/* ---- mac_index: ports whose (MAC, VLAN) map to an occupied entry overflow into the hash ---- */

/* A MAC other than port A's that maps to port A's index entry. */
static void colliding_mac(unsigned char mac[6], unsigned int nth)
{
	__u32 want = nsteer_index_of(port(PORT_A)->mac, NSTEER_VLAN_NONE);

	memcpy(mac, port(PORT_A)->mac, 6);
	for (__u32 x = 1; x < (1u << 24); x++) {
		mac[3] = x >> 16;
		mac[4] = x >> 8;
		mac[5] = x;
		if (nsteer_index_of(mac, NSTEER_VLAN_NONE) == want &&
		    memcmp(mac, port(PORT_A)->mac, 6) && nth-- == 0)
			return;
	}
	cr_assert_fail("no MAC collides with port A's index entry");
}

/* Registers mac as a second name of port B that overflowed from port A's index entry, as port
 * add does when the entry is taken: in the "ports" hash only, counted in the entry's overflow. */
static void overflow_alias_of_b(const unsigned char mac[6])
{
	struct nsteer_port_key key = { .vlan = NSTEER_VLAN_NONE };
	struct nsteer_port_dest dest = { .ifindex = port(PORT_B)->ifindex,
					 .slot = port(PORT_B)->slot };
	__u32 idx = nsteer_index_of(mac, NSTEER_VLAN_NONE);
	struct nsteer_index_entry e;
	int fd = bpf_map__fd(pr.skel->maps.mac_index);

	memcpy(key.mac, mac, 6);
	cr_assert_eq(
		bpf_map_update_elem(bpf_map__fd(pr.skel->maps.ports), &key, &dest, BPF_NOEXIST), 0,
		"ports[alias]");
	cr_assert_eq(bpf_map_lookup_elem(fd, &idx, &e), 0, "mac_index[%u]", idx);
	cr_assert_eq(e.slot, port(PORT_A)->slot, "port A holds the entry the alias maps to");
	e.overflow++;
	cr_assert_eq(bpf_map_update_elem(fd, &idx, &e, BPF_ANY), 0, "mac_index[%u]", idx);
}

Test(xdp, port_that_overflowed_the_index_is_found_through_the_hash)
{
	unsigned char alias[6];

	colliding_mac(alias, 0);
	overflow_alias_of_b(alias);
	xdp_from_wire(alias, -1, 128, XDP_REDIRECT, "a port that overflowed is still steered");
	expect_rx(PORT_B, 1, "the frame went to the alias's port, B");
	expect_rx(PORT_A, 0, "not to A, which holds the index entry");

	xdp_from_wire(port(PORT_A)->mac, -1, 128, XDP_REDIRECT, "A is found in its index entry");
	expect_rx(PORT_A, 1, "A's own frame went to A");
}

Test(xdp, unknown_mac_sharing_an_occupied_entry_is_unknown)
{
	unsigned char stranger[6], alias[6];

	configure(NSTEER_MODE_BRIDGE, NSTEER_UNKNOWN_DROP);
	colliding_mac(stranger, 1);
	xdp_from_wire(stranger, -1, FRAME_MIN, XDP_DROP,
		      "sharing A's entry does not make a MAC A's");
	expect_rx(PORT_A, 0, "nothing reached A");

	/* With an overflow on the entry the hash is asked, and it does not know the MAC either. */
	colliding_mac(alias, 0);
	overflow_alias_of_b(alias);
	xdp_from_wire(stranger, -1, FRAME_MIN, XDP_DROP,
		      "an overflowing entry still tells strangers apart");
	expect_uplink_count(drop_unknown_dst, 2, "both strangers counted as unknown");
}

/* On a NIC that strips VLAN tags before XDP runs, a frame tagged for VLAN 10 looks untagged here:
 * steering it by its MAC alone could hand it to an untagged port, and dropping it as unknown
 * could starve a VLAN port. XDP makes no decision at all then; tc reads the tag from the skb. */
Test(xdp, every_frame_goes_to_tc_when_the_nic_strips_vlan_tags)
{
	const unsigned char *dst[] = { port(PORT_A)->mac, MAC_UNKNOWN, MAC_BROADCAST };
	struct nsteer_config cfg = {
		.uplink_ifindex = pr.uplink,
		.mode = NSTEER_MODE_BRIDGE,
		.unknown = NSTEER_UNKNOWN_DROP,
		.slots_used = PORTS_N + 1,
		.flags = NSTEER_CFG_RX_VLAN_STRIPPED,
	};

	config_write(&cfg);
	for (size_t i = 0; i < sizeof(dst) / sizeof(dst[0]); i++)
		xdp_from_wire(dst[i], -1, 128, XDP_PASS,
			      "XDP cannot see a stripped tag: tc decides");
	expect_uplink_untouched("XDP counted frames it left to tc");
	expect_port_untouched(PORT_A, "XDP counted frames it left to tc");

	/* The same frame without the flag: redirected, so the test above tells the two apart. */
	cfg.flags = 0;
	config_write(&cfg);
	xdp_from_wire(port(PORT_A)->mac, -1, 128, XDP_REDIRECT,
		      "without stripping, a known port's MAC is steered here");
}

/* Past NSTEER_XDP_REDIRECT_PORTS_MAX ports, delivering is tc's (redirect_peer costs less there);
 * XDP still drops what it drops. */
Test(xdp, many_ports_leave_delivery_to_tc)
{
	struct nsteer_config cfg = {
		.uplink_ifindex = pr.uplink,
		.mode = NSTEER_MODE_BRIDGE,
		.unknown = NSTEER_UNKNOWN_DROP,
		.slots_used = NSTEER_XDP_REDIRECT_PORTS_MAX + 2,
	};

	config_write(&cfg);
	xdp_from_wire(port(PORT_A)->mac, -1, 128, XDP_PASS, "one port too many: tc delivers");
	expect_port_untouched(PORT_A, "XDP counted a frame it left to tc");
	xdp_from_wire(MAC_UNKNOWN, -1, FRAME_MIN, XDP_DROP, "unknown MACs still die in XDP");
	expect_uplink_count(drop_unknown_dst, 1, "the unknown MAC is counted");

	cfg.slots_used = NSTEER_XDP_REDIRECT_PORTS_MAX + 1;
	config_write(&cfg);
	xdp_from_wire(port(PORT_A)->mac, -1, 128, XDP_REDIRECT, "at the limit, XDP still delivers");
}

/* nsteer_xdp_skb, the --xdp-mode skb flavour: it drops what dies early and delivers nothing
 * itself; tc's redirect_peer, measured faster into a port at every port count, delivers. */
static void progrun_setup_generic(void)
{
	progrun_generic_xdp = true;
	progrun_setup();
}

TestSuite(xdp_generic, .init = progrun_setup_generic, .fini = progrun_teardown);

Test(xdp_generic, known_port_is_left_to_tc_and_strangers_still_die_here)
{
	configure(NSTEER_MODE_BRIDGE, NSTEER_UNKNOWN_DROP);
	xdp_from_wire(port(PORT_A)->mac, -1, 128, XDP_PASS, "generic XDP leaves delivery to tc");
	expect_port_untouched(PORT_A, "XDP counted a frame it left to tc");
	xdp_from_wire(MAC_UNKNOWN, -1, FRAME_MIN, XDP_DROP, "an unknown MAC dies in generic XDP");
	expect_uplink_count(drop_unknown_dst, 1, "the unknown MAC is counted");
	xdp_from_wire(port(PORT_C)->mac, 100, 17, XDP_DROP, "a cut 802.1Q header dies here too");
	expect_uplink_count(drop_malformed, 1, "the cut frame is counted as malformed");
}
