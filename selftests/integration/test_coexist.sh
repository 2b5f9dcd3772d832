#!/bin/bash
# XDP coexistence through libxdp's multi-program dispatcher: nsteer and a program it knows nothing
# about (selftests/integration/neighbour.bpf.c, loaded with xdp-loader as a user would) share one uplink, both run in
# priority order, and either one leaves without disturbing the other.
#
# The neighbour runs first (priority 10; nsteer has libxdp's default, 50) and turns ethertype 0x88b6
# into 0x88b5, so a 0x88b6 frame that a port or the uplink's stack receives as 0x88b5 went through
# both programs. The dispatcher is built from freplace programs, which some kernels refuse (this
# project's build machines among them, see ENVIRONMENT.md): there libxdp attaches nsteer alone and
# these tests skip, saying so. They run in the VMs of `make vmtest`.
# selftests-scope: kernel (libxdp's dispatcher: freplace programs load only where the kernel allows them)
source "$(dirname "$0")/lib.sh"

NEIGHBOUR_OBJ=$NST_ROOT/.output/selftests/integration/neighbour.bpf.o

xdp_progs() { xdp-loader status "$1" 2>/dev/null; }
neighbour_id() { xdp_progs "$1" | awk '$3 == "neighbour_mark" { print $4 }'; }

# coexist_lab: one port; the neighbour loaded behind nsteer's back, through the same dispatcher.
coexist_lab() {
	local mode
	mode=$(lab_xdp_mode)
	[ "$mode" != off ] || skip "--xdp-mode off attaches no XDP program to share the uplink with"
	[ -r "$NEIGHBOUR_OBJ" ] || fail "$NEIGHBOUR_OBJ is missing (make test-bins)"
	lab_extras
	lab 1
	xdp_progs "$(uplink)" | grep -q xdp_dispatcher ||
		skip "libxdp attached nsteer without its dispatcher: this kernel refuses freplace programs"
	expect "xdp-loader load of the neighbour next to nsteer" \
		xdp-loader load -m "$mode" -P 10 "$(uplink)" "$NEIGHBOUR_OBJ"
	[ -n "$(neighbour_id "$(uplink)")" ] || fail "xdp-loader status does not list neighbour_mark"
	xdp_progs "$(uplink)" | grep -q nsteer_xdp || fail "nsteer's program left the dispatcher"
	PORT1_MAC=$(port_field "$(uplink)" "$(port_ns 1)" mac)
}

# marked_and_plain WHAT NS IFNAME MARKED_ET: 3 frames of 0x88b6 (MARKED) and 3 of 0x88b5 (PLAIN)
# from the wire to port 1's MAC (PORT1_MAC: read while nsteer was attached) all reach IFNAME in
# NS, the MARKED ones as ethertype MARKED_ET (0x88b5 where the neighbour ran, 0x88b6 where it did
# not), the PLAIN ones unchanged. An END broadcast follows in each ethertype, so that the capture
# ends once everything arrived.
marked_and_plain() {
	local what=$1 ns=$2 dev=$3 et=$4 w mac=$PORT1_MAC
	w=$(wire_ns "$(uplink)")
	cap_start marked "$ns" "$dev" END,END6
	send_frames "$w" wire0 "$mac" self 3 MARKED "" 0x88b6
	send_frames "$w" wire0 "$mac" self 3 PLAIN
	send_frames "$w" wire0 "$BCAST" self 1 END6 "" 0x88b6
	send_frames "$w" wire0 "$BCAST" self 1 END
	cap_expect "$what: MARKED frames as $et" marked "f['tag'] == 'MARKED' and f['et'] == $et" 3
	cap_expect "$what: MARKED frames as another ethertype" marked "f['tag'] == 'MARKED' and f['et'] != $et" 0
	cap_expect "$what: PLAIN frames" marked "f['tag'] == 'PLAIN' and f['et'] == 0x88b5" 3
}

test_both_programs_run_in_priority_order() {
	coexist_lab
	marked_and_plain "port 1 (marked by the neighbour, then steered by nsteer)" "$(port_ns 1)" eth0 0x88b5
}

test_nsteer_detach_leaves_the_neighbour_running() {
	coexist_lab
	local up
	up=$(uplink)
	expect "nsteer detach" "$NSTEER" detach "$up"
	xdp_progs "$up" | grep -q nsteer_xdp && fail "nsteer's program is still attached after detach"
	[ -n "$(neighbour_id "$up")" ] || fail "nsteer detach took the neighbour program with it"
	# Without nsteer nothing is steered: the port's frames reach the uplink's stack, marked.
	marked_and_plain "uplink stack (marked by the neighbour alone)" "" "$up" 0x88b5
}

test_neighbour_unload_leaves_nsteer_steering() {
	coexist_lab
	local up
	up=$(uplink)
	expect "xdp-loader unload of the neighbour" xdp-loader unload "$up" -i "$(neighbour_id "$up")"
	[ -z "$(neighbour_id "$up")" ] || fail "the neighbour is still attached"
	expect "nsteer status after the neighbour left" "$NSTEER" status "$up"
	marked_and_plain "port 1 (nothing marks frames any more)" "$(port_ns 1)" eth0 0x88b6
}

test_nsteer_reattach_keeps_the_neighbour() {
	coexist_lab
	local up id
	up=$(uplink)
	id=$(neighbour_id "$up")
	expect "nsteer re-attach with other options" "$NSTEER" attach "$up" --unknown drop
	[ "$(neighbour_id "$up")" = "$id" ] || fail "re-attaching nsteer replaced or removed the neighbour"
	marked_and_plain "port 1 after re-attach (both programs)" "$(port_ns 1)" eth0 0x88b5
}

run_tests
