#!/bin/bash
# The life of an uplink and its ports: attach, re-attach with other options, port add (by name,
# --netns-path, --pid), port del, detach with and without --ports, idempotence of every command,
# what status says when something vanished behind nsteer's back, and the pins' readability and mode.
# selftests-scope: kernel (attach, re-attach and detach: links, pins and qdiscs as that kernel keeps them)
# selftests-host-only: every_command_is_idempotent port_add_by_netns_path port_add_by_pid status_explains_vanished_namespace_and_repair_works (the loader's own logic)
source "$(dirname "$0")/lib.sh"

xdp_prog_id() { ip -d link show "$1" | sed -n 's/.*prog\/xdp id \([0-9]*\).*/\1/p'; }
# clsact's filters, and TCX's programs (the uplink's, where the kernel has TCX)
tc_prog_ids() { tc filter show dev "$1" ingress 2>/dev/null | grep -o ' id [0-9]*' | awk '{print $2}'; tcx_ids "$1"; }
prog_gone() { ! bpftool prog show id "$1" >/dev/null 2>&1; }
link_exists() { ip link show "$1" >/dev/null 2>&1; }
netns_exists() { [ -e "/var/run/netns/$1" ]; }

port_count() { status_get "$1" 'len(s["ports"])'; }

test_detach_removes_programs_and_pins() {
	lab 2
	local ids=() host hosts=() id dir
	dir=$(pin_dir "$UP") || exit 1
	if [ "$(lab_xdp_mode)" != off ]; then
		ids+=("$(xdp_prog_id "$UP")")
		[ -n "${ids[0]}" ] || fail "no XDP program on $UP after attach"
	fi
	ids+=($(tc_prog_ids "$UP"))
	for n in 1 2; do
		host=$(port_field "$UP" "$(port_ns "$n")" host_ifname)
		hosts+=("$host")
		ids+=($(tc_prog_ids "$host"))
	done
	local want=4
	[ "$(lab_xdp_mode)" = off ] && want=3
	[ ${#ids[@]} -ge $want ] || fail "expected XDP (unless off) + 3 tc programs, found ids: ${ids[*]}"
	for id in "${ids[@]}"; do
		# behind libxdp's dispatcher (where freplace is allowed) the device's program is that
		bpftool prog show id "$id" | grep -qE 'name (nsteer_|xdp_dispatcher)' ||
			fail "program $id is not nsteer's"
	done

	expect "detach" "$NSTEER" detach "$UP"
	[ ! -e "$dir" ] || fail "$dir is still there: $(ls "$dir")"
	[ -z "$(pins_named "$UP")" ] || fail "pins of $UP left: $(pins_named "$UP")"
	ip -d link show "$UP" | grep -q 'prog/xdp' && fail "an XDP program is still attached to $UP"
	[ -z "$(tc filter show dev "$UP" ingress 2>/dev/null)" ] || fail "tc filters left on $UP ingress"
	[ -z "$(tcx_ids "$UP")" ] || fail "TCX programs left on $UP: $(tcx_ids "$UP")"
	tc qdisc show dev "$UP" | grep -q clsact && fail "the clsact qdisc nsteer created on $UP is left"
	for host in "${hosts[@]}"; do
		link_exists "$host" || fail "detach without --ports removed the port veth $host"
		[ -z "$(tc filter show dev "$host" ingress 2>/dev/null)" ] || fail "tc filter left on $host"
	done
	for id in "${ids[@]}"; do
		wait_until 5 prog_gone "$id" || fail "program $id is still loaded after detach"
	done
	"$NSTEER" port list "$UP" >/dev/null 2>&1 && fail "port list still works on a detached uplink"
	return 0
}

# Port 1's namespace holds two ports (eth0 and e1): it goes with the second.
test_detach_ports_removes_veths_and_created_namespaces() {
	lab 2
	local pre hosts=() host n dir
	pre="nst${LAB_ID}pre"
	LAB_NETNS+=("$pre")
	ip netns add "$pre" || fail "ip netns add $pre"
	expect "port add (existing namespace)" "$NSTEER" port add "$UP" "$pre"
	expect "port add (a second port in port 1's namespace)" "$NSTEER" port add "$UP" "$(port_ns 1)" --ifname e1
	read -ra hosts < <("$NSTEER" port list "$UP" --json | "$NST_PYTHON" -S -c '
import json, sys
print(*[p["host_ifname"] for p in json.load(sys.stdin)])')
	[ ${#hosts[@]} = 4 ] || fail "port list names host ends '${hosts[*]}', not 4"
	dir=$(pin_dir "$UP") || exit 1

	expect "detach --ports" "$NSTEER" detach "$UP" --ports
	[ ! -e "$dir" ] || fail "$dir is still there"
	for host in "${hosts[@]}"; do
		[ -n "$host" ] || fail "a port had no host_ifname in status"
		link_exists "$host" && fail "detach --ports left the veth $host"
	done
	netns_exists "$(port_ns 1)" && fail "namespace $(port_ns 1), created by port add (ports eth0, e1), is left"
	netns_exists "$(port_ns 2)" && fail "namespace $(port_ns 2), created by port add, is left"
	netns_exists "$pre" || fail "detach --ports deleted $pre, a namespace nsteer did not create"
	ip -n "$pre" link show eth0 >/dev/null 2>&1 && fail "eth0 is left in $pre"
	ip -d link show "$UP" | grep -q 'prog/xdp' && fail "an XDP program is still attached to $UP"
	return 0
}

test_port_del_leaves_nothing() {
	lab 0
	local pre made host_pre host_made host_e1
	pre="nst${LAB_ID}pre"; made="nst${LAB_ID}made"
	LAB_NETNS+=("$pre" "$made")
	ip netns add "$pre" || fail "ip netns add $pre"
	expect "port add (existing namespace)" "$NSTEER" port add "$UP" "$pre" --addr 10.77.0.31/24
	expect "port add (new namespace)" "$NSTEER" port add "$UP" "$made" --addr 10.77.0.32/24
	expect "port add (a second interface)" "$NSTEER" port add "$UP" "$made" --ifname e1 --addr 10.77.0.33/24
	netns_exists "$made" || fail "port add did not create $made"
	host_pre=$(port_field "$UP" "$pre" host_ifname eth0) || exit 1
	host_made=$(port_field "$UP" "$made" host_ifname eth0) || exit 1
	host_e1=$(port_field "$UP" "$made" host_ifname e1) || exit 1
	expect "wire -> $made" in_ns "$WIRE" ping -c1 -W2 10.77.0.32
	expect "wire -> $made e1" in_ns "$WIRE" ping -c1 -W2 10.77.0.33

	# --ifname: that port only; the namespace stays for the other.
	expect "port del $made --ifname e1" "$NSTEER" port del "$UP" "$made" --ifname e1
	link_exists "$host_e1" && fail "port del --ifname e1 left the host end $host_e1"
	ip -n "$made" link show e1 >/dev/null 2>&1 && fail "port del --ifname e1 left e1 in $made"
	netns_exists "$made" || fail "port del --ifname e1 deleted $made, which still holds eth0's port"
	link_exists "$host_made" || fail "port del --ifname e1 deleted eth0's host end $host_made"
	expect "wire -> $made after e1 left" in_ns "$WIRE" ping -c1 -W2 10.77.0.32
	# Without --ifname: every port of the namespace, and the namespace port add created.
	expect "port add (e1 again)" "$NSTEER" port add "$UP" "$made" --ifname e1 --addr 10.77.0.33/24
	host_e1=$(port_field "$UP" "$made" host_ifname e1) || exit 1
	expect "port del $made" "$NSTEER" port del "$UP" "$made"
	link_exists "$host_made" && fail "port del left the host end $host_made"
	link_exists "$host_e1" && fail "port del left the host end $host_e1"
	netns_exists "$made" && fail "port del left $made, which port add had created (ports eth0, e1)"
	expect "port del $pre" "$NSTEER" port del "$UP" "$pre"
	link_exists "$host_pre" && fail "port del left the host end $host_pre"
	netns_exists "$pre" || fail "port del deleted $pre, which existed before port add"
	ip -n "$pre" link show eth0 >/dev/null 2>&1 && fail "port del left eth0 in $pre"
	[ "$(port_count "$UP")" = 0 ] || fail "status still lists ports"
	bpftool map dump pinned "$(pin_dir "$UP")/port_by_ifindex" 2>/dev/null | grep -q "nst${LAB_ID}" &&
		fail "port_by_ifindex still holds a deleted port"
	expect "port del again" "$NSTEER" port del "$UP" "$made"
	expect "port del again" "$NSTEER" port del "$UP" "$pre"
	# The address is free again: a new port may take it.
	expect "port add after del" "$NSTEER" port add "$UP" "$made" --addr 10.77.0.32/24
	expect "wire -> $made again" in_ns "$WIRE" ping -c1 -W2 10.77.0.32
}

test_every_command_is_idempotent() {
	lab 1
	local p1 before after carrier addrs dir
	p1=$(port_ns 1)
	dir=$(pin_dir "$UP") || exit 1
	carrier=$(cat "/sys/class/net/$UP/carrier_changes")
	before=$(status_get "$UP" '(s["xdp_prog_id"], s["tc_prog_id"], s["mode"], [(p["netns"], p["mac"], p["host_ifindex"], p["peer_ifindex"]) for p in s["ports"]])')
	addrs=$(ip -n "$p1" -o addr show dev eth0 | wc -l)

	expect "attach again" "$NSTEER" attach "$UP"
	expect "port add again, same arguments" "$NSTEER" port add "$UP" "$p1" \
		--addr "$(port_addr4 1)/24" --addr "$(port_addr6 1)/64"
	after=$(status_get "$UP" '(s["xdp_prog_id"], s["tc_prog_id"], s["mode"], [(p["netns"], p["mac"], p["host_ifindex"], p["peer_ifindex"]) for p in s["ports"]])')
	[ "$before" = "$after" ] || fail "state changed: before $before, after $after"
	[ "$(ip -n "$p1" -o addr show dev eth0 | wc -l)" = "$addrs" ] || fail "addresses changed on port 1"
	[ "$(cat "/sys/class/net/$UP/carrier_changes")" = "$carrier" ] || fail "$UP flapped"
	expect "wire -> port 1 after repeated commands" in_ns "$WIRE" ping -c1 -W2 "$(port_addr4 1)"

	expect "port del" "$NSTEER" port del "$UP" "$p1"
	expect "port del again" "$NSTEER" port del "$UP" "$p1"
	expect "detach" "$NSTEER" detach "$UP"
	expect "detach again" "$NSTEER" detach "$UP"
	expect "detach --ports on a detached uplink" "$NSTEER" detach "$UP" --ports
	[ ! -e "$dir" ] || fail "pins left after detach: $dir"
}

test_attach_other_mode_updates_in_place() {
	lab 2
	local p1 ids carrier drops0 drops1
	p1=$(port_ns 1)
	ids=$(status_get "$UP" '(s["xdp_prog_id"], s["tc_prog_id"], sorted(p["host_ifindex"] for p in s["ports"]))')
	carrier=$(cat "/sys/class/net/$UP/carrier_changes")
	expect "bridge: port 1 -> port 2" in_ns "$p1" ping -c1 -W2 "$(port_addr4 2)"

	expect "attach --mode private" "$NSTEER" attach "$UP" --mode private
	[ "$(status_get "$UP" 's["mode"]')" = private ] || fail "status does not say mode private"
	drops0=$(counter "$UP" drop_port_to_port "$p1")
	in_ns "$p1" ping -c2 -i0.2 -W1 "$(port_addr4 2)" >/dev/null 2>&1 &&
		fail "private: port 1 reached port 2"
	drops1=$(counter "$UP" drop_port_to_port "$p1")
	[ "$drops1" -gt "$drops0" ] || fail "private: no port_to_port drop counted for port 1"
	for n in 1 2; do
		expect "private: wire -> port $n" in_ns "$WIRE" ping -c1 -W2 "$(port_addr4 "$n")"
	done

	expect "attach --mode bridge --unknown drop" "$NSTEER" attach "$UP" --mode bridge --unknown drop
	[ "$(status_get "$UP" '(s["mode"], s["unknown"])')" = "('bridge', 'drop')" ] ||
		fail "status does not say bridge/drop: $(status_get "$UP" '(s["mode"], s["unknown"])')"
	expect "bridge again: port 1 -> port 2" in_ns "$p1" ping -c1 -W2 "$(port_addr4 2)"
	[ "$(status_get "$UP" '(s["xdp_prog_id"], s["tc_prog_id"], sorted(p["host_ifindex"] for p in s["ports"]))')" = "$ids" ] ||
		fail "changing --mode/--unknown replaced programs or ports"
	[ "$(cat "/sys/class/net/$UP/carrier_changes")" = "$carrier" ] || fail "$UP flapped"
}

test_attach_other_xdp_mode_replaces_programs() {
	lab 2
	local mode ports carrier flag
	ports=$(status_get "$UP" 'sorted(p["host_ifindex"] for p in s["ports"])')
	carrier=$(cat "/sys/class/net/$UP/carrier_changes")
	# Static neighbours: this test is about replacing programs, not about ARP (see test_isolation.sh).
	ip -n "$WIRE" neigh replace "$(port_addr4 1)" lladdr "$(port_field "$UP" "$(port_ns 1)" mac)" dev wire0
	ip -n "$(port_ns 1)" neigh replace "$WIRE_ADDR4" lladdr "$(mac_of "$WIRE" wire0)" dev eth0
	for mode in skb off native; do
		expect "attach --xdp-mode $mode" "$NSTEER" attach "$UP" --xdp-mode "$mode"
		[ "$(status_get "$UP" 's["xdp_mode"]')" = "$mode" ] || fail "status does not say xdp $mode"
		[ -z "$(problems "$UP")" ] || fail "after attach --xdp-mode $mode, status: $(problems "$UP")"
		case $mode in
		skb) flag='mtu [0-9]+ xdpgeneric ' ;;
		native) flag='mtu [0-9]+ xdp ' ;;
		off) flag= ;;
		esac
		if [ -n "$flag" ]; then
			ip -d link show "$UP" | grep -qE "$flag" || fail "no $flag program on $UP in mode $mode"
		else
			ip -d link show "$UP" | grep -q 'prog/xdp' && fail "XDP still attached with --xdp-mode off"
		fi
		[ "$(status_get "$UP" 'sorted(p["host_ifindex"] for p in s["ports"])')" = "$ports" ] ||
			fail "ports changed with --xdp-mode $mode"
		expect "xdp $mode: wire -> port 1 (known neighbour)" in_ns "$WIRE" ping -c1 -W2 "$(port_addr4 1)"
	done
	[ "$(cat "/sys/class/net/$UP/carrier_changes")" = "$carrier" ] || fail "$UP flapped"
}

test_port_add_by_netns_path() {
	lab 0
	local ns path
	ns="nst${LAB_ID}path"
	path=/var/run/netns/$ns
	LAB_NETNS+=("$ns")
	ip netns add "$ns" || fail "ip netns add $ns"
	expect "port add --netns-path" "$NSTEER" port add "$UP" --netns-path "$path" --addr 10.77.0.41/24
	expect "wire -> port by path" in_ns "$WIRE" ping -c1 -W2 10.77.0.41
	[ "$(status_get "$UP" '[p["netns"] for p in s["ports"]]')" = "['$path']" ] ||
		fail "status names the port $(status_get "$UP" '[p["netns"] for p in s["ports"]]')"
	expect "port add --netns-path again" "$NSTEER" port add "$UP" --netns-path "$path" --addr 10.77.0.41/24
	[ "$(port_count "$UP")" = 1 ] || fail "a second port appeared for the same path"
	expect "port del --netns-path" "$NSTEER" port del "$UP" --netns-path "$path"
	[ "$(port_count "$UP")" = 0 ] || fail "port del --netns-path left the port"
	netns_exists "$ns" || fail "port del removed $ns, which port add did not create"
	ip -n "$ns" link show eth0 >/dev/null 2>&1 && fail "eth0 is left in $ns"
	return 0
}

test_port_add_by_pid() {
	lab 0
	local pid host self
	self=$(readlink /proc/self/ns/net)
	lab_bg "" unshare --net sleep 60
	pid=${LAB_PIDS[-1]}
	# unshare execs sleep once it is in a namespace of its own.
	wait_until 5 sh -c "[ \"\$(cat /proc/$pid/comm)\" = sleep ]" || fail "sleep in a new namespace did not start"
	[ "$(readlink "/proc/$pid/ns/net")" != "$self" ] || fail "sleep is not in a namespace of its own"

	expect "port add --pid" "$NSTEER" port add "$UP" --pid "$pid" --addr 10.77.0.51/24
	expect "wire -> port by pid" in_ns "$WIRE" ping -c1 -W2 10.77.0.51
	nsenter --net="/proc/$pid/ns/net" ip link show eth0 >/dev/null || fail "no eth0 in the process's namespace"
	[ "$(status_get "$UP" '[p["netns"] for p in s["ports"]]')" = "['pid:$pid']" ] ||
		fail "status names the port $(status_get "$UP" '[p["netns"] for p in s["ports"]]')"
	host=$(port_field "$UP" "pid:$pid" host_ifname)
	expect "port del --pid" "$NSTEER" port del "$UP" --pid "$pid"
	link_exists "$host" && fail "port del --pid left $host"
	nsenter --net="/proc/$pid/ns/net" ip link show eth0 >/dev/null 2>&1 && fail "eth0 left in the namespace"
	return 0
}

test_pins_readable_by_bpftool_and_private() {
	lab 2
	local pin dump mode dir
	dir=$(pin_dir "$UP") || exit 1
	dump=$(bpftool map dump pinned "$dir/port_by_ifindex") || fail "bpftool cannot dump port_by_ifindex"
	for word in '"netns"' '"mac"' '"ifname"' '"host_ifname"' "\"$(port_ns 1)\"" "\"$(port_ns 2)\""; do
		grep -q -- "$word" <<<"$dump" || fail "port_by_ifindex dump lacks $word"
	done
	bpftool map dump pinned "$dir/ports" | grep -q '"mac"' || fail "ports dump has no named mac field"
	bpftool map dump pinned "$dir/uplink_config" | grep -q '"mode"' ||
		fail "uplink_config dump has no named mode field"
	bpftool map dump pinned "$dir/counters" | grep -q '"rx_packets"' ||
		fail "counters dump has no named rx_packets field"
	for pin in "$dir"/*; do
		mode=$(stat -c %a "$pin")
		[ "$mode" = 600 ] || fail "$pin has mode $mode, not 600"
	done
	# The uplink's folder and its namespace's.
	for pin in "$dir" "${dir%/*}"; do
		mode=$(stat -c %a "$pin")
		[ $((8#$mode & 8#077)) = 0 ] || fail "$pin has mode $mode: open to group or others"
	done
}

test_status_explains_vanished_namespace_and_repair_works() {
	lab 2
	local p2 repair rc
	p2=$(port_ns 2)
	"$NSTEER" status "$UP" >/dev/null || fail "status reports problems on a sound lab"
	ip netns del "$p2"
	# The namespace dies with its last reference; its veth goes with it.
	wait_until 5 sh -c "! ip link show $(port_field "$UP" "$p2" host_ifname)" ||
		fail "the veth of a deleted namespace did not go away"
	"$NSTEER" status "$UP" >/dev/null; rc=$?
	[ $rc = 1 ] || fail "status exits $rc with a vanished port namespace (expected 1)"
	problems "$UP" | grep -q "$p2" || fail "status problems do not name $p2: $(problems "$UP")"
	repair=$(status_get "$UP" "next(p['repair'] for p in s['problems'] if '$p2' in p['problem'])")
	[[ $repair == "nsteer "* ]] || fail "no repair command for $p2: '$repair'"
	# Run the repair as given, with this nsteer binary.
	nsteer() { "$NSTEER" "$@"; }
	echo "  repair: $repair" >&2
	eval "$repair" >/dev/null || fail "the repair command failed: $repair"
	"$NSTEER" status "$UP" >/dev/null || fail "status still reports problems after '$repair': $(problems "$UP")"
	expect "wire -> port 1 still works" in_ns "$WIRE" ping -c1 -W2 "$(port_addr4 1)"
}

run_tests
