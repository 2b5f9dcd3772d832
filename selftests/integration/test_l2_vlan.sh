#!/bin/bash
# VLAN ports: a port's frames travel the wire tagged with its VLAN, reach it untagged, and never
# cross into another VLAN (unicast or broadcast); MACs are unique per VLAN, not per uplink.
#
# The lab: ports 1,2 on VLAN 10 and ports 3,4 on VLAN 20, and on the wire's side a host per VLAN
# behind a VLAN switch (see lib_l2.sh), so tags arrive as a VLAN device or a NIC with VLAN offload
# would deliver them. Frames are crafted (ethertype 0x88b5) and counted by AF_PACKET captures that
# end on END markers sent after the frames under test, so no check depends on timing.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_l2.sh"

# vlan_lab [ATTACH OPTIONS...]
vlan_lab() {
	l2_begin
	lab_uplink
	l2_attach "$(uplink)" "$@" >/dev/null || fail "attach $(uplink) $*"
	l2_vport "$(uplink)" 1 10
	l2_vport "$(uplink)" 2 10
	l2_vport "$(uplink)" 3 20
	l2_vport "$(uplink)" 4 20
	l2_vlan_host "$(uplink)" 10
	l2_vlan_host "$(uplink)" 20
	l2_wire_switch "$(uplink)"
}

vid_of_port() { if [ "$1" -le 2 ]; then echo 10; else echo 20; fi; }

test_vlan_ping_wire_and_each_port_both_ways() {
	vlan_lab
	local n vid
	for n in 1 2 3 4; do
		vid=$(vid_of_port "$n")
		l2_ping "$(vhost_ns "$vid")" "$(vport_addr4 "$n" "$vid")" "$(vport_addr6 "$n" "$vid")"
		l2_ping "$(port_ns "$n")" "$(vhost_addr4 "$vid")" "$(vhost_addr6 "$vid")"
	done
}

test_vlan_ping_between_ports_of_one_vlan() {
	vlan_lab
	l2_ping "$(port_ns 1)" "$(vport_addr4 2 10)" "$(vport_addr6 2 10)"
	l2_ping "$(port_ns 4)" "$(vport_addr4 3 20)" "$(vport_addr6 3 20)"
}

# The tag is nsteer's business: ports see untagged frames, the wire sees the port's VID.
test_vlan_tag_removed_toward_port_and_added_toward_wire() {
	vlan_lab
	local up w n vid vmac
	up=$(uplink)
	w=$(wire_ns "$up")
	for n in 1 3; do
		vid=$(vid_of_port "$n")
		vmac=$(mac_of "$(vhost_ns "$vid")" eth0)
		l2_cap port "$(port_ns "$n")" eth0 END
		l2_cap wire "$w" wire0 END_UP
		l2_cap vhost "$(vhost_ns "$vid")" eth0 END_UP
		l2_send "$(vhost_ns "$vid")" eth0 "$(port_mac "$n")" self 3 DOWN
		l2_send "$w" wire0 "$(port_mac "$n")" self 2 DOWNIN "$vid" # the tag written in the frame
		l2_send "$(vhost_ns "$vid")" eth0 "$(port_mac "$n")" self 1 END
		l2_send "$(port_ns "$n")" eth0 "$vmac" self 3 UP
		l2_send "$(port_ns "$n")" eth0 "$vmac" self 1 END_UP
		l2_expect "wire -> port $n arrives untagged" port "$(tagged_with DOWN)" 3
		l2_expect "wire -> port $n, tagged in the frame, arrives untagged" port "$(tagged_with DOWNIN)" 2
		l2_expect "wire -> port $n: nothing tagged reaches the port" port "f['vlans'] != []" 0
		l2_expect "port $n -> wire leaves tagged $vid" wire "$(tagged_with UP "$vid")" 3
		l2_expect "port $n -> wire: no untagged or other-VLAN copy" wire \
			"f['tag'] == 'UP' and f['vlans'] != [$vid]" 0
		l2_expect "port $n -> host on VLAN $vid" vhost "$(tagged_with UP)" 3
		# ICMP too, as tcpdump sees it on each side
		l2_cap port "$(port_ns "$n")" eth0 END2
		l2_cap wire "$w" wire0 END2
		l2_ping "$(vhost_ns "$vid")" "$(vport_addr4 "$n" "$vid")"
		l2_send "$(vhost_ns "$vid")" eth0 "$BCAST" self 1 END2
		l2_send "$(port_ns "$n")" eth0 "$BCAST" self 1 END2
		l2_expect "echo requests reach port $n untagged" port \
			"f['icmp'] == 8 and f['ipdst'] == '$(vport_addr4 "$n" "$vid")' and f['vlans'] == []" 2
		l2_expect "echo replies from port $n leave tagged $vid" wire \
			"f['icmp'] == 0 and f['ipsrc'] == '$(vport_addr4 "$n" "$vid")' and f['vlans'] == [$vid]" 2
	done
}

# A broadcast from port 1 (VLAN 10): port 2 and the wire (tagged 10) get it once, VLAN 20 never.
test_vlan_broadcast_from_port_stays_in_its_vlan() {
	vlan_lab
	local up w n
	up=$(uplink)
	w=$(wire_ns "$up")
	l2_cap p1 "$(port_ns 1)" eth0 END_P2
	l2_cap p2 "$(port_ns 2)" eth0 END_P1
	l2_cap wire "$w" wire0 END_P1
	l2_cap v10 "$(vhost_ns 10)" eth0 END_P1
	for n in 3 4; do l2_cap "p$n" "$(port_ns "$n")" eth0 END_V20; done
	l2_cap v20 "$(vhost_ns 20)" eth0 END_P3
	l2_send "$(port_ns 1)" eth0 "$BCAST" self 3 B1
	l2_send "$(port_ns 1)" eth0 01:00:5e:01:02:03 self 3 M1
	# end markers, sent after the frames under test
	l2_send "$(port_ns 1)" eth0 "$BCAST" self 1 END_P1
	l2_send "$(port_ns 2)" eth0 "$BCAST" self 1 END_P2
	l2_send "$(vhost_ns 20)" eth0 "$BCAST" self 1 END_V20
	l2_send "$(port_ns 3)" eth0 "$BCAST" self 1 END_P3
	l2_expect "port 2 (same VLAN) gets the broadcast once, untagged" p2 "$(tagged_with B1)" 3
	l2_expect "port 2 gets the multicast once, untagged" p2 "$(tagged_with M1)" 3
	l2_expect "the wire gets the broadcast tagged 10" wire "$(tagged_with B1 10)" 3
	l2_expect "the wire gets the multicast tagged 10" wire "$(tagged_with M1 10)" 3
	l2_expect "the wire gets nothing else of it" wire "f['tag'] in ('B1', 'M1') and f['vlans'] != [10]" 0
	l2_expect "the VLAN 10 host gets it" v10 "$(tagged_with B1)" 3
	l2_expect "the sender gets no copy" p1 "f['tag'] in ('B1', 'M1')" 0
	for n in 3 4; do
		l2_expect "port $n (VLAN 20) never sees VLAN 10's broadcast" "p$n" "f['tag'] in ('B1', 'M1')" 0
	done
	l2_expect "the VLAN 20 host never sees VLAN 10's broadcast" v20 "f['tag'] in ('B1', 'M1')" 0
}

# A broadcast tagged 20 from the wire: ports 3 and 4 get it once, untagged; ports 1 and 2 never.
test_vlan_broadcast_from_wire_reaches_only_its_vlan() {
	vlan_lab
	local up n
	up=$(uplink)
	for n in 1 2; do l2_cap "p$n" "$(port_ns "$n")" eth0 END10; done
	for n in 3 4; do l2_cap "p$n" "$(port_ns "$n")" eth0 END20; done
	l2_cap up "" "$up" END20
	l2_send "$(vhost_ns 20)" eth0 "$BCAST" self 3 B20
	l2_send "$(vhost_ns 20)" eth0 33:33:00:00:00:01 self 3 M20
	l2_send "$(vhost_ns 20)" eth0 "$BCAST" self 1 END20
	l2_send "$(vhost_ns 10)" eth0 "$BCAST" self 1 END10
	for n in 3 4; do
		l2_expect "port $n gets VLAN 20's broadcast once, untagged" "p$n" "$(tagged_with B20)" 3
		l2_expect "port $n gets VLAN 20's multicast once, untagged" "p$n" "$(tagged_with M20)" 3
	done
	for n in 1 2; do
		l2_expect "port $n (VLAN 10) never sees VLAN 20's broadcast" "p$n" "f['tag'] in ('B20', 'M20')" 0
	done
	l2_expect "the uplink's stack gets VLAN 20's broadcast once, still tagged" up "$(tagged_with B20 20)" 3
}

# A frame the wire sends on VLAN 20 to port 1's MAC (port 1 is on VLAN 10) reaches nobody.
test_vlan_unicast_to_a_port_on_another_vlan_is_not_delivered() {
	vlan_lab
	local n
	for n in 1 2 3 4; do l2_cap "p$n" "$(port_ns "$n")" eth0 END; done
	l2_send "$(vhost_ns 20)" eth0 "$(port_mac 1)" self 3 WRONG
	l2_send "$(vhost_ns 10)" eth0 "$(port_mac 3)" self 3 WRONG
	l2_send "$(vhost_ns 10)" eth0 "$BCAST" self 1 END
	l2_send "$(vhost_ns 20)" eth0 "$BCAST" self 1 END
	for n in 1 2 3 4; do
		l2_expect "port $n gets no frame addressed to it on another VLAN" "p$n" "f['tag'] == 'WRONG'" 0
	done
}

# Tags are nsteer's to add: a port that tags its own frames is stopped (and counted).
test_vlan_port_sending_tagged_frames_is_dropped() {
	vlan_lab
	local up before after
	up=$(uplink)
	l2_cap p3 "$(port_ns 3)" eth0 END
	l2_cap v20 "$(vhost_ns 20)" eth0 END
	before=$(port_counter "$up" "$(port_ns 1)" drop_vlan)
	l2_send "$(port_ns 1)" eth0 "$BCAST" self 3 HOP 20
	l2_send "$(port_ns 1)" eth0 "$(port_mac 3)" self 3 HOP 20
	l2_send "$(vhost_ns 20)" eth0 "$BCAST" self 1 END # for port 3
	l2_send "$(port_ns 4)" eth0 "$BCAST" self 1 END   # for the VLAN 20 host
	after=$(port_counter "$up" "$(port_ns 1)" drop_vlan)
	l2_expect "port 3 (VLAN 20) gets no frame port 1 tagged 20" p3 "f['tag'] == 'HOP'" 0
	l2_expect "the VLAN 20 host gets no frame port 1 tagged 20" v20 "f['tag'] == 'HOP'" 0
	[ $((after - before)) -eq 6 ] || fail "port 1's drop_vlan grew by $((after - before)), not 6"
}

# The same MAC may live on two VLANs; each port receives only its own VLAN's unicast.
test_vlan_same_mac_on_two_vlans() {
	l2_begin
	lab_uplink
	local up mac=02:00:5e:10:20:30
	up=$(uplink)
	l2_attach "$up" >/dev/null || fail "attach"
	l2_vport "$up" 1 10 --mac "$mac"
	l2_vport "$up" 3 20 --mac "$mac"
	l2_vlan_host "$up" 10
	l2_vlan_host "$up" 20
	l2_wire_switch "$up"
	[ "$(port_mac 1)" = "$mac" ] && [ "$(port_mac 3)" = "$mac" ] || fail "ports do not carry $mac"
	l2_cap p1 "$(port_ns 1)" eth0 END
	l2_cap p3 "$(port_ns 3)" eth0 END
	l2_send "$(vhost_ns 10)" eth0 "$mac" self 3 TO10
	l2_send "$(vhost_ns 20)" eth0 "$mac" self 4 TO20
	l2_send "$(vhost_ns 10)" eth0 "$mac" self 1 END
	l2_send "$(vhost_ns 20)" eth0 "$mac" self 1 END
	l2_expect "VLAN 10's unicast reaches the VLAN 10 port" p1 "$(tagged_with TO10)" 3
	l2_expect "VLAN 20's unicast never reaches the VLAN 10 port" p1 "f['tag'] == 'TO20'" 0
	l2_expect "VLAN 20's unicast reaches the VLAN 20 port" p3 "$(tagged_with TO20)" 4
	l2_expect "VLAN 10's unicast never reaches the VLAN 20 port" p3 "f['tag'] == 'TO10'" 0
	# and IP works for both (ARP resolves the same MAC on each VLAN)
	l2_ping "$(vhost_ns 10)" "$(vport_addr4 1 10)"
	l2_ping "$(vhost_ns 20)" "$(vport_addr4 3 20)"
}

test_vlan_same_mac_on_one_vlan_is_refused() {
	l2_begin
	lab_uplink
	local up rc mac=02:00:5e:10:20:31
	up=$(uplink)
	l2_attach "$up" >/dev/null || fail "attach"
	l2_vport "$up" 1 10 --mac "$mac"
	LAB_NETNS+=("$(port_ns 2)")
	"$NSTEER" port add "$up" "$(port_ns 2)" --vlan 10 --mac "$mac" >/dev/null 2>&1
	rc=$?
	[ $rc -eq 1 ] || fail "a second port with $mac on VLAN 10: exit $rc, expected 1"
	# nothing of the refused port stays behind, and the first still works
	[ "$("$NSTEER" port list "$up" --json | "$NST_PYTHON" -S -c 'import json,sys; print(len(json.load(sys.stdin)))')" = 1 ] ||
		fail "port list does not show exactly one port after the refused add"
	l2_vlan_host "$up" 10
	l2_wire_switch "$up"
	l2_ping "$(vhost_ns 10)" "$(vport_addr4 1 10)"
	# untagged and tagged are different VLANs too: the MAC may also be used untagged
	lab_port "$up" 5 --mac "$mac"
}

# The VLAN is part of a port's identity on the XDP fast path as well. An untagged port and a
# VLAN 10 port share a MAC; what the wire sends on VLAN 10 belongs to the VLAN 10 port alone, and
# what it sends untagged to the untagged one alone.
test_vlan_same_mac_untagged_and_tagged() {
	l2_begin
	lab_uplink
	local up w mac=02:00:5e:10:20:32
	up=$(uplink)
	w=$(wire_ns "$up")
	l2_attach "$up" >/dev/null || fail "attach"
	lab_port "$up" 5 --mac "$mac"
	l2_vport "$up" 1 10 --mac "$mac"
	l2_vlan_host "$up" 10
	l2_wire_switch "$up"
	l2_cap p1 "$(port_ns 1)" eth0 END
	l2_cap p5 "$(port_ns 5)" eth0 END
	l2_send "$(vhost_ns 10)" eth0 "$mac" self 3 TAGGED
	l2_send "$w" wire0 "$mac" self 3 UNTAGGED
	l2_send "$(vhost_ns 10)" eth0 "$mac" self 1 END
	l2_send "$w" wire0 "$mac" self 1 END
	l2_expect "VLAN 10 unicast never reaches the untagged port" p5 "f['tag'] == 'TAGGED'" 0
	l2_expect "untagged unicast reaches the untagged port" p5 "$(tagged_with UNTAGGED)" 3
	l2_expect "VLAN 10 unicast reaches the VLAN 10 port" p1 "$(tagged_with TAGGED)" 3
	l2_expect "untagged unicast never reaches the VLAN 10 port" p1 "f['tag'] == 'UNTAGGED'" 0
}

# A frame on VLAN 10 for an untagged port's MAC (no VLAN 10 port has it) is not that port's.
test_vlan_tagged_frame_for_untagged_port_not_delivered() {
	l2_begin
	lab_uplink
	local up w
	up=$(uplink)
	w=$(wire_ns "$up")
	l2_attach "$up" >/dev/null || fail "attach"
	lab_port "$up" 5
	l2_vport "$up" 1 10
	l2_vlan_host "$up" 10
	l2_wire_switch "$up"
	l2_cap p5 "$(port_ns 5)" eth0 END
	l2_send "$(vhost_ns 10)" eth0 "$(port_mac 5)" self 3 LEAK
	l2_send "$w" wire0 "$(port_mac 5)" self 1 END
	l2_expect "the untagged port gets nothing sent to its MAC on VLAN 10" p5 "f['tag'] == 'LEAK'" 0
}

# --unknown drop drops frames for MACs no port owns on that VLAN, not frames for VLAN ports.
test_vlan_ports_reachable_with_unknown_drop() {
	vlan_lab --unknown drop
	local n vid
	for n in 1 3; do
		vid=$(vid_of_port "$n")
		l2_ping "$(vhost_ns "$vid")" "$(vport_addr4 "$n" "$vid")"
		l2_ping "$(port_ns "$n")" "$(vhost_addr6 "$vid")"
	done
	[ "$(port_counter "$(uplink)" "$(port_ns 1)" rx_packets)" -gt 0 ] || fail "port 1 rx counter is 0"
}

run_tests
