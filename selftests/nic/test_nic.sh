#!/bin/bash
# nsteer on real NIC drivers: the emulated NICs that `make vmtest` gives its VM, two of each model
# on a qemu hub of their own (NST_NIC_LAB="model=MAC1,MAC2 ..."). The first NIC is the uplink, the
# second is moved into a "wire" namespace. Every mode the driver supports is tried, each with
# macvlan on the same NIC as the control that proves the lab, and the NIC's address lists and
# flags must be as they were once nsteer has detached.
#
# Only the NICs named in NST_NIC_LAB are touched; without it (on a host) every test skips.
. "$(dirname "$0")/../integration/lib.sh"
NSTEER=$NST_ROOT/nsteer
FOREIGN_MAC=02:00:00:00:99:99 # in the NIC's list as another program would put it there
export LC_ALL=C

# nic_by_mac MAC: the device in this namespace with that address.
nic_by_mac() {
	local d
	for d in /sys/class/net/*; do
		[ "$(cat "$d/address" 2>/dev/null)" = "$1" ] && { basename "$d"; return 0; }
	done
	return 1
}

# nic_state DEV: what attach may change and detach must give back: the unicast and multicast
# lists, the user's flags, promiscuity and allmulti counts, the 802.1Q devices on DEV.
nic_state() {
	bridge fdb show dev "$1" | sort
	ip -d link show dev "$1" | grep -o '<[^>]*>\|promiscuity [0-9]*\|allmulti [0-9]*'
	ip -o link show type vlan | grep -o "[^ ]*@$1" | sort
}

nic_as_before() { [ "$(nic_state "$NIC_UP")" = "$NIC_BEFORE" ]; }

# nic_lab MODEL UPLINK_MAC WIRE_MAC: NIC_UP here, NIC_WIRE in WIRE with WIRE_ADDR4/6 and a VLAN 10
# interface (wv10, 10.78.0.1/24).
nic_lab() {
	NIC_MODEL=$1
	NIC_UP=$(nic_by_mac "$2") || fail "no NIC with MAC $2"
	NIC_WIRE=$(nic_by_mac "$3") || fail "no NIC with MAC $3"
	WIRE=nst${LAB_ID}w
	lab_extras
	trap nic_teardown EXIT
	LAB_NETNS+=("$WIRE")
	ip netns add "$WIRE" || fail "ip netns add $WIRE"
	ip link set "$NIC_WIRE" netns "$WIRE" || fail "moving $NIC_WIRE into $WIRE"
	ip -n "$WIRE" link set lo up
	ip -n "$WIRE" link set "$NIC_WIRE" up
	ip -n "$WIRE" addr add "$WIRE_ADDR4/24" dev "$NIC_WIRE"
	ip -n "$WIRE" addr add "$WIRE_ADDR6/64" dev "$NIC_WIRE" nodad
	ip -n "$WIRE" link add link "$NIC_WIRE" name wv10 type vlan id 10 || fail "VLAN 10 on the wire"
	ip -n "$WIRE" addr add 10.78.0.1/24 dev wv10
	ip -n "$WIRE" link set wv10 up
	ip link set "$NIC_UP" up
	# The stack joins its IPv6 groups (all-nodes, solicited-node) once carrier is up and its
	# link-local address is through DAD: the state to compare against is the one after that.
	wait_until 20 has_link_local "$NIC_UP" || fail "$NIC_UP got no link-local address"
	NIC_BEFORE=$(nic_state "$NIC_UP")
}

has_link_local() { ip -6 addr show dev "$1" scope link | grep -q inet6 && ! ip -6 addr show dev "$1" tentative | grep -q inet6; }

# Leaves both NICs as the VM booted them: detached, the wire NIC back here, the uplink down.
nic_teardown() {
	"$NSTEER" detach "$NIC_UP" --ports >/dev/null 2>&1
	bridge fdb del "$FOREIGN_MAC" dev "$NIC_UP" self 2>/dev/null
	ip -n "$WIRE" link del wv10 2>/dev/null
	ip -n "$WIRE" link set "$NIC_WIRE" down 2>/dev/null
	ip -n "$WIRE" link set "$NIC_WIRE" netns 1 2>/dev/null
	[ -n "${NIC_RXVLAN:-}" ] && ethtool -K "$NIC_UP" rxvlan "$NIC_RXVLAN" 2>/dev/null
	ip link set "$NIC_UP" down 2>/dev/null
	lab_teardown
}

driver_of() { basename "$(readlink "/sys/class/net/$1/device/driver")"; }

pings() { # pings NS ADDR: one ping answered within the patience (neighbour discovery first)
	wait_until 10 in_ns "$1" ping -c 1 -W 1 "$2" || fail "ping ${1:-host} -> $2 failed"
}

# macvlan_control: a macvlan on the uplink answers the wire. If it does not, the lab (not nsteer)
# is broken, and every later failure would mean nothing. Once per NIC model and run: the model's
# later tests build the same lab on the same pair of NICs (a TCG minute saved per test).
NIC_CONTROLLED=${NIC_CONTROLLED:-$(mktemp -d)}
export NIC_CONTROLLED
trap 'rm -rf "$NIC_CONTROLLED"' EXIT
macvlan_control() {
	local ns=nst${LAB_ID}m
	[ -e "$NIC_CONTROLLED/$NIC_MODEL" ] && return 0
	LAB_NETNS+=("$ns")
	ip netns add "$ns"
	ip link add link "$NIC_UP" name nstmv0 type macvlan mode bridge || fail "macvlan on $NIC_UP"
	ip link set nstmv0 netns "$ns"
	ip -n "$ns" addr add 10.77.0.21/24 dev nstmv0
	ip -n "$ns" link set nstmv0 up
	wait_until 10 ip netns exec "$WIRE" ping -c 1 -W 1 10.77.0.21 ||
		fail "control: macvlan on $NIC_UP does not answer the wire: the lab is broken"
	ip -n "$ns" link del nstmv0
	ip netns del "$ns"
	wait_until 5 nic_as_before ||
		fail "the macvlan control left $NIC_UP changed: $(diff <(echo "$NIC_BEFORE") <(nic_state "$NIC_UP") | tr '\n' ' ')"
	: >"$NIC_CONTROLLED/$NIC_MODEL"
}

dropped_at_least() { [ "$(counter "$NIC_UP" drop_unknown_dst)" -ge "$1" ]; }

# tags_kept: the uplink stops stripping VLAN tags (restored at teardown); skips where the driver
# cannot turn it off.
tags_kept() {
	NIC_RXVLAN=$(ethtool -k "$NIC_UP" | awk '/^rx-vlan-offload:/ { print $2 }')
	[ "$NIC_RXVLAN" = on ] || skip "$NIC_MODEL keeps VLAN tags in the frame already"
	ethtool -K "$NIC_UP" rxvlan off 2>/dev/null || skip "$NIC_MODEL cannot stop stripping VLAN tags"
	NIC_BEFORE=$(nic_state "$NIC_UP")
}

# vlans_apart WHAT PORT_NS MAC OTHER_IF OWN_IF: 10 frames to MAC sent on the wire's OTHER_IF
# (the other VLAN) never reach the port; 10 sent on OWN_IF (its VLAN) all do.
vlans_apart() {
	cap_start leak "$2" eth0
	send_frames "$WIRE" "$4" "$3" self 10 crossed
	send_frames "$WIRE" "$5" "$3" self 10 own
	send_frames "$WIRE" "$5" "$3" self 1 END
	cap_expect "$1 $3: frames of the other VLAN" leak "f['tag'] == 'crossed'" 0
	cap_expect "$1 $3: frames of its VLAN" leak "f['tag'] == 'own'" 10
}

status_ok() { "$NSTEER" status "$NIC_UP" >/dev/null; }

# steering MODE: the whole check on one NIC model in one attach mode.
steering() {
	local mode=$1 p1 p2 p3 mac1 mac3 want got
	macvlan_control
	"$NSTEER" attach "$NIC_UP" --xdp-mode "$mode" >"$LAB_TMP/attach" 2>&1 ||
		{ cat "$LAB_TMP/attach" >&2; fail "attach $NIC_UP --xdp-mode $mode"; }
	echo "  $(head -1 "$LAB_TMP/attach")" >&2
	if [ "$mode" = auto ]; then
		# native where the driver has it and sees the tags; e1000 has no native XDP
		want=native
		[ "$(ethtool -k "$NIC_UP" | awk '/^rx-vlan-offload:/ { print $2 }')" = on ] && want=off
		[ "$(driver_of "$NIC_UP")" = e1000 ] && want=off
		got=$(status_get "$NIC_UP" 's["xdp_mode"]')
		[ "$got" = "$want" ] || fail "auto chose xdp $got on $NIC_MODEL, want $want"
	fi
	p1=$(port_ns 1) p2=$(port_ns 2) p3=$(port_ns 3)
	lab_port "$NIC_UP" 1
	lab_port "$NIC_UP" 2
	LAB_NETNS+=("$p3")
	"$NSTEER" port add "$NIC_UP" "$p3" --vlan 10 --addr 10.78.0.13/24 >/dev/null || fail "VLAN port"
	mac1=$(mac_of "$p1" eth0) mac3=$(mac_of "$p3" eth0)

	# What the NIC now holds for the ports (the filters its driver programs from these lists).
	bridge fdb show dev "$NIC_UP" | grep -q "^$mac1 self permanent" ||
		fail "port MAC $mac1 is not in $NIC_UP's unicast list"
	ip -d link show dev "$NIC_UP" | grep -q 'allmulti [1-9]' || fail "$NIC_UP is not allmulticast"
	ip -o link show type vlan | grep -q "@$NIC_UP:" || fail "VLAN 10 not registered on $NIC_UP"
	status_ok || { "$NSTEER" status "$NIC_UP" >&2; fail "status reports problems"; }

	pings "$WIRE" "$(port_addr4 1)"
	pings "$p1" "$WIRE_ADDR4"
	pings "$WIRE" "$(port_addr6 1)" # neighbour discovery: solicited-node multicast both ways
	pings "$p2" "$(port_addr6 1)"
	pings "$p1" "$(port_addr4 2)"
	pings "$WIRE" 10.78.0.13
	pings "$p3" 10.78.0.1
	tcp_transfer "$WIRE" "$p1" "$(port_addr4 1)" 1048576
	tcp_transfer "$p1" "$WIRE" "$WIRE_ADDR4" 1048576

	# VLANs stay apart: tagged for VLAN 10 but addressed to an untagged port, and untagged but
	# addressed to the VLAN port, reach neither; the same frames on their own VLAN do.
	vlans_apart "untagged port" "$p1" "$mac1" wv10 "$NIC_WIRE"
	vlans_apart "VLAN port" "$p3" "$mac3" "$NIC_WIRE" wv10

	# An address someone else put in the NIC's list gets past the NIC; no port owns it, so
	# --unknown drop drops it in nsteer and counts it. nsteer must leave that address alone.
	bridge fdb add $FOREIGN_MAC dev "$NIC_UP" self permanent || fail "bridge fdb add"
	"$NSTEER" attach "$NIC_UP" --xdp-mode "$mode" --unknown drop >/dev/null || fail "attach --unknown drop"
	send_frames "$WIRE" "$NIC_WIRE" $FOREIGN_MAC self 20 unknown
	wait_until 5 dropped_at_least 20 ||
		fail "--unknown drop: $(counter "$NIC_UP" drop_unknown_dst) of 20 frames counted as dropped"
	# nsteer monitor shows each such drop as the driver's path made it (XDP, or tc after the
	# driver), with the VLAN tag back in place where the NIC stripped it.
	monitor_start "$LAB_TMP/drops" "$NIC_UP" --json
	send_frames "$WIRE" "$NIC_WIRE" $FOREIGN_MAC self 5 unknown_plain
	send_frames "$WIRE" wv10 $FOREIGN_MAC self 5 unknown_v10
	expect_events "$LAB_TMP/drops" 5 "e['reason'] == 'unknown_dst' and e['from'] == 'wire' and e['dst'] == '$FOREIGN_MAC' and e['vlan'] is None and b'unknown_plain' in bytes.fromhex(e['head'])" 2
	expect_events "$LAB_TMP/drops" 5 "e['reason'] == 'unknown_dst' and e['dst'] == '$FOREIGN_MAC' and e['vlan'] == 10 and e['ethertype'] == 0x88b5 and b'unknown_v10' in bytes.fromhex(e['head'])" 2
	monitor_stop

	# Drift: a port MAC taken out of the list by hand is reported, and re-running port add
	# puts it back.
	bridge fdb del "$mac1" dev "$NIC_UP" self
	! status_ok || fail "status did not report $mac1 missing from $NIC_UP's unicast list"
	"$NSTEER" status "$NIC_UP" | grep -q "$mac1 is missing" || fail "status does not name $mac1"
	lab_port "$NIC_UP" 1
	status_ok || fail "port add did not repair $NIC_UP's unicast list"

	"$NSTEER" detach "$NIC_UP" --ports >/dev/null || fail "detach"
	bridge fdb show dev "$NIC_UP" | grep -q "^$FOREIGN_MAC " ||
		fail "detach removed an address nsteer did not add"
	bridge fdb del $FOREIGN_MAC dev "$NIC_UP" self
	got=$(nic_state "$NIC_UP")
	[ "$got" = "$NIC_BEFORE" ] ||
		fail "$NIC_UP after detach differs from before attach: $(diff <(echo "$NIC_BEFORE") <(echo "$got") | tr '\n' ' ')"
}

# refused MODE: a mode the driver cannot run fails with a clear error and leaves nothing behind.
refused() {
	local out
	out=$("$NSTEER" attach "$NIC_UP" --xdp-mode "$1" 2>&1) && fail "attach --xdp-mode $1 succeeded on $NIC_MODEL"
	echo "  refused as expected: $(tail -1 <<<"$out")" >&2
	[ -z "$(pins_named "$NIC_UP")" ] || fail "pins left after a refused attach: $(pins_named "$NIC_UP")"
	[ "$(nic_state "$NIC_UP")" = "$NIC_BEFORE" ] || fail "a refused attach changed $NIC_UP"
}

if [ -z "${NST_NIC_LAB:-}" ]; then
	echo "SKIP: nic_lab (no emulated NICs here; make vmtest runs these tests)"
	exit 0
fi
for entry in $NST_NIC_LAB; do
	model=${entry%%=*} macs=${entry#*=}
	name=${model//[^a-z0-9]/_}
	for mode in auto native skb off; do
		eval "test_${name}_$mode() { nic_lab $model ${macs%,*} ${macs#*,}; \
			if [ $mode = native ] && [ \"\$(driver_of \$NIC_UP)\" = e1000 ]; \
			then refused $mode; else steering $mode; fi; }"
	done
	# Where the NIC can keep VLAN tags in the frame, XDP sees them and steers itself.
	for mode in auto skb; do
		eval "test_${name}_${mode}_tags_kept() { nic_lab $model ${macs%,*} ${macs#*,}; tags_kept; steering $mode; }"
	done
done
run_tests
