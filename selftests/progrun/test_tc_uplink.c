// SPDX-License-Identifier: GPL-2.0
/* nsteer_tc_up, tc ingress on the uplink: the complete wire-to-port semantics, on crafted frames
 * (BPF_PROG_RUN). Its clones are real: bpf_clone_redirect transmits them during the test run, so
 * what a port receives can be read at the port's namespace end. bpf_redirect_peer only sets the
 * verdict here; the counters tell which port it was meant for.
 *
 * BPF_PROG_RUN leaves an 802.1Q tag in the frame data (the stack would have moved it into skb
 * metadata before tc), which exercises the program's in-data tag path. */
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "progrun_expect.h"

TestSuite(tc_uplink, .init = progrun_setup, .fini = progrun_teardown);

Test(tc_uplink, broadcast_is_cloned_to_every_untagged_port_and_passed_up)
{
	int fd_a = capture_open(port(PORT_A)->ns_ifindex);
	int fd_b = capture_open(port(PORT_B)->ns_ifindex);

	tc_up_from_wire(MAC_BROADCAST, -1, 100, TC_ACT_OK,
			"the host's stack gets the broadcast too");
	expect_unchanged("frame passed up");
	expect_rx_range(PORT_A, PORT_B, 1, 100, "every untagged port gets one copy");
	expect_rx_range(PORT_C, PORT_E, 0, -1, "a VLAN port got a copy of an untagged broadcast");
	expect_uplink_count(rx_packets, 1, "one frame for the uplink's own stack");
	/* Copies of a frame from the wire: what each port's namespace end reads. */
	expect_received(fd_a, MAC_REMOTE, &probe.f, port(PORT_A)->host_name);
	expect_received(fd_b, MAC_REMOTE, &probe.f, port(PORT_B)->host_name);
	close(fd_a);
	close(fd_b);
}

/* A port's stack that cannot take a copy (here: its MTU, as a container may set it, is below the
 * frame's size; under load: its receive ring is full) makes its veth refuse it, which is counted
 * to that port, while the others get theirs. */
Test(tc_uplink, broadcast_copy_a_port_refuses_is_counted_as_port_rejected)
{
	struct ifreq ifr = { .ifr_mtu = 68 };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", port(PORT_B)->ns_name);
	cr_assert(fd >= 0 && ioctl(fd, SIOCSIFMTU, &ifr) == 0, "MTU 68 on %s: %s", ifr.ifr_name,
		  strerror(errno));
	close(fd);
	tc_up_from_wire(MAC_BROADCAST, -1, 200, TC_ACT_OK,
			"the host's stack gets the broadcast too");
	expect_rx(PORT_A, 1, "port A takes its copy");
	expect_rx(PORT_B, 0, "port B's veth refuses a 200-byte copy at MTU 68");
	expect_port_count(PORT_B, drop_port_rejected, 1, "the refused copy is counted to port B");
	expect_port_count(PORT_A, drop_port_rejected, 0, "port A refused nothing");
}

Test(tc_uplink, tagged_broadcast_is_cloned_untagged_to_its_vlan_only)
{
	struct frame untagged;
	int fd_c = capture_open(port(PORT_C)->ns_ifindex);
	int fd_d = capture_open(port(PORT_D)->ns_ifindex);

	tc_up_from_wire(MAC_BROADCAST, 100, 104, TC_ACT_OK,
			"the host's stack gets the broadcast too");
	frame_untag(&untagged, &probe.f);
	expect_rx_range(PORT_C, PORT_D, 1, 100, "each VLAN 100 port gets one copy, untagged");
	for (enum port_id id = PORT_A; id <= PORT_E; id++)
		if (port(id)->vlan != 100)
			expect_rx(id, 0, "a port off VLAN 100 got a copy of a VLAN 100 broadcast");
	expect_received(fd_c, MAC_REMOTE, &untagged, port(PORT_C)->host_name);
	expect_received(fd_d, MAC_REMOTE, &untagged, port(PORT_D)->host_name);
	close(fd_c);
	close(fd_d);
}

Test(tc_uplink, multicast_is_flooded_like_broadcast)
{
	tc_up_from_wire(MAC_IPV6_MCAST, -1, FRAME_MIN, TC_ACT_OK,
			"the host's stack gets multicast too");
	expect_rx_range(PORT_A, PORT_B, 1, -1, "every untagged port gets one copy");
}

Test(tc_uplink, unicast_to_port_is_redirected_and_counted)
{
	tc_up_from_wire(port(PORT_A)->mac, -1, 128, TC_ACT_REDIRECT,
			"a known port's MAC goes into the port");
	expect_unchanged("redirected frame");
	expect_rx_range(PORT_A, PORT_A, 1, 128, "port A gets the frame, all 128 bytes");
	expect_uplink_count(rx_packets, 0, "a frame for port A is not for the uplink's stack");
}

Test(tc_uplink, tagged_unicast_to_vlan_port_is_redirected_with_tag_removed)
{
	struct frame untagged;

	tc_up_from_wire(port(PORT_C)->mac, 100, 132, TC_ACT_REDIRECT,
			"port C owns its MAC on VLAN 100");
	frame_untag(&untagged, &probe.f);
	assert_frame_eq(&probe.r, &untagged, "a VLAN port must receive its frames untagged");
	expect_rx_range(PORT_C, PORT_C, 1, 128, "port C gets the frame, 128 bytes untagged");
}

Test(tc_uplink, port_mac_on_another_vlan_is_unknown)
{
	configure(NSTEER_MODE_BRIDGE, NSTEER_UNKNOWN_DROP);
	tc_up_from_wire(port(PORT_C)->mac, 200, 128, TC_ACT_SHOT, "port C is on VLAN 100, not 200");
	tc_up_from_wire(port(PORT_A)->mac, 100, 128, TC_ACT_SHOT,
			"port A is untagged, not on VLAN 100");
	expect_rx(PORT_C, 0, "a port counted a frame of another VLAN");
	expect_rx(PORT_A, 0, "a port counted a frame of another VLAN");
}

Test(tc_uplink, unknown_unicast_is_passed_up_when_unknown_is_pass)
{
	tc_up_from_wire(MAC_UNKNOWN, -1, 90, TC_ACT_OK,
			"the host's stack may want a frame no port owns");
	expect_unchanged("frame passed up");
	expect_uplink_count(rx_packets, 1, "the frame is the uplink stack's");
	expect_uplink_count(rx_bytes, 90, "all 90 bytes of it");
	expect_uplink_count(drop_unknown_dst, 0, "a passed frame is not dropped");
}

Test(tc_uplink, unknown_unicast_is_shot_and_counted_when_unknown_is_drop)
{
	configure(NSTEER_MODE_BRIDGE, NSTEER_UNKNOWN_DROP);
	tc_up_from_wire(MAC_UNKNOWN, -1, FRAME_MIN, TC_ACT_SHOT, "--unknown drop");
	expect_uplink_count(drop_unknown_dst, 1, "--unknown drop");
	expect_uplink_count(rx_packets, 0, "a dropped frame is not received");
}

Test(tc_uplink, truncated_vlan_tag_is_shot_as_malformed)
{
	/* 14..17 bytes: the ethertype says 802.1Q but the TCI or the inner ethertype is cut off,
	 * as nsteer_xdp counts them too. */
	expect_cut_tags_malformed(tc_up_from_wire, 18, TC_ACT_SHOT);
}

Test(tc_uplink, unconfigured_uplink_passes_everything)
{
	const struct nsteer_config unset = { .uplink_ifindex = 0, .unknown = NSTEER_UNKNOWN_DROP };

	config_write(&unset);
	tc_up_from_wire(port(PORT_A)->mac, -1, FRAME_MIN, TC_ACT_OK,
			"uplink_ifindex 0: a known port must not be steered");
	tc_up_from_wire(MAC_BROADCAST, -1, FRAME_MIN, TC_ACT_OK,
			"uplink_ifindex 0: nothing is flooded");
	tc_up_from_wire(MAC_UNKNOWN, -1, FRAME_MIN, TC_ACT_OK,
			"uplink_ifindex 0: unknown must not be dropped");
	expect_port_untouched(PORT_A, "an unconfigured uplink steers or floods nothing");
}

/* nsteer_tcx_up, the program on a TCX link, is nsteer_tc_up but for the verdict on a frame left to
 * the uplink's stack: TCX_NEXT, so that the programs behind it on the device see that frame. */
Test(tc_uplink, tcx_program_differs_only_in_what_it_leaves_to_the_stack)
{
	static const struct {
		const unsigned char *dst;
		int vid;
		size_t len;
		__u32 tc_verdict;
	} frames[] = {
		{ MAC_BROADCAST, -1, 100, TC_ACT_OK },   { MAC_UNKNOWN, -1, FRAME_MIN, TC_ACT_OK },
		{ MAC_IPV6_MCAST, 100, 104, TC_ACT_OK }, { NULL, -1, 128, TC_ACT_REDIRECT },
		{ NULL, 100, 16, TC_ACT_SHOT }, /* a cut 802.1Q tag: malformed */
	};
	const __u32 tcx_next = (__u32)-1; /* TCX_NEXT, which the UAPI headers here predate */
	struct __sk_buff ctx = { .ifindex = pr.uplink };
	struct run tc, tcx;
	char what[64];

	for (size_t i = 0; i < sizeof(frames) / sizeof(frames[0]); i++) {
		const unsigned char *dst =
			frames[i].dst ?: port(frames[i].vid < 0 ? PORT_A : PORT_C)->mac;

		frame_make(&probe.f, dst, MAC_REMOTE, frames[i].vid, frames[i].len);
		cr_assert_eq(prog_run(pr.skel->progs.nsteer_tc_up, &ctx, &probe.f, &tc), 0);
		cr_assert_eq(prog_run(pr.skel->progs.nsteer_tcx_up, &ctx, &probe.f, &tcx), 0);
		snprintf(what, sizeof(what), "frame %zu of the table", i);
		assert_tc_verdict(&tc, frames[i].tc_verdict, what);
		assert_tc_verdict(
			&tcx, frames[i].tc_verdict == TC_ACT_OK ? tcx_next : frames[i].tc_verdict,
			what);
		cr_assert(tc.out_len == tcx.out_len && !memcmp(tc.out, tcx.out, tc.out_len),
			  "frame %zu: the two programs leave different frames", i);
	}
}
