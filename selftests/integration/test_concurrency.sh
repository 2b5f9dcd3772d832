#!/bin/bash
# Several loaders at once and loaders that die: the lock on /sys/fs/bpf/nsteer serialises
# concurrent commands, a held lock makes nsteer give up with a clear message after
# NSTEER_LOCK_WAIT seconds, and a loader killed with SIGKILL leaves a state that `nsteer status`
# explains and that re-running the same command completes.
# selftests-modes: auto native (skb attaches through the same libxdp call as native, with a flag)
source "$(dirname "$0")/lib.sh"

# port_names UPLINK: the netns of every port, one a line, sorted
port_names() { status_get "$1" '"\n".join(sorted(p["netns"] for p in s["ports"]))' | sed '/^$/d'; }

# port_op_bg add|del N: nsteer port add (with port N's address) or del of port N on the lab's
# uplink, in the background; port_ops_succeed waits for all of them.
PORT_OPS=()
port_op_bg() {
	local op=$1 ns
	ns=$(port_ns "$2")
	if [ "$op" = add ]; then
		LAB_NETNS+=("$ns")
		set -- --addr "$(port_addr4 "$2")/24"
	else
		set --
	fi
	"$NSTEER" port "$op" "$(uplink)" "$ns" "$@" >"$LAB_TMP/$op-$ns.out" 2>&1 &
	PORT_OPS+=("$!:$op-$ns")
}

port_ops_succeed() {
	local op rc
	for op in "${PORT_OPS[@]}"; do
		wait "${op%%:*}"; rc=$?
		[ $rc = 0 ] || fail "concurrent port ${op#*:} exited $rc: $(cat "$LAB_TMP/${op#*:}.out")"
	done
	PORT_OPS=()
}

test_concurrent_port_adds_all_succeed() {
	lab 0
	local i
	for i in 1 2 3 4; do port_op_bg add "$i"; done
	port_ops_succeed
	[ "$(port_names "$UP" | wc -l)" = 4 ] || fail "expected 4 ports, status lists: $(port_names "$UP")"
	"$NSTEER" status "$UP" >/dev/null || fail "status reports problems after concurrent adds"
	for i in 1 2 3 4; do
		expect "wire -> port $i" in_ns "$WIRE" ping -c1 -W2 "$(port_addr4 "$i")"
	done
}

test_concurrent_port_add_and_del_same_uplink() {
	# Deletes racing adds on the same uplink: afterwards exactly the added ports exist.
	lab 4
	local i
	for i in 5 6 7 8; do
		port_op_bg add "$i"
		port_op_bg del $((i - 4))
	done
	port_ops_succeed
	[ "$(port_names "$UP" | tr '\n' ' ')" = "$(for i in 5 6 7 8; do port_ns "$i"; done | sort | tr '\n' ' ')" ] ||
		fail "ports after the race: $(port_names "$UP" | tr '\n' ' ')"
	"$NSTEER" status "$UP" >/dev/null || fail "status reports problems after the race"
}

test_held_lock_makes_nsteer_fail_with_message() {
	lab 0
	local ns rc out dir
	ns="nst${LAB_ID}locked"
	LAB_NETNS+=("$ns")
	[ -d "$PIN_ROOT" ] || fail "$PIN_ROOT missing after attach"
	dir=$(pin_dir "$UP") || exit 1 # status takes the lock too
	# Holds the lock until the test creates "release", 15 s at most (whatever happens to the test).
	lab_bg "" timeout 20 flock "$PIN_ROOT" sh -c \
		"touch '$LAB_TMP/locked'; i=0; while [ ! -e '$LAB_TMP/release' ] && [ \$i -lt 300 ]; do sleep 0.05; i=\$((i + 1)); done"
	wait_until 10 test -e "$LAB_TMP/locked" || fail "flock never took the lock"

	for cmd in "port add $UP $ns" "port del $UP $ns" "attach $UP" "detach $UP"; do
		out=$(NSTEER_LOCK_WAIT=1 "$NSTEER" $cmd 2>&1); rc=$?
		[ $rc = 1 ] || fail "'nsteer $cmd' with the lock held exited $rc (expected 1): $out"
		grep -qi "another nsteer" <<<"$out" || fail "'nsteer $cmd' did not name the other nsteer: $out"
	done
	[ -e "/var/run/netns/$ns" ] && fail "port add created $ns although it could not take the lock"
	[ -d "$dir" ] || fail "detach removed the pins ($dir) although it could not take the lock"

	touch "$LAB_TMP/release"
	wait "${LAB_PIDS[-1]}"
	expect "port add once the lock is free" "$NSTEER" port add "$UP" "$ns"
	[ "$(port_names "$UP")" = "$ns" ] || fail "port $ns missing after the lock was released"
}

test_waits_for_lock_within_limit() {
	# A lock held for a moment is waited for, not reported as an error.
	lab 0
	local ns
	ns="nst${LAB_ID}waited"
	LAB_NETNS+=("$ns")
	lab_bg "" timeout 20 flock "$PIN_ROOT" sh -c "touch '$LAB_TMP/locked'; sleep 1"
	wait_until 10 test -e "$LAB_TMP/locked" || fail "flock never took the lock"
	expect "port add while the lock is held for 1 s" env NSTEER_LOCK_WAIT=10 "$NSTEER" port add "$UP" "$ns"
	[ "$(port_names "$UP")" = "$ns" ] || fail "port $ns missing"
}

# status_consistent UPLINK: every port status lists is sound (veth and namespace there) or named by
# one of its problems, and every problem carries a repair command.
status_consistent() {
	local up=$1 json rc
	json=$("$NSTEER" status "$up" --json); rc=$?
	[ $rc -le 1 ] || fail "status exited $rc after a killed loader"
	"$NST_PYTHON" -S -c '
import json, os, sys
up = json.loads(sys.argv[1])[0]
problems = " ".join(p["problem"] for p in up["problems"])
for p in up["problems"]:
    if not p.get("repair", "").startswith("nsteer "):
        sys.exit("problem without a repair command: %s" % p)
for p in up["ports"]:
    sound = os.path.exists("/sys/class/net/" + p["host_ifname"]) and (
        p["netns"].startswith(("/", "pid:")) or os.path.exists("/var/run/netns/" + p["netns"]))
    if not sound and p["netns"] not in problems and p["host_ifname"] not in problems:
        sys.exit("port %s is broken and status does not say so" % p["netns"])
if (len(up["problems"]) > 0) != (sys.argv[2] == "1"):
    sys.exit("status exit code %s does not match its problems %s" % (sys.argv[2], problems))
' "$json" "$rc" || fail "status after a killed loader is inconsistent"
}

test_killed_batch_is_explained_and_rerun_completes() {
	# SIGKILL lands at a different point of a 100-port batch each round (at fractions of the time a
	# whole batch takes here); each time status must make sense, re-running the batch must
	# complete it, and deleting every port must leave nothing behind.
	lab_extras
	lab 0
	local up i t0 full frac delay pid rc n left
	up=$(uplink)
	for i in $(seq 1 100); do
		LAB_NETNS+=("nst${LAB_ID}k$i")
		echo "port add $up nst${LAB_ID}k$i"
	done >"$LAB_TMP/add"
	sed 's/^port add/port del/' "$LAB_TMP/add" >"$LAB_TMP/del"
	t0=$(date +%s%N)
	expect "a whole batch" "$NSTEER" batch "$LAB_TMP/add"
	full=$(( ($(date +%s%N) - t0) / 1000000 )) # ms
	expect "delete every port" "$NSTEER" batch "$LAB_TMP/del"
	for frac in 10 25 40 55 70 85; do
		delay=$(awk -v ms="$full" -v f="$frac" 'BEGIN { printf "%.3f", ms * f / 100000 }')
		"$NSTEER" batch "$LAB_TMP/add" >/dev/null 2>&1 &
		pid=$!
		sleep "$delay"
		kill -9 "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		n=$(port_names "$up" | wc -l)
		status_consistent "$up"
		"$NSTEER" batch "$LAB_TMP/add" >"$LAB_TMP/rerun" 2>&1; rc=$?
		[ $rc = 0 ] || fail "killed after ${delay}s ($n of 100 ports done): re-running the batch exited $rc: $(grep '^nsteer:' "$LAB_TMP/rerun" | tail -3)"
		[ "$(port_names "$up" | wc -l)" = 100 ] || fail "killed after ${delay}s: $(port_names "$up" | wc -l) of 100 ports after re-running"
		"$NSTEER" status "$up" >/dev/null || fail "killed after ${delay}s: status reports problems after re-running"
		expect "delete every port" "$NSTEER" batch "$LAB_TMP/del"
		[ "$(port_names "$up" | wc -l)" = 0 ] || fail "ports left after deleting them all"
		left=$(ip netns list | awk '{print $1}' | grep -c "^nst${LAB_ID}k")
		[ "$left" = 0 ] || fail "killed after ${delay}s ($n ports done): $left namespaces left after port del (port add had created them)"
	done
}

test_leftover_veth_of_killed_port_add_is_recovered() {
	# What a `port add` killed right after creating the veth pair leaves: the pair (host end under
	# the name nsteer gives it, eth0 in the namespace) but no entry in the maps. Built here on
	# purpose, so the outcome does not depend on where a signal lands.
	lab 0
	local up ns host rc out
	up=$(uplink)
	ns="nst${LAB_ID}orphan"
	LAB_NETNS+=("$ns")
	ip netns add "$ns" || fail "ip netns add $ns"
	expect "port add" "$NSTEER" port add "$up" "$ns"
	host=$(port_field "$up" "$ns" host_ifname)
	expect "port del" "$NSTEER" port del "$up" "$ns"
	ip link add "$host" type veth peer name eth0 netns "$ns" || fail "re-creating the leftover veth"

	local errors=()
	out=$("$NSTEER" status "$up" 2>&1); rc=$?
	[ $rc = 1 ] && grep -q -e "$host" -e "$ns" <<<"$out" ||
		errors+=("status (exit $rc) does not mention the leftover veth $host of $ns")
	if out=$("$NSTEER" port add "$up" "$ns" --addr 10.77.0.61/24 2>&1); then
		in_ns "$(wire_ns "$up")" ping -c1 -W2 10.77.0.61 >/dev/null ||
			errors+=("the wire cannot reach the recovered port")
	else
		errors+=("re-running port add fails: $out")
	fi
	[ ${#errors[@]} = 0 ] || fail "$(printf '%s; ' "${errors[@]}")"
}

test_port_del_keeps_namespace_another_uplink_uses() {
	# A namespace port add created, with a port of another uplink in it by now: deleting the
	# first port must not delete the namespace (and the other port's veth with it); the last
	# port out deletes it.
	lab_uplink a
	lab_uplink b
	local a b ns="nst${LAB_ID}shared"
	a=$(uplink a) b=$(uplink b)
	LAB_NETNS+=("$ns")
	expect "attach $a" "$NSTEER" attach "$a"
	expect "attach $b" "$NSTEER" attach "$b"
	expect "port add on $a" "$NSTEER" port add "$a" "$ns" --ifname ea
	expect "port add on $b" "$NSTEER" port add "$b" "$ns" --ifname eb
	expect "port del on $a" "$NSTEER" port del "$a" "$ns"
	[ -e "/var/run/netns/$ns" ] || fail "port del on $a deleted $ns, which still holds $b's port"
	"$NSTEER" status "$b" >"$LAB_TMP/status" 2>&1 || fail "$b's port broke when $a's was deleted: $(grep -A1 PROBLEM "$LAB_TMP/status")"
	expect "port del on $b" "$NSTEER" port del "$b" "$ns"
	[ -e "/var/run/netns/$ns" ] && fail "the last port out did not delete $ns, which port add created"
	return 0
}

# loader_worker W OPS: nsteer port add/del of its own namespaces nst<ID>q<W>n<J> (J 1-3) on the two
# uplinks (interface e<uplink>, a MAC among two per namespace and uplink, VLAN 7 or none),
# SIGKILLing about one command in four 0-40 ms after it started. A (namespace, uplink) whose
# command was killed is left alone after that. Logs "done|killed COMMAND" per command.
loader_worker() {
	local w=$1 ops=$2 k j u up ns key cmd pid rc log=$LAB_TMP/worker$1.log
	local -A present=() killed=()
	RANDOM=$((w * 7919 + LAB_ID))
	for ((k = 0; k < ops; k++)); do
		j=$((RANDOM % 3 + 1)) u=$((RANDOM % 2))
		up=${UPS[u]} ns="nst${LAB_ID}q${w}n$j" key=$j.$u
		[ -n "${killed[$key]:-}" ] && continue
		if [ -n "${present[$key]:-}" ]; then
			cmd="port del $up $ns"
			unset "present[$key]"
		else
			cmd="port add $up $ns --ifname e$u --mac 02:cc:0$w:0$j:0$u:0$((RANDOM % 2))"
			((RANDOM % 2)) && cmd+=" --vlan 7"
			present[$key]=1
		fi
		"$NST_ROOT/nsteer" $cmd >>"$log.out" 2>&1 &
		pid=$!
		if ((RANDOM % 4 == 0)); then
			sleep "0.0$((RANDOM % 5))"
			kill -9 "$pid" 2>/dev/null
		fi
		wait "$pid"; rc=$?
		if [ $rc = 137 ]; then
			killed[$key]=1
			echo "killed $cmd"
		elif [ $rc = 0 ]; then
			echo "done $cmd"
		else
			echo "failed($rc) $cmd"
		fi
	done >"$log" 2>"$log.err" # bash's "Killed" notes go to .err
}

test_eight_loaders_two_uplinks_with_kills_agree() {
	# 8 loaders at once on two uplinks, some killed midway. After re-running each killed
	# command, port list, status, the pinned maps and the kernel's devices and namespaces agree
	# exactly with the commands' outcome (agree.py), and status reports no problem.
	lab_uplink a
	lab_uplink b
	UPS=("$(uplink a)" "$(uplink b)")
	local up w i pids=() ops=$((60 / NST_PATIENCE > 8 ? 60 / NST_PATIENCE : 8)) n_kill n_ops n_left
	for up in "${UPS[@]}"; do expect "attach $up" "$NSTEER" attach "$up"; done
	for w in 1 2 3 4 5 6 7 8; do
		for i in 1 2 3; do LAB_NETNS+=("nst${LAB_ID}q${w}n$i"); done
		loader_worker "$w" "$ops" &
		pids+=("$!")
	done
	for i in "${pids[@]}"; do wait "$i"; done
	cat "$LAB_TMP"/worker?.log >"$LAB_TMP/all.log"
	grep '^failed' "$LAB_TMP/all.log" && fail "nsteer commands failed while others ran: $(tail -5 "$LAB_TMP"/worker?.log.out)"
	n_kill=$(grep -c '^killed' "$LAB_TMP/all.log")
	n_ops=$(wc -l <"$LAB_TMP/all.log")
	for up in "${UPS[@]}"; do status_consistent "$up"; done
	while read -r _ cmd; do
		[ -n "${CHURN_NO_RERUN:-}" ] && break # to see the check fail: leaves what the kills left
		"$NST_ROOT/nsteer" $cmd >"$LAB_TMP/rerun" 2>&1 || fail "re-running killed 'nsteer $cmd' failed: $(cat "$LAB_TMP/rerun")"
		cat "$LAB_TMP/rerun" >>"$LAB_TMP/reruns"
	done < <(grep '^killed' "$LAB_TMP/all.log")
	# The outcome: each (namespace, uplink)'s last command.
	"$NST_PYTHON" -S -c '
import json, sys
model = {u: {} for u in sys.argv[2:]}
for line in open(sys.argv[1]):
    w = line.split()
    op, up, ns = w[2], w[3], w[4]
    if op == "del":
        model[up].pop(ns, None)
    else:
        o = dict(zip(w[5::2], w[6::2]))
        model[up][ns] = {"mac": o["--mac"], "vlan": int(o.get("--vlan", 0)), "ifname": o["--ifname"]}
print(json.dumps(model))' "$LAB_TMP/all.log" "${UPS[@]}" >"$LAB_TMP/model.json" || fail "building the model"
	# How many kills left something half-done that the re-run had to finish or clean up.
	n_left=$(grep -ciE 'interrupted' "$LAB_TMP/reruns" 2>/dev/null)
	echo "  $n_ops commands by 8 loaders on 2 uplinks, $n_kill killed and re-run (${n_left:-0} of them had left a half-done port); $(grep -o '"mac"' "$LAB_TMP/model.json" | wc -l) ports at the end" >&2
	[ "$n_kill" -gt 0 ] || fail "no command was killed: the test proved nothing"
	"$NST_PYTHON" -S "$NST_DIR/agree.py" "$LAB_TMP/model.json" "$NST_ROOT/nsteer" "nst${LAB_ID}q" "$NST_PATIENCE" ||
		{ [ -n "${KEEP:-}" ] && cp -r "$LAB_TMP" "$KEEP"; fail "nsteer's state disagrees with itself or with the commands run (see above)"; }
}

run_tests
