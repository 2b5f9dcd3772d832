#!/bin/bash
# Host access (attach --host-access): nsh-UPLINK appears in the uplink's namespace, which here is
# the namespace these tests run in, and through it that namespace reaches every port (ping, TCP,
# IPv4 and IPv6) in every mode, private included; re-attaching without the option, or detaching,
# removes it. The address the tests give nsh-UPLINK comes from a 10.x.y.0/24 (and fd7e:x:y::/64)
# no interface or route of this namespace uses; the ports get addresses in the same subnet.
source "$(dirname "$0")/lib.sh"

TCP_BYTES=$((4 << 20)) # a stream each way per port: 4 MiB keeps the file quick

HOST4='' HOST6='' # the prefixes host_subnet picked, e.g. 10.203.17 and fd7e:203:17

# host_lab NPORTS [ATTACH OPTIONS...]: an uplink attached with --host-access and the options,
# NPORTS ports at $HOST4.(10+N)/24 and $HOST6::(10+N)/64, nsh-UPLINK at .100 and ::100, and the
# wire at .1 and ::1.
host_lab() {
	local n=$1 i up w nsh; shift
	lab_extras
	read -r HOST4 HOST6 < <(host_subnet) || fail "no subnet"
	lab_uplink
	up=$(uplink)
	w=$(wire_ns "$up")
	nsh=nsh-$up
	"$NSTEER" attach "$up" --host-access "$@" >/dev/null || fail "attach $up --host-access $*"
	ip link show "$nsh" >/dev/null 2>&1 || fail "attach --host-access did not create $nsh"
	ip addr add "$HOST4.100/24" dev "$nsh" || fail "address on $nsh"
	ip addr add "$HOST6::100/64" dev "$nsh" nodad || fail "IPv6 address on $nsh"
	ip link set "$nsh" up
	ip -n "$w" addr add "$HOST4.1/24" dev wire0
	ip -n "$w" addr add "$HOST6::1/64" dev wire0 nodad
	for ((i = 1; i <= n; i++)); do host_port "$up" "$i"; done
}

host_port() { # host_port UPLINK N [port add options...]
	local up=$1 n=$2 ns; shift 2
	ns=$(port_ns "$n")
	LAB_NETNS+=("$ns")
	"$NSTEER" port add "$up" "$ns" --addr "$HOST4.$((10 + n))/24" --addr "$HOST6::$((10 + n))/64" "$@" \
		>/dev/null || fail "port add $up $ns"
}

test_host_ping_and_tcp_to_each_port_and_back() {
	host_lab 3
	local n p
	for n in 1 2 3; do
		p=$(port_ns "$n")
		expect_ping "" "$HOST4.$((10 + n))" "$HOST6::$((10 + n))"
		expect_ping "$p" "$HOST4.100" "$HOST6::100"
		tcp_transfer "" "$p" "$HOST4.$((10 + n))"
		tcp_transfer "$p" "" "$HOST4.100"
	done
	tcp_transfer "" "$(port_ns 1)" "$HOST6::11"
	tcp_transfer "$(port_ns 2)" "" "$HOST6::100"
	# the wire reaches the host through nsh as well (it is a port like any other)
	expect_ping "$(wire_ns "$(uplink)")" "$HOST4.100" "$HOST6::100"
}

test_host_link_local_ping_each_port() {
	host_lab 2
	local n p ll hll nsh
	nsh=nsh-$(uplink)
	hll=$(link_local "" "$nsh") || fail "$nsh has no usable link-local address"
	for n in 1 2; do
		p=$(port_ns "$n")
		ll=$(link_local "$p" eth0) || fail "port $n has no usable link-local address"
		expect_ping "" "$ll%$nsh"
		expect_ping "$p" "$hll%eth0"
	done
}

# In private mode ports cannot reach each other, but the host reaches every one and they it.
test_host_access_in_private_mode() {
	host_lab 3 --mode private
	local up n
	up=$(uplink)
	for n in 1 2 3; do
		expect_ping "" "$HOST4.$((10 + n))"
		expect_ping "$(port_ns "$n")" "$HOST4.100" "$HOST6::100"
	done
	tcp_transfer "" "$(port_ns 3)" "$HOST4.13"
	tcp_transfer "$(port_ns 1)" "" "$HOST4.100"
	ip -n "$(port_ns 1)" neigh replace "$HOST4.12" lladdr "$(port_mac 2)" dev eth0 nud permanent
	expect_no_ping "$(port_ns 1)" "$HOST4.12"
	[ "$(counter "$up" drop_port_to_port "$(port_ns 1)")" -gt 0 ] || fail "no port_to_port drop counted"
	# a port's broadcast reaches the host, and not the other ports
	cap_start host "" "nsh-$up" END
	cap_start p2 "$(port_ns 2)" eth0 END
	send_frames "$(port_ns 1)" eth0 "$BCAST" self 3 B1
	send_frames "$(port_ns 1)" eth0 "$BCAST" self 1 END
	send_frames "$(wire_ns "$up")" wire0 "$BCAST" self 1 END
	cap_expect "the host gets port 1's broadcast once" host "$(tagged_with B1)" 3
	cap_expect "port 2 does not get port 1's broadcast" p2 "f['tag'] == 'B1'" 0
	# and the host's broadcast reaches every port once
	cap_start p2 "$(port_ns 2)" eth0 END
	cap_start p3 "$(port_ns 3)" eth0 END
	send_frames "" "nsh-$up" "$BCAST" self 3 BH
	send_frames "" "nsh-$up" "$BCAST" self 1 END
	cap_expect "port 2 gets the host's broadcast once" p2 "$(tagged_with BH)" 3
	cap_expect "port 3 gets the host's broadcast once" p3 "$(tagged_with BH)" 3
}

# vepa: host <-> ports directly (no hairpin needed)
test_host_access_in_vepa_mode() {
	host_lab 2 --mode vepa
	local n
	for n in 1 2; do
		expect_ping "" "$HOST4.$((10 + n))"
		expect_ping "$(port_ns "$n")" "$HOST4.100"
	done
}

# Same options: nothing changes (nsh keeps its ifindex and address). Without --host-access: nsh
# goes. With it again: back. Mode changes keep it. Detach removes it.
test_host_access_lifecycle() {
	host_lab 1
	local up nsh ifx dir
	up=$(uplink)
	nsh=nsh-$up
	ifx=$(cat "/sys/class/net/$nsh/ifindex")
	"$NSTEER" attach "$up" --host-access >/dev/null || fail "re-attach with the same options"
	[ "$(cat "/sys/class/net/$nsh/ifindex" 2>/dev/null)" = "$ifx" ] || fail "re-attaching as before re-created $nsh"
	expect_ping "" "$HOST4.11"
	"$NSTEER" attach "$up" --host-access --mode private >/dev/null || fail "attach --host-access --mode private"
	[ "$(cat "/sys/class/net/$nsh/ifindex" 2>/dev/null)" = "$ifx" ] || fail "a mode change re-created $nsh"
	expect_ping "" "$HOST4.11"
	"$NSTEER" attach "$up" --mode private >/dev/null || fail "attach without --host-access"
	! ip link show "$nsh" >/dev/null 2>&1 || fail "attach without --host-access left $nsh"
	[ "$(status_get "$up" 'sum(p["netns"] == "(host)" for p in s["ports"])')" = 0 ] || fail "status still lists a host-access port"
	expect_ping "$(wire_ns "$up")" "$HOST4.11" # the ports are untouched
	"$NSTEER" attach "$up" --host-access >/dev/null || fail "attach --host-access again"
	ip link show "$nsh" >/dev/null 2>&1 || fail "attach --host-access did not bring $nsh back"
	[ "$(status_get "$up" 'sum(p["netns"] == "(host)" for p in s["ports"])')" = 1 ] || fail "status does not list exactly one host-access port"
	ip addr add "$HOST4.100/24" dev "$nsh" && ip link set "$nsh" up
	expect_ping "" "$HOST4.11"
	dir=$(pin_dir "$up") || exit 1
	"$NSTEER" detach "$up" >/dev/null || fail "detach"
	! ip link show "$nsh" >/dev/null 2>&1 || fail "detach left $nsh"
	[ ! -e "$dir" ] || fail "detach left $dir"
}

# Host access is part of the attachment: status must not report it as a broken port.
test_host_access_status_is_clean() {
	host_lab 1
	local up problems rc
	up=$(uplink)
	problems=$(problems "$up")
	[ -z "$problems" ] || fail "nsteer status reports problems with host access on: $problems"
	"$NSTEER" status "$up" >/dev/null 2>&1
	rc=$?
	[ $rc -eq 0 ] || fail "nsteer status exits $rc with host access on (0 expected: nothing is wrong)"
}

run_tests
