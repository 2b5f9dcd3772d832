#!/bin/bash
# Real traffic through nsteer: IPv4 and IPv6 ping, 10 MiB TCP streams both ways (checked by SHA-256),
# jumbo frames at MTU 9000, and two uplinks attached at once that never exchange frames.
source "$(dirname "$0")/lib.sh"

test_ping4_wire_and_three_ports_both_ways() {
	lab 3
	local w n
	w=$(wire_ns "$(uplink)")
	for n in 1 2 3; do
		expect "wire -> port $n" in_ns "$w" ping -c3 -i0.2 -W2 "$(port_addr4 "$n")"
		expect "port $n -> wire" in_ns "$(port_ns "$n")" ping -c3 -i0.2 -W2 "$WIRE_ADDR4"
	done
}

test_tcp_10MiB_wire_and_each_port_both_ways() {
	lab_extras
	lab 3
	local w n
	w=$(wire_ns "$(uplink)")
	for n in 1 2 3; do
		tcp_transfer "$w" "$(port_ns "$n")" "$(port_addr4 "$n")"
		tcp_transfer "$(port_ns "$n")" "$w" "$WIRE_ADDR4"
	done
}

test_tcp_10MiB_over_ipv6_with_xdp_off() {
	# The tc-only datapath (bpf_redirect_peer) must carry the same streams.
	lab_extras
	lab 1 --xdp-mode off
	local w
	w=$(wire_ns "$(uplink)")
	tcp_transfer "$w" "$(port_ns 1)" "$(port_addr6 1)"
	tcp_transfer "$(port_ns 1)" "$w" "$WIRE_ADDR6"
}

test_ping6_global_and_link_local_each_port() {
	lab 3
	local w n p wll pll
	w=$(wire_ns "$(uplink)")
	wll=$(link_local "$w" wire0) || fail "wire0 has no usable link-local address"
	for n in 1 2 3; do
		p=$(port_ns "$n")
		expect "wire -> port $n (fd77::)" in_ns "$w" ping -6 -c2 -i0.2 -W2 "$(port_addr6 "$n")"
		expect "port $n -> wire (fd77::)" in_ns "$p" ping -6 -c2 -i0.2 -W2 "$WIRE_ADDR6"
		pll=$(link_local "$p" eth0) || fail "port $n has no usable link-local address"
		expect "wire -> port $n ($pll)" in_ns "$w" ping -6 -c2 -i0.2 -W2 "$pll%wire0"
		expect "port $n -> wire ($wll)" in_ns "$p" ping -6 -c2 -i0.2 -W2 "$wll%eth0"
	done
}

test_mtu9000_jumbo_ping_and_tcp() {
	lab_extras
	lab_uplink "" 9000
	local up w p host mtu
	up=$(uplink)
	w=$(wire_ns "$up")
	expect "attach" "$NSTEER" attach "$up"
	lab_port "$up" 1
	lab_port "$up" 2
	for n in 1 2; do
		p=$(port_ns "$n")
		mtu=$(ip -n "$p" -j link show eth0 | "$NST_PYTHON" -c 'import json,sys; print(json.load(sys.stdin)[0]["mtu"])')
		[ "$mtu" = 9000 ] || fail "port $n: eth0 has MTU $mtu, not the uplink's 9000"
		host=$(port_field "$up" "$p" host_ifname)
		mtu=$(ip -j link show "$host" | "$NST_PYTHON" -c 'import json,sys; print(json.load(sys.stdin)[0]["mtu"])')
		[ "$mtu" = 9000 ] || fail "port $n: host end $host has MTU $mtu, not 9000"
		expect "wire -> port $n, 9000-byte packets" \
			in_ns "$w" ping -c3 -i0.2 -W2 -s 8972 -M do "$(port_addr4 "$n")"
		expect "port $n -> wire, 9000-byte packets" \
			in_ns "$p" ping -c3 -i0.2 -W2 -s 8972 -M do "$WIRE_ADDR4"
		expect "wire -> port $n, 9000-byte IPv6 packets" \
			in_ns "$w" ping -6 -c2 -i0.2 -W2 -s 8952 -M do "$(port_addr6 "$n")"
		tcp_transfer "$w" "$p" "$(port_addr4 "$n")"
		tcp_transfer "$p" "$w" "$WIRE_ADDR4"
	done
}

test_two_uplinks_never_cross() {
	# Uplink a carries ports 1-3, uplink b ports 4-6. Both wires are 10.77.0.1 in their own
	# namespaces, so ping proves reachability on each side, and crafted frames prove that nothing
	# sent on one wire reaches a port of the other.
	lab_extras
	lab_uplink a
	lab_uplink b
	local a b wa wb n mac4
	a=$(uplink a); b=$(uplink b)
	wa=$(wire_ns "$a"); wb=$(wire_ns "$b")
	expect "attach a" "$NSTEER" attach "$a"
	expect "attach b" "$NSTEER" attach "$b"
	for n in 1 2 3; do lab_port "$a" "$n"; done
	for n in 4 5 6; do lab_port "$b" "$n"; done

	for n in 1 2 3; do
		expect "wire a -> port $n" in_ns "$wa" ping -c1 -W2 "$(port_addr4 "$n")"
		in_ns "$wb" ping -c1 -W1 "$(port_addr4 "$n")" >/dev/null 2>&1 &&
			fail "wire b reached port $n of uplink a"
	done
	for n in 4 5 6; do
		expect "wire b -> port $n" in_ns "$wb" ping -c1 -W2 "$(port_addr4 "$n")"
		in_ns "$wa" ping -c1 -W1 "$(port_addr4 "$n")" >/dev/null 2>&1 &&
			fail "wire a reached port $n of uplink b"
	done

	# A broadcast and unicasts to a port of b, all sent on wire a; END markers on both wires.
	mac4=$(port_field "$b" "$(port_ns 4)" mac)
	for n in 1 2 3 4 5 6; do cap_start "p$n" "$(port_ns "$n")" eth0; done
	send_frames "$wa" wire0 ff:ff:ff:ff:ff:ff self 1 BCAST_A
	send_frames "$wa" wire0 "$mac4" self 10 UNI_P4_ON_A
	send_frames "$wa" wire0 ff:ff:ff:ff:ff:ff self 1 END
	send_frames "$wb" wire0 ff:ff:ff:ff:ff:ff self 1 END
	for n in 1 2 3 4 5 6; do
		cap_saw_end "p$n" || fail "port $n never received the END broadcast of its own wire"
		expect_count "port $n, unicast for port 4 sent on wire a" "p$n" UNI_P4_ON_A 0
	done
	for n in 1 2 3; do expect_count "port $n, broadcast on wire a" "p$n" BCAST_A 1; done
	for n in 4 5 6; do expect_count "port $n, broadcast on wire a" "p$n" BCAST_A 0; done
	[ "$(port_counter "$b" "$(port_ns 4)" rx_packets)" -ge 1 ] || fail "uplink b counted nothing for port 4"
}

run_tests
