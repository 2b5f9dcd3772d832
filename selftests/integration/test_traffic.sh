#!/bin/bash
# Real traffic through nsteer: IPv4 and IPv6 ping, 10 MiB TCP streams both ways (checked by SHA-256),
# jumbo frames at MTU 9000, frames a port refuses counted by name, and two uplinks attached at once that
# never exchange frames.
# selftests-scope: kernel (TCP, jumbo frames: multi-buffer XDP, GRO and the veth rings differ by kernel)
# selftests-host-only: ping4_wire_and_three_ports_both_ways ping6_global_and_link_local_each_port tcp_10MiB_ipv6_both_ways two_uplinks_never_cross (pings both ways, IPv6 and neighbour discovery: the real-NIC lab does them on the same kernel; two uplinks kept apart: the maps' logic)
source "$(dirname "$0")/lib.sh"

test_ping4_wire_and_three_ports_both_ways() {
	lab 3
	local n
	for n in 1 2 3; do
		expect "wire -> port $n" in_ns "$WIRE" ping -c3 -i0.2 -W2 "$(port_addr4 "$n")"
		expect "port $n -> wire" in_ns "$(port_ns "$n")" ping -c3 -i0.2 -W2 "$WIRE_ADDR4"
	done
}

# TCP with the kernel's offloads on (the lab's veths keep their defaults: checksum offload, TSO, GSO).
test_tcp_10MiB_wire_to_each_port() {
	lab_extras
	lab 3
	local w n
	w=$(wire_ns "$(uplink)")
	for n in 1 2 3; do tcp_transfer "$w" "$(port_ns "$n")" "$(port_addr4 "$n")"; done
}

test_tcp_10MiB_each_port_to_wire() {
	lab_extras
	lab 3
	local w n
	w=$(wire_ns "$(uplink)")
	for n in 1 2 3; do tcp_transfer "$(port_ns "$n")" "$w" "$WIRE_ADDR4"; done
}

test_tcp_10MiB_ipv6_both_ways() {
	lab_extras
	lab 1
	local w
	w=$(wire_ns "$(uplink)")
	tcp_transfer "$(port_ns 1)" "$w" "$WIRE_ADDR6"
	tcp_transfer "$w" "$(port_ns 1)" "$(port_addr6 1)"
}

# tcp_both_ways_in_mode ATTACH-OPTIONS...: 10 MiB each way between the wire and port 1. Static
# neighbours keep ARP out of it: broadcasts have tests of their own in test_isolation.sh.
tcp_both_ways_in_mode() {
	lab 1 "$@"
	local up w p
	up=$(uplink); w=$(wire_ns "$up"); p=$(port_ns 1)
	ip -n "$w" neigh replace "$(port_addr4 1)" lladdr "$(port_field "$up" "$p" mac)" dev wire0
	ip -n "$p" neigh replace "$WIRE_ADDR4" lladdr "$(mac_of "$w" wire0)" dev eth0
	tcp_transfer "$p" "$w" "$WIRE_ADDR4"
	tcp_transfer "$w" "$p" "$(port_addr4 1)"
}

test_tcp_10MiB_both_ways_xdp_skb() { tcp_both_ways_in_mode --xdp-mode skb; }
test_tcp_10MiB_both_ways_xdp_off() { tcp_both_ways_in_mode --xdp-mode off; }

test_ping6_global_and_link_local_each_port() {
	lab 3
	local n p wll pll
	wll=$(link_local "$WIRE" wire0) || fail "wire0 has no usable link-local address"
	for n in 1 2 3; do
		p=$(port_ns "$n")
		expect "wire -> port $n (fd77::)" in_ns "$WIRE" ping -6 -c2 -i0.2 -W2 "$(port_addr6 "$n")"
		expect "port $n -> wire (fd77::)" in_ns "$p" ping -6 -c2 -i0.2 -W2 "$WIRE_ADDR6"
		pll=$(link_local "$p" eth0) || fail "port $n has no usable link-local address"
		expect "wire -> port $n ($pll)" in_ns "$WIRE" ping -6 -c2 -i0.2 -W2 "$pll%wire0"
		expect "port $n -> wire ($wll)" in_ns "$p" ping -6 -c2 -i0.2 -W2 "$wll%eth0"
	done
}

# mtu9000_lab NPORTS: an uplink with MTU 9000, attached, with NPORTS ports.
mtu9000_lab() {
	lab_uplink "" 9000
	expect "attach" "$NSTEER" attach "$(uplink)"
	for ((n = 1; n <= $1; n++)); do lab_port "$(uplink)" "$n"; done
}

test_mtu9000_ports_inherit_mtu_and_pass_jumbo_ping() {
	mtu9000_lab 2
	local up w p n host mtu
	up=$(uplink)
	w=$(wire_ns "$up")
	for n in 1 2; do
		p=$(port_ns "$n")
		mtu=$(link_get "$p" eth0 mtu)
		[ "$mtu" = 9000 ] || fail "port $n: eth0 has MTU $mtu, not the uplink's 9000"
		host=$(port_field "$up" "$p" host_ifname)
		mtu=$(link_get "" "$host" mtu)
		[ "$mtu" = 9000 ] || fail "port $n: host end $host has MTU $mtu, not 9000"
		expect "wire -> port $n, 9000-byte packets" \
			in_ns "$w" ping -c3 -i0.2 -W2 -s 8972 -M do "$(port_addr4 "$n")"
		expect "port $n -> wire, 9000-byte packets" \
			in_ns "$p" ping -c3 -i0.2 -W2 -s 8972 -M do "$WIRE_ADDR4"
		expect "wire -> port $n, 9000-byte IPv6 packets" \
			in_ns "$w" ping -6 -c2 -i0.2 -W2 -s 8952 -M do "$(port_addr6 "$n")"
		expect "port $n -> wire, 9000-byte IPv6 packets" \
			in_ns "$p" ping -6 -c2 -i0.2 -W2 -s 8952 -M do "$WIRE_ADDR6"
	done
	# One byte more does not fit: the MTU is really 9000, not more.
	in_ns "$w" ping -c1 -W1 -s 8973 -M do "$(port_addr4 1)" >/dev/null 2>&1 &&
		fail "a 9001-byte packet went through with -M do"
	return 0
}

test_mtu9000_tcp_both_ways() {
	lab_extras
	mtu9000_lab 1
	local w p
	w=$(wire_ns "$(uplink)"); p=$(port_ns 1)
	tcp_transfer "$p" "$w" "$WIRE_ADDR4"
	tcp_transfer "$w" "$p" "$(port_addr4 1)"
}

# A frame XDP redirects into a port whose veth cannot take it (its ring full, or, as here, over
# the MTU the container lowered its eth0 to) dies in the kernel after nsteer's verdict; stats must
# still say so, under port_rejected, and count exactly those frames.
test_frames_a_port_refuses_are_counted_as_port_rejected() {
	lab 1 --xdp-mode native
	local p up rejected
	p=$(port_ns 1)
	up=$(uplink)
	expect "wire -> port 1 before the MTU change" in_ns "$WIRE" ping -c1 -W2 "$(port_addr4 1)"
	in_ns "$p" ip link set eth0 mtu 1000 || fail "lowering eth0's MTU in $p"
	in_ns "$WIRE" ping -c5 -i0.2 -W1 -s 1300 "$(port_addr4 1)" >/dev/null 2>&1 &&
		fail "1328-byte packets reached a port whose MTU is 1000"
	rejected=$(counter "$up" drop_port_rejected "$p")
	[ "$rejected" = 5 ] || fail "port_rejected is $rejected after 5 oversized frames, not 5"
	"$NSTEER" stats "$up" | grep -q "port_rejected=5" || fail "nsteer stats does not show port_rejected=5"
	expect "wire -> port 1, small packets still" in_ns "$WIRE" ping -c2 -i0.2 -W2 "$(port_addr4 1)"
	rejected=$(counter "$up" drop_port_rejected "$p")
	[ "$rejected" = 5 ] || fail "port_rejected moved to $rejected with frames the port took"
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
	cap_ports END 1 2 3 4 5 6
	send_frames "$wa" wire0 "$BCAST" self 1 BCAST_A
	send_frames "$wa" wire0 "$mac4" self 10 UNI_P4_ON_A
	send_frames "$wa" wire0 "$BCAST" self 1 END
	send_frames "$wb" wire0 "$BCAST" self 1 END
	for n in 1 2 3 4 5 6; do
		cap_expect "port $n, unicast for port 4 sent on wire a" "p$n" "f['tag'] == 'UNI_P4_ON_A'" 0
	done
	for n in 1 2 3; do cap_expect "port $n, broadcast on wire a" "p$n" "f['tag'] == 'BCAST_A'" 1; done
	for n in 4 5 6; do cap_expect "port $n, broadcast on wire a" "p$n" "f['tag'] == 'BCAST_A'" 0; done
	[ "$(counter "$b" rx_packets "$(port_ns 4)")" -ge 1 ] || fail "uplink b counted nothing for port 4"
}

run_tests
