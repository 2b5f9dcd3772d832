#!/bin/bash
# Port-to-port modes (attach --mode, changed in place on an attached uplink):
#   bridge   ports reach each other inside the host; nothing of it appears on the wire
#   private  ports never reach each other (dropped, counted as port_to_port); the wire still does
#   vepa     port-to-port frames go out to the wire with the ports' own MACs (and VLAN tag), and
#            come back when the external switch hairpins them (emulated in the wire namespace)
source "$(dirname "$0")/lib.sh"

# static_neigh N M: port N knows port M's MAC, so that it sends unicast even where ARP cannot
# resolve it (private mode).
static_neigh() {
	ip -n "$(port_ns "$1")" neigh replace "$(port_addr4 "$2")" lladdr "$(port_mac "$2")" dev eth0 nud permanent
}

# icmp_between A B: a capture filter for ICMP echo between two IPv4 addresses, either way.
icmp_between() {
	echo "f['icmp'] in (0, 8) and {f['ipsrc'], f['ipdst']} == {'$1', '$2'}"
}

test_mode_bridge_port_to_port_stays_off_the_wire() {
	lab 3
	local a1 a2
	a1=$(port_addr4 1)
	a2=$(port_addr4 2)
	cap_start wire "$WIRE" wire0 END
	cap_start p2 "$(port_ns 2)" eth0 END
	expect_ping "$(port_ns 1)" "$a2" "$(port_addr6 2)"
	expect_ping "$(port_ns 3)" "$a2"
	send_frames "$(port_ns 1)" eth0 "$(port_mac 2)" self 5 U12
	send_frames "$(port_ns 1)" eth0 "$BCAST" self 1 END
	cap_expect "no ICMP between ports 1 and 2 on the wire" wire "$(icmp_between "$a1" "$a2")" 0
	cap_expect "no IPv6 between ports 1 and 2 on the wire" wire \
		"f['et'] == 0x86dd and {f['ipsrc'], f['ipdst']} == {'$(port_addr6 1)', '$(port_addr6 2)'}" 0
	cap_expect "no unicast frame of port 1 to port 2 on the wire" wire "f['tag'] == 'U12'" 0
	cap_expect "port 2 gets port 1's unicast once" p2 "$(tagged_with U12)" 5
	[ "$(counter "$UP" drop_port_to_port "$(port_ns 1)")" = 0 ] || fail "bridge mode counted port_to_port drops"
}

test_mode_private_blocks_port_to_port_and_counts_it() {
	lab 3 --mode private
	local before after
	# The wire reaches every port; ports don't reach each other, by IP or by crafted frames.
	expect_ping "$WIRE" "$(port_addr4 1)" "$(port_addr4 2)" "$(port_addr4 3)"
	static_neigh 1 2
	static_neigh 2 1
	before=$(counter "$UP" drop_port_to_port "$(port_ns 1)")
	expect_no_ping "$(port_ns 1)" "$(port_addr4 2)"
	after=$(counter "$UP" drop_port_to_port "$(port_ns 1)")
	[ $((after - before)) -ge 2 ] || fail "port 1's drop_port_to_port grew by $((after - before)) during a 2-ping"
	expect_no_ping "$(port_ns 3)" "$(port_addr4 1)" # plain ARP: never resolved
	cap_start p2 "$(port_ns 2)" eth0 END
	cap_start wire "$WIRE" wire0 END
	before=$(counter "$UP" drop_port_to_port "$(port_ns 1)")
	send_frames "$(port_ns 1)" eth0 "$(port_mac 2)" self 5 U12
	send_frames "$(port_ns 1)" eth0 "$BCAST" self 1 END
	send_frames "$WIRE" wire0 "$BCAST" self 1 END
	cap_expect "port 2 gets none of port 1's unicast" p2 "f['tag'] == 'U12'" 0
	cap_expect "port 1's unicast to port 2 does not go to the wire either" wire "f['tag'] == 'U12'" 0
	after=$(counter "$UP" drop_port_to_port "$(port_ns 1)")
	[ $((after - before)) -eq 5 ] || fail "port 1's drop_port_to_port grew by $((after - before)), not 5"
	expect_ping "$(port_ns 2)" "$WIRE_ADDR4" "$WIRE_ADDR6"
}

# vepa_lab [hairpin]: an uplink in vepa mode, ports 1 and 2 untagged, 3 and 4 on VLAN 10, their
# MACs in M1..M4; with "hairpin", a host on VLAN 10 and a wire switch that reflects the ports'
# frames, as the external switch of a VEPA setup does.
vepa_lab() {
	lab 2 --mode vepa
	lab_vport "$UP" 3 10
	lab_vport "$UP" 4 10
	M1=$(port_mac 1) M2=$(port_mac 2) M3=$(port_mac 3) M4=$(port_mac 4)
	if [ "${1:-}" = hairpin ]; then
		lab_vlan_host "$UP" 10
		wire_switch "$UP" "$M1" "$M2" "$M3" "$M4"
	fi
}

# vepa, with a wire that does not hairpin: port-to-port frames appear on the wire, carrying the
# ports' MACs (and VLAN tag), and do not reach the other port directly.
test_mode_vepa_sends_port_to_port_to_the_wire() {
	vepa_lab
	cap_start wire "$WIRE" wire0 END1,END3
	cap_start p2 "$(port_ns 2)" eth0 ENDW
	cap_start p4 "$(port_ns 4)" eth0 ENDW
	send_frames "$(port_ns 1)" eth0 "$M2" self 5 U12
	send_frames "$(port_ns 3)" eth0 "$M4" self 5 U34
	send_frames "$(port_ns 1)" eth0 "$BCAST" self 1 END1
	send_frames "$(port_ns 3)" eth0 "$BCAST" self 1 END3
	send_frames "$WIRE" wire0 "$BCAST" self 1 ENDW
	send_frames "$WIRE" wire0 "$BCAST" self 1 ENDW 10
	cap_expect "port 1 -> port 2 goes to the wire, untagged, with both MACs" wire \
		"$(tagged_with U12) and f['src'] == '$M1' and f['dst'] == '$M2'" 5
	cap_expect "port 3 -> port 4 goes to the wire tagged 10, with both MACs" wire \
		"$(tagged_with U34 10) and f['src'] == '$M3' and f['dst'] == '$M4'" 5
	cap_expect "port 2 gets nothing directly" p2 "f['tag'] == 'U12'" 0
	cap_expect "port 4 gets nothing directly" p4 "f['tag'] == 'U34'" 0
	# and by IP: the echo requests appear on the wire (no reply: nothing hairpins here)
	cap_start wire "$WIRE" wire0 END1
	static_neigh 1 2 # ARP cannot resolve without a hairpin either
	expect_no_ping "$(port_ns 1)" "$(port_addr4 2)"
	send_frames "$(port_ns 1)" eth0 "$BCAST" self 1 END1
	cap_expect "port 1's echo requests to port 2 on the wire" wire \
		"f['icmp'] == 8 and f['ipsrc'] == '$(port_addr4 1)' and f['ipdst'] == '$(port_addr4 2)' and f['src'] == '$M1' and f['dst'] == '$M2' and f['vlans'] == []" 2
	[ "$(counter "$UP" drop_port_to_port "$(port_ns 1)")" = 0 ] || fail "vepa mode counted port_to_port drops"
}

# vepa with a hairpinning switch: port-to-port traffic works, every frame through the wire, once.
test_mode_vepa_with_hairpin_switch() {
	vepa_lab hairpin
	cap_start wire "$WIRE" wire0 END1
	cap_start p2 "$(port_ns 2)" eth0 END1
	cap_start p4 "$(port_ns 4)" eth0 END3
	send_frames "$(port_ns 1)" eth0 "$M2" self 5 U12
	send_frames "$(port_ns 3)" eth0 "$M4" self 5 U34
	send_frames "$(port_ns 1)" eth0 "$M2" self 1 END1
	send_frames "$(port_ns 3)" eth0 "$M4" self 1 END3
	cap_expect "port 2 gets port 1's unicast once, back from the wire" p2 "$(tagged_with U12)" 5
	cap_expect "port 4 gets port 3's unicast once, untagged" p4 "$(tagged_with U34)" 5
	cap_expect "it went through the wire" wire "$(tagged_with U12) and f['src'] == '$M1' and f['dst'] == '$M2'" 5
	cap_start wire "$WIRE" wire0 END1,END2
	expect_ping "$(port_ns 1)" "$(port_addr4 2)" "$(port_addr6 2)"
	expect_ping "$(port_ns 4)" "$(vport_addr4 3 10)"
	send_frames "$(port_ns 1)" eth0 "$BCAST" self 1 END1
	send_frames "$(port_ns 2)" eth0 "$BCAST" self 1 END2
	cap_expect "echo requests 1 -> 2 on the wire" wire \
		"f['icmp'] == 8 and f['ipsrc'] == '$(port_addr4 1)' and f['ipdst'] == '$(port_addr4 2)' and f['src'] == '$M1' and f['dst'] == '$M2'" 2
	cap_expect "echo replies 2 -> 1 on the wire" wire \
		"f['icmp'] == 0 and f['ipsrc'] == '$(port_addr4 2)' and f['ipdst'] == '$(port_addr4 1)' and f['src'] == '$M2' and f['dst'] == '$M1'" 2
	tcp_transfer "$(port_ns 1)" "$(port_ns 2)" "$(port_addr4 2)" 1048576
}

# vepa with a reflective relay: a port's broadcast comes back from the switch and reaches the other
# ports of its VLAN once each, but not the sender (nsteer must not hand a port its own frame, as
# macvlan in vepa mode does not: it skips the source when it floods what the switch reflected).
test_mode_vepa_reflected_broadcast_not_back_to_sender() {
	vepa_lab hairpin
	local n
	cap_ports ENDW,ENDV 1 2 3 4
	send_frames "$(port_ns 1)" eth0 "$BCAST" self 3 B1
	send_frames "$(port_ns 3)" eth0 "$BCAST" self 3 B3
	send_frames "$WIRE" wire0 "$BCAST" self 1 ENDW
	send_frames "$WIRE" wire0 "$BCAST" self 1 ENDV 10
	send_frames "$(vhost_ns 10)" eth0 "$BCAST" self 1 ENDW
	send_frames "$WIRE" wire0 "$BCAST" self 1 ENDV
	cap_expect "port 2 gets port 1's broadcast once, via the switch" p2 "$(tagged_with B1)" 3
	cap_expect "port 4 gets port 3's broadcast once, via the switch" p4 "$(tagged_with B3)" 3
	cap_expect "port 1 does not get its own broadcast back" p1 "f['tag'] == 'B1'" 0
	cap_expect "port 3 does not get its own broadcast back" p3 "f['tag'] == 'B3'" 0
}

# One uplink through bridge -> private -> vepa -> bridge, in place: same programs, same ports,
# each mode's behaviour right after the command returns.
test_mode_change_in_place() {
	lab 2
	local xdp_id tc_id ifx mode
	xdp_id=$(status_get "$UP" 's["xdp_prog_id"]')
	tc_id=$(status_get "$UP" 's["tc_prog_id"]')
	ifx=$(port_field "$UP" "$(port_ns 2)" host_ifindex)
	static_neigh 1 2
	static_neigh 2 1
	for mode in bridge private vepa bridge; do
		"$NSTEER" attach "$UP" --mode "$mode" >/dev/null || fail "attach --mode $mode"
		[ "$(status_get "$UP" 's["mode"]')" = "$mode" ] || fail "status shows mode $(status_get "$UP" 's["mode"]'), not $mode"
		[ "$(status_get "$UP" 's["xdp_prog_id"]')" = "$xdp_id" ] && [ "$(status_get "$UP" 's["tc_prog_id"]')" = "$tc_id" ] ||
			fail "changing the mode to $mode replaced the programs"
		[ "$(port_field "$UP" "$(port_ns 2)" host_ifindex)" = "$ifx" ] || fail "changing the mode to $mode re-created port 2"
		expect_ping "$WIRE" "$(port_addr4 1)" "$(port_addr4 2)"
		case $mode in
		bridge) expect_ping "$(port_ns 1)" "$(port_addr4 2)" ;;
		*) expect_no_ping "$(port_ns 1)" "$(port_addr4 2)" ;;
		esac
	done
	"$NSTEER" attach "$UP" --mode bridge 2>&1 | grep -q "nothing changed" ||
		fail "re-running the same attach did not report 'nothing changed'"
}

run_tests
