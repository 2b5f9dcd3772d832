// SPDX-License-Identifier: GPL-2.0
/* nsteer_tc_port, tc ingress on a port's host end: every frame a port sends, on crafted frames
 * (BPF_PROG_RUN). The run's ctx.ifindex puts the skb on the sending port's host end, as attaching
 * there does. Clones are real transmissions; bpf_redirect and bpf_redirect_peer only set the
 * verdict, so the counters tell where a redirect was aimed: tx on the uplink's entry for the
 * wire, rx on the target port for another port. */
#include "progrun.h"

TestSuite(tc_port, .init = progrun_setup, .fini = progrun_teardown);

static void expect_rx(enum port_id id, __u64 packets, const char *why)
{
	struct nsteer_counters c = port_counters(id);

	cr_assert_eq(c.rx_packets, packets, "port %s counted %llu frames received, want %llu: %s",
		     port(id)->host_name, (unsigned long long)c.rx_packets,
		     (unsigned long long)packets, why);
}

static void expect_wire_tx(__u64 packets, const char *why)
{
	struct nsteer_counters up = uplink_counters();

	cr_assert_eq(up.tx_packets, packets, "uplink counted %llu frames sent to the wire, want %llu: %s",
		     (unsigned long long)up.tx_packets, (unsigned long long)packets, why);
}

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

Test(tc_port, vlan_port_frame_to_the_wire_gets_its_vid)
{
	struct frame f;
	struct run r;

	frame_make(&f, MAC_REMOTE, port(PORT_C)->mac, -1, 128);
	run_tc_port(PORT_C, &f, &r);

	assert_tc_verdict(&r, TC_ACT_REDIRECT, "a frame for a host beyond the wire");
	expect_wire_tx(1, "port C's frame goes to the wire");
	cr_assert_eq(r.out_len, 132, "output %u bytes", r.out_len);
}

Test(tc_port, vlan_port_broadcast_bridge)
{
	struct frame f;
	struct run r;

	frame_make(&f, MAC_BROADCAST, port(PORT_C)->mac, -1, 128);
	run_tc_port(PORT_C, &f, &r);

	assert_tc_verdict(&r, TC_ACT_REDIRECT, "a frame for a host beyond the wire");
	expect_rx(PORT_D, 1, "flood");
	for (unsigned i = 0; i < 24; i++) fprintf(stderr, "%02x ", r.out[i]);
	fprintf(stderr, "\n");
	cr_assert_eq(r.out_len, 128, "output %u bytes", r.out_len);
}
