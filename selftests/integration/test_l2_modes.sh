#!/bin/bash
# Port-to-port modes (attach --mode, changed in place on an attached uplink):
#   bridge   ports reach each other inside the host; nothing of it appears on the wire
#   private  ports never reach each other (dropped, counted as port_to_port); the wire still does
#   vepa     port-to-port frames go out to the wire with the ports' own MACs (and VLAN tag), and
#            come back when the external switch hairpins them (emulated in the wire namespace)
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_l2.sh"

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
	l2_begin
	l2_lab 3
	local up w a1 a2
	up=$(uplink)
	w=$(wire_ns "$up")
	a1=$(port_addr4 1)
	a2=$(port_addr4 2)
	l2_cap wire "$w" wire0 END
	l2_cap p2 "$(port_ns 2)" eth0 END
	l2_ping "$(port_ns 1)" "$a2" "$(port_addr6 2)"
	l2_ping "$(port_ns 3)" "$a2"
	l2_send "$(port_ns 1)" eth0 "$(port_mac 2)" self 5 U12
	l2_send "$(port_ns 1)" eth0 "$BCAST" self 1 END
	l2_expect "no ICMP between ports 1 and 2 on the wire" wire "$(icmp_between "$a1" "$a2")" 0
	l2_expect "no IPv6 between ports 1 and 2 on the wire" wire \
		"f['et'] == 0x86dd and {f['ipsrc'], f['ipdst']} == {'$(port_addr6 1)', '$(port_addr6 2)'}" 0
	l2_expect "no unicast frame of port 1 to port 2 on the wire" wire "f['tag'] == 'U12'" 0
	l2_expect "port 2 gets port 1's unicast once" p2 "$(tagged_with U12)" 5
	[ "$(port_counter "$up" "$(port_ns 1)" drop_port_to_port)" = 0 ] || fail "bridge mode counted port_to_port drops"
}

test_mode_private_blocks_port_to_port_and_counts_it() {
	l2_begin
	l2_lab 3 --mode private
	local up w before after
	up=$(uplink)
	w=$(wire_ns "$up")
	# The wire reaches every port; ports don't reach each other, by IP or by crafted frames.
	l2_ping "$w" "$(port_addr4 1)" "$(port_addr4 2)" "$(port_addr4 3)"
	static_neigh 1 2
	static_neigh 2 1
	before=$(port_counter "$up" "$(port_ns 1)" drop_port_to_port)
	l2_no_ping "$(port_ns 1)" "$(port_addr4 2)"
	after=$(port_counter "$up" "$(port_ns 1)" drop_port_to_port)
	[ $((after - before)) -ge 2 ] || fail "port 1's drop_port_to_port grew by $((after - before)) during a 2-ping"
	l2_no_ping "$(port_ns 3)" "$(port_addr4 1)" # plain ARP: never resolved
	l2_cap p2 "$(port_ns 2)" eth0 END
	l2_cap wire "$w" wire0 END
	before=$(port_counter "$up" "$(port_ns 1)" drop_port_to_port)
	l2_send "$(port_ns 1)" eth0 "$(port_mac 2)" self 5 U12
	l2_send "$(port_ns 1)" eth0 "$BCAST" self 1 END
	l2_send "$w" wire0 "$BCAST" self 1 END
	l2_expect "port 2 gets none of port 1's unicast" p2 "f['tag'] == 'U12'" 0
	l2_expect "port 1's unicast to port 2 does not go to the wire either" wire "f['tag'] == 'U12'" 0
	after=$(port_counter "$up" "$(port_ns 1)" drop_port_to_port)
	[ $((after - before)) -eq 5 ] || fail "port 1's drop_port_to_port grew by $((after - before)), not 5"
	l2_ping "$(port_ns 2)" "$WIRE_ADDR4" "$WIRE_ADDR6"
}

# vepa, with a wire that does not hairpin: port-to-port frames appear on the wire, carrying the
# ports' MACs (and VLAN tag), and do not reach the other port directly.
test_mode_vepa_sends_port_to_port_to_the_wire() {
	l2_begin
	lab_uplink
	local up w m1 m2 m3 m4
	up=$(uplink)
	w=$(wire_ns "$up")
	l2_attach "$up" --mode vepa >/dev/null || fail "attach --mode vepa"
	lab_port "$up" 1
	lab_port "$up" 2
	l2_vport "$up" 3 10
	l2_vport "$up" 4 10
	m1=$(port_mac 1); m2=$(port_mac 2); m3=$(port_mac 3); m4=$(port_mac 4)
	l2_cap wire "$w" wire0 END1,END3
	l2_cap p2 "$(port_ns 2)" eth0 ENDW
	l2_cap p4 "$(port_ns 4)" eth0 ENDW
	l2_send "$(port_ns 1)" eth0 "$m2" self 5 U12
	l2_send "$(port_ns 3)" eth0 "$m4" self 5 U34
	l2_send "$(port_ns 1)" eth0 "$BCAST" self 1 END1
	l2_send "$(port_ns 3)" eth0 "$BCAST" self 1 END3
	l2_send "$w" wire0 "$BCAST" self 1 ENDW
	l2_send "$w" wire0 "$BCAST" self 1 ENDW 10
	l2_expect "port 1 -> port 2 goes to the wire, untagged, with both MACs" wire \
		"$(tagged_with U12) and f['src'] == '$m1' and f['dst'] == '$m2'" 5
	l2_expect "port 3 -> port 4 goes to the wire tagged 10, with both MACs" wire \
		"$(tagged_with U34 10) and f['src'] == '$m3' and f['dst'] == '$m4'" 5
	l2_expect "port 2 gets nothing directly" p2 "f['tag'] == 'U12'" 0
	l2_expect "port 4 gets nothing directly" p4 "f['tag'] == 'U34'" 0
	# and by IP: the echo requests appear on the wire (no reply: nothing hairpins here)
	l2_cap wire "$w" wire0 END1
	static_neigh 1 2 # ARP cannot resolve without a hairpin either
	l2_no_ping "$(port_ns 1)" "$(port_addr4 2)"
	l2_send "$(port_ns 1)" eth0 "$BCAST" self 1 END1
	l2_expect "port 1's echo requests to port 2 on the wire" wire \
		"f['icmp'] == 8 and f['ipsrc'] == '$(port_addr4 1)' and f['ipdst'] == '$(port_addr4 2)' and f['src'] == '$m1' and f['dst'] == '$m2' and f['vlans'] == []" 2
	[ "$(port_counter "$up" "$(port_ns 1)" drop_port_to_port)" = 0 ] || fail "vepa mode counted port_to_port drops"
}

# vepa with a hairpinning switch: port-to-port traffic works, every frame through the wire, once.
test_mode_vepa_with_hairpin_switch() {
	l2_begin
	lab_uplink
	local up w m1 m2 m3 m4
	up=$(uplink)
	w=$(wire_ns "$up")
	l2_attach "$up" --mode vepa >/dev/null || fail "attach --mode vepa"
	lab_port "$up" 1
	lab_port "$up" 2
	l2_vport "$up" 3 10
	l2_vport "$up" 4 10
	m1=$(port_mac 1); m2=$(port_mac 2); m3=$(port_mac 3); m4=$(port_mac 4)
	l2_vlan_host "$up" 10
	l2_wire_switch "$up" "$m1" "$m2" "$m3" "$m4"
	l2_cap wire "$w" wire0 END1
	l2_cap p2 "$(port_ns 2)" eth0 END1
	l2_cap p4 "$(port_ns 4)" eth0 END3
	l2_send "$(port_ns 1)" eth0 "$m2" self 5 U12
	l2_send "$(port_ns 3)" eth0 "$m4" self 5 U34
	l2_send "$(port_ns 1)" eth0 "$m2" self 1 END1
	l2_send "$(port_ns 3)" eth0 "$m4" self 1 END3
	l2_expect "port 2 gets port 1's unicast once, back from the wire" p2 "$(tagged_with U12)" 5
	l2_expect "port 4 gets port 3's unicast once, untagged" p4 "$(tagged_with U34)" 5
	l2_expect "it went through the wire" wire "$(tagged_with U12) and f['src'] == '$m1' and f['dst'] == '$m2'" 5
	l2_cap wire "$w" wire0 END1,END2
	l2_ping "$(port_ns 1)" "$(port_addr4 2)" "$(port_addr6 2)"
	l2_ping "$(port_ns 4)" "$(vport_addr4 3 10)"
	l2_send "$(port_ns 1)" eth0 "$BCAST" self 1 END1
	l2_send "$(port_ns 2)" eth0 "$BCAST" self 1 END2
	l2_expect "echo requests 1 -> 2 on the wire" wire \
		"f['icmp'] == 8 and f['ipsrc'] == '$(port_addr4 1)' and f['ipdst'] == '$(port_addr4 2)' and f['src'] == '$m1' and f['dst'] == '$m2'" 2
	l2_expect "echo replies 2 -> 1 on the wire" wire \
		"f['icmp'] == 0 and f['ipsrc'] == '$(port_addr4 2)' and f['ipdst'] == '$(port_addr4 1)' and f['src'] == '$m2' and f['dst'] == '$m1'" 2
	l2_tcp "$(port_ns 1)" "$(port_ns 2)" "$(port_addr4 2)" 1048576
}

# vepa with a reflective relay: a port's broadcast comes back from the switch and reaches the other
# ports of its VLAN once each, but not the sender (nsteer must not hand a port its own frame, as
# macvlan in vepa mode does not: it skips the source when it floods what the switch reflected).
test_mode_vepa_reflected_broadcast_not_back_to_sender() {
	l2_begin
	lab_uplink
	local up w m1 m2 m3 m4 n
	up=$(uplink)
	w=$(wire_ns "$up")
	l2_attach "$up" --mode vepa >/dev/null || fail "attach --mode vepa"
	lab_port "$up" 1
	lab_port "$up" 2
	l2_vport "$up" 3 10
	l2_vport "$up" 4 10
	m1=$(port_mac 1); m2=$(port_mac 2); m3=$(port_mac 3); m4=$(port_mac 4)
	l2_vlan_host "$up" 10
	l2_wire_switch "$up" "$m1" "$m2" "$m3" "$m4"
	for n in 1 2 3 4; do l2_cap "p$n" "$(port_ns "$n")" eth0 ENDW,ENDV; done
	l2_send "$(port_ns 1)" eth0 "$BCAST" self 3 B1
	l2_send "$(port_ns 3)" eth0 "$BCAST" self 3 B3
	l2_send "$w" wire0 "$BCAST" self 1 ENDW
	l2_send "$w" wire0 "$BCAST" self 1 ENDV 10
	l2_send "$(vhost_ns 10)" eth0 "$BCAST" self 1 ENDW
	l2_send "$w" wire0 "$BCAST" self 1 ENDV
	l2_expect "port 2 gets port 1's broadcast once, via the switch" p2 "$(tagged_with B1)" 3
	l2_expect "port 4 gets port 3's broadcast once, via the switch" p4 "$(tagged_with B3)" 3
	l2_expect "port 1 does not get its own broadcast back" p1 "f['tag'] == 'B1'" 0
	l2_expect "port 3 does not get its own broadcast back" p3 "f['tag'] == 'B3'" 0
}

# One uplink through bridge -> private -> vepa -> bridge, in place: same programs, same ports,
# each mode's behaviour right after the command returns.
test_mode_change_in_place() {
	l2_begin
	l2_lab 2
	local up w xdp_id tc_id ifx mode
	up=$(uplink)
	w=$(wire_ns "$up")
	xdp_id=$(status_field "$up" xdp_prog_id)
	tc_id=$(status_field "$up" tc_prog_id)
	ifx=$(port_field_l2 "$up" "$(port_ns 2)" host_ifindex)
	static_neigh 1 2
	static_neigh 2 1
	for mode in bridge private vepa bridge; do
		l2_attach "$up" --mode "$mode" >/dev/null || fail "attach --mode $mode"
		[ "$(status_field "$up" mode)" = "$mode" ] || fail "status shows mode $(status_field "$up" mode), not $mode"
		[ "$(status_field "$up" xdp_prog_id)" = "$xdp_id" ] && [ "$(status_field "$up" tc_prog_id)" = "$tc_id" ] ||
			fail "changing the mode to $mode replaced the programs"
		[ "$(port_field_l2 "$up" "$(port_ns 2)" host_ifindex)" = "$ifx" ] || fail "changing the mode to $mode re-created port 2"
		l2_ping "$w" "$(port_addr4 1)" "$(port_addr4 2)"
		case $mode in
		bridge) l2_ping "$(port_ns 1)" "$(port_addr4 2)" ;;
		*) l2_no_ping "$(port_ns 1)" "$(port_addr4 2)" ;;
		esac
	done
	"$NSTEER" attach "$up" --mode bridge --xdp-mode "$L2_XDP_MODE" 2>&1 | grep -q "nothing changed" ||
		fail "re-running the same attach did not report 'nothing changed'"
}

# port_field_l2 UPLINK NETNS FIELD
port_field_l2() {
	"$NSTEER" status "$1" --json | "$NST_PYTHON" -S -c '
import json, sys
for p in json.load(sys.stdin)[0].get("ports", []):
    if p["netns"] == sys.argv[1]:
        print(p[sys.argv[2]])' "$2" "$3"
}

run_tests
