#!/bin/bash
# Layer 2 through nsteer, frame by frame: ARP and neighbour discovery, broadcasts delivered exactly
# once to every port and to the uplink's own stack, unicast only to its port, unknown destinations
# passed or dropped (and counted), and forged source MACs from a port stopped (and counted).
#
# Frames are crafted with a unique ethertype (0x88b5) and counted by AF_PACKET sockets in each
# namespace (see cap_start in lib.sh). Each capture ends on a broadcast "END" marker sent after the
# frames under test, so no assertion depends on timing.
source "$(dirname "$0")/lib.sh"

# resolves_after_flush FAMILY ADDR_OF_PORT WIRE_ADDR: for each port, with both neighbour tables
# flushed, the wire resolves the port's address to the port's MAC, and the port the wire's.
resolves_after_flush() {
	local fam=$1 addr_of=$2 waddr=$3 n p a mac
	lab 3
	for n in 1 2 3; do
		p=$(port_ns "$n")
		a=$("$addr_of" "$n")
		ip -n "$WIRE" "$fam" neigh flush dev wire0
		ip -n "$p" "$fam" neigh flush dev eth0
		expect "wire -> port $n after neigh flush ($fam)" in_ns "$WIRE" ping "$fam" -c1 -W2 "$a"
		mac=$(neigh_mac "$WIRE" wire0 "$a")
		[ "$mac" = "$(port_field "$(uplink)" "$p" mac)" ] || fail "wire resolved $a to '$mac', not port $n's MAC"
		ip -n "$p" "$fam" neigh flush dev eth0
		expect "port $n -> wire after neigh flush ($fam)" in_ns "$p" ping "$fam" -c1 -W2 "$waddr"
	done
}

test_arp_after_neigh_flush() { resolves_after_flush -4 port_addr4 "$WIRE_ADDR4"; }
test_neighbour_discovery_after_neigh_flush() { resolves_after_flush -6 port_addr6 "$WIRE_ADDR6"; }

# flood_from_wire DST N TAG [ATTACH OPTIONS...]: N frames from the wire to DST, a broadcast or
# multicast address: every port and the uplink's stack get each of them exactly once.
flood_from_wire() {
	local dst=$1 count=$2 tag=$3 n; shift 3
	lab 3 "$@"
	cap_ports END 1 2 3
	cap_start up "" "$UP" END 0x88b5 # what the stack gets, after nsteer's tc
	send_frames "$WIRE" wire0 "$dst" self "$count" "$tag"
	send_frames "$WIRE" wire0 "$BCAST" self 1 END
	for n in 1 2 3; do cap_expect "port $n" "p$n" "f['tag'] == '$tag'" "$count"; done
	cap_expect "uplink $UP" up "f['tag'] == '$tag'" "$count"
}

test_broadcast_from_wire_reaches_each_port_and_uplink_once() { flood_from_wire "$BCAST" 1 BCAST; }
test_broadcast_from_wire_exactly_once_xdp_skb() { flood_from_wire "$BCAST" 1 BCAST --xdp-mode skb; }
test_broadcast_from_wire_exactly_once_xdp_off() { flood_from_wire "$BCAST" 1 BCAST --xdp-mode off; }
test_multicast_from_wire_reaches_each_port_once() { flood_from_wire 01:00:5e:7f:00:01 5 MCAST; }

# 50 unicast frames from the wire to port 1's MAC: port 1 gets all, ports 2 and 3 none.
unicast_only_to_its_port() {
	lab 3 "$@"
	cap_ports END 1 2 3
	send_frames "$WIRE" wire0 "$(port_field "$UP" "$(port_ns 1)" mac)" self 50 TO_P1
	send_frames "$WIRE" wire0 "$BCAST" self 1 END
	cap_expect "port 1" p1 "f['tag'] == 'TO_P1'" 50
	cap_expect "port 2 (frames for port 1)" p2 "f['tag'] == 'TO_P1'" 0
	cap_expect "port 3 (frames for port 1)" p3 "f['tag'] == 'TO_P1'" 0
}

test_unicast_only_to_its_port() { unicast_only_to_its_port; }
test_unicast_only_to_its_port_xdp_skb() { unicast_only_to_its_port --xdp-mode skb; }
test_unicast_only_to_its_port_xdp_off() { unicast_only_to_its_port --xdp-mode off; }

test_unicast_to_each_port_with_explicit_macs() {
	# Ports whose MACs differ only in the last byte: the lookup must use the whole address.
	lab 0
	local n m
	for n in 1 2 3; do lab_port "$UP" "$n" --mac "02:00:00:00:77:0$n"; done
	cap_ports END 1 2 3
	for m in 1 2 3; do send_frames "$WIRE" wire0 "02:00:00:00:77:0$m" self "$((m * 3))" "TO$m"; done
	send_frames "$WIRE" wire0 "$BCAST" self 1 END
	for n in 1 2 3; do
		for m in 1 2 3; do
			if [ "$n" = "$m" ]; then
				cap_expect "port $n" "p$n" "f['tag'] == 'TO$m'" "$((m * 3))"
			else
				cap_expect "port $n (frames for port $m)" "p$n" "f['tag'] == 'TO$m'" 0
			fi
		done
	done
}

# unknown_mac POLICY [ATTACH OPTIONS...]: 20 frames from the wire to a MAC no port owns reach no
# port. With --unknown pass the uplink's stack gets them all and no drop is counted; with drop
# each one is counted, and known unicast and ARP still work.
unknown_mac() {
	local policy=$1; shift
	lab 3 --unknown "$policy" "$@"
	local n drops0 drops
	drops0=$(counter "$UP" drop_unknown_dst)
	cap_ports END 1 2 3
	cap_start up "" "$UP" END 0x88b5 # what the stack gets, after nsteer's tc
	send_frames "$WIRE" wire0 02:00:00:0b:ad:01 self 20 UNKNOWN
	send_frames "$WIRE" wire0 "$BCAST" self 1 END
	for n in 1 2 3; do cap_expect "port $n (unknown MAC)" "p$n" "f['tag'] == 'UNKNOWN'" 0; done
	cap_done up
	drops=$(( $(counter "$UP" drop_unknown_dst) - drops0 ))
	if [ "$policy" = pass ]; then
		cap_expect "uplink stack (unknown MAC, --unknown pass)" up "f['tag'] == 'UNKNOWN'" 20
		[ "$drops" = 0 ] || fail "$drops unknown_dst drops counted with --unknown pass"
		return 0
	fi
	if [ "${1:-}" != "--xdp-mode" ] || [ "${2:-}" != off ]; then
		# With XDP the drop happens before any tap sees the frame; tc-only drops after the tap.
		cap_expect "uplink stack (unknown MAC, --unknown drop)" up "f['tag'] == 'UNKNOWN'" 0
	fi
	[ "$drops" -eq 20 ] || fail "uplink counted $drops unknown_dst drops for 20 frames"
	expect "wire -> port 1 with --unknown drop" in_ns "$WIRE" ping -c1 -W2 "$(port_addr4 1)"
}

test_unknown_mac_passes_to_uplink_stack() { unknown_mac pass; }
test_unknown_mac_dropped_and_counted() { unknown_mac drop; }
test_unknown_mac_dropped_and_counted_xdp_off() { unknown_mac drop --xdp-mode off; }

test_forged_source_mac_never_reaches_wire() {
	lab 3
	local p1 wmac n spoofed0 spoofed1
	p1=$(port_ns 1)
	wmac=$(mac_of "$WIRE" wire0)
	spoofed0=$(counter "$UP" drop_spoofed_src "$p1")
	cap_start wire "$WIRE" wire0
	cap_ports END 2 3
	# Forged unicast to the wire, forged broadcast, and forged with another port's MAC.
	send_frames "$p1" eth0 "$wmac" 02:00:de:ad:be:ef 10 FORGED_UNI
	send_frames "$p1" eth0 "$BCAST" 02:00:de:ad:be:ef 10 FORGED_BCAST
	send_frames "$p1" eth0 "$wmac" "$(port_field "$UP" "$(port_ns 2)" mac)" 10 FORGED_P2
	# The marker carries port 1's own MAC, so it must get through to the wire and the ports.
	send_frames "$p1" eth0 "$BCAST" self 1 END
	for tag in FORGED_UNI FORGED_BCAST FORGED_P2; do
		cap_expect "wire ($tag from port 1)" wire "f['tag'] == '$tag'" 0
	done
	for n in 2 3; do
		cap_expect "port $n (forged broadcast from port 1)" "p$n" "f['tag'] == 'FORGED_BCAST'" 0
	done
	spoofed1=$(counter "$UP" drop_spoofed_src "$p1")
	[ $((spoofed1 - spoofed0)) -eq 30 ] ||
		fail "port 1 counted $((spoofed1 - spoofed0)) spoofed_src drops for 30 forged frames"
	[ "$(counter "$UP" drop_spoofed_src "$(port_ns 2)")" = 0 ] ||
		fail "port 2 was charged with port 1's forged frames"
}

test_port_sending_legitimate_frames_reaches_wire() {
	# The counterpart of the anti-spoofing test: correct frames from a port all arrive.
	lab 2
	local wmac
	wmac=$(mac_of "$WIRE" wire0)
	cap_start wire "$WIRE" wire0
	send_frames "$(port_ns 1)" eth0 "$wmac" self 25 LEGIT
	send_frames "$(port_ns 1)" eth0 "$BCAST" self 1 END
	cap_expect "wire (frames from port 1)" wire "f['tag'] == 'LEGIT'" 25
}

run_tests
