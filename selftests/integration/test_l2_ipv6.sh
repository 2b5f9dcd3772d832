#!/bin/bash
# IPv6 through nsteer as on a plain LAN: neighbour discovery resolves each port's MAC, ping6 to
# global and link-local addresses works both ways (untagged and on a VLAN), DAD succeeds (no port
# hears its own probes), router advertisements from the wire reach every port of their VLAN and
# nothing else (SLAAC addresses appear where they should), and TCP runs over IPv6.
source "$(dirname "$0")/lib.sh"

TCP_BYTES=$((4 << 20)) # a stream each way per port: 4 MiB keeps the file quick

# The lab is mixed_lab: ports 1-3 untagged (fd77::(10+N)/64), ports 4,5 on VLAN 10
# (fd78:10::(10+N)/64), and the wire's host on VLAN 10 (fd78:10::1).

# v6_addr N: port N's global address; v6_peer N: the wire-side namespace and interface it talks to
v6_addr() { if [ "$1" -le 3 ]; then port_addr6 "$1"; else vport_addr6 "$1" 10; fi; }
v6_peer_ns() { if [ "$1" -le 3 ]; then wire_ns "$(uplink)"; else vhost_ns 10; fi; }
v6_peer_if() { if [ "$1" -le 3 ]; then echo wire0; else echo eth0; fi; }
v6_peer_addr() { if [ "$1" -le 3 ]; then echo "$WIRE_ADDR6"; else vhost_addr6 10; fi; }

no_dadfailed() { # no_dadfailed NS: no address of eth0 failed DAD
	! ip -n "$1" -6 addr show dev eth0 | grep -q dadfailed
}

test_ipv6_nd_ping_global_and_link_local_every_port_both_ways() {
	mixed_lab
	local n p pn pif ll pll
	for n in 1 2 3 4 5; do
		p=$(port_ns "$n")
		pn=$(v6_peer_ns "$n")
		pif=$(v6_peer_if "$n")
		ip -n "$pn" -6 neigh flush dev "$pif"
		ip -n "$p" -6 neigh flush dev eth0
		expect_ping "$pn" "$(v6_addr "$n")"
		[ "$(neigh_mac "$pn" "$pif" "$(v6_addr "$n")")" = "$(port_mac "$n")" ] ||
			fail "neighbour discovery resolved $(v6_addr "$n") to '$(neigh_mac "$pn" "$pif" "$(v6_addr "$n")")', not port $n's MAC"
		ip -n "$p" -6 neigh flush dev eth0
		expect_ping "$p" "$(v6_peer_addr "$n")"
		ll=$(link_local "$p" eth0) || fail "port $n has no usable link-local address"
		pll=$(link_local "$pn" "$pif") || fail "$pn has no usable link-local address"
		expect_ping "$pn" "$ll%$pif"
		expect_ping "$p" "$pll%eth0"
		no_dadfailed "$p" || fail "an address of port $n failed DAD: $(ip -n "$p" -6 addr show dev eth0)"
	done
	# port to port (bridge mode), link-local and global, on each segment
	expect_ping "$(port_ns 1)" "$(link_local "$(port_ns 2)" eth0)%eth0" "$(v6_addr 3)"
	expect_ping "$(port_ns 5)" "$(link_local "$(port_ns 4)" eth0)%eth0" "$(v6_addr 4)"
}

# DAD through nsteer: a port's duplicate of a wire address, and of another port's address, is
# detected; a fresh one is not (the port's own probes do not come back to it).
test_ipv6_dad_detects_duplicates_only() {
	mixed_lab
	local p1 p2
	p1=$(port_ns 1)
	p2=$(port_ns 2)
	ip -n "$p1" addr add fd77::1:1/64 dev eth0        # fresh
	ip -n "$p1" addr add "$WIRE_ADDR6/64" dev eth0    # the wire's
	ip -n "$p2" addr add "$(port_addr6 3)/64" dev eth0 # port 3's
	wait_until 10 dad_over "$p1" && wait_until 10 dad_over "$p2" || fail "DAD did not finish within 10 s"
	ip -n "$p1" -6 addr show dev eth0 | grep "fd77::1:1/" | grep -q dadfailed && fail "a fresh address failed DAD"
	ip -n "$p1" -6 addr show dev eth0 | grep "$WIRE_ADDR6/" | grep -q dadfailed ||
		fail "port 1 took the wire's address $WIRE_ADDR6 without DAD noticing"
	ip -n "$p2" -6 addr show dev eth0 | grep "$(port_addr6 3)/" | grep -q dadfailed ||
		fail "port 2 took port 3's address without DAD noticing"
}

# dad_over NS: no address of eth0 in NS is still tentative (a failed one stays "tentative dadfailed")
dad_over() { ! ip -n "$1" -6 addr show dev eth0 | grep tentative | grep -vq dadfailed; }

# slaac_reachable PEER_NS PEER_IF PREFIX N...: once PEER_IF has PREFIX::1/64, the address each port
# N autoconfigured in PREFIX::/64 leaves DAD and answers PEER_NS.
slaac_reachable() {
	local ns=$1 dev=$2 prefix=$3 n p a; shift 3
	ip -n "$ns" addr add "$prefix::1/64" dev "$dev" nodad
	for n in "$@"; do
		p=$(port_ns "$n")
		wait_until 10 sh -c "ip -n $p -6 addr show dev eth0 | grep 'inet6 $prefix:' | grep -vq tentative" ||
			fail "port $n's $prefix:: address stayed tentative"
		a=$(ip -n "$p" -6 -o addr show dev eth0 | awk -v pre="inet6 $prefix:" '$0 ~ pre {sub("/.*", "", $4); print $4; exit}')
		expect_ping "$ns" "$a"
	done
}

# has_prefix NS PREFIX: eth0 in NS has an address in PREFIX::/64 (autoconfigured)
has_prefix() { ip -n "$1" -6 addr show dev eth0 | grep -q "inet6 $2:"; }

test_ipv6_router_advertisement_reaches_every_port_of_its_vlan() {
	mixed_lab
	local n p
	# The uplink's own stack sees the RAs too: keep this namespace from configuring anything.
	sysctl -qw "net.ipv6.conf.$UP.accept_ra=0"
	for n in 1 2 3 4 5; do
		p=$(port_ns "$n")
		[ "$(ip netns exec "$p" sysctl -n net.ipv6.conf.eth0.forwarding)" = 0 ] &&
			[ "$(ip netns exec "$p" sysctl -n net.ipv6.conf.eth0.accept_ra)" -ge 1 ] ||
			ip netns exec "$p" sysctl -qw net.ipv6.conf.eth0.accept_ra=2
	done
	link_local "$WIRE" wire0 >/dev/null || fail "wire0 has no link-local address to send RAs from"
	link_local "$(vhost_ns 10)" eth0 >/dev/null || fail "the VLAN 10 host has no link-local address"
	ip netns exec "$WIRE" "${FRAMES[@]}" ra wire0 fd99:: || fail "sending an RA from the wire"
	ip netns exec "$(vhost_ns 10)" "${FRAMES[@]}" ra eth0 fd98:10:: || fail "sending an RA on VLAN 10"
	for n in 1 2 3; do
		wait_until 10 has_prefix "$(port_ns "$n")" fd99 || fail "port $n did not autoconfigure an address in fd99::/64"
	done
	for n in 4 5; do
		wait_until 10 has_prefix "$(port_ns "$n")" fd98:10 || fail "port $n did not autoconfigure an address in fd98:10::/64"
	done
	# the RA of one segment configured nothing on the other
	for n in 1 2 3; do has_prefix "$(port_ns "$n")" fd98:10 && fail "untagged port $n took VLAN 10's prefix"; done
	for n in 4 5; do has_prefix "$(port_ns "$n")" fd99 && fail "VLAN 10 port $n took the untagged prefix"; done
	# and the autoconfigured addresses work
	slaac_reachable "$WIRE" wire0 fd99 1 2 3
	slaac_reachable "$(vhost_ns 10)" eth0 fd98:10 4 5
}

test_ipv6_tcp_wire_and_ports() {
	mixed_lab
	tcp_transfer "$WIRE" "$(port_ns 1)" "$(v6_addr 1)"
	tcp_transfer "$(port_ns 1)" "$WIRE" "$WIRE_ADDR6"
	tcp_transfer "$(vhost_ns 10)" "$(port_ns 4)" "$(v6_addr 4)"
	tcp_transfer "$(port_ns 4)" "$(vhost_ns 10)" "$(vhost_addr6 10)"
	tcp_transfer "$(port_ns 2)" "$(port_ns 3)" "$(v6_addr 3)"
	tcp_transfer "$(port_ns 5)" "$(port_ns 4)" "$(v6_addr 4)"
}

# mld_groups NETNS: the IPv6 multicast groups nsteer knows port NETNS listens to ("unknown" when it
# does not know them).
mld_groups() { status_get "$UP" 'p["mld_groups"] if p["mld_snooped"] else "unknown"' "$1"; }
mld_groups_are() { [ "$(mld_groups "$1")" = "$2" ]; } # mld_groups_are NETNS N

# MLD snooping: IPv6 multicast reaches the ports that listen to its group, from the wire and from
# another port, and stops when they leave; the others never see it.
test_ipv6_multicast_reaches_only_listening_ports() {
	mixed_lab
	local g=ff05::1:2345 p1 before n listener
	p1=$(port_ns 1)
	before=$(mld_groups "$p1")
	[ "$before" != unknown ] || fail "a port nsteer just made has no snooped listening"
	lab_bg "$p1" "${FRAMES[@]}" join eth0 "$g" "$(patient 60)"
	listener=${LAB_PIDS[-1]}
	wait_until 10 mld_groups_are "$p1" "$((before + 1))" ||
		fail "port 1 joined $g but nsteer knows of $(mld_groups "$p1") groups, not $((before + 1))"
	cap_ports END 1 2 3
	in_ns "$(port_ns 3)" "${FRAMES[@]}" mcast eth0 "$g" 3 || fail "multicast from port 3"
	in_ns "$WIRE" "${FRAMES[@]}" mcast wire0 "$g" 3 || fail "multicast from the wire"
	send_frames "$WIRE" wire0 "$BCAST" self 1 END
	cap_expect "port 1 (listening)" p1 "f['ipdst'] == '$g'" 6
	cap_expect "port 2 (not listening)" p2 "f['ipdst'] == '$g'" 0
	cap_expect "port 3 (not listening; its own 3 are outgoing)" p3 "f['ipdst'] == '$g'" 0

	kill "$listener"
	wait_until 10 mld_groups_are "$p1" "$before" ||
		fail "port 1 left $g but nsteer still knows of $(mld_groups "$p1") groups"
	cap_start p1 "$p1" eth0 END
	in_ns "$WIRE" "${FRAMES[@]}" mcast wire0 "$g" 3 || fail "multicast from the wire"
	send_frames "$WIRE" wire0 "$BCAST" self 1 END
	cap_expect "port 1, after it left" p1 "f['ipdst'] == '$g'" 0
}

# What every port sends as it comes up (MLD reports, DAD probes, router solicitations) goes to the
# wire, not to its siblings: with N ports starting, flooding it would be N^2 copies.
test_ipv6_port_start_up_chatter_stays_off_sibling_ports() {
	lab 0
	lab_port "$(uplink)" 1
	local n chatter
	wait_until 10 dad_over "$(port_ns 1)" || fail "port 1's DAD did not finish"
	cap_start p1 "$(port_ns 1)" eth0 END
	cap_start wire "$WIRE" wire0 END
	lab_port "$(uplink)" 2
	lab_port "$(uplink)" 3
	for n in 2 3; do wait_until 10 dad_over "$(port_ns "$n")" || fail "port $n's DAD did not finish"; done
	sleep "$(patient 2)" # their router solicitations follow DAD by up to a second
	send_frames "$WIRE" wire0 "$BCAST" self 1 END
	send_frames "$(port_ns 1)" eth0 "$BCAST" self 1 END # the wire's capture skips its own
	chatter="f['dst'].startswith('33:33:') and f['dst'] != '33:33:00:00:00:01' and f['src'] in ('$(port_mac 2)', '$(port_mac 3)')"
	n=$(cap_count wire "$chatter") || exit 1
	[ "$n" -gt 0 ] || fail "the wire saw no IPv6 multicast from the new ports: nothing was tested"
	cap_expect "port 1 (the wire saw $n)" p1 "$chatter" 0
}

run_tests
