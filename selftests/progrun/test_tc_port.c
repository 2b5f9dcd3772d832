// SPDX-License-Identifier: GPL-2.0
/* nsteer_tc_port, tc ingress on a port's host end: every frame a port sends, on crafted frames
 * (BPF_PROG_RUN). The run's ctx.ifindex puts the skb on the sending port's host end, as attaching
 * there does. Clones are real transmissions; bpf_redirect and bpf_redirect_peer only set the
 * verdict, so the counters tell where a redirect was aimed: tx on the uplink's entry for the
 * wire, rx on the target port for another port. */
#include "progrun.h"

TestSuite(tc_port, .init = progrun_setup, .fini = progrun_teardown);

Test(tc_port, frame_to_the_wire_is_redirected_to_the_uplink)
{
	struct frame f;
	struct run r;
	struct nsteer_counters a, up;

	frame_make(&f, MAC_REMOTE, port(PORT_A)->mac, -1, 128);
	run_tc_port(PORT_A, &f, &r);

	assert_tc_verdict(&r, TC_ACT_REDIRECT, "a frame for a host beyond the wire");
	assert_frame_eq(&r, &f, "an untagged port's frame leaves unchanged");
	a = port_counters(PORT_A);
	cr_assert_eq(a.tx_packets, 1, "port A counted %llu frames sent, want 1",
		     (unsigned long long)a.tx_packets);
	cr_assert_eq(a.tx_bytes, 128, "port A counted %llu bytes sent, want 128",
		     (unsigned long long)a.tx_bytes);
	up = uplink_counters();
	cr_assert_eq(up.tx_packets, 1, "uplink counted %llu frames to the wire, want 1",
		     (unsigned long long)up.tx_packets);
	cr_assert_eq(up.tx_bytes, 128, "uplink counted %llu bytes to the wire, want 128",
		     (unsigned long long)up.tx_bytes);
}

Test(tc_port, spoofed_source_mac_is_shot_and_counted)
{
	struct frame f;
	struct run r;
	struct nsteer_counters a;

	/* Port B's MAC, sent by port A. */
	frame_make(&f, MAC_REMOTE, port(PORT_B)->mac, -1, FRAME_MIN);
	run_tc_port(PORT_A, &f, &r);

	assert_tc_verdict(&r, TC_ACT_SHOT, "a port may only send with its own MAC");
	a = port_counters(PORT_A);
	cr_assert_eq(a.drop_spoofed_src, 1, "port A drop_spoofed_src is %llu, want 1",
		     (unsigned long long)a.drop_spoofed_src);
	cr_assert_eq(a.tx_packets, 0, "a spoofed frame was counted as sent");
	expect_wire_tx(0, "a spoofed frame must not reach the wire");
}

Test(tc_port, tagged_frame_is_shot_and_counted)
{
	struct frame f;
	struct run r;
	struct nsteer_counters a, c;

	/* From an untagged port, and from a VLAN port trying to reach another VLAN. */
	frame_make(&f, MAC_REMOTE, port(PORT_A)->mac, 200, FRAME_MIN);
	run_tc_port(PORT_A, &f, &r);
	assert_tc_verdict(&r, TC_ACT_SHOT, "a port's VLAN is nsteer's to add, never the port's");
	frame_make(&f, MAC_BROADCAST, port(PORT_C)->mac, 200, FRAME_MIN);
	run_tc_port(PORT_C, &f, &r);
	assert_tc_verdict(&r, TC_ACT_SHOT, "a VLAN 100 port tagging for VLAN 200 hops VLANs");

	a = port_counters(PORT_A);
	c = port_counters(PORT_C);
	cr_assert_eq(a.drop_vlan, 1, "port A drop_vlan is %llu, want 1",
		     (unsigned long long)a.drop_vlan);
	cr_assert_eq(c.drop_vlan, 1, "port C drop_vlan is %llu, want 1",
		     (unsigned long long)c.drop_vlan);
	expect_rx(PORT_E, 0, "a tagged broadcast must not be flooded to the VLAN it names");
	expect_wire_tx(0, "a tagged frame must not reach the wire");
}

Test(tc_port, vlan_port_frame_to_the_wire_is_redirected_to_the_uplink)
{
	struct frame f;
	struct run r;
	struct nsteer_counters c;

	frame_make(&f, MAC_REMOTE, port(PORT_C)->mac, -1, 128);
	run_tc_port(PORT_C, &f, &r);

	assert_tc_verdict(&r, TC_ACT_REDIRECT, "a frame for a host beyond the wire");
	/* bpf_skb_vlan_push puts the tag in skb metadata, for the device to insert on transmit, and
	 * BPF_PROG_RUN hands back only the data: the VID is checked on real traffic below. */
	assert_frame_eq(&r, &f, "the frame data (the tag travels beside it)");
	c = port_counters(PORT_C);
	cr_assert_eq(c.tx_packets, 1, "port C counted %llu frames sent, want 1",
		     (unsigned long long)c.tx_packets);
	expect_wire_tx(1, "port C's frame goes to the wire");
}

Test(tc_port, vlan_port_frame_reaches_the_wire_tagged_with_its_vid)
{
	struct frame f, want, got;
	int fd_wire;

	/* Real traffic, in the lab: the program attached to port C's host end, a frame sent from
	 * C's namespace end, read where the cable ends. */
	tc_port_attach(PORT_C);
	fd_wire = capture_open(pr.wire);
	frame_make(&f, MAC_REMOTE, port(PORT_C)->mac, -1, 128);
	frame_tag(&want, &f, port(PORT_C)->vlan);
	frame_send(port(PORT_C)->ns_ifindex, &f);

	cr_assert(capture_next(fd_wire, port(PORT_C)->mac, 1000, &got),
		  "port C's frame never reached the wire");
	cr_assert_eq(got.len, want.len, "the wire carried %zu bytes, want %zu (128 and one tag)",
		     got.len, want.len);
	cr_assert_arr_eq(got.data, want.data, want.len,
			 "the wire did not carry port C's frame tagged with VID %u (tci %02x%02x)",
			 port(PORT_C)->vlan, got.data[14], got.data[15]);
	close(fd_wire);
}

Test(tc_port, broadcast_in_bridge_mode_is_cloned_to_the_other_ports_of_its_vlan)
{
	struct frame f, got;
	struct run r;
	int fd_b = capture_open(port(PORT_B)->ns_ifindex);

	frame_make(&f, MAC_BROADCAST, port(PORT_A)->mac, -1, 100);
	run_tc_port(PORT_A, &f, &r);

	assert_tc_verdict(&r, TC_ACT_REDIRECT, "the broadcast goes on to the wire");
	assert_frame_eq(&r, &f, "the frame for the wire");
	expect_wire_tx(1, "the broadcast goes on to the wire");
	expect_rx(PORT_B, 1, "B shares A's (untagged) segment");
	expect_rx(PORT_A, 0, "a sender never gets its own broadcast back");
	for (enum port_id id = PORT_C; id <= PORT_E; id++)
		expect_rx(id, 0, "a VLAN port got a copy of an untagged port's broadcast");
	cr_assert(capture_next(fd_b, port(PORT_A)->mac, 1000, &got), "port B received no copy");
	cr_assert_eq(got.len, f.len, "port B received %zu bytes, want %zu", got.len, f.len);
	cr_assert_arr_eq(got.data, f.data, f.len, "port B received a different frame");
	close(fd_b);
}

Test(tc_port, vlan_broadcast_in_bridge_mode_is_cloned_within_its_vlan)
{
	struct frame f, got;
	struct run r;
	int fd_d = capture_open(port(PORT_D)->ns_ifindex);

	frame_make(&f, MAC_BROADCAST, port(PORT_C)->mac, -1, 100);
	run_tc_port(PORT_C, &f, &r);

	assert_tc_verdict(&r, TC_ACT_REDIRECT, "the broadcast goes on to the wire");
	expect_wire_tx(1, "the broadcast goes on to the wire");
	expect_rx(PORT_D, 1, "D shares C's VLAN 100");
	expect_rx(PORT_C, 0, "a sender never gets its own broadcast back");
	expect_rx(PORT_A, 0, "an untagged port got a VLAN 100 broadcast");
	expect_rx(PORT_B, 0, "an untagged port got a VLAN 100 broadcast");
	expect_rx(PORT_E, 0, "a VLAN 200 port got a VLAN 100 broadcast");
	cr_assert(capture_next(fd_d, port(PORT_C)->mac, 1000, &got), "port D received no copy");
	cr_assert_eq(got.len, f.len, "port D received %zu bytes, want %zu (untagged)", got.len,
		     f.len);
	cr_assert_arr_eq(got.data, f.data, f.len, "port D received a different frame");
	close(fd_d);
}

Test(tc_port, vlan_broadcast_in_bridge_mode_leaves_for_the_wire_unchanged)
{
	struct frame f;
	struct run r;

	/* The flood must leave the frame as it found it: the only tag it may carry to the wire is
	 * the port's VID, which travels in skb metadata and so is not in data_out. A tag in the
	 * data would go out as a second, inner 802.1Q header. */
	frame_make(&f, MAC_BROADCAST, port(PORT_C)->mac, -1, 100);
	run_tc_port(PORT_C, &f, &r);

	assert_tc_verdict(&r, TC_ACT_REDIRECT, "the broadcast goes on to the wire");
	cr_assert_eq(r.out_len, f.len,
		     "the frame for the wire is %u bytes, want %zu: "
		     "an extra tag (%02x%02x %02x%02x) was inserted after the MACs",
		     r.out_len, f.len, r.out[12], r.out[13], r.out[14], r.out[15]);
	assert_frame_eq(&r, &f, "the frame for the wire");
}

Test(tc_port, broadcast_in_private_mode_is_not_cloned)
{
	struct frame f;
	struct run r;

	configure(NSTEER_MODE_PRIVATE, NSTEER_UNKNOWN_PASS);
	frame_make(&f, MAC_BROADCAST, port(PORT_A)->mac, -1, 100);
	run_tc_port(PORT_A, &f, &r);

	assert_tc_verdict(&r, TC_ACT_REDIRECT, "the broadcast goes on to the wire");
	assert_frame_eq(&r, &f, "the frame for the wire");
	expect_wire_tx(1, "the broadcast goes on to the wire");
	expect_rx(PORT_B, 0, "private ports never see each other's frames");
}

Test(tc_port, broadcast_in_vepa_mode_is_not_cloned)
{
	struct frame f;
	struct run r;

	/* The external switch reflects it to the other ports; a clone here would be a duplicate. */
	configure(NSTEER_MODE_VEPA, NSTEER_UNKNOWN_PASS);
	frame_make(&f, MAC_BROADCAST, port(PORT_A)->mac, -1, 100);
	run_tc_port(PORT_A, &f, &r);

	assert_tc_verdict(&r, TC_ACT_REDIRECT, "the broadcast goes on to the wire");
	expect_wire_tx(1, "the broadcast goes on to the wire");
	expect_rx(PORT_B, 0, "vepa leaves port-to-port delivery to the external switch");
}

Test(tc_port, unicast_to_port_in_bridge_mode_is_redirected_to_it)
{
	struct frame f;
	struct run r;
	struct nsteer_counters a, b;

	frame_make(&f, port(PORT_B)->mac, port(PORT_A)->mac, -1, 128);
	run_tc_port(PORT_A, &f, &r);

	assert_tc_verdict(&r, TC_ACT_REDIRECT, "bridge mode delivers port to port");
	assert_frame_eq(&r, &f, "the frame for port B");
	a = port_counters(PORT_A);
	b = port_counters(PORT_B);
	cr_assert_eq(a.tx_packets, 1, "port A counted %llu frames sent, want 1",
		     (unsigned long long)a.tx_packets);
	cr_assert_eq(b.rx_packets, 1, "port B counted %llu frames received, want 1",
		     (unsigned long long)b.rx_packets);
	cr_assert_eq(b.rx_bytes, 128, "port B counted %llu bytes received, want 128",
		     (unsigned long long)b.rx_bytes);
	expect_wire_tx(0, "a frame for a local port must not leave by the wire");
}

Test(tc_port, unicast_within_a_vlan_in_bridge_mode_is_redirected_untagged)
{
	struct frame f;
	struct run r;

	frame_make(&f, port(PORT_D)->mac, port(PORT_C)->mac, -1, 128);
	run_tc_port(PORT_C, &f, &r);

	assert_tc_verdict(&r, TC_ACT_REDIRECT, "C and D share VLAN 100");
	assert_frame_eq(&r, &f, "ports of one VLAN talk untagged");
	expect_rx(PORT_D, 1, "C's frame is for D");
	expect_wire_tx(0, "a frame for a local port must not leave by the wire");
}

Test(tc_port, unicast_to_port_in_private_mode_is_shot_and_counted)
{
	struct frame f;
	struct run r;
	struct nsteer_counters a;

	configure(NSTEER_MODE_PRIVATE, NSTEER_UNKNOWN_PASS);
	frame_make(&f, port(PORT_B)->mac, port(PORT_A)->mac, -1, 128);
	run_tc_port(PORT_A, &f, &r);

	assert_tc_verdict(&r, TC_ACT_SHOT, "private ports never reach each other");
	a = port_counters(PORT_A);
	cr_assert_eq(a.drop_port_to_port, 1, "port A drop_port_to_port is %llu, want 1",
		     (unsigned long long)a.drop_port_to_port);
	expect_rx(PORT_B, 0, "private ports never reach each other");
	expect_wire_tx(0, "not by the wire either");
}

Test(tc_port, unicast_to_port_in_vepa_mode_goes_to_the_wire)
{
	struct frame f;
	struct run r;

	configure(NSTEER_MODE_VEPA, NSTEER_UNKNOWN_PASS);
	frame_make(&f, port(PORT_B)->mac, port(PORT_A)->mac, -1, 128);
	run_tc_port(PORT_A, &f, &r);

	assert_tc_verdict(&r, TC_ACT_REDIRECT, "vepa sends port-to-port frames out to hairpin");
	assert_frame_eq(&r, &f, "the frame for the wire");
	expect_wire_tx(1, "the external switch hairpins it back");
	expect_rx(PORT_B, 0, "vepa never delivers port to port itself");
}

Test(tc_port, unicast_to_port_on_another_vlan_goes_to_the_wire)
{
	struct frame f;
	struct run r;

	/* A is untagged, C on VLAN 100: C's MAC is not on A's segment, whatever the mode. */
	frame_make(&f, port(PORT_C)->mac, port(PORT_A)->mac, -1, 128);
	run_tc_port(PORT_A, &f, &r);

	assert_tc_verdict(&r, TC_ACT_REDIRECT, "a MAC of another VLAN is beyond the wire");
	expect_rx(PORT_C, 0, "a port got a frame from another VLAN");
	expect_wire_tx(1, "a MAC of another VLAN is beyond the wire");
}

Test(tc_port, frame_from_an_unknown_host_end_is_shot)
{
	struct frame f;
	struct run r;
	struct nsteer_counters up;

	/* A device nsteer does not know as a port (here the wire end; in real life a port being
	 * torn down), and the lab's loopback, which BPF_PROG_RUN uses when no ifindex is given. */
	frame_make(&f, MAC_REMOTE, port(PORT_A)->mac, -1, FRAME_MIN);
	run_tc_port_on(pr.wire, &f, &r);
	assert_tc_verdict(&r, TC_ACT_SHOT, "frames of an unknown host end belong nowhere");
	run_tc_port_on(0, &f, &r);
	assert_tc_verdict(&r, TC_ACT_SHOT, "frames of an unknown host end belong nowhere");

	up = uplink_counters();
	cr_assert(counters_zero(&up), "a frame from no port was counted on the uplink");
	for (int i = 0; i < PORTS_N; i++) {
		struct nsteer_counters c = port_counters(i);

		cr_assert(counters_zero(&c), "a frame from no port was counted on port %s",
			  port(i)->host_name);
	}
}

Test(tc_port, port_frames_are_shot_while_unconfigured)
{
	struct frame f;
	struct run r;

	/* Passing them would hand a port's frames to the uplink namespace's own stack. */
	config_write(&(struct nsteer_config){ 0 });
	frame_make(&f, MAC_REMOTE, port(PORT_A)->mac, -1, FRAME_MIN);
	run_tc_port(PORT_A, &f, &r);
	assert_tc_verdict(&r, TC_ACT_SHOT, "an unconfigured uplink steers nothing");
	frame_make(&f, MAC_BROADCAST, port(PORT_A)->mac, -1, FRAME_MIN);
	run_tc_port(PORT_A, &f, &r);
	assert_tc_verdict(&r, TC_ACT_SHOT, "an unconfigured uplink floods nothing");
	expect_rx(PORT_B, 0, "an unconfigured uplink floods nothing");
}

/* ---- the host-access port (attach --host-access) reaches and is reached in every mode ---- */

Test(tc_port, private_mode_delivers_unicast_to_the_host_port)
{
	struct frame f;
	struct run r;

	configure(NSTEER_MODE_PRIVATE, NSTEER_UNKNOWN_PASS);
	port_make_host(PORT_B);
	frame_make(&f, port(PORT_B)->mac, port(PORT_A)->mac, -1, 128);
	run_tc_port(PORT_A, &f, &r);

	assert_tc_verdict(&r, TC_ACT_REDIRECT, "a port reaches the host even in private mode");
	expect_rx(PORT_B, 1, "the host port receives it");
	expect_wire_tx(0, "not by the wire");
}

Test(tc_port, host_port_reaches_ports_in_private_mode)
{
	struct frame f;
	struct run r;

	configure(NSTEER_MODE_PRIVATE, NSTEER_UNKNOWN_PASS);
	port_make_host(PORT_B);
	frame_make(&f, port(PORT_A)->mac, port(PORT_B)->mac, -1, 128);
	run_tc_port(PORT_B, &f, &r);

	assert_tc_verdict(&r, TC_ACT_REDIRECT, "the host reaches a port even in private mode");
	expect_rx(PORT_A, 1, "port A receives the host's frame");
}

Test(tc_port, private_mode_broadcast_reaches_only_the_host_port)
{
	struct frame f;
	struct run r;

	configure(NSTEER_MODE_PRIVATE, NSTEER_UNKNOWN_PASS);
	port_make_host(PORT_B);
	frame_make(&f, MAC_BROADCAST, port(PORT_A)->mac, -1, 100);
	run_tc_port(PORT_A, &f, &r);

	assert_tc_verdict(&r, TC_ACT_REDIRECT, "the broadcast goes on to the wire");
	expect_wire_tx(1, "the broadcast goes on to the wire");
	expect_rx(PORT_B, 1, "the host needs the ports' ARP and ND");
}

Test(tc_port, host_port_broadcast_reaches_every_port_in_vepa_mode)
{
	struct frame f;
	struct run r;

	configure(NSTEER_MODE_VEPA, NSTEER_UNKNOWN_PASS);
	port_make_host(PORT_B);
	frame_make(&f, MAC_BROADCAST, port(PORT_B)->mac, -1, 100);
	run_tc_port(PORT_B, &f, &r);

	assert_tc_verdict(&r, TC_ACT_REDIRECT, "the broadcast goes on to the wire");
	expect_rx(PORT_A, 1, "ports hear the host's ARP in every mode");
	expect_rx(PORT_C, 0, "but only on the host port's VLAN");
}
