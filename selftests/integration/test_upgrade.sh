#!/bin/bash
# Upgrading in place from the release before the identity change (SPEC §6: "Upgrading nsteer in
# place takes over the state of the previous release without losing a frame"), as users of the
# .deb do: v0.1.0 pinned an uplink's state at /sys/fs/bpf/nsteer/DEV/; this nsteer's first
# command moves that folder to netns-COOKIE/IFINDEX-DEV/ (a rename: no program or map moves), and
# `nsteer attach DEV` with the options v0.1.0 was given replaces the programs with this build's,
# reusing the pinned maps. v0.1.0 is built from the repository's own history (the tag, or its
# commit where a clone has no tags), once per run of this file; a shallow clone cannot, and says
# so by skipping.
#
#   upgrade_loses_no_frame   a steady stream from the wire to both ports, counted frame by frame
#                            on both sides, across the take-over (status) and the attach;
#                            counters, maps and ports carry over; status clean; this build's
#                            programs run everywhere; the ports, and this build's own port
#                            commands, work after it
#   upgrade_as_documented_keeps_options
#                            the README's commands (attach again with the options `nsteer save`
#                            lists) on an uplink of mode private, unknown drop, host access: the
#                            same configuration, this build's programs
#   upgrade_killed_at_each_step
#                            the take-over killed in a first `status`, and `attach` (run first:
#                            take-over included) killed at every step its trace names: the ports
#                            keep forwarding after the kill; re-running the command completes the
#                            upgrade to the state a run without a kill leaves
#
# The file runs in a network namespace and a mount namespace of its own, with a bpffs, a
# /run/nsteer and a /run/netns of its own. Any nsteer of this build takes over, on its first
# command, the previous layout's folders of its network namespace's devices: another test's
# nsteer, running meanwhile on the same machine, would take over the folders made here before
# this file's own command could, and would see the ports made here as orphans in its status.
# Nothing of it outlives the file, even one that dies: its namespaces and pins go with it. nsteer
# is never run under `ip netns exec` here (it would find init's bpffs, not this file's).
#
# Cost (measured on the 2-vCPU development host, other tests running beside it, load 3 to 5): the
# file 15 to 27 s a mode, of which v0.1.0's `make -j2 nsteer` 3 to 12 s, the stream test 7 to 9 s,
# the kills (16 in auto mode, 17 in native) 4 to 8 s.
# selftests-modes: auto native (skb replaces its XDP program as native does: the same libxdp calls, another flag)
if [ "${NST_UPGRADE_ISOLATED:-}" != 1 ]; then
	command -v unshare >/dev/null || { echo "test_upgrade.sh: unshare (util-linux) is missing" >&2; exit 1; }
	NST_UPGRADE_ISOLATED=1 exec unshare --mount --net --propagation private -- bash "$0" "$@"
fi
# sysfs shows the namespace of whoever mounted it; bpffs and tmpfs are new instances when mounted.
mkdir -p /run/nsteer /run/netns &&
	mount -t sysfs sysfs /sys && mount -t bpf -o mode=0700 bpf /sys/fs/bpf &&
	mount -t tmpfs -o mode=0700 tmpfs /run/nsteer && mount -t tmpfs -o mode=0755 tmpfs /run/netns ||
	{ echo "test_upgrade.sh: could not set up its own mounts" >&2; exit 1; }

source "$(dirname "$0")/lib.sh"
STEADY=("$NST_PYTHON" -S "$NST_DIR/steady.py")
OLD_TAG=v0.1.0
OLD_COMMIT=b8336f6 # the tag's commit, for clones that fetched no tags
STREAM_RATE=5000   # frames a second, both ports together: 40 to 200 of them during an attach
STREAM_SECS=1.5    # of stream before the upgrade starts, and again after it ended

# ---- v0.1.0, built once for the file ----

OLD_DIR=
OLD_NSTEER=
OLD_UNAVAILABLE=
OLD_BUILD_FAILED=

# old_build: OLD_NSTEER built from the repository's history, or OLD_UNAVAILABLE saying why not.
old_build() {
	local git=(git -C "$NST_ROOT" -c "safe.directory=$NST_ROOT") commit t0
	if ! "${git[@]}" rev-parse --git-dir >/dev/null 2>&1; then
		OLD_UNAVAILABLE="$NST_ROOT is not a git repository: $OLD_TAG cannot be built from its history"
		return
	fi
	if [ "$("${git[@]}" rev-parse --is-shallow-repository)" = true ]; then
		OLD_UNAVAILABLE="a shallow clone: its history lacks $OLD_TAG (git fetch --unshallow --tags)"
		return
	fi
	commit=$("${git[@]}" rev-parse -q --verify "$OLD_TAG^{commit}" ||
		"${git[@]}" rev-parse -q --verify "$OLD_COMMIT^{commit}")
	if [ -z "$commit" ]; then
		OLD_UNAVAILABLE="neither the tag $OLD_TAG nor its commit $OLD_COMMIT is in this repository's history"
		return
	fi
	OLD_DIR=$(mktemp -d /tmp/nsteer-$OLD_TAG.XXXXXX) || { OLD_BUILD_FAILED="mktemp"; return; }
	t0=$EPOCHREALTIME
	if ! "${git[@]}" archive "$commit" | tar -x -C "$OLD_DIR" ||
		! make -C "$OLD_DIR" -j2 nsteer >"$OLD_DIR/build.log" 2>&1; then
		OLD_BUILD_FAILED="building $OLD_TAG ($commit) failed: $(tail -5 "$OLD_DIR/build.log" 2>/dev/null | tr '\n' ' ')"
		return
	fi
	OLD_NSTEER=$OLD_DIR/nsteer
	echo "  $OLD_TAG (${commit:0:7}) built in $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }') s" >&2
}

need_old() {
	[ -z "$OLD_UNAVAILABLE" ] || skip "$OLD_UNAVAILABLE"
	[ -z "$OLD_BUILD_FAILED" ] || fail "$OLD_BUILD_FAILED"
}

# old_nsteer ARGS...: v0.1.0, its attach in the run's XDP mode as nsteer-in-mode does for this one
old_nsteer() {
	if [ "$1" = attach ] && [ -n "${XDP_MODE:-}" ]; then
		set -- attach "$2" --xdp-mode "$XDP_MODE" "${@:3}"
	fi
	"$OLD_NSTEER" "$@"
}

# ---- The lab ----

P1=$(port_ns 1) P2=$(port_ns 2)

# old_lab: the lab's uplink (UP, its wire WIRE), never attached by this build.
old_lab() {
	lab_uplink
	UP=$(uplink)
	WIRE=$(wire_ns "$UP")
	LAB_NETNS+=("$P1" "$P2")
}

# old_state: v0.1.0 attached to UP with ports 1 and 2, as a user of that release left it.
old_state() {
	local n
	old_nsteer attach "$UP" >"$LAB_TMP/old.out" 2>&1 || fail "$OLD_TAG attach: $(cat "$LAB_TMP/old.out")"
	for n in 1 2; do
		old_nsteer port add "$UP" "$(port_ns "$n")" --addr "$(port_addr4 "$n")/24" >"$LAB_TMP/old.out" 2>&1 ||
			fail "$OLD_TAG port add $(port_ns "$n"): $(cat "$LAB_TMP/old.out")"
	done
	[ -e "/sys/fs/bpf/nsteer/$UP/uplink_config" ] || fail "$OLD_TAG pinned nothing at /sys/fs/bpf/nsteer/$UP"
}

# attached_ids: the ids of the programs attached to UP and to the host ends of its ports.
attached_ids() {
	# TCX, which bpftool 7.1 does not list: this build's uplink program where the kernel has it.
	"$NST_PYTHON" -S "$NST_DIR/tcx.py" ids "$UP" 2>/dev/null
	bpftool -j net | "$NST_PYTHON" -S -c '
import json, sys
for net in json.load(sys.stdin):
    for kind in ("xdp", "tc"):
        for a in net.get(kind, []):
            if a["devname"] == sys.argv[1] or a["devname"].startswith("nst"):
                print(a["id"])' "$UP"
}

# status_clean: nsteer status UP exits 0 and reports no problem.
status_clean() {
	local rc
	"$NSTEER" status "$UP" >"$LAB_TMP/status.out" 2>&1; rc=$?
	if [ $rc != 0 ] || grep -q PROBLEM "$LAB_TMP/status.out"; then
		fail "$1: nsteer status $UP exits $rc: $(cat "$LAB_TMP/status.out")"
	fi
}

# ports_receive WHEN: both ports answer a ping from the wire.
ports_receive() {
	local n
	for n in 1 2; do
		ip netns exec "$WIRE" ping -c1 -W2 "$(port_addr4 "$n")" >"$LAB_TMP/ping.out" 2>&1 ||
			fail "$1: port $n does not answer the wire: $(tail -2 "$LAB_TMP/ping.out" | tr '\n' ' ')"
	done
}

# port_rx JSON_FILE NETNS: the port's rx_packets in a saved status --json (either build's).
port_rx() {
	"$NST_PYTHON" -S -c '
import json, sys
s = json.load(open(sys.argv[1]))[0]
print(next(p["counters"]["rx_packets"] for p in s["ports"] if p["netns"] == sys.argv[2]))' "$1" "$2"
}

# old_rx_reaches N COUNT: v0.1.0's status --json (saved in old.json) counts COUNT frames into port N.
old_rx_reaches() {
	old_nsteer status "$UP" --json >"$LAB_TMP/old.json" 2>/dev/null
	[ "$(port_rx "$LAB_TMP/old.json" "$(port_ns "$1")")" -ge "$2" ]
}

# pinned_ids DIR: "NAME map|prog ID" for each pin in DIR.
pinned_ids() {
	local f kind id
	for f in "$1"/*; do
		for kind in map prog; do
			id=$(bpftool -j "$kind" show pinned "$f" 2>/dev/null |
				"$NST_PYTHON" -S -c 'import json, sys; print(json.load(sys.stdin).get("id", ""))' 2>/dev/null)
			[ -n "$id" ] && { echo "${f##*/} $kind $id"; break; }
		done
	done
}

# ---- Tests ----

test_upgrade_loses_no_frame() {
	local macs=() rx_before=() rx_after n pin_dir t_status t_attach t_done rc_status rc_attach
	local legacy_after_status='' tally n_sent old_ids new_ids id name kind
	need_old
	old_lab
	old_state
	# Some history for the counters to carry over, then the old build's view of it.
	for n in 1 2; do
		macs[n]=$(port_mac "$n")
		send_frames "$WIRE" wire0 "${macs[n]}" self 100 warmup
		wait_until 5 old_rx_reaches "$n" 100 || fail "$OLD_TAG counted fewer than 100 frames into port $n"
		rx_before[n]=$(port_rx "$LAB_TMP/old.json" "$(port_ns "$n")")
	done
	pinned_ids "/sys/fs/bpf/nsteer/$UP" >"$LAB_TMP/old.pins"
	mapfile -t old_ids < <(attached_ids)

	cap_ports END 1 2
	lab_bg "$WIRE" "${STEADY[@]}" send wire0 "${macs[1]},${macs[2]}" "$STREAM_RATE" \
		"$LAB_TMP/sent.ready" "$LAB_TMP/sent.stop" "$LAB_TMP/sent.json"
	wait_until 10 test -e "$LAB_TMP/sent.ready" || fail "the stream did not start"
	sleep "$STREAM_SECS"
	t_status=$EPOCHREALTIME
	"$NSTEER" status "$UP" >"$LAB_TMP/first.out" 2>&1; rc_status=$?
	t_attach=$EPOCHREALTIME
	[ -e "/sys/fs/bpf/nsteer/$UP" ] && legacy_after_status=yes
	"$NSTEER" attach "$UP" >"$LAB_TMP/attach.out" 2>&1; rc_attach=$?
	t_done=$EPOCHREALTIME
	sleep "$STREAM_SECS"
	touch "$LAB_TMP/sent.stop"
	wait_until 10 test -e "$LAB_TMP/sent.json" || fail "the stream did not stop"
	for n in 1 2; do send_frames "$WIRE" wire0 "${macs[n]}" self 1 END; done
	[ $rc_status = 0 ] || fail "the first nsteer status exits $rc_status: $(cat "$LAB_TMP/first.out")"
	[ -z "$legacy_after_status" ] || fail "the first nsteer status left /sys/fs/bpf/nsteer/$UP in place: $(cat "$LAB_TMP/first.out")"
	[ $rc_attach = 0 ] || fail "nsteer attach $UP exits $rc_attach: $(cat "$LAB_TMP/attach.out")"
	status_json "$UP" >"$LAB_TMP/new.json"
	for n in 1 2; do
		cap_done "p$n"
		tally=$("${STEADY[@]}" tally "$LAB_TMP/sent.json" "${macs[n]}" "$LAB_TMP/p$n.json" \
			"take-over=$t_status:$t_attach" "attach=$t_attach:$t_done") ||
			fail "port $n lost frames across the upgrade: $tally; the wire's veth dropped $(link_get "$WIRE" wire0 stats64.tx.dropped) on sending"
		echo "  port $n: $tally" >&2
		# Its counters carried over.
		n_sent=$("$NST_PYTHON" -S -c 'import json, sys; print(json.load(open(sys.argv[1]))["to"][sys.argv[2]]["sent"])' \
			"$LAB_TMP/sent.json" "${macs[n]}")
		rx_after=$(port_rx "$LAB_TMP/new.json" "$(port_ns "$n")")
		[ "$rx_after" -ge $((rx_before[n] + n_sent)) ] ||
			fail "port $n's rx counter: ${rx_before[n]} under $OLD_TAG, $rx_after after the upgrade and $n_sent more frames"
	done

	# Where the state went, and what came along: every map but port_devs (made anew on every
	# load), the ports; the programs are this build's.
	pin_dir=$(json_first pin_dir <"$LAB_TMP/new.json")
	[ -d "$pin_dir" ] || fail "status --json names pin_dir '$pin_dir', which is no folder"
	[[ $pin_dir == /sys/fs/bpf/nsteer/netns-*/"$(link_get "" "$UP" ifindex)-$UP" ]] ||
		fail "pin_dir $pin_dir is not /sys/fs/bpf/nsteer/netns-COOKIE/IFINDEX-$UP"
	[ ! -e "/sys/fs/bpf/nsteer/$UP" ] || fail "/sys/fs/bpf/nsteer/$UP is still there"
	pinned_ids "$pin_dir" >"$LAB_TMP/new.pins"
	while read -r name kind id; do
		[ "$kind" = map ] && [ "$name" != port_devs ] || continue
		grep -qx "$name map $id" "$LAB_TMP/new.pins" ||
			fail "map $name was id $id under $OLD_TAG, now: $(grep "^$name " "$LAB_TMP/new.pins" || echo 'not pinned')"
	done <"$LAB_TMP/old.pins"
	[ "$("$NST_PYTHON" -S -c 'import json, sys; print(len(json.load(open(sys.argv[1]))[0]["ports"]))' "$LAB_TMP/new.json")" = 2 ] ||
		fail "not the 2 ports of $OLD_TAG after the upgrade: $(cat "$LAB_TMP/new.json")"
	# Replaced because the build differs: bpf/ has not changed since v0.1.0, but the object's
	# debug info names the folder it was built in, and attach compares a hash of the object.
	mapfile -t new_ids < <(attached_ids)
	[ ${#new_ids[@]} -ge 3 ] || fail "programs attached after the upgrade: ${new_ids[*]} (the uplink and 2 host ends at least)"
	for id in "${new_ids[@]}"; do
		[[ " ${old_ids[*]} " != *" $id "* ]] ||
			fail "a program of $OLD_TAG (id $id) is still attached after the upgrade: $(cat "$LAB_TMP/attach.out")"
	done
	status_clean "after the upgrade"
	ports_receive "after the upgrade"

	# This build's own port commands on what v0.1.0 made
	expect "port del of a port of $OLD_TAG" "$NSTEER" port del "$UP" "$P2"
	expect_no_ping "$WIRE" "$(port_addr4 2)"
	lab_port "$UP" 3
	expect_ping "$WIRE" "$(port_addr4 1)" "$(port_addr4 3)"
	status_clean "after port del and port add"
}

# migration_state: the state an upgrade leaves, as sorted lines, equal for equal states: the
# pins, the uplink's configuration, its ports and NIC holdings as status sees them, and which
# build's programs are attached where (OLD_IDS: the ids of v0.1.0's).
migration_state() {
	status_json "$UP" >"$LAB_TMP/state.json"
	bpftool -j net >"$LAB_TMP/net.json" || fail "bpftool net"
	"$NST_PYTHON" -S "$NST_DIR/tcx.py" ids "$UP" >"$LAB_TMP/tcx.ids" 2>/dev/null
	"$NST_PYTHON" -S - "$UP" "$LAB_TMP/state.json" "$LAB_TMP/net.json" "$LAB_TMP/tcx.ids" "$OLD_TAG" \
		"${OLD_IDS[@]}" <<'PY'
import json, os, subprocess, sys

up, status, net, tcx, old_tag, old_ids = sys.argv[1], json.load(open(sys.argv[2]))[0], \
    json.load(open(sys.argv[3])), open(sys.argv[4]).read().split(), sys.argv[5], set(sys.argv[6:])
out = []
d = status.get("pin_dir", "")
if d and os.path.isdir(d):
    out += ["pin " + f for f in os.listdir(d)]
    dump = subprocess.run(["bpftool", "-j", "map", "dump", "pinned", os.path.join(d, "uplink_config")],
                          capture_output=True, text=True).stdout
    out += ["config " + json.dumps(e["formatted"]["value"], sort_keys=True)
            for e in json.loads(dump or "[]") if "formatted" in e]
else:
    out.append("no pin folder (status names '%s')" % d)
if os.path.exists("/sys/fs/bpf/nsteer/" + up):
    out.append("the folder of the previous layout is still there")
role = {up: "the uplink"}
for p in status.get("ports", []):
    role[p["host_ifname"]] = "the host end of " + p["netns"]
    out.append("port %s %s %s vlan %s" % (p["netns"], p["ifname"], p["mac"], p["vlan"]))
out += ["nic " + json.dumps(h, sort_keys=True) for h in status.get("nic_holds", [])]
out += ["problem " + p["problem"] for p in status.get("problems", [])]
for n in net:
    for kind in ("xdp", "tc"):
        for a in n.get(kind, []):
            if a["devname"] in role:
                out.append("%s %s on %s: %s of %s" % (kind, a.get("kind", a.get("mode", "")), role[a["devname"]],
                           a.get("name", "").split(":")[0] or "a program",
                           old_tag if str(a["id"]) in old_ids else "this build"))
for i in tcx:
    prog = json.loads(subprocess.run(["bpftool", "-j", "prog", "show", "id", i],
                                     capture_output=True, text=True).stdout or "{}")
    out.append("tcx ingress on the uplink: %s of %s" % (prog.get("name", "a program"),
                                                       old_tag if i in old_ids else "this build"))
print("\n".join(sorted(out)))
PY
}

# upgrade_killed CMD STEP: from v0.1.0's state, this build's CMD (status or attach) killed at
# STEP; the ports must still forward; re-running CMD (and then attach, after a status) must
# complete the upgrade, to the state of a run without a kill (ref).
upgrade_killed() {
	local cmd=$1 step=$2 rc
	old_state
	mapfile -t OLD_IDS < <(attached_ids)
	(NSTEER_FAULT=$step "$NSTEER" "$cmd" "$UP"; exit $?) >"$LAB_TMP/kill.out" 2>&1; rc=$?
	[ $rc = 137 ] || fail "nsteer $cmd with NSTEER_FAULT=$step exited $rc, not by SIGKILL: $(cat "$LAB_TMP/kill.out")"
	ports_receive "after nsteer $cmd was killed at $step"
	"$NSTEER" "$cmd" "$UP" >"$LAB_TMP/rerun.out" 2>&1 ||
		fail "nsteer $cmd killed at $step: re-running it fails: $(cat "$LAB_TMP/rerun.out")"
	if [ "$cmd" = status ]; then
		expect "attach after a status killed at $step" "$NSTEER" attach "$UP"
	fi
	status_clean "nsteer $cmd killed at $step, then re-run"
	migration_state >"$LAB_TMP/now"
	cmp -s "$LAB_TMP/ref" "$LAB_TMP/now" ||
		fail "nsteer $cmd killed at $step, then re-run: not the state of an upgrade without a kill: $(diff "$LAB_TMP/ref" "$LAB_TMP/now" | grep '^[<>]' | tr '\n' ';')"
	ports_receive "after nsteer $cmd was killed at $step and re-run"
	expect "detach" "$NSTEER" detach "$UP" --ports
}

test_upgrade_killed_at_each_step() {
	local steps step failed=()
	need_old
	old_lab
	# The reference: an upgrade without a kill, `attach` its first command, traced.
	old_state
	mapfile -t OLD_IDS < <(attached_ids)
	NSTEER_FAULT_TRACE=1 "$NSTEER" attach "$UP" >"$LAB_TMP/run.out" 2>"$LAB_TMP/trace" ||
		fail "nsteer attach on $OLD_TAG's state: $(grep -v nsteer-fault "$LAB_TMP/trace")"
	migration_state >"$LAB_TMP/ref"
	! grep "of $OLD_TAG\$" "$LAB_TMP/ref" || fail "programs of $OLD_TAG still attached after the upgrade"
	grep -q "^tcx\? .* on the uplink: .* of this build" "$LAB_TMP/ref" || fail "no tc program on the uplink after the upgrade: $(cat "$LAB_TMP/ref")"
	status_clean "after the upgrade"
	ports_receive "after the upgrade"
	expect "detach" "$NSTEER" detach "$UP" --ports
	steps=($(sed -n 's/^nsteer-fault: //p' "$LAB_TMP/trace"))
	[ "${steps[0]:-}" = pins:legacy-moved@1 ] ||
		fail "the trace of attach on $OLD_TAG's state does not start with the take-over: ${steps[*]}"

	# Each kill in a subshell, so that one that fails does not hide what the others find.
	for step in status:pins:legacy-moved@1 "${steps[@]/#/attach:}"; do
		if ! (upgrade_killed "${step%%:*}" "${step#*:}"); then
			failed+=("${step%%:*} at ${step#*:}")
			# As status tells users to repair a damaged uplink, for the next kill's fresh start.
			"$NSTEER" detach "$UP" --ports >/dev/null 2>&1
			[ -z "$(ls -A /sys/fs/bpf/nsteer)" ] || fail "detach --ports left $(ls -R /sys/fs/bpf/nsteer)"
		fi
	done
	[ ${#failed[@]} = 0 ] ||
		fail "${#failed[@]} of $((${#steps[@]} + 1)) kills not recovered by re-running the command: ${failed[*]}"
	echo "  status killed at the take-over, attach at each of its ${#steps[@]} steps: each recovered" >&2
}

test_upgrade_as_documented_keeps_options() {
	# What the README tells users to run: each uplink attached again with the options `nsteer
	# save` lists (an attach without them would set the defaults: mode bridge, unknown pass, no
	# host access). save is the first command, so it takes over.
	local old_ids id n o
	need_old
	old_lab
	old_nsteer attach "$UP" --mode private --unknown drop --host-access >"$LAB_TMP/old.out" 2>&1 ||
		fail "$OLD_TAG attach --mode private --unknown drop --host-access: $(cat "$LAB_TMP/old.out")"
	for n in 1 2; do
		old_nsteer port add "$UP" "$(port_ns "$n")" --addr "$(port_addr4 "$n")/24" >"$LAB_TMP/old.out" 2>&1 ||
			fail "$OLD_TAG port add $(port_ns "$n"): $(cat "$LAB_TMP/old.out")"
	done
	old_nsteer save >"$LAB_TMP/old.conf" || fail "$OLD_TAG save"
	mapfile -t old_ids < <(attached_ids)
	"$NSTEER" save | sed -n 's/^attach //p' | while read -r args; do
		# shellcheck disable=SC2086 # the options, as words
		"$NSTEER" attach $args || exit 1
	done >"$LAB_TMP/attach.out" 2>&1 || fail "attaching again as saved: $(cat "$LAB_TMP/attach.out")"
	"$NSTEER" save >"$LAB_TMP/new.conf" || fail "nsteer save"
	# The same lines: this save lists ports by namespace and interface, v0.1.0's in map order.
	sort "$LAB_TMP/old.conf" >"$LAB_TMP/old.sorted"
	sort "$LAB_TMP/new.conf" >"$LAB_TMP/new.sorted"
	cmp -s "$LAB_TMP/old.sorted" "$LAB_TMP/new.sorted" ||
		fail "not the configuration $OLD_TAG saved: $(diff "$LAB_TMP/old.sorted" "$LAB_TMP/new.sorted" | grep '^[<>]' | tr '\n' ';')"
	for o in "--mode private" "--unknown drop" "--host-access"; do
		grep -q "^attach $UP .*$o" "$LAB_TMP/new.conf" || fail "save does not list $o: $(cat "$LAB_TMP/new.conf")"
	done
	for id in $(attached_ids); do
		[[ " ${old_ids[*]} " != *" $id "* ]] || fail "a program of $OLD_TAG (id $id) is still attached after the upgrade"
	done
	status_clean "after the upgrade"
	ports_receive "after the upgrade"
}

trap '[ -n "$OLD_DIR" ] && rm -rf "$OLD_DIR"' EXIT
old_build
run_tests
