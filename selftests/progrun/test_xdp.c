// SPDX-License-Identifier: GPL-2.0
/* nsteer_xdp, the uplink's fast path, on crafted frames (BPF_PROG_RUN). It may only redirect what
 * nsteer_tc_up would deliver to the same port; everything else it passes up to tc, or drops when
 * the uplink drops unknown destinations. */
#include "progrun.h"

TestSuite(xdp, .init = progrun_setup, .fini = progrun_teardown);

Test(xdp, unicast_to_untagged_port_is_redirected_and_counted)
{
	struct frame f;
	struct run r;
	struct nsteer_counters a, up;

	frame_make(&f, port(PORT_A)->mac, MAC_REMOTE, -1, 128);
	run_xdp(&f, &r);

	assert_xdp_verdict(&r, XDP_REDIRECT, "a known untagged port's MAC goes straight to it");
	assert_frame_eq(&r, &f, "redirected frame");
	a = port_counters(PORT_A);
	cr_assert_eq(a.rx_packets, 1, "port A counted %llu frames received, want 1",
		     (unsigned long long)a.rx_packets);
	cr_assert_eq(a.rx_bytes, 128, "port A counted %llu bytes received, want 128",
		     (unsigned long long)a.rx_bytes);
	up = uplink_counters();
	cr_assert(counters_zero(&up), "a frame steered to a port was also counted on the uplink");
}

Test(xdp, unknown_unicast_is_passed_when_unknown_is_pass)
{
	struct frame f;
	struct run r;
	struct nsteer_counters up;

	frame_make(&f, MAC_UNKNOWN, MAC_REMOTE, -1, FRAME_MIN);
	run_xdp(&f, &r);

	assert_xdp_verdict(&r, XDP_PASS, "the host's own stack may want a frame no port owns");
	up = uplink_counters();
	cr_assert_eq(up.drop_unknown_dst, 0, "a passed frame was counted as dropped");
}

Test(xdp, unknown_unicast_is_dropped_and_counted_when_unknown_is_drop)
{
	struct frame f;
	struct run r;
	struct nsteer_counters up;

	configure(NSTEER_MODE_BRIDGE, NSTEER_UNKNOWN_DROP);
	frame_make(&f, MAC_UNKNOWN, MAC_REMOTE, -1, FRAME_MIN);
	run_xdp(&f, &r);

	assert_xdp_verdict(&r, XDP_DROP, "--unknown drop drops at the earliest point");
	up = uplink_counters();
	cr_assert_eq(up.drop_unknown_dst, 1, "uplink drop_unknown_dst is %llu, want 1",
		     (unsigned long long)up.drop_unknown_dst);
}

Test(xdp, broadcast_and_multicast_are_passed_to_tc)
{
	const unsigned char *group[] = { MAC_BROADCAST, MAC_IPV4_MCAST, MAC_IPV6_MCAST };
	struct frame f;
	struct run r;
	struct nsteer_counters up;

	/* Even with --unknown drop: a group address is never "unknown", tc floods it to the ports
	 * and the host's stack needs its copy (ARP, neighbour discovery). */
	configure(NSTEER_MODE_BRIDGE, NSTEER_UNKNOWN_DROP);
	for (size_t i = 0; i < sizeof(group) / sizeof(group[0]); i++) {
		frame_make(&f, group[i], MAC_REMOTE, -1, FRAME_MIN);
		run_xdp(&f, &r);
		assert_xdp_verdict(&r, XDP_PASS, "group addresses are tc's to flood");
		frame_make(&f, group[i], MAC_REMOTE, 100, FRAME_MIN);
		run_xdp(&f, &r);
		assert_xdp_verdict(&r, XDP_PASS, "tagged group addresses are tc's to flood");
	}
	up = uplink_counters();
	cr_assert(counters_zero(&up), "XDP counted a frame it passed on to tc");
	for (int i = 0; i < PORTS_N; i++) {
		struct nsteer_counters c = port_counters(i);

		cr_assert(counters_zero(&c), "XDP counted a flood on port %s; tc counts the clones",
			  port(i)->host_name);
	}
}

Test(xdp, tagged_unicast_to_vlan_port_is_passed_to_tc)
{
	struct frame f;
	struct run r;
	struct nsteer_counters c;

	frame_make(&f, port(PORT_C)->mac, MAC_REMOTE, port(PORT_C)->vlan, 128);
	run_xdp(&f, &r);

	assert_xdp_verdict(&r, XDP_PASS, "the tag must come off first, which tc does");
	assert_frame_eq(&r, &f, "passed frame");
	c = port_counters(PORT_C);
	cr_assert_eq(c.rx_packets, 0, "XDP counted a frame that tc will count again");
}

Test(xdp, tagged_frame_to_untagged_port_mac_is_not_redirected)
{
	struct frame f;
	struct run r;
	struct nsteer_counters a;

	/* Port A is untagged: its MAC on VLAN 100 is somebody else. */
	frame_make(&f, port(PORT_A)->mac, MAC_REMOTE, 100, 128);
	run_xdp(&f, &r);

	assert_xdp_verdict(&r, XDP_PASS, "a port only gets frames of its own VLAN");
	a = port_counters(PORT_A);
	cr_assert_eq(a.rx_packets, 0, "port A counted a frame of VLAN 100");
}

Test(xdp, untagged_frame_to_vlan_port_mac_is_unknown)
{
	struct frame f;
	struct run r;
	struct nsteer_counters c, up;

	configure(NSTEER_MODE_BRIDGE, NSTEER_UNKNOWN_DROP);
	frame_make(&f, port(PORT_C)->mac, MAC_REMOTE, -1, 128);
	run_xdp(&f, &r);

	assert_xdp_verdict(&r, XDP_DROP, "port C is on VLAN 100: untagged, its MAC is unknown");
	c = port_counters(PORT_C);
	cr_assert_eq(c.rx_packets, 0, "port C counted an untagged frame");
	up = uplink_counters();
	cr_assert_eq(up.drop_unknown_dst, 1, "uplink drop_unknown_dst is %llu, want 1",
		     (unsigned long long)up.drop_unknown_dst);
}

Test(xdp, truncated_vlan_header_is_dropped_as_malformed)
{
	struct frame f;
	struct run r;
	struct nsteer_counters up;

	/* 14..17 bytes: the ethertype says 802.1Q, but the tag or the inner ethertype is cut. */
	for (size_t len = 14; len < 18; len++) {
		frame_make(&f, port(PORT_C)->mac, MAC_REMOTE, 100, len);
		run_xdp(&f, &r);
		cr_assert_eq(r.retval, XDP_DROP, "%zu-byte 802.1Q frame: verdict %s, want XDP_DROP",
			     len, xdp_verdict(r.retval));
	}
	up = uplink_counters();
	cr_assert_eq(up.drop_malformed, 4, "uplink drop_malformed is %llu, want 4",
		     (unsigned long long)up.drop_malformed);
}

Test(xdp, shortest_frame_is_refused_by_the_kernel)
{
	struct frame f;
	struct run r;
	int err;

	/* BPF_PROG_RUN will not run a frame shorter than an Ethernet header (EINVAL), so the
	 * program's own runt check cannot be reached here; the integration tests send runts. */
	frame_make(&f, port(PORT_A)->mac, MAC_REMOTE, -1, ETH_HLEN - 1);
	err = prog_run(pr.skel->progs.nsteer_xdp, NULL, &f, &r);
	cr_assert_eq(err, -EINVAL, "a 13-byte frame: BPF_PROG_RUN returned %d, want -EINVAL", err);

	frame_make(&f, port(PORT_A)->mac, MAC_REMOTE, -1, ETH_HLEN);
	run_xdp(&f, &r);
	assert_xdp_verdict(&r, XDP_REDIRECT, "a bare 14-byte header is a frame like any other");
}

Test(xdp, unconfigured_uplink_passes_everything)
{
	const struct nsteer_config unset = { .uplink_ifindex = 0, .unknown = NSTEER_UNKNOWN_DROP };
	struct frame f;
	struct run r;

	/* The map as it is before attach writes it (all zero) ... */
	config_write(&(struct nsteer_config){ 0 });
	frame_make(&f, port(PORT_A)->mac, MAC_REMOTE, -1, FRAME_MIN);
	run_xdp(&f, &r);
	assert_xdp_verdict(&r, XDP_PASS, "no configuration: nothing may be steered");

	/* ... and settings without an uplink (a half-finished attach): nothing steered or
	 * dropped. */
	config_write(&unset);
	run_xdp(&f, &r);
	assert_xdp_verdict(&r, XDP_PASS, "uplink_ifindex 0: a known port must not be steered");
	frame_make(&f, MAC_UNKNOWN, MAC_REMOTE, -1, FRAME_MIN);
	run_xdp(&f, &r);
	assert_xdp_verdict(&r, XDP_PASS, "uplink_ifindex 0: unknown must not be dropped");
	frame_make(&f, port(PORT_C)->mac, MAC_REMOTE, 100, 15);
	run_xdp(&f, &r);
	assert_xdp_verdict(&r, XDP_PASS, "uplink_ifindex 0: not even malformed frames are dropped");
}

Test(xdp, jumbo_multibuffer_frame_is_passed_whole_to_tc)
{
	struct frame f;
	struct run r;

	/* nsteer_xdp is xdp.frags: BPF_PROG_RUN puts what exceeds one page into fragments. A
	 * redirected multi-buffer frame is dropped by some drivers and kernels (veth on 6.1), so
	 * such frames go to tc, which delivers them as an skb. */
	frame_make(&f, port(PORT_A)->mac, MAC_REMOTE, -1, 9000);
	run_xdp(&f, &r);

	assert_xdp_verdict(&r, XDP_PASS, "a jumbo frame in fragments goes on to tc");
	assert_frame_eq(&r, &f, "the jumbo frame, fragments included, unchanged");
	cr_assert_eq(port_counters(PORT_A).rx_packets, 0, "tc counts it, not XDP");

	/* One that fits the linear part is still redirected here. */
	frame_make(&f, port(PORT_A)->mac, MAC_REMOTE, -1, 1500);
	run_xdp(&f, &r);
	assert_xdp_verdict(&r, XDP_REDIRECT, "a frame in one buffer takes the fast path");
	cr_assert_eq(port_counters(PORT_A).rx_bytes, 1500, "and is counted with its length");
}

Test(xdp, s_tagged_frame_is_not_redirected_into_untagged_port)
{
	struct frame f;
	struct run r;
	struct nsteer_counters a;
	__u16 tpid = htons(ETH_P_8021AD);

	/* An 802.1ad (QinQ outer) tag puts the frame on a VLAN just as 802.1Q does: nsteer_tc_up
	 * sees it as VLAN 100 (the stack moves either kind of tag into skb metadata before tc) and
	 * never delivers it to untagged port A. XDP sees the raw frame and must agree. */
	frame_make(&f, port(PORT_A)->mac, MAC_REMOTE, 100, 128);
	memcpy(f.data + 12, &tpid, 2);
	run_xdp(&f, &r);

	a = port_counters(PORT_A);
	assert_xdp_verdict(&r, XDP_PASS, "an S-tagged frame belongs to VLAN 100, not to port A");
	cr_assert_eq(a.rx_packets, 0, "port A counted a frame of S-VLAN 100");
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
		if (nsteer_index_of(mac, NSTEER_VLAN_NONE) == want && memcmp(mac, port(PORT_A)->mac, 6) &&
		    nth-- == 0)
			return;
	}
	cr_assert_fail("no MAC collides with port A's index entry");
}

/* Registers mac as a second name of port B that overflowed from port A's index entry, as port
 * add does when the entry is taken: in the "ports" hash only, counted in the entry's overflow. */
static void overflow_alias_of_b(const unsigned char mac[6])
{
	struct nsteer_port_key key = { .vlan = NSTEER_VLAN_NONE };
	struct nsteer_port_dest dest = { .ifindex = port(PORT_B)->ifindex, .slot = port(PORT_B)->slot };
	__u32 idx = nsteer_index_of(mac, NSTEER_VLAN_NONE);
	struct nsteer_index_entry e;
	int fd = bpf_map__fd(pr.skel->maps.mac_index);

	memcpy(key.mac, mac, 6);
	cr_assert_eq(bpf_map_update_elem(bpf_map__fd(pr.skel->maps.ports), &key, &dest, BPF_NOEXIST),
		     0, "ports[alias]");
	cr_assert_eq(bpf_map_lookup_elem(fd, &idx, &e), 0, "mac_index[%u]", idx);
	cr_assert_eq(e.slot, port(PORT_A)->slot, "port A holds the entry the alias maps to");
	e.overflow++;
	cr_assert_eq(bpf_map_update_elem(fd, &idx, &e, BPF_ANY), 0, "mac_index[%u]", idx);
}

Test(xdp, port_that_overflowed_the_index_is_found_through_the_hash)
{
	unsigned char alias[6];
	struct frame f;
	struct run r;

	colliding_mac(alias, 0);
	overflow_alias_of_b(alias);
	frame_make(&f, alias, MAC_REMOTE, -1, 128);
	run_xdp(&f, &r);

	assert_xdp_verdict(&r, XDP_REDIRECT, "a port that overflowed is still steered");
	cr_assert_eq(port_counters(PORT_B).rx_packets, 1, "the frame went to the alias's port, B");
	cr_assert_eq(port_counters(PORT_A).rx_packets, 0, "not to A, which holds the index entry");

	frame_make(&f, port(PORT_A)->mac, MAC_REMOTE, -1, 128);
	run_xdp(&f, &r);
	assert_xdp_verdict(&r, XDP_REDIRECT, "A is found in its index entry");
	cr_assert_eq(port_counters(PORT_A).rx_packets, 1, "A's own frame went to A");
}

Test(xdp, unknown_mac_sharing_an_occupied_entry_is_unknown)
{
	unsigned char stranger[6], alias[6];
	struct frame f;
	struct run r;

	configure(NSTEER_MODE_BRIDGE, NSTEER_UNKNOWN_DROP);
	colliding_mac(stranger, 1);
	frame_make(&f, stranger, MAC_REMOTE, -1, FRAME_MIN);
	run_xdp(&f, &r);
	assert_xdp_verdict(&r, XDP_DROP, "sharing A's entry does not make a MAC A's");
	cr_assert_eq(port_counters(PORT_A).rx_packets, 0, "nothing reached A");

	/* With an overflow on the entry the hash is asked, and it does not know the MAC either. */
	colliding_mac(alias, 0);
	overflow_alias_of_b(alias);
	frame_make(&f, stranger, MAC_REMOTE, -1, FRAME_MIN);
	run_xdp(&f, &r);
	assert_xdp_verdict(&r, XDP_DROP, "an overflowing entry still tells strangers apart");
	cr_assert_eq(uplink_counters().drop_unknown_dst, 2, "both strangers counted as unknown");
}

/* On a NIC that strips VLAN tags before XDP runs, a frame tagged for VLAN 10 looks untagged here:
 * steering it by its MAC alone could hand it to an untagged port, and dropping it as unknown
 * could starve a VLAN port. XDP makes no decision at all then; tc reads the tag from the skb. */
Test(xdp, every_frame_goes_to_tc_when_the_nic_strips_vlan_tags)
{
	const unsigned char *dst[] = { port(PORT_A)->mac, MAC_UNKNOWN, MAC_BROADCAST };
	struct nsteer_config cfg = {
		.uplink_ifindex = pr.uplink, .mode = NSTEER_MODE_BRIDGE,
		.unknown = NSTEER_UNKNOWN_DROP, .slots_used = PORTS_N + 1,
		.flags = NSTEER_CFG_RX_VLAN_STRIPPED,
	};
	struct frame f;
	struct run r;
	struct nsteer_counters up, a;

	config_write(&cfg);
	for (size_t i = 0; i < sizeof(dst) / sizeof(dst[0]); i++) {
		frame_make(&f, dst[i], MAC_REMOTE, -1, 128);
		run_xdp(&f, &r);
		assert_xdp_verdict(&r, XDP_PASS, "XDP cannot see a stripped tag: tc decides");
	}
	up = uplink_counters();
	a = port_counters(PORT_A);
	cr_assert(counters_zero(&up) && counters_zero(&a), "XDP counted frames it left to tc");

	/* The same frame without the flag: redirected, so the test above tells the two apart. */
	cfg.flags = 0;
	config_write(&cfg);
	frame_make(&f, port(PORT_A)->mac, MAC_REMOTE, -1, 128);
	run_xdp(&f, &r);
	assert_xdp_verdict(&r, XDP_REDIRECT, "without stripping, a known port's MAC is steered here");
}
