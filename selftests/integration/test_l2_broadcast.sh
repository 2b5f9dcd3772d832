#!/bin/bash
# Broadcast and multicast counting, untagged and on VLANs: a frame flooded by nsteer reaches every
# port it should exactly once, the uplink's own stack once (frames from the wire), never the
# sender (frames from a port: AF_PACKET reports a port's own frames as PACKET_OUTGOING, which the
# captures skip, so any copy counted came back in), and never a port of another VLAN.
#
# Each sender sends 3 frames per kind; "exactly once" means exactly 3 counted.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_l2.sh"

MCAST4=01:00:5e:7f:00:01
MCAST6=33:33:00:00:01:02

# Ports 1-3 untagged, ports 4 and 5 on VLAN 10, and a host on VLAN 10 behind the wire.
mixed_lab() {
	l2_begin
	lab_uplink
	l2_attach "$(uplink)" "$@" >/dev/null || fail "attach $(uplink) $*"
	lab_port "$(uplink)" 1
	lab_port "$(uplink)" 2
	lab_port "$(uplink)" 3
	l2_vport "$(uplink)" 4 10
	l2_vport "$(uplink)" 5 10
	l2_vlan_host "$(uplink)" 10
	l2_wire_switch "$(uplink)"
}

test_bcast_from_wire_untagged_once_to_each_untagged_port_and_uplink() {
	mixed_lab
	local up w n
	up=$(uplink)
	w=$(wire_ns "$up")
	for n in 1 2 3; do l2_cap "p$n" "$(port_ns "$n")" eth0 END; done
	for n in 4 5; do l2_cap "p$n" "$(port_ns "$n")" eth0 END10; done
	l2_cap up "" "$up" END
	l2_send "$w" wire0 "$BCAST" self 3 B
	l2_send "$w" wire0 "$MCAST4" self 3 M4
	l2_send "$w" wire0 "$MCAST6" self 3 M6
	l2_send "$w" wire0 "$BCAST" self 1 END
	l2_send "$(vhost_ns 10)" eth0 "$BCAST" self 1 END10
	for n in 1 2 3; do
		l2_expect "port $n: broadcast" "p$n" "$(tagged_with B)" 3
		l2_expect "port $n: IPv4 multicast" "p$n" "$(tagged_with M4)" 3
		l2_expect "port $n: IPv6 multicast" "p$n" "$(tagged_with M6)" 3
	done
	for n in 4 5; do
		l2_expect "port $n (VLAN 10) gets no untagged flood" "p$n" "f['tag'] in ('B', 'M4', 'M6')" 0
	done
	l2_expect "uplink's stack: broadcast" up "$(tagged_with B)" 3
	l2_expect "uplink's stack: IPv4 multicast" up "$(tagged_with M4)" 3
	l2_expect "uplink's stack: IPv6 multicast" up "$(tagged_with M6)" 3
}

# Tagged broadcasts, with the tag as a VLAN device sends it (offloaded) and written in the frame.
test_bcast_from_wire_tagged_once_to_each_port_of_its_vlan_and_uplink() {
	mixed_lab
	local up w n
	up=$(uplink)
	w=$(wire_ns "$up")
	for n in 1 2 3; do l2_cap "p$n" "$(port_ns "$n")" eth0 END; done
	for n in 4 5; do l2_cap "p$n" "$(port_ns "$n")" eth0 END10,ENDIN; done
	l2_cap up "" "$up" END10,ENDIN
	l2_send "$(vhost_ns 10)" eth0 "$BCAST" self 3 B
	l2_send "$(vhost_ns 10)" eth0 "$MCAST6" self 3 M6
	l2_send "$(vhost_ns 10)" eth0 "$BCAST" self 1 END10
	l2_send "$w" wire0 "$BCAST" self 3 BIN 10
	l2_send "$w" wire0 "$BCAST" self 1 ENDIN 10
	l2_send "$w" wire0 "$BCAST" self 1 END
	for n in 4 5; do
		l2_expect "port $n: VLAN 10 broadcast, untagged" "p$n" "$(tagged_with B)" 3
		l2_expect "port $n: VLAN 10 multicast, untagged" "p$n" "$(tagged_with M6)" 3
		l2_expect "port $n: VLAN 10 broadcast tagged in the frame, untagged" "p$n" "$(tagged_with BIN)" 3
	done
	for n in 1 2 3; do
		l2_expect "untagged port $n gets no VLAN 10 flood" "p$n" "f['tag'] in ('B', 'M6', 'BIN')" 0
	done
	l2_expect "uplink's stack: VLAN 10 broadcast, tagged" up "$(tagged_with B 10)" 3
	l2_expect "uplink's stack: VLAN 10 multicast, tagged" up "$(tagged_with M6 10)" 3
	l2_expect "uplink's stack: in-frame tagged broadcast" up "$(tagged_with BIN 10)" 3
}

# Bridge mode: a port's broadcast reaches the wire and its VLAN's other ports once, not itself.
test_bcast_from_port_bridge_once_to_wire_and_siblings_never_sender() {
	mixed_lab
	local up w n
	up=$(uplink)
	w=$(wire_ns "$up")
	l2_cap p1 "$(port_ns 1)" eth0 END2
	for n in 2 3; do l2_cap "p$n" "$(port_ns "$n")" eth0 END1; done
	l2_cap p4 "$(port_ns 4)" eth0 END5
	l2_cap p5 "$(port_ns 5)" eth0 END4
	l2_cap wire "$w" wire0 END1,END4
	l2_cap v10 "$(vhost_ns 10)" eth0 END4
	for n in 1 4; do
		l2_send "$(port_ns "$n")" eth0 "$BCAST" self 3 "B$n"
		l2_send "$(port_ns "$n")" eth0 "$MCAST4" self 3 "M$n"
		l2_send "$(port_ns "$n")" eth0 "$MCAST6" self 3 "S$n"
		l2_send "$(port_ns "$n")" eth0 "$BCAST" self 1 "END$n"
	done
	l2_send "$(port_ns 2)" eth0 "$BCAST" self 1 END2
	l2_send "$(port_ns 5)" eth0 "$BCAST" self 1 END5
	for n in 2 3; do
		for k in B M S; do l2_expect "port $n gets port 1's $k flood once" "p$n" "$(tagged_with "${k}1")" 3; done
		l2_expect "untagged port $n gets nothing of VLAN 10 port 4" "p$n" "f['tag'] in ('B4', 'M4', 'S4')" 0
	done
	for k in B M S; do
		l2_expect "port 5 gets port 4's $k flood once, untagged" p5 "$(tagged_with "${k}4")" 3
		l2_expect "the wire gets port 1's $k flood once, untagged" wire "$(tagged_with "${k}1")" 3
		l2_expect "the wire gets port 4's $k flood once, tagged 10" wire "$(tagged_with "${k}4" 10)" 3
	done
	l2_expect "the wire gets no other copy" wire \
		"f['tag'] in ('B1', 'M1', 'S1') and f['vlans'] != [] or f['tag'] in ('B4', 'M4', 'S4') and f['vlans'] != [10]" 0
	l2_expect "the VLAN 10 host gets port 4's broadcast" v10 "$(tagged_with B4)" 3
	l2_expect "port 1 gets no copy of its own floods" p1 "f['tag'] in ('B1', 'M1', 'S1')" 0
	l2_expect "port 1 gets nothing of VLAN 10" p1 "f['tag'] in ('B4', 'M4', 'S4')" 0
	l2_expect "port 4 gets no copy of its own floods" p4 "f['tag'] in ('B4', 'M4', 'S4')" 0
	l2_expect "port 5 gets nothing of the untagged port 1" p5 "f['tag'] in ('B1', 'M1', 'S1')" 0
}

# private and vepa: a port's broadcast goes to the wire only (once), never to the other ports.
test_bcast_from_port_private_and_vepa_only_to_wire() {
	mixed_lab --mode private
	local up w n mode
	up=$(uplink)
	w=$(wire_ns "$up")
	for mode in private vepa; do
		l2_attach "$up" --mode "$mode" >/dev/null || fail "attach --mode $mode"
		[ "$(status_field "$up" mode)" = "$mode" ] || fail "status does not show mode $mode"
		for n in 1 2 3; do l2_cap "p$n" "$(port_ns "$n")" eth0 ENDW; done
		l2_cap p5 "$(port_ns 5)" eth0 ENDV
		l2_cap wire "$w" wire0 END1,END4
		for n in 1 4; do
			l2_send "$(port_ns "$n")" eth0 "$BCAST" self 3 "B$n"
			l2_send "$(port_ns "$n")" eth0 "$MCAST6" self 3 "S$n"
			l2_send "$(port_ns "$n")" eth0 "$BCAST" self 1 "END$n"
		done
		l2_send "$w" wire0 "$BCAST" self 1 ENDW
		l2_send "$(vhost_ns 10)" eth0 "$BCAST" self 1 ENDV
		l2_expect "$mode: the wire gets port 1's broadcast once" wire "$(tagged_with B1)" 3
		l2_expect "$mode: the wire gets port 1's multicast once" wire "$(tagged_with S1)" 3
		l2_expect "$mode: the wire gets port 4's broadcast once, tagged" wire "$(tagged_with B4 10)" 3
		for n in 1 2 3; do
			l2_expect "$mode: port $n gets no port's flood" "p$n" "f['tag'] in ('B1', 'S1', 'B4', 'S4')" 0
		done
		l2_expect "$mode: port 5 gets no flood of port 4" p5 "f['tag'] in ('B4', 'S4')" 0
	done
}

run_tests
