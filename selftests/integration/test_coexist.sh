#!/bin/bash
# XDP coexistence through libxdp's multi-program dispatcher: nsteer and a program it knows nothing
# about (bpf/neighbour.bpf.c, loaded with xdp-loader as a user would) share one uplink, both run in
# priority order, and either one leaves without disturbing the other.
#
# The neighbour runs first (priority 10; nsteer has libxdp's default, 50) and turns ethertype 0x88b6
# into 0x88b5, so a 0x88b6 frame that a port or the uplink's stack receives as 0x88b5 went through
# both programs. The dispatcher is built from freplace programs, which some kernels refuse (this
# project's build machines among them, see ENVIRONMENT.md): there libxdp attaches nsteer alone and
# these tests skip, saying so. They run in the VMs of `make vmtest`.
source "$(dirname "$0")/lib.sh"

NEIGHBOUR_OBJ=$(cd "$(dirname "$0")/../.." && pwd)/.output/neighbour.bpf.o
BCAST=ff:ff:ff:ff:ff:ff

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
}

# send_marked_and_plain MAC: 3 frames of 0x88b6 (MARKED), 3 of 0x88b5 (PLAIN) to MAC, then an END
# broadcast in each ethertype, so that captures of either kind end once everything arrived.
send_marked_and_plain() {
	local w
	w=$(wire_ns "$(uplink)")
	send_frames "$w" wire0 "$1" self 3 MARKED 0x88b6
	send_frames "$w" wire0 "$1" self 3 PLAIN
	send_frames "$w" wire0 "$BCAST" self 1 END 0x88b6
	send_frames "$w" wire0 "$BCAST" self 1 END
}

test_both_programs_run_in_priority_order() {
	coexist_lab
	local mac
	mac=$(port_field "$(uplink)" "$(port_ns 1)" mac)
	cap_start p1 "$(port_ns 1)" eth0
	send_marked_and_plain "$mac"
	cap_saw_end p1 || fail "the port never received the END broadcast"
	expect_count "port 1 (marked by the neighbour, then steered by nsteer)" p1 MARKED 3
	expect_count "port 1 (steered by nsteer)" p1 PLAIN 3
}

test_nsteer_detach_leaves_the_neighbour_running() {
	coexist_lab
	local up mac
	up=$(uplink)
	mac=$(port_field "$up" "$(port_ns 1)" mac)
	expect "nsteer detach" "$NSTEER" detach "$up"
	xdp_progs "$up" | grep -q nsteer_xdp && fail "nsteer's program is still attached after detach"
	[ -n "$(neighbour_id "$up")" ] || fail "nsteer detach took the neighbour program with it"
	# Without nsteer nothing is steered: the port's frames reach the uplink's stack, marked.
	cap_start up "" "$up"
	send_marked_and_plain "$mac"
	cap_saw_end up || fail "the uplink's stack never received the END broadcast"
	expect_count "uplink stack (marked by the neighbour alone)" up MARKED 3
	expect_count "uplink stack" up PLAIN 3
}

test_neighbour_unload_leaves_nsteer_steering() {
	coexist_lab
	local up mac
	up=$(uplink)
	mac=$(port_field "$up" "$(port_ns 1)" mac)
	expect "xdp-loader unload of the neighbour" xdp-loader unload "$up" -i "$(neighbour_id "$up")"
	[ -z "$(neighbour_id "$up")" ] || fail "the neighbour is still attached"
	expect "nsteer status after the neighbour left" "$NSTEER" status "$up"
	cap_start p1 "$(port_ns 1)" eth0
	cap_start p1raw "$(port_ns 1)" eth0 0x88b6
	send_marked_and_plain "$mac"
	cap_saw_end p1 || fail "the port never received the END broadcast"
	cap_saw_end p1raw || fail "the port never received the 0x88b6 END broadcast"
	expect_count "port 1 (0x88b5: nothing marks frames any more)" p1 MARKED 0
	expect_count "port 1 (0x88b6 frames steered unchanged)" p1raw MARKED 3
	expect_count "port 1 (steered by nsteer)" p1 PLAIN 3
}

test_nsteer_reattach_keeps_the_neighbour() {
	coexist_lab
	local up mac id
	up=$(uplink)
	mac=$(port_field "$up" "$(port_ns 1)" mac)
	id=$(neighbour_id "$up")
	expect "nsteer re-attach with other options" "$NSTEER" attach "$up" --unknown drop
	[ "$(neighbour_id "$up")" = "$id" ] || fail "re-attaching nsteer replaced or removed the neighbour"
	cap_start p1 "$(port_ns 1)" eth0
	send_marked_and_plain "$mac"
	cap_saw_end p1 || fail "the port never received the END broadcast"
	expect_count "port 1 after re-attach (both programs)" p1 MARKED 3
	expect_count "port 1 after re-attach" p1 PLAIN 3
}

run_tests
