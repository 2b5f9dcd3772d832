// SPDX-License-Identifier: GPL-2.0
/* nsteer_tc_up, tc ingress on the uplink: the complete wire-to-port semantics, on crafted frames
 * (BPF_PROG_RUN). Its clones are real: bpf_clone_redirect transmits them during the test run, so
 * what a port receives can be read at the port's namespace end. bpf_redirect_peer only sets the
 * verdict here; the counters tell which port it was meant for.
 *
 * BPF_PROG_RUN leaves an 802.1Q tag in the frame data (the stack would have moved it into skb
 * metadata before tc), which exercises the program's in-data tag path. */
#include "progrun.h"

TestSuite(tc_uplink, .init = progrun_setup, .fini = progrun_teardown);

/* Reads, at port id's namespace end, the copy of a frame from the wire, and checks it is want. */
static void expect_copy(int fd, enum port_id id, const struct frame *want)
{
	struct frame got;

	cr_assert(capture_next(fd, MAC_REMOTE, 1000, &got), "port %s received no copy",
		  port(id)->host_name);
	cr_assert_eq(got.len, want->len, "port %s received %zu bytes, want %zu",
		     port(id)->host_name, got.len, want->len);
	cr_assert_arr_eq(got.data, want->data, want->len, "port %s received a different frame",
			 port(id)->host_name);
}

Test(tc_uplink, broadcast_is_cloned_to_every_untagged_port_and_passed_up)
{
	struct frame f;
	struct run r;
	int fd_a = capture_open(port(PORT_A)->ns_ifindex);
	int fd_b = capture_open(port(PORT_B)->ns_ifindex);
	struct nsteer_counters up;

	frame_make(&f, MAC_BROADCAST, MAC_REMOTE, -1, 100);
	run_tc_up(&f, &r);

	assert_tc_verdict(&r, TC_ACT_OK, "the host's stack gets the broadcast too");
	assert_frame_eq(&r, &f, "frame passed up");
	for (enum port_id id = PORT_A; id <= PORT_B; id++) {
		struct nsteer_counters c = port_counters(id);

		cr_assert_eq(c.rx_packets, 1, "untagged port %s counted %llu copies, want 1",
			     port(id)->host_name, (unsigned long long)c.rx_packets);
		cr_assert_eq(c.rx_bytes, 100, "untagged port %s counted %llu bytes, want 100",
			     port(id)->host_name, (unsigned long long)c.rx_bytes);
	}
	for (enum port_id id = PORT_C; id <= PORT_E; id++) {
		struct nsteer_counters c = port_counters(id);

		cr_assert_eq(c.rx_packets, 0, "VLAN port %s got a copy of an untagged broadcast",
			     port(id)->host_name);
	}
	up = uplink_counters();
	cr_assert_eq(up.rx_packets, 1, "uplink counted %llu frames for its own stack, want 1",
		     (unsigned long long)up.rx_packets);
	expect_copy(fd_a, PORT_A, &f);
	expect_copy(fd_b, PORT_B, &f);
	close(fd_a);
	close(fd_b);
}

Test(tc_uplink, tagged_broadcast_is_cloned_untagged_to_its_vlan_only)
{
	struct frame f, untagged;
	struct run r;
	int fd_c = capture_open(port(PORT_C)->ns_ifindex);
	int fd_d = capture_open(port(PORT_D)->ns_ifindex);

	frame_make(&f, MAC_BROADCAST, MAC_REMOTE, 100, 104);
	frame_untag(&untagged, &f);
	run_tc_up(&f, &r);

	assert_tc_verdict(&r, TC_ACT_OK, "the host's stack gets the broadcast too");
	for (enum port_id id = PORT_C; id <= PORT_D; id++) {
		struct nsteer_counters c = port_counters(id);

		cr_assert_eq(c.rx_packets, 1, "VLAN 100 port %s counted %llu copies, want 1",
			     port(id)->host_name, (unsigned long long)c.rx_packets);
		cr_assert_eq(c.rx_bytes, 100,
			     "VLAN 100 port %s counted %llu bytes, want 100 (untagged)",
			     port(id)->host_name, (unsigned long long)c.rx_bytes);
	}
	for (enum port_id id = PORT_A; id <= PORT_E; id++) {
		struct nsteer_counters c = port_counters(id);

		if (port(id)->vlan == 100)
			continue;
		cr_assert_eq(c.rx_packets, 0,
			     "port %s (VLAN %u) got a copy of a VLAN 100 broadcast",
			     port(id)->host_name, port(id)->vlan);
	}
	expect_copy(fd_c, PORT_C, &untagged);
	expect_copy(fd_d, PORT_D, &untagged);
	close(fd_c);
	close(fd_d);
}

Test(tc_uplink, multicast_is_flooded_like_broadcast)
{
	struct frame f;
	struct run r;

	frame_make(&f, MAC_IPV6_MCAST, MAC_REMOTE, -1, FRAME_MIN);
	run_tc_up(&f, &r);

	assert_tc_verdict(&r, TC_ACT_OK, "the host's stack gets multicast too");
	for (enum port_id id = PORT_A; id <= PORT_B; id++) {
		struct nsteer_counters c = port_counters(id);

		cr_assert_eq(c.rx_packets, 1, "untagged port %s counted %llu copies, want 1",
			     port(id)->host_name, (unsigned long long)c.rx_packets);
	}
}

Test(tc_uplink, unicast_to_port_is_redirected_and_counted)
{
	struct frame f;
	struct run r;
	struct nsteer_counters a, up;

	frame_make(&f, port(PORT_A)->mac, MAC_REMOTE, -1, 128);
	run_tc_up(&f, &r);

	assert_tc_verdict(&r, TC_ACT_REDIRECT, "a known port's MAC goes into the port");
	assert_frame_eq(&r, &f, "redirected frame");
	a = port_counters(PORT_A);
	cr_assert_eq(a.rx_packets, 1, "port A counted %llu frames, want 1",
		     (unsigned long long)a.rx_packets);
	cr_assert_eq(a.rx_bytes, 128, "port A counted %llu bytes, want 128",
		     (unsigned long long)a.rx_bytes);
	up = uplink_counters();
	cr_assert_eq(up.rx_packets, 0, "a frame for port A was counted for the uplink's stack");
}

Test(tc_uplink, tagged_unicast_to_vlan_port_is_redirected_with_tag_removed)
{
	struct frame f, untagged;
	struct run r;
	struct nsteer_counters c;

	frame_make(&f, port(PORT_C)->mac, MAC_REMOTE, 100, 132);
	frame_untag(&untagged, &f);
	run_tc_up(&f, &r);

	assert_tc_verdict(&r, TC_ACT_REDIRECT, "port C owns its MAC on VLAN 100");
	assert_frame_eq(&r, &untagged, "a VLAN port must receive its frames untagged");
	c = port_counters(PORT_C);
	cr_assert_eq(c.rx_packets, 1, "port C counted %llu frames, want 1",
		     (unsigned long long)c.rx_packets);
	cr_assert_eq(c.rx_bytes, 128, "port C counted %llu bytes, want 128 (untagged)",
		     (unsigned long long)c.rx_bytes);
}

Test(tc_uplink, port_mac_on_another_vlan_is_unknown)
{
	struct frame f;
	struct run r;
	struct nsteer_counters c, a;

	configure(NSTEER_MODE_BRIDGE, NSTEER_UNKNOWN_DROP);
	frame_make(&f, port(PORT_C)->mac, MAC_REMOTE, 200, 128);
	run_tc_up(&f, &r);
	assert_tc_verdict(&r, TC_ACT_SHOT, "port C is on VLAN 100, not 200");
	frame_make(&f, port(PORT_A)->mac, MAC_REMOTE, 100, 128);
	run_tc_up(&f, &r);
	assert_tc_verdict(&r, TC_ACT_SHOT, "port A is untagged, not on VLAN 100");

	c = port_counters(PORT_C);
	a = port_counters(PORT_A);
	cr_assert_eq(c.rx_packets + a.rx_packets, 0, "a port counted a frame of another VLAN");
}

Test(tc_uplink, unknown_unicast_is_passed_up_when_unknown_is_pass)
{
	struct frame f;
	struct run r;
	struct nsteer_counters up;

	frame_make(&f, MAC_UNKNOWN, MAC_REMOTE, -1, 90);
	run_tc_up(&f, &r);

	assert_tc_verdict(&r, TC_ACT_OK, "the host's stack may want a frame no port owns");
	assert_frame_eq(&r, &f, "frame passed up");
	up = uplink_counters();
	cr_assert_eq(up.rx_packets, 1, "uplink counted %llu frames, want 1",
		     (unsigned long long)up.rx_packets);
	cr_assert_eq(up.rx_bytes, 90, "uplink counted %llu bytes, want 90",
		     (unsigned long long)up.rx_bytes);
	cr_assert_eq(up.drop_unknown_dst, 0, "a passed frame was counted as dropped");
}

Test(tc_uplink, unknown_unicast_is_shot_and_counted_when_unknown_is_drop)
{
	struct frame f;
	struct run r;
	struct nsteer_counters up;

	configure(NSTEER_MODE_BRIDGE, NSTEER_UNKNOWN_DROP);
	frame_make(&f, MAC_UNKNOWN, MAC_REMOTE, -1, FRAME_MIN);
	run_tc_up(&f, &r);

	assert_tc_verdict(&r, TC_ACT_SHOT, "--unknown drop");
	up = uplink_counters();
	cr_assert_eq(up.drop_unknown_dst, 1, "uplink drop_unknown_dst is %llu, want 1",
		     (unsigned long long)up.drop_unknown_dst);
	cr_assert_eq(up.rx_packets, 0, "a dropped frame was counted as received");
}

Test(tc_uplink, truncated_vlan_tag_is_shot_as_malformed)
{
	struct frame f;
	struct run r;
	struct nsteer_counters up;

	/* 14 and 15 bytes: the ethertype says 802.1Q but the TCI is cut off. */
	for (size_t len = 14; len < 16; len++) {
		frame_make(&f, port(PORT_C)->mac, MAC_REMOTE, 100, len);
		run_tc_up(&f, &r);
		cr_assert_eq(r.retval, TC_ACT_SHOT,
			     "%zu-byte 802.1Q frame: verdict %s, want TC_ACT_SHOT", len,
			     tc_verdict(r.retval));
	}
	up = uplink_counters();
	cr_assert_eq(up.drop_malformed, 2, "uplink drop_malformed is %llu, want 2",
		     (unsigned long long)up.drop_malformed);
}

Test(tc_uplink, unconfigured_uplink_passes_everything)
{
	const struct nsteer_config unset = { .uplink_ifindex = 0, .unknown = NSTEER_UNKNOWN_DROP };
	struct frame f;
	struct run r;
	struct nsteer_counters a;

	config_write(&unset);
	frame_make(&f, port(PORT_A)->mac, MAC_REMOTE, -1, FRAME_MIN);
	run_tc_up(&f, &r);
	assert_tc_verdict(&r, TC_ACT_OK, "uplink_ifindex 0: a known port must not be steered");
	frame_make(&f, MAC_BROADCAST, MAC_REMOTE, -1, FRAME_MIN);
	run_tc_up(&f, &r);
	assert_tc_verdict(&r, TC_ACT_OK, "uplink_ifindex 0: nothing is flooded");
	frame_make(&f, MAC_UNKNOWN, MAC_REMOTE, -1, FRAME_MIN);
	run_tc_up(&f, &r);
	assert_tc_verdict(&r, TC_ACT_OK, "uplink_ifindex 0: unknown must not be dropped");

	a = port_counters(PORT_A);
	cr_assert(counters_zero(&a), "an unconfigured uplink steered or flooded to port A");
}
