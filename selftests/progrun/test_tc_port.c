// SPDX-License-Identifier: GPL-2.0
/* nsteer_tc_port, tc ingress on a port's host end: every frame a port sends, on crafted frames
 * (BPF_PROG_RUN). The run's ctx.ifindex puts the skb on the sending port's host end, as attaching
 * there does. Clones are real transmissions; bpf_redirect and bpf_redirect_peer only set the
 * verdict, so the counters tell where a redirect was aimed: tx on the uplink's entry for the
 * wire, rx on the target port for another port. */
#include "progrun_expect.h"

TestSuite(tc_port, .init = progrun_setup, .fini = progrun_teardown);

Test(tc_port, frame_to_the_wire_is_redirected_to_the_uplink)
{
	from_port(PORT_A, MAC_REMOTE, -1, 128, TC_ACT_REDIRECT,
		  "a frame for a host beyond the wire");
	expect_unchanged("an untagged port's frame leaves unchanged");
	expect_port_count(PORT_A, tx_packets, 1, "port A sent one frame");
	expect_port_count(PORT_A, tx_bytes, 128, "of 128 bytes");
	expect_uplink_count(tx_packets, 1, "it went to the wire");
	expect_uplink_count(tx_bytes, 128, "all 128 bytes of it");
}

Test(tc_port, spoofed_source_mac_is_shot_and_counted)
{
	/* Port B's MAC, sent by port A. */
	frame_make(&probe.f, MAC_REMOTE, port(PORT_B)->mac, -1, FRAME_MIN);
	expect_tc_port(PORT_A, TC_ACT_SHOT, "a port may only send with its own MAC");
	expect_port_count(PORT_A, drop_spoofed_src, 1, "A sent with B's MAC");
	expect_port_count(PORT_A, tx_packets, 0, "a spoofed frame is not counted as sent");
	expect_wire_tx(0, "a spoofed frame must not reach the wire");
}

Test(tc_port, spoofed_frame_is_described_while_a_monitor_reads)
{
	monitor_switch(4242);
	frame_make(&probe.f, MAC_REMOTE, port(PORT_B)->mac, -1, 300);
	expect_tc_port(PORT_A, TC_ACT_SHOT, "a port may only send with its own MAC");
	expect_drop_event(port(PORT_A)->slot, NSTEER_DROP_SPOOFED_SRC);
}

Test(tc_port, tagged_frame_is_shot_and_counted)
{
	/* From an untagged port, and from a VLAN port trying to reach another VLAN. */
	from_port(PORT_A, MAC_REMOTE, 200, FRAME_MIN, TC_ACT_SHOT,
		  "a port's VLAN is nsteer's to add, never the port's");
	from_port(PORT_C, MAC_BROADCAST, 200, FRAME_MIN, TC_ACT_SHOT,
		  "a VLAN 100 port tagging for VLAN 200 hops VLANs");
	expect_port_count(PORT_A, drop_vlan, 1, "untagged A sent a tagged frame");
	expect_port_count(PORT_C, drop_vlan, 1, "C (VLAN 100) sent a frame tagged for VLAN 200");
	expect_rx(PORT_E, 0, "a tagged broadcast must not be flooded to the VLAN it names");
	expect_wire_tx(0, "a tagged frame must not reach the wire");
}

Test(tc_port, vlan_port_frame_to_the_wire_is_redirected_to_the_uplink)
{
	from_port(PORT_C, MAC_REMOTE, -1, 128, TC_ACT_REDIRECT,
		  "a frame for a host beyond the wire");
	/* bpf_skb_vlan_push puts the tag in skb metadata, for the device to insert on transmit, and
	 * BPF_PROG_RUN hands back only the data: the VID is checked on real traffic below. */
	expect_unchanged("the frame data (the tag travels beside it)");
	expect_port_count(PORT_C, tx_packets, 1, "port C sent one frame");
	expect_wire_tx(1, "port C's frame goes to the wire");
}

Test(tc_port, vlan_port_frame_reaches_the_wire_tagged_with_its_vid)
{
	struct frame f, want;
	int fd_wire;

	/* Real traffic, in the lab: the program attached to port C's host end, a frame sent from
	 * C's namespace end, read where the cable ends. */
	tc_port_attach(PORT_C);
	fd_wire = capture_open(pr.wire);
	frame_make(&f, MAC_REMOTE, port(PORT_C)->mac, -1, 128);
	frame_tag(&want, &f, port(PORT_C)->vlan);
	frame_send(port(PORT_C)->ns_ifindex, &f);
	expect_received(fd_wire, port(PORT_C)->mac, &want,
			"the wire (port C's 128 bytes and a tag with C's VID)");
	close(fd_wire);
}

Test(tc_port, broadcast_in_bridge_mode_is_cloned_to_the_other_ports_of_its_vlan)
{
	int fd_b = capture_open(port(PORT_B)->ns_ifindex);

	from_port(PORT_A, MAC_BROADCAST, -1, 100, TC_ACT_REDIRECT,
		  "the broadcast goes on to the wire");
	expect_unchanged("the frame for the wire");
	expect_went(1, PORT_B, 1, "to the wire, and to B, which shares A's (untagged) segment");
	expect_rx(PORT_A, 0, "a sender never gets its own broadcast back");
	expect_rx_range(PORT_C, PORT_E, 0, -1,
			"a VLAN port got a copy of an untagged port's broadcast");
	expect_received(fd_b, port(PORT_A)->mac, &probe.f, "port B");
	close(fd_b);
}

Test(tc_port, vlan_broadcast_in_bridge_mode_is_cloned_within_its_vlan)
{
	int fd_d = capture_open(port(PORT_D)->ns_ifindex);

	from_port(PORT_C, MAC_BROADCAST, -1, 100, TC_ACT_REDIRECT,
		  "the broadcast goes on to the wire");
	expect_went(1, PORT_D, 1, "to the wire, and to D, which shares C's VLAN 100");
	expect_rx(PORT_C, 0, "a sender never gets its own broadcast back");
	expect_rx_range(PORT_A, PORT_B, 0, -1, "an untagged port got a VLAN 100 broadcast");
	expect_rx(PORT_E, 0, "a VLAN 200 port got a VLAN 100 broadcast");
	expect_received(fd_d, port(PORT_C)->mac, &probe.f, "port D (untagged)");
	close(fd_d);
}

Test(tc_port, vlan_broadcast_in_bridge_mode_leaves_for_the_wire_unchanged)
{
	/* The flood must leave the frame as it found it: the only tag it may carry to the wire is
	 * the port's VID, which travels in skb metadata and so is not in data_out. A tag in the
	 * data would go out as a second, inner 802.1Q header. */
	from_port(PORT_C, MAC_BROADCAST, -1, 100, TC_ACT_REDIRECT,
		  "the broadcast goes on to the wire");
	cr_assert_eq(probe.r.out_len, probe.f.len,
		     "the frame for the wire is %u bytes, want %zu: "
		     "an extra tag (%02x%02x %02x%02x) was inserted after the MACs",
		     probe.r.out_len, probe.f.len, probe.r.out[12], probe.r.out[13],
		     probe.r.out[14], probe.r.out[15]);
	expect_unchanged("the frame for the wire");
}

Test(tc_port, broadcast_in_private_mode_is_not_cloned)
{
	configure(NSTEER_MODE_PRIVATE, NSTEER_UNKNOWN_PASS);
	from_port(PORT_A, MAC_BROADCAST, -1, 100, TC_ACT_REDIRECT,
		  "the broadcast goes on to the wire");
	expect_unchanged("the frame for the wire");
	expect_went(1, PORT_B, 0, "to the wire only: private ports never see each other's frames");
}

Test(tc_port, broadcast_in_vepa_mode_is_not_cloned)
{
	/* The external switch reflects it to the other ports; a clone here would be a duplicate. */
	configure(NSTEER_MODE_VEPA, NSTEER_UNKNOWN_PASS);
	from_port(PORT_A, MAC_BROADCAST, -1, 100, TC_ACT_REDIRECT,
		  "the broadcast goes on to the wire");
	expect_went(1, PORT_B, 0, "vepa leaves port-to-port delivery to the external switch");
}

Test(tc_port, unicast_to_port_in_bridge_mode_is_redirected_to_it)
{
	from_port(PORT_A, port(PORT_B)->mac, -1, 128, TC_ACT_REDIRECT,
		  "bridge mode delivers port to port");
	expect_unchanged("the frame for port B");
	expect_port_count(PORT_A, tx_packets, 1, "port A sent one frame");
	expect_port_count(PORT_B, rx_bytes, 128, "port B received all 128 bytes");
	expect_went(0, PORT_B, 1, "a frame for local port B goes to B, not by the wire");
}

Test(tc_port, unicast_within_a_vlan_in_bridge_mode_is_redirected_untagged)
{
	from_port(PORT_C, port(PORT_D)->mac, -1, 128, TC_ACT_REDIRECT, "C and D share VLAN 100");
	expect_unchanged("ports of one VLAN talk untagged");
	expect_went(0, PORT_D, 1, "C's frame is for local port D, not for the wire");
}

Test(tc_port, unicast_to_port_in_private_mode_is_shot_and_counted)
{
	configure(NSTEER_MODE_PRIVATE, NSTEER_UNKNOWN_PASS);
	from_port(PORT_A, port(PORT_B)->mac, -1, 128, TC_ACT_SHOT,
		  "private ports never reach each other");
	expect_port_count(PORT_A, drop_port_to_port, 1, "A tried to reach B");
	expect_went(0, PORT_B, 0, "private ports never reach each other, not by the wire either");
}

Test(tc_port, unicast_to_port_in_vepa_mode_goes_to_the_wire)
{
	configure(NSTEER_MODE_VEPA, NSTEER_UNKNOWN_PASS);
	from_port(PORT_A, port(PORT_B)->mac, -1, 128, TC_ACT_REDIRECT,
		  "vepa sends port-to-port frames out to hairpin");
	expect_unchanged("the frame for the wire");
	expect_went(1, PORT_B, 0, "the external switch hairpins it back; vepa never delivers it");
}

Test(tc_port, unicast_to_port_on_another_vlan_goes_to_the_wire)
{
	/* A is untagged, C on VLAN 100: C's MAC is not on A's segment, whatever the mode. */
	from_port(PORT_A, port(PORT_C)->mac, -1, 128, TC_ACT_REDIRECT,
		  "a MAC of another VLAN is beyond the wire");
	expect_went(1, PORT_C, 0, "a MAC of another VLAN is beyond the wire, not port C");
}

Test(tc_port, frame_from_an_unknown_host_end_is_shot)
{
	/* A device nsteer does not know as a port (here the wire end; in real life a port being
	 * torn down), and the lab's loopback, which BPF_PROG_RUN uses when no ifindex is given. */
	const int host_ends[] = { pr.wire, 0 };

	frame_make(&probe.f, MAC_REMOTE, port(PORT_A)->mac, -1, FRAME_MIN);
	for (size_t i = 0; i < sizeof(host_ends) / sizeof(host_ends[0]); i++) {
		run_tc_port_on(host_ends[i], &probe.f, &probe.r);
		assert_tc_verdict(&probe.r, TC_ACT_SHOT,
				  "frames of an unknown host end belong nowhere");
	}
	expect_nothing_counted("a frame from no port");
}

Test(tc_port, port_frames_are_shot_while_unconfigured)
{
	/* Passing them would hand a port's frames to the uplink namespace's own stack. */
	config_write(&(struct nsteer_config){ 0 });
	from_port(PORT_A, MAC_REMOTE, -1, FRAME_MIN, TC_ACT_SHOT,
		  "an unconfigured uplink steers nothing");
	from_port(PORT_A, MAC_BROADCAST, -1, FRAME_MIN, TC_ACT_SHOT,
		  "an unconfigured uplink floods nothing");
	expect_rx(PORT_B, 0, "an unconfigured uplink floods nothing");
}

/* ---- the host-access port (attach --host-access) reaches and is reached in every mode ---- */

Test(tc_port, private_mode_delivers_unicast_to_the_host_port)
{
	configure(NSTEER_MODE_PRIVATE, NSTEER_UNKNOWN_PASS);
	port_make_host(PORT_B);
	from_port(PORT_A, port(PORT_B)->mac, -1, 128, TC_ACT_REDIRECT,
		  "a port reaches the host even in private mode");
	expect_went(0, PORT_B, 1, "the host port receives it, not by the wire");
}

Test(tc_port, host_port_reaches_ports_in_private_mode)
{
	configure(NSTEER_MODE_PRIVATE, NSTEER_UNKNOWN_PASS);
	port_make_host(PORT_B);
	from_port(PORT_B, port(PORT_A)->mac, -1, 128, TC_ACT_REDIRECT,
		  "the host reaches a port even in private mode");
	expect_rx(PORT_A, 1, "port A receives the host's frame");
}

Test(tc_port, private_mode_broadcast_reaches_only_the_host_port)
{
	configure(NSTEER_MODE_PRIVATE, NSTEER_UNKNOWN_PASS);
	port_make_host(PORT_B);
	from_port(PORT_A, MAC_BROADCAST, -1, 100, TC_ACT_REDIRECT,
		  "the broadcast goes on to the wire");
	expect_went(1, PORT_B, 1,
		    "to the wire, and to the host, which needs the ports' ARP and ND");
}

Test(tc_port, host_port_broadcast_reaches_every_port_in_vepa_mode)
{
	configure(NSTEER_MODE_VEPA, NSTEER_UNKNOWN_PASS);
	port_make_host(PORT_B);
	from_port(PORT_B, MAC_BROADCAST, -1, 100, TC_ACT_REDIRECT,
		  "the broadcast goes on to the wire");
	expect_rx(PORT_A, 1, "ports hear the host's ARP in every mode");
	expect_rx(PORT_C, 0, "but only on the host port's VLAN");
}
