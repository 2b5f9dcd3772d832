#!/bin/bash
# The uplink's tc program on TCX (kernels from 6.6) or on clsact (6.1), and moving between the two
# (SPEC §5: TCX behind a probe, clsact where it is missing). On TCX nsteer hangs its program
# behind the programs already on the device, through a link pinned in its folder: the frames it
# steers or drops are its own, the frames it leaves to the uplink's stack go on to the programs
# behind it. neighbour_tc.bpf.c stands for another tool's program (it turns ethertype 0x88b6
# into 0x88b5, so a frame shows whether it ran), attached with tcx.py as that tool would.
#
#   auto_hook_follows_the_kernel      TCX where the kernel has it (no clsact made), else clsact;
#                                     status names the hook and the program the kernel runs
#   tcx_refused_without_tcx           (6.1) --tc-hook tcx says why and leaves nothing behind
#   program_before_nsteer_sees_every_frame
#                                     attached in front: it marks what nsteer then steers; a
#                                     re-attach swaps nsteer's program inside its link, which
#                                     keeps its id and its place
#   program_after_nsteer_sees_what_nsteer_leaves
#                                     attached behind: the frames nsteer delivers are its own,
#                                     the frames it leaves to the stack reach the program
#   hook_moves_lose_and_double_no_frame
#                                     tcx -> clsact -> tcx -> clsact -> auto, then moves killed
#                                     half-way and re-run, under a stream of broadcasts: each
#                                     port gets every one exactly once
#   removed_link_is_a_problem_attach_repairs
#                                     the link's pin removed (the link goes with it): status
#                                     says so, attach repairs, the ports are reached again
# selftests-scope: kernel (TCX exists from 6.6: the VM on 6.1 tests the fallback, the one on 6.12 TCX)
# selftests-modes: auto (the hook is tc's; the tests that need tc to see every frame attach with --xdp-mode off)
# selftests-host-only: hook_moves_lose_and_double_no_frame (a paced stream across attaches that take seconds under TCG would overfill its capture)
source "$(dirname "$0")/lib.sh"

NEIGHBOUR_OBJ=$NST_ROOT/.output/selftests/integration/neighbour_tc.bpf.o
TCX=("$NST_PYTHON" -S "$NST_DIR/tcx.py")
STEADY=("$NST_PYTHON" -S "$NST_DIR/steady.py")

have_tcx() { "${TCX[@]}" ids lo >/dev/null 2>&1; }
need_tcx() { have_tcx || skip "this kernel has no TCX (Linux 6.6 and later have); the VM on 6.12 runs it"; }
tcx_order() { tcx_ids "$1" | tr '\n' ' ' | sed 's/ $//'; }
tc_prog_id() { status_get "$1" 's["tc_prog_id"]'; }
link_of() { # link_of UPLINK FIELD: a field of nsteer's pinned TCX link, as bpftool shows it
	bpftool -j link show pinned "$(pin_dir "$1")/link_tcx_uplink" | "$NST_PYTHON" -S -c \
		'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$2"
}

# neighbour_attach [--before]: the foreign program on UP's TCX ingress, behind the programs there
# (the kernel's default) or in front of them; NEIGHBOUR_ID is its id.
neighbour_attach() {
	[ -r "$NEIGHBOUR_OBJ" ] || fail "$NEIGHBOUR_OBJ is missing (make test-bins)"
	mkdir -p "$SWITCH_PINS"
	expect "bpftool prog load of the neighbour" bpftool prog load "$NEIGHBOUR_OBJ" "$SWITCH_PINS/neighbour"
	expect "tcx.py attach of the neighbour" "${TCX[@]}" attach "$SWITCH_PINS/neighbour" "$UP" \
		"$SWITCH_PINS/neighbour_link" "$@"
	NEIGHBOUR_ID=$(bpftool -j prog show pinned "$SWITCH_PINS/neighbour" |
		"$NST_PYTHON" -S -c 'import json, sys; print(json.load(sys.stdin)["id"])')
}

# marked_and_plain WHAT NS IFNAME DST MARKED_ET [STACK]: 3 frames of 0x88b6 (MARKED) and 3 of
# 0x88b5 (PLAIN) from the wire to DST all reach IFNAME in NS ("" here), the MARKED ones as
# MARKED_ET (0x88b5 where the neighbour ran). With STACK, what the stack of IFNAME gets: the
# frames its 0x88b6 handlers receive (the kernel read the ethertype before tc ran, and keeps it),
# so only the MARKED ones.
marked_and_plain() {
	local what=$1 ns=$2 dev=$3 dst=$4 et=$5 stack=${6:-}
	cap_start marked "$ns" "$dev" END ${stack:+0x88b6}
	send_frames "$WIRE" wire0 "$dst" self 3 MARKED "" 0x88b6
	send_frames "$WIRE" wire0 "$dst" self 3 PLAIN
	send_frames "$WIRE" wire0 "$BCAST" self 1 END "" 0x88b6
	send_frames "$WIRE" wire0 "$BCAST" self 1 END
	cap_expect "$what: MARKED frames as $et" marked "f['tag'] == 'MARKED' and f['et'] == $et" 3
	[ -n "$stack" ] || cap_expect "$what: PLAIN frames" marked "f['tag'] == 'PLAIN' and f['et'] == 0x88b5" 3
}

test_auto_hook_follows_the_kernel() {
	local hook=clsact
	have_tcx && hook=tcx
	lab 1
	[ "$(status_get "$UP" 's["tc_hook"]')" = "$hook" ] ||
		fail "status names hook $(status_get "$UP" 's["tc_hook"]'), not $hook: $("$NSTEER" status "$UP")"
	"$NSTEER" status "$UP" | grep -q "tc $hook (prog id $(tc_prog_id "$UP"))" ||
		fail "status text does not say 'tc $hook (prog id ...)': $("$NSTEER" status "$UP")"
	if [ $hook = tcx ]; then
		[ "$(tcx_order "$UP")" = "$(tc_prog_id "$UP")" ] ||
			fail "TCX runs [$(tcx_order "$UP")] on $UP, status names $(tc_prog_id "$UP")"
		[ "$(link_of "$UP" prog_id)" = "$(tc_prog_id "$UP")" ] || fail "the pinned link holds another program"
		! tc qdisc show dev "$UP" | grep -q clsact || fail "attach on TCX made a clsact: $(tc qdisc show dev "$UP")"
	else
		tc filter show dev "$UP" ingress | grep -q "nsteer_tc_up.*id $(tc_prog_id "$UP") " ||
			fail "no nsteer filter of id $(tc_prog_id "$UP") on $UP: $(tc filter show dev "$UP" ingress)"
	fi
	expect_ping "$WIRE" "$(port_addr4 1)" "$(port_addr6 1)"
	expect "detach" "$NSTEER" detach "$UP" --ports
	if [ $hook = tcx ]; then
		[ -z "$(tcx_order "$UP")" ] || fail "TCX still runs [$(tcx_order "$UP")] on $UP after detach"
	else
		! tc qdisc show dev "$UP" | grep -q clsact || fail "detach left the clsact nsteer made"
	fi
}

test_tcx_refused_without_tcx() {
	local out
	! have_tcx || skip "this kernel has TCX; the VM on 6.1 runs this"
	lab_uplink
	UP=$(uplink)
	WIRE=$(wire_ns "$UP")
	out=$("$NSTEER" attach "$UP" --tc-hook tcx 2>&1) && fail "attach --tc-hook tcx succeeded without TCX: $out"
	[[ $out == *"this kernel has no TCX"* ]] || fail "attach --tc-hook tcx does not say why: $out"
	[ -z "$(ls /sys/fs/bpf/nsteer/netns-*/*-"$UP" 2>/dev/null)" ] || fail "the refused attach left pins"
	! tc qdisc show dev "$UP" | grep -q clsact || fail "the refused attach left a clsact"
	expect "attach with auto" "$NSTEER" attach "$UP"
	[ "$(status_get "$UP" 's["tc_hook"]')" = clsact ] || fail "auto did not pick clsact without TCX"
}

test_program_before_nsteer_sees_every_frame() {
	local link nsteer_id
	need_tcx
	lab 1 --xdp-mode off # tc sees every frame: XDP would steer unicast before it
	neighbour_attach --before
	[ "$(tcx_order "$UP")" = "$NEIGHBOUR_ID $(tc_prog_id "$UP")" ] ||
		fail "TCX order [$(tcx_order "$UP")], not [the neighbour $NEIGHBOUR_ID, nsteer]"
	marked_and_plain "port 1 (marked, then steered)" "$(port_ns 1)" eth0 "$(port_mac 1)" 0x88b5
	# Programs replaced (the XDP mode asks for a new load, and back): inside the same link.
	link=$(link_of "$UP" id)
	nsteer_id=$(tc_prog_id "$UP")
	expect "re-attach in skb mode" "$NSTEER" attach "$UP" --xdp-mode skb
	expect "re-attach in mode off" "$NSTEER" attach "$UP" --xdp-mode off
	[ "$(link_of "$UP" id)" = "$link" ] || fail "re-attach made link $(link_of "$UP" id) in place of $link"
	[ "$(tc_prog_id "$UP")" != "$nsteer_id" ] || fail "re-attach left program $nsteer_id in the link"
	[ "$(tcx_order "$UP")" = "$NEIGHBOUR_ID $(tc_prog_id "$UP")" ] ||
		fail "after re-attach the TCX order is [$(tcx_order "$UP")], not [the neighbour $NEIGHBOUR_ID, nsteer]"
	marked_and_plain "port 1 after re-attach" "$(port_ns 1)" eth0 "$(port_mac 1)" 0x88b5
	expect "detach" "$NSTEER" detach "$UP"
	[ "$(tcx_order "$UP")" = "$NEIGHBOUR_ID" ] || fail "after detach TCX runs [$(tcx_order "$UP")], not the neighbour alone"
	marked_and_plain "the uplink's stack without nsteer" "" "$UP" "$(port_mac 1)" 0x88b5 stack
}

test_program_after_nsteer_sees_what_nsteer_leaves() {
	need_tcx
	lab 1 --xdp-mode off # tc sees every frame: XDP would steer unicast before it
	neighbour_attach
	[ "$(tcx_order "$UP")" = "$(tc_prog_id "$UP") $NEIGHBOUR_ID" ] ||
		fail "TCX order [$(tcx_order "$UP")], not [nsteer, the neighbour $NEIGHBOUR_ID]"
	marked_and_plain "port 1 (steered by nsteer alone)" "$(port_ns 1)" eth0 "$(port_mac 1)" 0x88b6
	marked_and_plain "the uplink's stack (an unknown MAC: nsteer, then the neighbour)" "" "$UP" \
		02:00:00:00:77:77 0x88b5 stack
	expect_ping "$WIRE" "$(port_addr4 1)"
}

# move_killed HOOK STEP: attach --tc-hook HOOK killed at STEP, with both hooks holding a program
# of nsteer's, left so for a while; then re-run.
move_killed() {
	local rc
	(NSTEER_FAULT=$2 "$NSTEER" attach "$UP" --tc-hook "$1"; exit $?) >"$LAB_TMP/kill.out" 2>&1; rc=$?
	[ $rc = 137 ] || fail "attach --tc-hook $1 with NSTEER_FAULT=$2 exited $rc: $(cat "$LAB_TMP/kill.out")"
	[ -n "$(tcx_order "$UP")" ] && tc filter show dev "$UP" ingress | grep -q nsteer_tc_up ||
		fail "killed at $2, nsteer is not on both hooks: TCX [$(tcx_order "$UP")], clsact $(tc filter show dev "$UP" ingress)"
	sleep 0.3
	expect "attach --tc-hook $1 after a kill at $2" "$NSTEER" attach "$UP" --tc-hook "$1"
}

test_hook_moves_lose_and_double_no_frame() {
	local n tally h t0 t1
	need_tcx
	lab 2
	cap_ports END 1 2
	lab_bg "$WIRE" "${STEADY[@]}" send wire0 "$BCAST" 2000 \
		"$LAB_TMP/sent.ready" "$LAB_TMP/sent.stop" "$LAB_TMP/sent.json"
	wait_until 10 test -e "$LAB_TMP/sent.ready" || fail "the stream did not start"
	sleep 0.5
	t0=$EPOCHREALTIME
	for h in clsact tcx clsact auto; do
		expect "attach --tc-hook $h" "$NSTEER" attach "$UP" --tc-hook "$h"
		[ "$(status_get "$UP" 's["tc_hook"]')" = "${h/auto/tcx}" ] || fail "--tc-hook $h: status names another hook"
	done
	# Killed half-way, nsteer's programs sit on both hooks until the re-run: the one that runs
	# first (TCX) must give final verdicts, or every broadcast is flooded twice.
	move_killed clsact tc:attached
	move_killed tcx tcx:pinned
	t1=$EPOCHREALTIME
	sleep 0.5
	touch "$LAB_TMP/sent.stop"
	wait_until 10 test -e "$LAB_TMP/sent.json" || fail "the stream did not stop"
	send_frames "$WIRE" wire0 "$BCAST" self 1 END
	for n in 1 2; do
		cap_done "p$n"
		tally=$("${STEADY[@]}" tally "$LAB_TMP/sent.json" "$BCAST" "$LAB_TMP/p$n.json" "moves=$t0:$t1") ||
			fail "port $n across the hook moves: $tally"
		echo "  port $n: $tally" >&2
	done
	! tc qdisc show dev "$UP" | grep -q clsact || fail "the moves back to TCX left nsteer's clsact"
	[ -z "$(problems "$UP")" ] || fail "status after the moves: $(problems "$UP")"
}

test_removed_link_is_a_problem_attach_repairs() {
	local link_pin
	need_tcx
	lab 1 --xdp-mode off # tc sees every frame: XDP would steer unicast before it
	link_pin=$(pin_dir "$UP")/link_tcx_uplink
	rm "$link_pin" || fail "no link pinned at $link_pin"
	[ -z "$(tcx_order "$UP")" ] || fail "the link outlived its pin: TCX runs [$(tcx_order "$UP")]"
	"$NSTEER" status "$UP" >"$LAB_TMP/status.out" 2>&1 && fail "status exits 0 without nsteer's program: $(cat "$LAB_TMP/status.out")"
	[[ "$(problems "$UP")" == *"the tc program is not attached"* ]] ||
		fail "status does not name the missing program: $(problems "$UP")"
	expect_no_ping "$WIRE" "$(port_addr4 1)"
	expect "attach, as status advises" "$NSTEER" attach "$UP" --xdp-mode off
	[ "$(tcx_order "$UP")" = "$(tc_prog_id "$UP")" ] || fail "attach did not hang nsteer on TCX again"
	[ -z "$(problems "$UP")" ] || fail "status after the repair: $(problems "$UP")"
	expect_ping "$WIRE" "$(port_addr4 1)"
}

run_tests
