#!/bin/bash
# Broadcast and multicast counting, untagged and on VLANs: a frame flooded by nsteer reaches every
# port it should exactly once, the uplink's own stack once (frames from the wire), never the
# sender (frames from a port: AF_PACKET reports a port's own frames as PACKET_OUTGOING, which the
# captures skip, so any copy counted came back in), and never a port of another VLAN.
#
# Each sender sends 3 frames per kind; "exactly once" means exactly 3 counted.
source "$(dirname "$0")/lib.sh"

MCAST4=01:00:5e:7f:00:01
MCAST6=33:33:00:00:01:02

# port_floods N KIND=DST...: port N sends 3 frames tagged KIND<N> to each DST, then an END<N>
# broadcast.
port_floods() {
	local n=$1 kd; shift
	for kd in "$@"; do send_frames "$(port_ns "$n")" eth0 "${kd#*=}" self 3 "${kd%%=*}$n"; done
	send_frames "$(port_ns "$n")" eth0 "$BCAST" self 1 "END$n"
}

test_bcast_from_wire_untagged_once_to_each_untagged_port_and_uplink() {
	mixed_lab
	local n
	cap_ports END 1 2 3
	cap_ports END10 4 5
	cap_start up "" "$UP" END
	send_frames "$WIRE" wire0 "$BCAST" self 3 B
	send_frames "$WIRE" wire0 "$MCAST4" self 3 M4
	send_frames "$WIRE" wire0 "$MCAST6" self 3 M6
	send_frames "$WIRE" wire0 "$BCAST" self 1 END
	send_frames "$(vhost_ns 10)" eth0 "$BCAST" self 1 END10
	for n in 1 2 3; do
		cap_expect "port $n: broadcast" "p$n" "$(tagged_with B)" 3
		cap_expect "port $n: IPv4 multicast" "p$n" "$(tagged_with M4)" 3
		cap_expect "port $n: IPv6 multicast" "p$n" "$(tagged_with M6)" 3
	done
	for n in 4 5; do
		cap_expect "port $n (VLAN 10) gets no untagged flood" "p$n" "f['tag'] in ('B', 'M4', 'M6')" 0
	done
	cap_expect "uplink's stack: broadcast" up "$(tagged_with B)" 3
	cap_expect "uplink's stack: IPv4 multicast" up "$(tagged_with M4)" 3
	cap_expect "uplink's stack: IPv6 multicast" up "$(tagged_with M6)" 3
}

# Tagged broadcasts, with the tag as a VLAN device sends it (offloaded) and written in the frame.
test_bcast_from_wire_tagged_once_to_each_port_of_its_vlan_and_uplink() {
	mixed_lab
	local n
	cap_ports END 1 2 3
	cap_ports END10,ENDIN 4 5
	cap_start up "" "$UP" END10,ENDIN
	send_frames "$(vhost_ns 10)" eth0 "$BCAST" self 3 B
	send_frames "$(vhost_ns 10)" eth0 "$MCAST6" self 3 M6
	send_frames "$(vhost_ns 10)" eth0 "$BCAST" self 1 END10
	send_frames "$WIRE" wire0 "$BCAST" self 3 BIN 10
	send_frames "$WIRE" wire0 "$BCAST" self 1 ENDIN 10
	send_frames "$WIRE" wire0 "$BCAST" self 1 END
	for n in 4 5; do
		cap_expect "port $n: VLAN 10 broadcast, untagged" "p$n" "$(tagged_with B)" 3
		cap_expect "port $n: VLAN 10 multicast, untagged" "p$n" "$(tagged_with M6)" 3
		cap_expect "port $n: VLAN 10 broadcast tagged in the frame, untagged" "p$n" "$(tagged_with BIN)" 3
	done
	for n in 1 2 3; do
		cap_expect "untagged port $n gets no VLAN 10 flood" "p$n" "f['tag'] in ('B', 'M6', 'BIN')" 0
	done
	cap_expect "uplink's stack: VLAN 10 broadcast, tagged" up "$(tagged_with B 10)" 3
	cap_expect "uplink's stack: VLAN 10 multicast, tagged" up "$(tagged_with M6 10)" 3
	cap_expect "uplink's stack: in-frame tagged broadcast" up "$(tagged_with BIN 10)" 3
}

# Bridge mode: a port's broadcast reaches the wire and its VLAN's other ports once, not itself.
test_bcast_from_port_bridge_once_to_wire_and_siblings_never_sender() {
	mixed_lab
	local n
	cap_start p1 "$(port_ns 1)" eth0 END2
	cap_ports END1 2 3
	cap_start p4 "$(port_ns 4)" eth0 END5
	cap_start p5 "$(port_ns 5)" eth0 END4
	cap_start wire "$WIRE" wire0 END1,END4
	cap_start v10 "$(vhost_ns 10)" eth0 END4
	for n in 1 4; do port_floods "$n" "B=$BCAST" "M=$MCAST4" "S=$MCAST6"; done
	send_frames "$(port_ns 2)" eth0 "$BCAST" self 1 END2
	send_frames "$(port_ns 5)" eth0 "$BCAST" self 1 END5
	for n in 2 3; do
		for k in B M S; do cap_expect "port $n gets port 1's $k flood once" "p$n" "$(tagged_with "${k}1")" 3; done
		cap_expect "untagged port $n gets nothing of VLAN 10 port 4" "p$n" "f['tag'] in ('B4', 'M4', 'S4')" 0
	done
	for k in B M S; do
		cap_expect "port 5 gets port 4's $k flood once, untagged" p5 "$(tagged_with "${k}4")" 3
		cap_expect "the wire gets port 1's $k flood once, untagged" wire "$(tagged_with "${k}1")" 3
		cap_expect "the wire gets port 4's $k flood once, tagged 10" wire "$(tagged_with "${k}4" 10)" 3
	done
	cap_expect "the wire gets no other copy" wire \
		"f['tag'] in ('B1', 'M1', 'S1') and f['vlans'] != [] or f['tag'] in ('B4', 'M4', 'S4') and f['vlans'] != [10]" 0
	cap_expect "the VLAN 10 host gets port 4's broadcast" v10 "$(tagged_with B4)" 3
	cap_expect "port 1 gets no copy of its own floods" p1 "f['tag'] in ('B1', 'M1', 'S1')" 0
	cap_expect "port 1 gets nothing of VLAN 10" p1 "f['tag'] in ('B4', 'M4', 'S4')" 0
	cap_expect "port 4 gets no copy of its own floods" p4 "f['tag'] in ('B4', 'M4', 'S4')" 0
	cap_expect "port 5 gets nothing of the untagged port 1" p5 "f['tag'] in ('B1', 'M1', 'S1')" 0
}

# private and vepa: a port's broadcast goes to the wire only (once), never to the other ports.
test_bcast_from_port_private_and_vepa_only_to_wire() {
	mixed_lab --mode private
	local n mode
	for mode in private vepa; do
		"$NSTEER" attach "$UP" --mode "$mode" >/dev/null || fail "attach --mode $mode"
		[ "$(status_get "$UP" 's["mode"]')" = "$mode" ] || fail "status does not show mode $mode"
		cap_ports ENDW 1 2 3
		cap_start p5 "$(port_ns 5)" eth0 ENDV
		cap_start wire "$WIRE" wire0 END1,END4
		for n in 1 4; do port_floods "$n" "B=$BCAST" "S=$MCAST6"; done
		send_frames "$WIRE" wire0 "$BCAST" self 1 ENDW
		send_frames "$(vhost_ns 10)" eth0 "$BCAST" self 1 ENDV
		cap_expect "$mode: the wire gets port 1's broadcast once" wire "$(tagged_with B1)" 3
		cap_expect "$mode: the wire gets port 1's multicast once" wire "$(tagged_with S1)" 3
		cap_expect "$mode: the wire gets port 4's broadcast once, tagged" wire "$(tagged_with B4 10)" 3
		for n in 1 2 3; do
			cap_expect "$mode: port $n gets no port's flood" "p$n" "f['tag'] in ('B1', 'S1', 'B4', 'S4')" 0
		done
		cap_expect "$mode: port 5 gets no flood of port 4" p5 "f['tag'] in ('B4', 'S4')" 0
	done
}

run_tests
