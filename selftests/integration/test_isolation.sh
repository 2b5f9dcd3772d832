#!/bin/bash
# Layer 2 through nsteer, frame by frame: ARP and neighbour discovery, broadcasts delivered exactly
# once to every port and to the uplink's own stack, unicast only to its port, unknown destinations
# passed or dropped (and counted), and forged source MACs from a port stopped (and counted).
#
# Frames are crafted with a unique ethertype (0x88b5) and counted by AF_PACKET sockets in each
# namespace (see cap_start in lib.sh). Each capture ends on a broadcast "END" marker sent after the
# frames under test, so no assertion depends on timing.
source "$(dirname "$0")/lib.sh"

BCAST=ff:ff:ff:ff:ff:ff

test_arp_after_neigh_flush() {
	lab 3
	local w n p mac
	w=$(wire_ns "$(uplink)")
	for n in 1 2 3; do
		p=$(port_ns "$n")
		ip -n "$w" neigh flush dev wire0
		ip -n "$p" neigh flush dev eth0
		expect "wire -> port $n after neigh flush (ARP)" in_ns "$w" ping -c1 -W2 "$(port_addr4 "$n")"
		mac=$(ip -n "$w" -j neigh show "$(port_addr4 "$n")" dev wire0 | "$NST_PYTHON" -S -c '
import json, sys
print(next((e.get("lladdr", "") for e in json.load(sys.stdin)), ""))')
		[ "$mac" = "$(port_field "$(uplink)" "$p" mac)" ] ||
			fail "wire resolved $(port_addr4 "$n") to '$mac', not port $n's MAC"
		ip -n "$p" neigh flush dev eth0
		expect "port $n -> wire after neigh flush (ARP)" in_ns "$p" ping -c1 -W2 "$WIRE_ADDR4"
	done
}

test_neighbour_discovery_after_neigh_flush() {
	lab 3
	local w n p mac
	w=$(wire_ns "$(uplink)")
	for n in 1 2 3; do
		p=$(port_ns "$n")
		ip -n "$w" -6 neigh flush dev wire0
		ip -n "$p" -6 neigh flush dev eth0
		expect "wire -> port $n after neigh flush (ND)" in_ns "$w" ping -6 -c1 -W2 "$(port_addr6 "$n")"
		mac=$(ip -n "$w" -6 -j neigh show "$(port_addr6 "$n")" dev wire0 | "$NST_PYTHON" -S -c '
import json, sys
print(next((e.get("lladdr", "") for e in json.load(sys.stdin)), ""))')
		[ "$mac" = "$(port_field "$(uplink)" "$p" mac)" ] ||
			fail "wire resolved $(port_addr6 "$n") to '$mac', not port $n's MAC"
		ip -n "$p" -6 neigh flush dev eth0
		expect "port $n -> wire after neigh flush (ND)" in_ns "$p" ping -6 -c1 -W2 "$WIRE_ADDR6"
	done
}

# One broadcast from the wire: every port and the uplink's stack get exactly one copy.
broadcast_exactly_once() {
	lab_extras
	lab 3 "$@"
	local up w n
	up=$(uplink)
	w=$(wire_ns "$up")
	for n in 1 2 3; do cap_start "p$n" "$(port_ns "$n")" eth0; done
	cap_start up "" "$up"
	send_frames "$w" wire0 "$BCAST" self 1 BCAST
	send_frames "$w" wire0 "$BCAST" self 1 END
	for n in 1 2 3; do
		cap_saw_end "p$n" || fail "port $n never received the END broadcast"
		expect_count "port $n" "p$n" BCAST 1
	done
	cap_saw_end up || fail "the uplink's stack never received the END broadcast"
	expect_count "uplink $up" up BCAST 1
}

test_broadcast_from_wire_reaches_each_port_and_uplink_once() { broadcast_exactly_once; }
test_broadcast_from_wire_exactly_once_xdp_skb() { broadcast_exactly_once --xdp-mode skb; }
test_broadcast_from_wire_exactly_once_xdp_off() { broadcast_exactly_once --xdp-mode off; }

test_multicast_from_wire_reaches_each_port_once() {
	lab_extras
	lab 3
	local w n
	w=$(wire_ns "$(uplink)")
	for n in 1 2 3; do cap_start "p$n" "$(port_ns "$n")" eth0; done
	send_frames "$w" wire0 01:00:5e:7f:00:01 self 5 MCAST
	send_frames "$w" wire0 "$BCAST" self 1 END
	for n in 1 2 3; do
		cap_saw_end "p$n" || fail "port $n never received the END broadcast"
		expect_count "port $n" "p$n" MCAST 5
	done
}

# 50 unicast frames from the wire to port 1's MAC: port 1 gets all, ports 2 and 3 none.
unicast_only_to_its_port() {
	lab_extras
	lab 3 "$@"
	local up w n mac1
	up=$(uplink)
	w=$(wire_ns "$up")
	mac1=$(port_field "$up" "$(port_ns 1)" mac)
	for n in 1 2 3; do cap_start "p$n" "$(port_ns "$n")" eth0; done
	send_frames "$w" wire0 "$mac1" self 50 TO_P1
	send_frames "$w" wire0 "$BCAST" self 1 END
	for n in 1 2 3; do cap_saw_end "p$n" || fail "port $n never received the END broadcast"; done
	expect_count "port 1" p1 TO_P1 50
	expect_count "port 2 (frames for port 1)" p2 TO_P1 0
	expect_count "port 3 (frames for port 1)" p3 TO_P1 0
}

test_unicast_only_to_its_port() { unicast_only_to_its_port; }
test_unicast_only_to_its_port_xdp_skb() { unicast_only_to_its_port --xdp-mode skb; }
test_unicast_only_to_its_port_xdp_off() { unicast_only_to_its_port --xdp-mode off; }

test_unicast_to_each_port_with_explicit_macs() {
	# Ports whose MACs differ only in the last byte: the lookup must use the whole address.
	lab_extras
	lab_uplink
	local up w n m
	up=$(uplink)
	w=$(wire_ns "$up")
	expect "attach" "$NSTEER" attach "$up"
	for n in 1 2 3; do lab_port "$up" "$n" --mac "02:00:00:00:77:0$n"; done
	for n in 1 2 3; do cap_start "p$n" "$(port_ns "$n")" eth0; done
	for m in 1 2 3; do send_frames "$w" wire0 "02:00:00:00:77:0$m" self "$((m * 3))" "TO$m"; done
	send_frames "$w" wire0 "$BCAST" self 1 END
	for n in 1 2 3; do
		cap_saw_end "p$n" || fail "port $n never received the END broadcast"
		for m in 1 2 3; do
			if [ "$n" = "$m" ]; then
				expect_count "port $n" "p$n" "TO$m" "$((m * 3))"
			else
				expect_count "port $n (frames for port $m)" "p$n" "TO$m" 0
			fi
		done
	done
}

test_unknown_mac_passes_to_uplink_stack() {
	lab_extras
	lab 3
	local up w n drops0
	up=$(uplink)
	w=$(wire_ns "$up")
	drops0=$(uplink_counter "$up" drop_unknown_dst)
	for n in 1 2 3; do cap_start "p$n" "$(port_ns "$n")" eth0; done
	cap_start up "" "$up"
	send_frames "$w" wire0 02:00:00:0b:ad:01 self 20 UNKNOWN
	send_frames "$w" wire0 "$BCAST" self 1 END
	for n in 1 2 3; do
		cap_saw_end "p$n" || fail "port $n never received the END broadcast"
		expect_count "port $n (unknown MAC)" "p$n" UNKNOWN 0
	done
	cap_saw_end up || fail "the uplink never received the END broadcast"
	expect_count "uplink stack (unknown MAC, --unknown pass)" up UNKNOWN 20
	[ "$(uplink_counter "$up" drop_unknown_dst)" = "$drops0" ] ||
		fail "unknown_dst drops counted with --unknown pass"
}

unknown_mac_dropped_and_counted() {
	lab_extras
	lab 3 --unknown drop "$@"
	local up w n drops0 drops1
	up=$(uplink)
	w=$(wire_ns "$up")
	drops0=$(uplink_counter "$up" drop_unknown_dst)
	for n in 1 2 3; do cap_start "p$n" "$(port_ns "$n")" eth0; done
	cap_start up "" "$up"
	send_frames "$w" wire0 02:00:00:0b:ad:01 self 20 UNKNOWN
	send_frames "$w" wire0 "$BCAST" self 1 END
	for n in 1 2 3; do
		cap_saw_end "p$n" || fail "port $n never received the END broadcast"
		expect_count "port $n (unknown MAC)" "p$n" UNKNOWN 0
	done
	cap_saw_end up || fail "the uplink never received the END broadcast"
	if [ "${1:-}" != "--xdp-mode" ] || [ "${2:-}" != off ]; then
		# With XDP the drop happens before any tap sees the frame; tc-only drops after the tap.
		expect_count "uplink stack (unknown MAC, --unknown drop)" up UNKNOWN 0
	fi
	drops1=$(uplink_counter "$up" drop_unknown_dst)
	[ $((drops1 - drops0)) -eq 20 ] ||
		fail "uplink counted $((drops1 - drops0)) unknown_dst drops for 20 frames"
	# Known unicast and ARP still work with --unknown drop.
	expect "wire -> port 1 with --unknown drop" in_ns "$w" ping -c1 -W2 "$(port_addr4 1)"
}

test_unknown_mac_dropped_and_counted() { unknown_mac_dropped_and_counted; }
test_unknown_mac_dropped_and_counted_xdp_off() { unknown_mac_dropped_and_counted --xdp-mode off; }

test_forged_source_mac_never_reaches_wire() {
	lab_extras
	lab 3
	local up w p1 wmac n spoofed0 spoofed1
	up=$(uplink)
	w=$(wire_ns "$up")
	p1=$(port_ns 1)
	wmac=$(mac_of "$w" wire0)
	spoofed0=$(port_counter "$up" "$p1" drop_spoofed_src)
	cap_start wire "$w" wire0
	for n in 2 3; do cap_start "p$n" "$(port_ns "$n")" eth0; done
	# Forged unicast to the wire, forged broadcast, and forged with another port's MAC.
	send_frames "$p1" eth0 "$wmac" 02:00:de:ad:be:ef 10 FORGED_UNI
	send_frames "$p1" eth0 "$BCAST" 02:00:de:ad:be:ef 10 FORGED_BCAST
	send_frames "$p1" eth0 "$wmac" "$(port_field "$up" "$(port_ns 2)" mac)" 10 FORGED_P2
	# The marker carries port 1's own MAC, so it must get through to the wire and the ports.
	send_frames "$p1" eth0 "$BCAST" self 1 END
	cap_saw_end wire || fail "the wire never received port 1's legitimate END broadcast"
	for tag in FORGED_UNI FORGED_BCAST FORGED_P2; do
		expect_count "wire ($tag from port 1)" wire "$tag" 0
	done
	for n in 2 3; do
		cap_saw_end "p$n" || fail "port $n never received port 1's END broadcast"
		expect_count "port $n (forged broadcast from port 1)" "p$n" FORGED_BCAST 0
	done
	spoofed1=$(port_counter "$up" "$p1" drop_spoofed_src)
	[ $((spoofed1 - spoofed0)) -eq 30 ] ||
		fail "port 1 counted $((spoofed1 - spoofed0)) spoofed_src drops for 30 forged frames"
	[ "$(port_counter "$up" "$(port_ns 2)" drop_spoofed_src)" = 0 ] ||
		fail "port 2 was charged with port 1's forged frames"
}

test_port_sending_legitimate_frames_reaches_wire() {
	# The counterpart of the anti-spoofing test: correct frames from a port all arrive.
	lab_extras
	lab 2
	local up w wmac
	up=$(uplink)
	w=$(wire_ns "$up")
	wmac=$(mac_of "$w" wire0)
	cap_start wire "$w" wire0
	send_frames "$(port_ns 1)" eth0 "$wmac" self 25 LEGIT
	send_frames "$(port_ns 1)" eth0 "$BCAST" self 1 END
	cap_saw_end wire || fail "the wire never received port 1's END broadcast"
	expect_count "wire (frames from port 1)" wire LEGIT 25
}

run_tests
