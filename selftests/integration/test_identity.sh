#!/bin/bash
# Identity (SPEC §1): a port is (uplink, namespace, interface), and a namespace may have any number
# of ports on one uplink; an uplink is (network namespace, device), its name only a label: two
# devices of one name in two namespaces are two uplinks, a renamed uplink is the same uplink, and
# one whose device was deleted or moved away is cleaned up by the one command status prints.
source "$(dirname "$0")/lib.sh"

# A second subnet on the wire, for a port's second interface.
WIRE2_ADDR4=10.79.0.1

test_two_ports_in_one_namespace() {
	local ns mac0 mac1 host0 host1
	lab 0
	ns=$(port_ns 1)
	LAB_NETNS+=("$ns")
	ip -n "$WIRE" addr add "$WIRE2_ADDR4/24" dev wire0
	expect "port add eth0" "$NSTEER" port add "$UP" "$ns" --addr 10.77.0.11/24 --addr fd77::11/64
	expect "port add net1" "$NSTEER" port add "$UP" "$ns" --ifname net1 --addr 10.79.0.11/24
	# Linux answers ARP for any of its addresses on every interface (arp_ignore 0), with macvlan
	# as with nsteer; multi-homed hosts set 1, which makes each interface answer for its own.
	in_ns "$ns" sysctl -qw net.ipv4.conf.all.arp_ignore=1
	mac0=$(mac_of "$ns" eth0)
	mac1=$(mac_of "$ns" net1)
	[ -n "$mac1" ] && [ "$mac0" != "$mac1" ] || fail "net1's MAC $mac1 is not its own (eth0: $mac0)"
	# Re-running either changes nothing; the same interface with other settings is refused.
	expect "port add net1 again" "$NSTEER" port add "$UP" "$ns" --ifname net1 --addr 10.79.0.11/24
	if "$NSTEER" port add "$UP" "$ns" --ifname net1 --vlan 7 >"$LAB_TMP/out" 2>&1; then
		fail "net1 with another VLAN was accepted over the existing net1"
	fi
	grep -q -- "--ifname net1" "$LAB_TMP/out" || fail "the refusal names no --ifname: $(cat "$LAB_TMP/out")"
	# Each interface gets the frames for its own MAC: ARP, ping, IPv6 ND, TCP.
	expect_ping "$WIRE" 10.77.0.11 10.79.0.11 fd77::11
	[ "$(neigh_mac "$WIRE" wire0 10.77.0.11)" = "$mac0" ] || fail "the wire resolved eth0's address to another MAC"
	[ "$(neigh_mac "$WIRE" wire0 10.79.0.11)" = "$mac1" ] || fail "the wire resolved net1's address to another MAC"
	tcp_transfer "$WIRE" "$ns" 10.79.0.11
	host0=$(status_json "$UP" | "$NST_PYTHON" -S -c '
import json, sys
ps = json.load(sys.stdin)[0]["ports"]
print(" ".join(sorted(p["ifname"] + "=" + p["host_ifname"] for p in ps)))')
	case $host0 in "eth0=nst"*" net1=nst"*) ;; *) fail "status lists the ports as: $host0" ;; esac
	host1=${host0##*net1=}
	[ "$(counter "$UP" rx_packets "$ns")" -gt 0 ] || fail "no frames counted for $ns"
	"$NSTEER" port list "$UP" | grep -q " net1 " || fail "port list shows no net1"
	"$NSTEER" stats "$UP" --format prometheus | grep -q "interface=\"net1\"" ||
		fail "the Prometheus series have no interface label"
	# One interface goes, the other stays and still works.
	expect "port del net1" "$NSTEER" port del "$UP" "$ns" --ifname net1
	in_ns "$ns" ip link show net1 >/dev/null 2>&1 && fail "net1 is still in $ns"
	ip link show "$host1" >/dev/null 2>&1 && fail "net1's host end $host1 is still here"
	expect_ping "$WIRE" 10.77.0.11
	# Without --ifname the namespace leaves the uplink: every port, and the namespace port add made.
	expect "port add net1 back" "$NSTEER" port add "$UP" "$ns" --ifname net1 --addr 10.79.0.11/24
	expect "port del (all)" "$NSTEER" port del "$UP" "$ns"
	[ -z "$("$NSTEER" port list "$UP")" ] || fail "ports are left: $("$NSTEER" port list "$UP")"
	[ -e "/var/run/netns/$ns" ] && fail "$ns, which port add created, is still there"
	return 0
}

# The namespace end renamed inside the namespace (as a container runtime may): still its port.
test_port_interface_renamed_inside() {
	local ns
	lab 1
	ns=$(port_ns 1)
	in_ns "$ns" ip link set eth0 down
	in_ns "$ns" ip link set eth0 name lan0
	in_ns "$ns" ip link set lan0 up
	in_ns "$ns" ip addr add "$(port_addr4 1)/24" dev lan0 2>/dev/null
	expect_ping "$WIRE" "$(port_addr4 1)"
	expect "port del --ifname lan0" "$NSTEER" port del "$UP" "$ns" --ifname lan0
	[ -z "$("$NSTEER" port list "$UP")" ] || fail "the renamed port was not found: $("$NSTEER" port list "$UP")"
}

test_renamed_uplink_is_the_same_uplink() {
	local new dir json
	lab 1
	new="$(uplink r)"
	dir=$(status_get "$UP" "s['pin_dir']")
	ip link set "$UP" down
	ip link set "$UP" name "$new" || fail "rename"
	ip link set "$new" up
	LAB_UPLINKS+=("$new")
	# Steering goes on, and every command knows it by its new name, saying what it was.
	expect_ping "$WIRE" "$(port_addr4 1)"
	"$NSTEER" status "$new" >"$LAB_TMP/status" || { cat "$LAB_TMP/status" >&2; fail "status $new is not clean"; }
	grep -q "attached as $UP" "$LAB_TMP/status" || fail "status does not say it was attached as $UP"
	json=$(status_get "$new" "s['pin_dir'] + ' ' + s['attached_as']")
	[ "$json" = "$dir $UP" ] || fail "status --json: '$json', not '$dir $UP'"
	"$NSTEER" status "$UP" >/dev/null 2>&1 && fail "the old name still finds an uplink"
	lab_port "$new" 2
	expect_ping "$WIRE" "$(port_addr4 2)"
	expect "detach $new --ports" "$NSTEER" detach "$new" --ports
	[ -d "$dir" ] && fail "$dir is left"
	[ -e "/var/run/netns/$(port_ns 1)" ] && fail "port 1's namespace is left"
	return 0
}

# expect_all_gone DIR HOSTENDS...: the pins, the host ends and the ports' namespaces are gone.
expect_all_gone() {
	local dir=$1 h; shift
	[ -d "$dir" ] && fail "$dir is left"
	for h in "$@"; do
		ip link show "$h" >/dev/null 2>&1 && fail "host end $h is left"
	done
	[ -e "/var/run/netns/$(port_ns 1)" ] && fail "$(port_ns 1), which port add made, is left"
	[ -e "/var/run/netns/$(port_ns 2)" ] && fail "$(port_ns 2), which port add made, is left"
	return 0
}

# status_repair_of UPLINK: the repair status gives for UPLINK's "gone" problem.
status_repair_of() {
	status_json | "$NST_PYTHON" -S -c '
import json, sys
for s in json.load(sys.stdin):
    for p in s.get("problems", []):
        if s["uplink"] == sys.argv[1] and "gone from this network namespace" in p["problem"]:
            print(p["repair"])' "$1"
}

# check_vanished HOW: the uplink is made to vanish by HOW (a function), then status says so and
# its one repair command removes everything nsteer left.
check_vanished() {
	local how=$1 dir h1 h2 repair
	lab 2
	dir=$(status_get "$UP" "s['pin_dir']")
	h1=$(port_field "$UP" "$(port_ns 1)" host_ifname)
	h2=$(port_field "$UP" "$(port_ns 2)" host_ifname)
	"$how"
	"$NSTEER" status >"$LAB_TMP/status" 2>&1 && fail "status is clean with the uplink gone"
	repair=$(status_repair_of "$UP")
	[ "$repair" = "nsteer detach $UP --ports" ] || { cat "$LAB_TMP/status" >&2; fail "repair: '$repair'"; }
	expect "the repair" "$NSTEER" detach "$UP" --ports
	expect_all_gone "$dir" "$h1" "$h2"
	[ -z "$(status_repair_of "$UP")" ] || fail "status still reports $UP after the repair"
}

uplink_deleted() { ip link del "$UP"; }
uplink_moved() {
	local away=nst${LAB_ID}away
	LAB_NETNS+=("$away")
	ip netns add "$away" || fail "ip netns add $away"
	ip link set "$UP" netns "$away" || fail "move $UP"
	# Over there, a device like any other: nothing of this namespace's nsteer state.
	[ -z "$(in_ns "$away" "$NSTEER" status 2>&1)" ] || fail "$away sees state: $(in_ns "$away" "$NSTEER" status 2>&1)"
}

test_deleted_uplink_cleaned_up_by_the_command_status_prints() { check_vanished uplink_deleted; }
test_moved_uplink_cleaned_up_by_the_command_status_prints() { check_vanished uplink_moved; }

# The kernel gives a dead namespace's inode number to the next namespace made. A port whose
# namespace the user deleted must not become the port of the namespace that got its number: port
# add of the newcomer makes a port of its own, and port del leaves the newcomer (not nsteer's).
test_reused_namespace_inode_is_another_namespace() {
	local p1 q i old new=
	lab 0
	p1=$(port_ns 1)
	q=$(port_ns 9)
	LAB_NETNS+=("$p1" "$q")
	expect "port add $p1" "$NSTEER" port add "$UP" "$p1"
	old=$(stat -L -c %i "/var/run/netns/$p1")
	ip netns del "$p1"
	for ((i = 0; i < 50; i++)); do
		ip netns add "$q" || fail "ip netns add $q"
		new=$(stat -L -c %i "/var/run/netns/$q")
		[ "$new" = "$old" ] && break
		ip netns del "$q"
	done
	[ "$new" = "$old" ] || skip "the kernel did not reuse inode $old in 50 namespaces"
	"$NSTEER" port add "$UP" "$q" >"$LAB_TMP/out" 2>&1 || true
	grep -q "interrupted" "$LAB_TMP/out" && fail "port add $q took $p1's port for its own: $(cat "$LAB_TMP/out")"
	"$NSTEER" port del "$UP" "$q" >/dev/null 2>&1
	[ -e "/var/run/netns/$q" ] || fail "port del $q deleted $q, which ip netns add made"
	expect "port del $p1 (gone)" "$NSTEER" port del "$UP" "$p1"
	[ -z "$("$NSTEER" port list "$UP")" ] || fail "ports are left: $("$NSTEER" port list "$UP")"
}

# Two network namespaces ("hosts"), each with a device of the same name, each attached by nsteer run
# inside it (ip netns exec): two uplinks, with their own pins, ports and status.
HOSTS=()
hosts_destroy() {
	local h
	for h in "${HOSTS[@]}"; do
		ip netns exec "$h" "$NSTEER" detach "$(uplink)" --ports >/dev/null 2>&1
		lab_del_veths "$h"
		ip netns del "$h" >/dev/null 2>&1
	done
	HOSTS=()
}

# host_lab X: namespace nst<ID>hX with uplink nsu<ID> (wire: nst<ID>wX, 10.77.0.1) and a port
# nst<ID>pX (10.77.0.11), all made by nsteer run in nst<ID>hX.
host_lab() {
	local h="nst${LAB_ID}h$1" w="nst${LAB_ID}w$1" p="nst${LAB_ID}p$1"
	HOSTS+=("$h")
	LAB_NETNS+=("$w" "$p")
	ip netns add "$h" && ip netns add "$w" || fail "ip netns add"
	ip -n "$h" link add "$(uplink)" type veth peer name wire0 netns "$w" || fail "veth in $h"
	ip -n "$h" link set lo up
	ip -n "$h" link set "$(uplink)" up
	ip -n "$w" link set wire0 up
	ip -n "$w" addr add "$WIRE_ADDR4/24" dev wire0
	in_ns "$h" "$NSTEER" attach "$(uplink)" >/dev/null || fail "attach in $h"
	in_ns "$h" "$NSTEER" port add "$(uplink)" "$p" --addr 10.77.0.11/24 >/dev/null || fail "port add in $h"
}

test_same_name_in_two_namespaces_is_two_uplinks() {
	local a="nst${LAB_ID}ha" b="nst${LAB_ID}hb" dir_a dir_b
	lab_extras
	trap 'hosts_destroy; lab_teardown' EXIT
	host_lab a
	host_lab b
	dir_a=$(in_ns "$a" "$NSTEER" status --json | json_first pin_dir)
	dir_b=$(in_ns "$b" "$NSTEER" status --json | json_first pin_dir)
	[ -n "$dir_a" ] && [ "$dir_a" != "$dir_b" ] || fail "one folder for both: '$dir_a' '$dir_b'"
	[ -d "$dir_a" ] && [ -d "$dir_b" ] || fail "the folders are not where status says"
	expect_ping "nst${LAB_ID}wa" 10.77.0.11
	expect_ping "nst${LAB_ID}wb" 10.77.0.11
	# Each status sees its own uplink and port, and nothing wrong.
	in_ns "$a" "$NSTEER" status >"$LAB_TMP/a" || { cat "$LAB_TMP/a" >&2; fail "status in $a"; }
	grep -q "nst${LAB_ID}pa" "$LAB_TMP/a" && ! grep -q "nst${LAB_ID}pb" "$LAB_TMP/a" ||
		fail "status in $a: $(cat "$LAB_TMP/a")"
	[ "$(grep -c '^nsu' "$LAB_TMP/a")" = 1 ] || fail "status in $a lists other uplinks"
	# The host's own status knows neither.
	"$NSTEER" status 2>/dev/null | grep -q "^$(uplink) " && fail "the host's status lists $(uplink)"
	# Detach in one leaves the other steering.
	expect "detach in $a" in_ns "$a" "$NSTEER" detach "$(uplink)" --ports
	[ -d "$dir_a" ] && fail "$dir_a is left"
	expect_ping "nst${LAB_ID}wb" 10.77.0.11
	in_ns "$b" "$NSTEER" status >"$LAB_TMP/b" || { cat "$LAB_TMP/b" >&2; fail "status in $b after the detach in $a"; }
}

run_tests
