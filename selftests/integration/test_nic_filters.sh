#!/bin/bash
# What nsteer holds on the uplink as macvlan does on its lower device: every port's MAC in the
# uplink's unicast address list (bridge fdb ... self), allmulticast; given back at port del and
# detach, never taking what someone else put there; drift reported by status and repaired by
# attach. On a veth the lists filter nothing (the kernel turns promiscuity on instead), so these
# tests check the lists; selftests/nic checks what they do on real NIC drivers.
source "$(dirname "$0")/lib.sh"

uc_list() { bridge fdb show dev "$1" | awk '$2 == "self" && $3 == "permanent" { print $1 }' | sort; }
in_uc_list() { uc_list "$1" | grep -qx "$2"; }
uplink_state() { # what detach must give back: lists, flags, promiscuity and allmulti counts
	bridge fdb show dev "$1" | sort
	ip -d link show dev "$1" | grep -o '<[^>]*>\|promiscuity [0-9]*\|allmulti [0-9]*'
}
test_port_macs_follow_ports() {
	local up mac1 mac2
	lab_uplink
	up=$(uplink)
	expect "attach" "$NSTEER" attach "$up"
	lab_port "$up" 1
	lab_port "$up" 2
	mac1=$(mac_of "$(port_ns 1)" eth0) mac2=$(mac_of "$(port_ns 2)" eth0)
	in_uc_list "$up" "$mac1" || fail "port 1's MAC $mac1 is not in $up's unicast list: $(uc_list "$up" | tr '\n' ' ')"
	in_uc_list "$up" "$mac2" || fail "port 2's MAC $mac2 is not in $up's unicast list"
	ip -d link show "$up" | grep -q 'allmulti [1-9]' || fail "$up is not allmulticast"
	expect "port del 1" "$NSTEER" port del "$up" "$(port_ns 1)"
	in_uc_list "$up" "$mac1" && fail "port 1's MAC stayed in the list after port del"
	in_uc_list "$up" "$mac2" || fail "port del 1 took port 2's MAC too"
	return 0
}

test_detach_gives_the_uplink_back_as_found() {
	local up before after foreign=02:00:00:00:99:01
	lab_uplink
	up=$(uplink)
	# Someone else's settings: allmulticast on, and an address nsteer will need too.
	ip link set "$up" allmulticast on
	bridge fdb add "$foreign" dev "$up" self permanent
	before=$(uplink_state "$up")
	expect "attach" "$NSTEER" attach "$up"
	lab_port "$up" 1
	lab_port "$up" 2 --mac "$foreign"
	lab_port "$up" 3 --vlan 10
	expect "detach --ports" "$NSTEER" detach "$up" --ports
	after=$(uplink_state "$up")
	[ "$before" = "$after" ] || fail "$up after detach differs from before attach: $(diff <(echo "$before") <(echo "$after") | tr '\n' ' ')"
	in_uc_list "$up" "$foreign" || fail "detach removed $foreign, which nsteer did not add"
}

test_drift_is_reported_and_repaired() {
	local up mac problems
	lab_uplink
	up=$(uplink)
	expect "attach" "$NSTEER" attach "$up"
	lab_port "$up" 1
	mac=$(mac_of "$(port_ns 1)" eth0)
	bridge fdb del "$mac" dev "$up" self
	ip link set "$up" allmulticast off
	"$NSTEER" status "$up" >/dev/null && fail "status exits 0 with a port MAC missing from the list"
	problems=$(problems "$up")
	[[ $problems == *"$mac is missing"* ]] || fail "status does not name the missing $mac: $problems"
	[[ $problems == *allmulticast* ]] || fail "status does not report allmulticast off: $problems"
	expect "attach repairs" "$NSTEER" attach "$up"
	in_uc_list "$up" "$mac" || fail "attach did not put $mac back"
	[ -z "$(problems "$up")" ] || fail "after attach, status: $(problems "$up")"
	# The same for port add: re-running it puts its own MAC back.
	bridge fdb del "$mac" dev "$up" self
	lab_port "$up" 1
	in_uc_list "$up" "$mac" || fail "re-running port add did not put $mac back"
}

# A newcomer's lab: a veth as `ip link add` makes it, offloads on, and a plain `nsteer attach`.
test_auto_mode_on_a_veth_carries_tcp_with_offloads_on() {
	local up w why bin
	bin=$NST_ROOT/nsteer # no XDP_MODE: the default
	lab_extras
	lab_uplink
	up=$(uplink)
	w=$(wire_ns "$up")
	ip netns exec "$w" ethtool -K wire0 tx on tso on gso on txvlan on >/dev/null || fail "ethtool"
	"$bin" attach "$up" >"$LAB_TMP/attach" || fail "plain attach"
	grep -q 'xdp off \[auto: a virtual device' "$LAB_TMP/attach" ||
		fail "attach does not say what auto chose and why: $(cat "$LAB_TMP/attach")"
	why=$(status_get "$up" '"%s %s" % (s["xdp_mode"], s["xdp_mode_reason"])')
	[[ $why == "off auto:"* ]] || fail "status says: $why"
	lab_port "$up" 1
	tcp_transfer "$w" "$(port_ns 1)" "$(port_addr4 1)"
	tcp_transfer "$(port_ns 1)" "$w" "$WIRE_ADDR4"
}

run_tests
