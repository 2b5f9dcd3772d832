#!/bin/bash
# VLAN ports: a port's frames travel the wire tagged with its VLAN, reach it untagged, and never
# cross into another VLAN (unicast or broadcast); MACs are unique per VLAN, not per uplink.
#
# The lab: ports 1,2 on VLAN 10 and ports 3,4 on VLAN 20, and on the wire's side a host per VLAN
# behind a VLAN switch (vlan_switch.bpf.c), so tags arrive as a VLAN device or a NIC with VLAN offload
# would deliver them. Frames are crafted (ethertype 0x88b5) and counted by AF_PACKET captures that
# end on END markers sent after the frames under test, so no check depends on timing.
source "$(dirname "$0")/lib.sh"

# vlan_lab [ATTACH OPTIONS...]
vlan_lab() {
	lab 0 "$@"
	lab_vport "$UP" 1 10
	lab_vport "$UP" 2 10
	lab_vport "$UP" 3 20
	lab_vport "$UP" 4 20
	lab_vlan_host "$UP" 10
	lab_vlan_host "$UP" 20
	wire_switch "$UP"
}

vid_of_port() { if [ "$1" -le 2 ]; then echo 10; else echo 20; fi; }

test_vlan_ping_wire_and_each_port_both_ways() {
	vlan_lab
	local n vid
	for n in 1 2 3 4; do
		vid=$(vid_of_port "$n")
		expect_ping "$(vhost_ns "$vid")" "$(vport_addr4 "$n" "$vid")" "$(vport_addr6 "$n" "$vid")"
		expect_ping "$(port_ns "$n")" "$(vhost_addr4 "$vid")" "$(vhost_addr6 "$vid")"
	done
}

test_vlan_ping_between_ports_of_one_vlan() {
	vlan_lab
	expect_ping "$(port_ns 1)" "$(vport_addr4 2 10)" "$(vport_addr6 2 10)"
	expect_ping "$(port_ns 4)" "$(vport_addr4 3 20)" "$(vport_addr6 3 20)"
}

# The tag is nsteer's business: ports see untagged frames, the wire sees the port's VID.
test_vlan_tag_removed_toward_port_and_added_toward_wire() {
	vlan_lab
	local n vid vmac
	for n in 1 3; do
		vid=$(vid_of_port "$n")
		vmac=$(mac_of "$(vhost_ns "$vid")" eth0)
		cap_start port "$(port_ns "$n")" eth0 END
		cap_start wire "$WIRE" wire0 END_UP
		cap_start vhost "$(vhost_ns "$vid")" eth0 END_UP
		send_frames "$(vhost_ns "$vid")" eth0 "$(port_mac "$n")" self 3 DOWN
		send_frames "$WIRE" wire0 "$(port_mac "$n")" self 2 DOWNIN "$vid" # the tag written in the frame
		send_frames "$(vhost_ns "$vid")" eth0 "$(port_mac "$n")" self 1 END
		send_frames "$(port_ns "$n")" eth0 "$vmac" self 3 UP
		send_frames "$(port_ns "$n")" eth0 "$vmac" self 1 END_UP
		cap_expect "wire -> port $n arrives untagged" port "$(tagged_with DOWN)" 3
		cap_expect "wire -> port $n, tagged in the frame, arrives untagged" port "$(tagged_with DOWNIN)" 2
		cap_expect "wire -> port $n: nothing tagged reaches the port" port "f['vlans'] != []" 0
		cap_expect "port $n -> wire leaves tagged $vid" wire "$(tagged_with UP "$vid")" 3
		cap_expect "port $n -> wire: no untagged or other-VLAN copy" wire \
			"f['tag'] == 'UP' and f['vlans'] != [$vid]" 0
		cap_expect "port $n -> host on VLAN $vid" vhost "$(tagged_with UP)" 3
		# ICMP too, as tcpdump sees it on each side
		cap_start port "$(port_ns "$n")" eth0 END2
		cap_start wire "$WIRE" wire0 END2
		expect_ping "$(vhost_ns "$vid")" "$(vport_addr4 "$n" "$vid")"
		send_frames "$(vhost_ns "$vid")" eth0 "$BCAST" self 1 END2
		send_frames "$(port_ns "$n")" eth0 "$BCAST" self 1 END2
		cap_expect "echo requests reach port $n untagged" port \
			"f['icmp'] == 8 and f['ipdst'] == '$(vport_addr4 "$n" "$vid")' and f['vlans'] == []" 2
		cap_expect "echo replies from port $n leave tagged $vid" wire \
			"f['icmp'] == 0 and f['ipsrc'] == '$(vport_addr4 "$n" "$vid")' and f['vlans'] == [$vid]" 2
	done
}

# A broadcast from port 1 (VLAN 10): port 2 and the wire (tagged 10) get it once, VLAN 20 never.
test_vlan_broadcast_from_port_stays_in_its_vlan() {
	vlan_lab
	local n
	cap_start p1 "$(port_ns 1)" eth0 END_P2
	cap_start p2 "$(port_ns 2)" eth0 END_P1
	cap_start wire "$WIRE" wire0 END_P1
	cap_start v10 "$(vhost_ns 10)" eth0 END_P1
	cap_ports END_V20 3 4
	cap_start v20 "$(vhost_ns 20)" eth0 END_P3
	send_frames "$(port_ns 1)" eth0 "$BCAST" self 3 B1
	send_frames "$(port_ns 1)" eth0 01:00:5e:01:02:03 self 3 M1
	# end markers, sent after the frames under test
	send_frames "$(port_ns 1)" eth0 "$BCAST" self 1 END_P1
	send_frames "$(port_ns 2)" eth0 "$BCAST" self 1 END_P2
	send_frames "$(vhost_ns 20)" eth0 "$BCAST" self 1 END_V20
	send_frames "$(port_ns 3)" eth0 "$BCAST" self 1 END_P3
	cap_expect "port 2 (same VLAN) gets the broadcast once, untagged" p2 "$(tagged_with B1)" 3
	cap_expect "port 2 gets the multicast once, untagged" p2 "$(tagged_with M1)" 3
	cap_expect "the wire gets the broadcast tagged 10" wire "$(tagged_with B1 10)" 3
	cap_expect "the wire gets the multicast tagged 10" wire "$(tagged_with M1 10)" 3
	cap_expect "the wire gets nothing else of it" wire "f['tag'] in ('B1', 'M1') and f['vlans'] != [10]" 0
	cap_expect "the VLAN 10 host gets it" v10 "$(tagged_with B1)" 3
	cap_expect "the sender gets no copy" p1 "f['tag'] in ('B1', 'M1')" 0
	for n in 3 4; do
		cap_expect "port $n (VLAN 20) never sees VLAN 10's broadcast" "p$n" "f['tag'] in ('B1', 'M1')" 0
	done
	cap_expect "the VLAN 20 host never sees VLAN 10's broadcast" v20 "f['tag'] in ('B1', 'M1')" 0
}

# A broadcast tagged 20 from the wire: ports 3 and 4 get it once, untagged; ports 1 and 2 never.
test_vlan_broadcast_from_wire_reaches_only_its_vlan() {
	vlan_lab
	local n
	cap_ports END10 1 2
	cap_ports END20 3 4
	cap_start up "" "$UP" END20
	send_frames "$(vhost_ns 20)" eth0 "$BCAST" self 3 B20
	send_frames "$(vhost_ns 20)" eth0 33:33:00:00:00:01 self 3 M20
	send_frames "$(vhost_ns 20)" eth0 "$BCAST" self 1 END20
	send_frames "$(vhost_ns 10)" eth0 "$BCAST" self 1 END10
	for n in 3 4; do
		cap_expect "port $n gets VLAN 20's broadcast once, untagged" "p$n" "$(tagged_with B20)" 3
		cap_expect "port $n gets VLAN 20's multicast once, untagged" "p$n" "$(tagged_with M20)" 3
	done
	for n in 1 2; do
		cap_expect "port $n (VLAN 10) never sees VLAN 20's broadcast" "p$n" "f['tag'] in ('B20', 'M20')" 0
	done
	cap_expect "the uplink's stack gets VLAN 20's broadcast once, still tagged" up "$(tagged_with B20 20)" 3
}

# A frame the wire sends on VLAN 20 to port 1's MAC (port 1 is on VLAN 10) reaches nobody.
test_vlan_unicast_to_a_port_on_another_vlan_is_not_delivered() {
	vlan_lab
	local n
	cap_ports END 1 2 3 4
	send_frames "$(vhost_ns 20)" eth0 "$(port_mac 1)" self 3 WRONG
	send_frames "$(vhost_ns 10)" eth0 "$(port_mac 3)" self 3 WRONG
	send_frames "$(vhost_ns 10)" eth0 "$BCAST" self 1 END
	send_frames "$(vhost_ns 20)" eth0 "$BCAST" self 1 END
	for n in 1 2 3 4; do
		cap_expect "port $n gets no frame addressed to it on another VLAN" "p$n" "f['tag'] == 'WRONG'" 0
	done
}

# Tags are nsteer's to add: a port that tags its own frames is stopped (and counted).
test_vlan_port_sending_tagged_frames_is_dropped() {
	vlan_lab
	local before after
	cap_start p3 "$(port_ns 3)" eth0 END
	cap_start v20 "$(vhost_ns 20)" eth0 END
	before=$(counter "$UP" drop_vlan "$(port_ns 1)")
	send_frames "$(port_ns 1)" eth0 "$BCAST" self 3 HOP 20
	send_frames "$(port_ns 1)" eth0 "$(port_mac 3)" self 3 HOP 20
	send_frames "$(vhost_ns 20)" eth0 "$BCAST" self 1 END # for port 3
	send_frames "$(port_ns 4)" eth0 "$BCAST" self 1 END   # for the VLAN 20 host
	after=$(counter "$UP" drop_vlan "$(port_ns 1)")
	cap_expect "port 3 (VLAN 20) gets no frame port 1 tagged 20" p3 "f['tag'] == 'HOP'" 0
	cap_expect "the VLAN 20 host gets no frame port 1 tagged 20" v20 "f['tag'] == 'HOP'" 0
	[ $((after - before)) -eq 6 ] || fail "port 1's drop_vlan grew by $((after - before)), not 6"
}

# The same MAC may live on two VLANs; each port receives only its own VLAN's unicast.
test_vlan_same_mac_on_two_vlans() {
	lab 0
	local mac=02:00:5e:10:20:30
	lab_vport "$UP" 1 10 --mac "$mac"
	lab_vport "$UP" 3 20 --mac "$mac"
	lab_vlan_host "$UP" 10
	lab_vlan_host "$UP" 20
	wire_switch "$UP"
	[ "$(port_mac 1)" = "$mac" ] && [ "$(port_mac 3)" = "$mac" ] || fail "ports do not carry $mac"
	cap_start p1 "$(port_ns 1)" eth0 END
	cap_start p3 "$(port_ns 3)" eth0 END
	send_frames "$(vhost_ns 10)" eth0 "$mac" self 3 TO10
	send_frames "$(vhost_ns 20)" eth0 "$mac" self 4 TO20
	send_frames "$(vhost_ns 10)" eth0 "$mac" self 1 END
	send_frames "$(vhost_ns 20)" eth0 "$mac" self 1 END
	cap_expect "VLAN 10's unicast reaches the VLAN 10 port" p1 "$(tagged_with TO10)" 3
	cap_expect "VLAN 20's unicast never reaches the VLAN 10 port" p1 "f['tag'] == 'TO20'" 0
	cap_expect "VLAN 20's unicast reaches the VLAN 20 port" p3 "$(tagged_with TO20)" 4
	cap_expect "VLAN 10's unicast never reaches the VLAN 20 port" p3 "f['tag'] == 'TO10'" 0
	# and IP works for both (ARP resolves the same MAC on each VLAN)
	expect_ping "$(vhost_ns 10)" "$(vport_addr4 1 10)"
	expect_ping "$(vhost_ns 20)" "$(vport_addr4 3 20)"
}

test_vlan_same_mac_on_one_vlan_is_refused() {
	lab 0
	local rc mac=02:00:5e:10:20:31
	lab_vport "$UP" 1 10 --mac "$mac"
	LAB_NETNS+=("$(port_ns 2)")
	"$NSTEER" port add "$UP" "$(port_ns 2)" --vlan 10 --mac "$mac" >/dev/null 2>&1
	rc=$?
	[ $rc -eq 1 ] || fail "a second port with $mac on VLAN 10: exit $rc, expected 1"
	# nothing of the refused port stays behind, and the first still works
	[ "$("$NSTEER" port list "$UP" --json | "$NST_PYTHON" -S -c 'import json,sys; print(len(json.load(sys.stdin)))')" = 1 ] ||
		fail "port list does not show exactly one port after the refused add"
	lab_vlan_host "$UP" 10
	wire_switch "$UP"
	expect_ping "$(vhost_ns 10)" "$(vport_addr4 1 10)"
	# untagged and tagged are different VLANs too: the MAC may also be used untagged
	lab_port "$UP" 5 --mac "$mac"
}

# The VLAN is part of a port's identity on the XDP fast path as well. An untagged port and a
# VLAN 10 port share a MAC; what the wire sends on VLAN 10 belongs to the VLAN 10 port alone, and
# what it sends untagged to the untagged one alone.
test_vlan_same_mac_untagged_and_tagged() {
	lab 0
	local mac=02:00:5e:10:20:32
	lab_port "$UP" 5 --mac "$mac"
	lab_vport "$UP" 1 10 --mac "$mac"
	lab_vlan_host "$UP" 10
	wire_switch "$UP"
	cap_start p1 "$(port_ns 1)" eth0 END
	cap_start p5 "$(port_ns 5)" eth0 END
	send_frames "$(vhost_ns 10)" eth0 "$mac" self 3 TAGGED
	send_frames "$WIRE" wire0 "$mac" self 3 UNTAGGED
	send_frames "$(vhost_ns 10)" eth0 "$mac" self 1 END
	send_frames "$WIRE" wire0 "$mac" self 1 END
	cap_expect "VLAN 10 unicast never reaches the untagged port" p5 "f['tag'] == 'TAGGED'" 0
	cap_expect "untagged unicast reaches the untagged port" p5 "$(tagged_with UNTAGGED)" 3
	cap_expect "VLAN 10 unicast reaches the VLAN 10 port" p1 "$(tagged_with TAGGED)" 3
	cap_expect "untagged unicast never reaches the VLAN 10 port" p1 "f['tag'] == 'UNTAGGED'" 0
}

# A frame on VLAN 10 for an untagged port's MAC (no VLAN 10 port has it) is not that port's.
test_vlan_tagged_frame_for_untagged_port_not_delivered() {
	lab 0
	lab_port "$UP" 5
	lab_vport "$UP" 1 10
	lab_vlan_host "$UP" 10
	wire_switch "$UP"
	cap_start p5 "$(port_ns 5)" eth0 END
	send_frames "$(vhost_ns 10)" eth0 "$(port_mac 5)" self 3 LEAK
	send_frames "$WIRE" wire0 "$(port_mac 5)" self 1 END
	cap_expect "the untagged port gets nothing sent to its MAC on VLAN 10" p5 "f['tag'] == 'LEAK'" 0
}

# --unknown drop drops frames for MACs no port owns on that VLAN, not frames for VLAN ports.
test_vlan_ports_reachable_with_unknown_drop() {
	vlan_lab --unknown drop
	local n vid
	for n in 1 3; do
		vid=$(vid_of_port "$n")
		expect_ping "$(vhost_ns "$vid")" "$(vport_addr4 "$n" "$vid")"
		expect_ping "$(port_ns "$n")" "$(vhost_addr6 "$vid")"
	done
	[ "$(counter "$UP" rx_packets "$(port_ns 1)")" -gt 0 ] || fail "port 1 rx counter is 0"
}

# An 802.1ad (S-tag) broadcast from the wire is flooded to the VLAN's ports and must reach the
# uplink's own stack with its tag as it came: an 802.1ad VLAN device on the uplink answers ARP
# (broadcast, nsteer's flood path) only if the tag is still 802.1ad, not turned into 802.1Q.
test_vlan_8021ad_broadcast_keeps_its_tag_protocol() {
	lab 0
	lab_vport "$UP" 1 30
	if ! ip -n "$WIRE" link add link wire0 name wire0.ad type vlan proto 802.1ad id 30 2>/dev/null; then
		[ -d /sys/module/8021q ] && fail "ip link add type vlan proto 802.1ad failed"
		skip "this kernel has no 8021q module for VLAN devices (make vmtest's kernel has)"
	fi
	ip -n "$WIRE" addr add 10.79.30.1/24 dev wire0.ad
	ip -n "$WIRE" link set wire0.ad up
	ip link add link "$UP" name "${UP}ad" type vlan proto 802.1ad id 30 || fail "uplink vlan"
	ip addr add 10.79.30.2/24 dev "${UP}ad"
	ip link set "${UP}ad" up
	in_ns "$WIRE" ping -c 2 -W "$(patient 2)" 10.79.30.2 >/dev/null ||
		fail "the uplink's 802.1ad VLAN device did not answer the wire's ARP"
}

run_tests
