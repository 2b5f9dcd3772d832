#!/bin/bash
# A loader killed at every step (SPEC §4: "A loader killed at any point leaves a state that
# `nsteer status` explains and that re-running the same command completes").
#
# For each of attach, detach, port add, port del, a small batch and apply, and for a namespace of
# several ports (port add of a second port into a namespace that has one, port del --ifname of
# one of its two ports, port del of the namespace and both), the steps are not listed
# here: a traced run (NSTEER_FAULT_TRACE=1, see src/fault.h) names every state-changing step the
# loader passes. Then, for each step in turn, the command runs with NSTEER_FAULT=STEP@N and must
# die by SIGKILL there, and:
#   (a) when the kernel state it left is neither the state before the command nor the one a
#       complete run produces, `nsteer status` reports a problem;
#   (b) re-running the same command succeeds;
#   (c) the state is then exactly the one a run without a kill produces: no leaked namespace,
#       veth, pin, qdisc, tc filter, XDP program, NIC address-list entry or map entry.
# "State" is a snapshot (snapshot below) of everything nsteer touches, with what legitimately
# differs between two equal states replaced by what it stands for: ifindexes and host-end names
# by the namespace and interface their veth leads to, namespace inodes by names, kernel-chosen
# MACs (host ends, the lab's uplink, its solicited-node group) and program ids dropped, and
# slots_used (a high-water mark that never goes down), mld_listeners (learned from the ports'
# traffic) and the counters left out. The pins are read in the uplink's folder that `nsteer
# status --json` names (pin_dir).
#
# Each command gets a fresh lab; between kills, the lab goes back to the command's precondition
# through the inverse command (port del after port add, ...), which was checked once to lead back
# to a state equal to the fresh precondition's; after a re-run the state is the complete run's, so
# every kill starts from that same state, at a fraction of a fresh lab's cost. Steps that only a
# fresh lab passes (slots_used raised the first time a slot is used) get a fresh lab each. Steps
# that delete MLD listeners depend on the ports' own reports having arrived: a run that does not
# reach one is checked to end in the complete state and counted as "not reached".
#
# Cost (measured on the 2-vCPU development host, other tests running beside it):
#   auto (tc only) every step of attach, detach, port add, port del, batch and apply: about
#                  31 + 54 + 26 + 13 + 88 + 64 kills, 195 s (an earlier quieter measurement,
#                  apply left out: 120 s);
#   native, skb    every step of attach and detach, every 3rd of port add, port del, batch,
#                  apply (the same code as in auto): 105 s (earlier, quieter, no apply: 70 s).
#   The namespace of several ports runs port add's and port del's steps again: its commands
#   are killed at every 3rd step (6th in native and skb) and at every step that removes the
#   namespace: 8 + 4 + 11 kills, 17 s more in auto (+9%), 5 + 3 + 7 kills, 12 s in native
#   (+12%), in the same runs as the figures above.
# Under TCG (CI's VM, NST_PATIENCE > 1) a kill costs 15-20 s, BPF loading above all (measured:
# 9 attach kills in 185 s, 24 batch kills in 343 s), so there each command is killed at three
# steps (first, middle, last; the namespace's removal too) and the fresh-only steps are left
# to the host: estimated from those figures at 8-10 minutes (not measured).
# KILL_EVERY=N overrides the stride everywhere.
# selftests-modes: auto native (skb passes the same steps as native: one libxdp call, another flag)
source "$(dirname "$0")/lib.sh"

# stride KIND N: kill at every how-many-th of N steps of an "uplink" command (attach, detach), a
# "port" one (port add, port del, batch) or a "second" one (a namespace's second port: the steps
# of port add and port del again, but for the namespace's); KILL_EVERY, when set, for all.
stride() {
	local native=
	[ "${XDP_MODE:-}" = native ] || [ "${XDP_MODE:-}" = skb ] && native=1
	if [ -n "${KILL_EVERY:-}" ]; then
		echo "$KILL_EVERY"
	elif [ "$NST_PATIENCE" -gt 1 ]; then
		echo $((($2 + 1) / 2)) # three: the first, the middle and the last
	elif [ "$1" = second ]; then
		echo $((native ? 6 : 3))
	elif [ "$1" = port ] && [ -n "$native" ]; then
		echo 3
	else
		echo 1
	fi
}

# snapshot UPLINK: the lab's state as sorted lines, deterministic for equal states.
snapshot() {
	"$NST_PYTHON" -S - "$1" "nst$LAB_ID" "$NSTEER" "$NST_DIR/tcx.py" <<'PY'
import json, os, re, subprocess, sys

up, prefix, nsteer, tcx = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
hostacc = "nsh-" + up[:11]
out = []

def run(*cmd):
    return subprocess.run(cmd, capture_output=True, text=True).stdout

def js(*cmd):
    t = run(*cmd)
    return json.loads(t) if t.strip() else []

# Namespaces of this lab, and the notes port add keeps on those it creates.
nslist = [n for n in js("ip", "-j", "netns", "list") if n["name"].startswith(prefix)]
nsid = {n["id"]: n["name"] for n in nslist if "id" in n}
inode = {}
for n in nslist:
    out.append("netns %s" % n["name"])
    try:
        inode[os.stat("/var/run/netns/" + n["name"]).st_ino] = n["name"]
    except OSError as e:
        out.append("netns %s unopenable %s" % (n["name"], e.errno))
try:
    for n in os.listdir("/run/nsteer/created-netns"):
        if n.startswith(prefix):
            out.append("creation-note %s" % n)
except FileNotFoundError:
    pass

# The devices inside each port namespace (the wire's, which nsteer never touches, aside).
port_nss = sorted(v["name"] for v in nslist if not v["name"].startswith(prefix + "w"))
in_links = {n: js("ip", "-n", n, "-j", "-d", "addr", "show") for n in port_nss}
in_names = {n: {l["ifindex"]: l["ifname"] for l in ls} for n, ls in in_links.items()}

# Links of this namespace that belong to the lab: the uplink, its 802.1Q devices, the
# host-access pair, and every nsteer host end (nst + 12 hex digits, or 8 as nsteer 0.1 named
# them) whose peer is in a lab namespace, known by the namespace and interface it leads to (a
# namespace may hold several).
names, byidx = {}, {}
links = js("ip", "-j", "-d", "link", "show")
for l in links:
    kind = l.get("linkinfo", {}).get("info_kind", "")
    n = l["ifname"]
    if n == up:
        c = "UPLINK"
    elif n == hostacc:
        c = "HOSTACCESS"
    elif kind == "vlan" and l.get("link") == up:
        c = "vlan-dev:" + n
    elif kind == "veth" and re.fullmatch(r"nst(?:[0-9a-f]{8}|[0-9a-f]{12})", n):
        if l.get("link") == hostacc:
            c = "host-end(host)"
        elif l.get("link_netnsid") in nsid:
            peer_ns = nsid[l["link_netnsid"]]
            c = "host-end(%s %s)" % (peer_ns, in_names.get(peer_ns, {}).get(l.get("link_index"), "?"))
        else:
            continue
    else:
        continue
    names[n] = c
    byidx[l["ifindex"]] = c
for l in links:
    c = names.get(l["ifname"])
    if not c:
        continue
    flags = ",".join(sorted(f for f in l["flags"] if f != "LOWER_UP"))
    xdp = l.get("xdp", {})
    # the kernel picks these (the lab's uplink is a veth too)
    mac = "random" if c.startswith("host-end") or c == "UPLINK" else l.get("address")
    out.append("link %s %s mtu=%s mac=%s flags=%s xdp=%s" % (
        c, l.get("linkinfo", {}).get("info_kind", ""), l["mtu"], mac, flags,
        xdp.get("mode", "-") if xdp else "-"))

# qdiscs, tc filters and XDP programs on those links
for q in js("tc", "-j", "qdisc", "show"):
    if q.get("dev") in names and q["kind"] != "noqueue":
        out.append("qdisc %s %s %s" % (names[q["dev"]], q["kind"], q.get("handle")))
for net in js("bpftool", "-j", "net"):
    for kind in ("xdp", "tc"):
        for a in net.get(kind, []):
            if a["devname"] in names:
                out.append("%s %s %s %s" % (kind, names[a["devname"]], a.get("kind", a.get("mode")),
                                            re.sub(r":\[\d+\]$", "", a.get("name", ""))))
# The uplink's TCX programs in the order they run (bpftool 7.1 lists no TCX)
for i, prog in enumerate(run(sys.executable, "-S", tcx, "ids", up).split()):
    out.append("tcx UPLINK %d %s" % (i, js("bpftool", "-j", "prog", "show", "id", prog).get("name")))

# The uplink's unicast and multicast address lists, and its allmulticast flag (above). The
# solicited-node group of the uplink's own (random) MAC is named as such.
own = next((l.get("address", "") for l in links if l["ifname"] == up), "").split(":")[3:]
own_groups = {"33:33:ff:" + ":".join(own): "33:33:ff:(uplink)",
              "ff02::1:ff%s:%s%s" % tuple(own) if len(own) == 3 else "-": "ff02::1:ff(uplink)"}
for f in js("bridge", "-j", "fdb", "show", "dev", up):
    out.append("fdb %s %s" % (own_groups.get(f["mac"], f["mac"]), ",".join(sorted(f.get("flags", [])))))
for m in js("ip", "-j", "maddr", "show", "dev", up):
    for a in m.get("maddr", []):
        addr = re.sub(r"ff02::1:ff([0-9a-f]{2}):([0-9a-f]{1,4})$",
                      lambda g: "ff02::1:ff%s:%04x" % (g.group(1), int(g.group(2), 16)), a.get("address", ""))
        out.append("maddr %s %s" % (a.get("family"), own_groups.get(addr, addr)))

# Inside each port namespace: links, addresses (not link-local ones, whose DAD runs on its
# own), routes, GRO.
for n in port_nss:
    for l in in_links[n]:
        kind = l.get("linkinfo", {}).get("info_kind", "")
        flags = ",".join(sorted(f for f in l["flags"] if f != "LOWER_UP"))
        peer = "peer" if "link_netnsid" in l else ""
        out.append("in %s link %s %s mtu=%s mac=%s flags=%s %s" % (
            n, l["ifname"], kind, l["mtu"], l.get("address"), flags, peer))
        for a in l.get("addr_info", []):
            if a.get("scope") != "link":
                out.append("in %s addr %s %s/%s" % (n, l["ifname"], a["local"], a["prefixlen"]))
        if kind == "veth":
            gro = re.search(r"generic-receive-offload: (\S+)",
                            run("nsenter", "--net=/var/run/netns/" + n, "ethtool", "-k", l["ifname"]))
            out.append("in %s gro %s %s" % (n, l["ifname"], gro.group(1) if gro else "?"))
    for fam in ("-4", "-6"):
        for r in js("ip", "-n", n, fam, "-j", "route", "show", "table", "all"):
            if r.get("dst", "").startswith(("fe80", "ff00")) or r.get("table") == "local":
                continue
            out.append("in %s route %s %s via %s dev %s %s" % (
                n, fam, r.get("dst"), r.get("gateway", "-"), r.get("dev"), r.get("protocol", "")))

# Pins and the content of nsteer's maps, in the uplink's folder as status names it (none when
# nsteer knows no state of the uplink).
status = js(nsteer, "status", up, "--json")
pins = status[0].get("pin_dir", "") if status else ""
out.append("pin-dir %s" % ("yes" if pins and os.path.isdir(pins) else "no"))
for root, dirs, files in os.walk(pins) if pins else ():
    for f in files + dirs:
        out.append("pin %s" % os.path.relpath(os.path.join(root, f), pins))

def norm(k, v):
    if isinstance(v, dict):
        return {kk: norm(kk, vv) for kk, vv in v.items() if kk not in ("slots_used", "peer_ifindex")}
    if k in ("ifindex", "uplink_ifindex", "dest_ifindex") and isinstance(v, int):
        return byidx.get(v, "ifindex?%d" % v) if v else 0
    if k == "netns_inode":
        return inode.get(v, "host" if v else 0)
    if k == "host_ifname":
        return names.get(v, v)
    return v

def zero(v):
    if isinstance(v, dict):
        return all(zero(x) for x in v.values())
    if isinstance(v, list):
        return all(zero(x) for x in v)
    return v in (0, "", "0x00")

def le(b):
    return int.from_bytes(bytes(int(x, 16) for x in b), "little")

# (Not mld_listeners, learned from the ports' MLD reports whenever they come, nor the counters.)
for m in ("uplink_config", "ports", "port_by_ifindex", "port_slots", "port_devs", "mac_index",
          "mld_snooped", "nic_holds"):
    path = os.path.join(pins, m)
    if not pins or not os.path.exists(path):
        continue
    for e in js("bpftool", "-j", "map", "dump", "pinned", path):
        if "formatted" in e:
            key, val = e["formatted"]["key"], e["formatted"]["value"]
        elif isinstance(e.get("value"), list):  # port_devs: __u32 slot -> ifindex, no BTF
            key, val = le(e["key"]), {"ifindex": le(e["value"])}
        else:
            continue
        if zero(val):
            continue
        if m == "port_by_ifindex":
            key = norm("ifindex", key)
        out.append("map %s %s = %s" % (m, json.dumps(norm("", key) if isinstance(key, dict) else key,
                                                     sort_keys=True),
                                       json.dumps(norm("", val), sort_keys=True)))
print("\n".join(sorted(out)))
PY
}

# same_state NAME A B: fails with the difference when snapshots A and B differ
same_state() {
	cmp -s "$2" "$3" || fail "$1: $(diff "$2" "$3" | grep '^[<>]' | head -20 | tr '\n' ';')"
}

# kill_at NAME STEP CMD...: one kill, from the lab's current state (CMD's precondition),
# checked as the header says; leaves the lab in CMD's result.
kill_at() {
	local name=$1 step=$2 rc out
	shift 2
	# A subshell that waits, so that it (into kill.out), not this shell, reports "Killed".
	(NSTEER_FAULT=$step NSTEER_FAULT_TRACE=1 "$@"; exit $?) >"$LAB_TMP/kill.out" 2>&1; rc=$?
	if [ $rc = 0 ] && [[ $step == mld:listener-deleted@* ]] &&
		! grep -q "^nsteer-fault: $step\$" "$LAB_TMP/kill.out"; then
		# Listeners are learned from the ports' own MLD reports, which come when they come:
		# this run had fewer to delete than the traced one.
		NOT_REACHED=$((NOT_REACHED + 1))
		snapshot "$UP" >"$LAB_TMP/now"
		same_state "$name without reaching $step" "$LAB_TMP/after" "$LAB_TMP/now"
		return 0
	fi
	[ $rc = 137 ] || fail "$name with NSTEER_FAULT=$step exited $rc, not by SIGKILL: $(grep -v '^nsteer-fault' "$LAB_TMP/kill.out")"
	snapshot "$UP" >"$LAB_TMP/killed"
	if ! cmp -s "$LAB_TMP/killed" "$LAB_TMP/before" && ! cmp -s "$LAB_TMP/killed" "$LAB_TMP/after"; then
		grep -qx "pin-dir yes" "$LAB_TMP/killed" ||
			fail "$name killed at $step: a half-done state, and no pins for status to look at"
		out=$(problems "$UP") || fail "$name killed at $step: status failed"
		[ -n "$out" ] || fail "$name killed at $step: status reports no problem, but the state is neither before nor after: $(diff "$LAB_TMP/after" "$LAB_TMP/killed" | grep '^[<>]' | head -10 | tr '\n' ';')"
	fi
	KILLED=$((KILLED + 1))
	"$@" >"$LAB_TMP/rerun.out" 2>&1 ||
		fail "$name killed at $step: re-running it fails: $(cat "$LAB_TMP/rerun.out")"
	snapshot "$UP" >"$LAB_TMP/now"
	same_state "$name killed at $step, then re-run: not the state of a run without a kill" \
		"$LAB_TMP/after" "$LAB_TMP/now"
}

# kill_points NAME uplink|port|second SETUP_FN UNDO_FN CMD...: the procedure of the header for
# CMD, at every stride-th step, and at every step whose name matches KILL_ALWAYS (an extended
# regular expression, when set). SETUP_FN builds
# a fresh lab with CMD's precondition; UNDO_FN brings the lab from CMD's result back to it. Steps
# that only a fresh lab passes (slots_used raised the first time a slot is used, say) get a fresh
# lab each; the others run from the undone state, which must equal the fresh one.
kill_points() {
	local name=$1 kind=$2 every setup=$3 undo=$4 fresh_only steps step i n out
	shift 4
	NOT_REACHED=0 KILLED=0
	"$setup"
	snapshot "$UP" >"$LAB_TMP/before" || fail "snapshot"
	NSTEER_FAULT_TRACE=1 "$@" >"$LAB_TMP/run.out" 2>"$LAB_TMP/trace1" ||
		fail "$name without a kill: $(grep -v nsteer-fault "$LAB_TMP/trace1")"
	snapshot "$UP" >"$LAB_TMP/after"
	cmp -s "$LAB_TMP/before" "$LAB_TMP/after" && fail "$name changed nothing: the snapshot sees nothing"
	"$undo"
	snapshot "$UP" >"$LAB_TMP/now"
	same_state "$name: undoing a complete run leaves another state than the precondition" \
		"$LAB_TMP/before" "$LAB_TMP/now"
	NSTEER_FAULT_TRACE=1 "$@" >"$LAB_TMP/run.out" 2>"$LAB_TMP/trace2" ||
		fail "$name without a kill, again: $(grep -v nsteer-fault "$LAB_TMP/trace2")"
	"$undo"
	sed -n 's/^nsteer-fault: //p' "$LAB_TMP/trace1" | sort >"$LAB_TMP/steps1"
	sed -n 's/^nsteer-fault: //p' "$LAB_TMP/trace2" >"$LAB_TMP/steps"
	fresh_only=($(sort "$LAB_TMP/steps" | comm -23 "$LAB_TMP/steps1" -))
	steps=($(cat "$LAB_TMP/steps"))
	[ ${#steps[@]} -gt 0 ] || fail "$name: the trace names no step"
	n=${#steps[@]}
	every=$(stride "$kind" "$n")
	# Under TCG a fresh lab (an attach) costs a minute: the fresh-only steps wait for the host.
	[ "$NST_PATIENCE" -gt 1 ] && [ -z "${KILL_EVERY:-}" ] && fresh_only=()
	for ((i = 0; i < n; i++)); do
		((i % every == 0 || i == n - 1)) ||
			{ [ -n "${KILL_ALWAYS:-}" ] && [[ ${steps[$i]} =~ $KILL_ALWAYS ]]; } || continue
		kill_at "$name" "${steps[$i]}" "$@"
		"$undo"
	done
	# The state after each re-run was the complete run's, so each undo led back to the same
	# precondition; once more, to be sure the kills started where they should have.
	snapshot "$UP" >"$LAB_TMP/now"
	same_state "$name: after the kills and undos, not the precondition" "$LAB_TMP/before" "$LAB_TMP/now"
	for step in "${fresh_only[@]}"; do
		lab_destroy
		"$setup"
		kill_at "$name" "$step" "$@"
	done
	out="  $name: $n steps (+${#fresh_only[@]} on a fresh lab only), killed at $KILLED"
	[ "$NOT_REACHED" = 0 ] || out+=" ($NOT_REACHED MLD step(s) not reached)"
	echo "$out, each explained and recovered" >&2
}

# The commands under test, with the ports of their preconditions: port N is nst<ID>p<N>.
P1=$(port_ns 1) P2=$(port_ns 2) P3=$(port_ns 3)
add_p1() { "$NSTEER" port add "$UP" "$P1" --addr 10.77.0.11/24 >/dev/null || fail "port add $P1"; }
add_p2() { "$NSTEER" port add "$UP" "$P2" --addr 10.77.0.12/24 --addr fd77::12/64 >/dev/null || fail "port add $P2"; }
add_p3() { "$NSTEER" port add "$UP" "$P3" --vlan 10 --addr 10.78.10.13/24 >/dev/null || fail "port add $P3"; }
del_port() { "$NSTEER" port del "$UP" "$1" >/dev/null || fail "port del $1"; }
killable_lab() {
	lab 0
	LAB_NETNS+=("$P1" "$P2" "$P3")
}

test_kill_attach() {
	setup() { killable_lab; expect "detach" "$NSTEER" detach "$UP"; }
	undo() { expect "detach" "$NSTEER" detach "$UP" --ports; }
	kill_points "attach --host-access" uplink setup undo "$NSTEER" attach "$(uplink)" --host-access
}

# The moves between TCX and clsact, where both hooks hold nsteer for a while (test_tcx.sh checks
# that no frame is steered twice meanwhile).
test_kill_tc_hook_moves() {
	"${NST_PYTHON}" -S "$NST_DIR/tcx.py" ids lo >/dev/null 2>&1 || skip "this kernel has no TCX"
	setup() { killable_lab; add_p1; to_tcx; }
	to_tcx() { expect "attach --tc-hook tcx" "$NSTEER" attach "$UP" --tc-hook tcx; }
	to_clsact() { expect "attach --tc-hook clsact" "$NSTEER" attach "$UP" --tc-hook clsact; }
	kill_points "attach --tc-hook clsact" uplink setup to_tcx "$NSTEER" attach "$(uplink)" --tc-hook clsact
	lab_destroy
	setup() { killable_lab; add_p1; to_clsact; }
	kill_points "attach --tc-hook tcx" uplink setup to_clsact "$NSTEER" attach "$(uplink)" --tc-hook tcx
}

test_kill_detach() {
	setup() { killable_lab; expect "attach" "$NSTEER" attach "$UP" --host-access; add_p1; add_p3; }
	undo() { expect "attach" "$NSTEER" attach "$UP" --host-access; add_p1; add_p3; }
	kill_points "detach --ports" uplink setup undo "$NSTEER" detach "$(uplink)" --ports
}

test_kill_port_add() {
	setup() { killable_lab; add_p1; }
	undo() { del_port "$P2"; }
	kill_points "port add" port setup undo "$NSTEER" port add "$(uplink)" "$P2" --addr 10.77.0.12/24 --addr fd77::12/64
}

test_kill_port_del() {
	setup() { killable_lab; add_p1; add_p2; }
	undo() { add_p2; }
	kill_points "port del" port setup undo "$NSTEER" port del "$(uplink)" "$P2"
}

# A namespace with several ports: P1's eth0, made first, is the one whose port add created the
# namespace; eth1 joins it on VLAN 10.
add_p1_eth1() { "$NSTEER" port add "$UP" "$P1" --ifname eth1 --vlan 10 --addr 10.78.10.21/24 >/dev/null || fail "port add $P1 --ifname eth1"; }
del_p1_ifname() { "$NSTEER" port del "$UP" "$P1" --ifname "$1" >/dev/null || fail "port del $P1 --ifname $1"; }
# P1's namespace, which port add created, must have gone with the last of its ports.
netns_gone() {
	[ ! -e "/var/run/netns/$P1" ] ||
		fail "port del $UP $P1 left the namespace its port add created (devices: $(ip -n "$P1" -br link 2>&1 | tr '\n' ' '))"
}
del_p1_all() { del_port "$P1"; netns_gone; }

test_kill_second_port_add() {
	setup() { killable_lab; add_p1; }
	undo() { del_p1_ifname eth1; }
	kill_points "port add of a namespace's second port" second setup undo \
		"$NSTEER" port add "$(uplink)" "$P1" --ifname eth1 --vlan 10 --addr 10.78.10.21/24
}

test_kill_port_del_one_of_two() {
	# eth0 goes: the port whose port add created the namespace, which eth1 inherits and keeps.
	setup() { killable_lab; add_p1; add_p1_eth1; }
	undo() { del_p1_all; add_p1; add_p1_eth1; }
	kill_points "port del --ifname of one of a namespace's two ports" second setup undo \
		"$NSTEER" port del "$(uplink)" "$P1" --ifname eth0
}

test_kill_port_del_namespace_of_two() {
	# Every step that removes the namespace, which goes with the last of its ports.
	local i
	setup() { killable_lab; add_p1; add_p1_eth1; }
	undo() { netns_gone; add_p1; add_p1_eth1; }
	KILL_ALWAYS=netns
	# Without a kill first, a few times: which port goes first follows the hash of their host
	# ends' ifindexes, and the namespace must go whichever it is.
	setup
	for i in 1 2 3 4; do
		del_p1_all
		add_p1
		add_p1_eth1
	done
	lab_destroy
	kill_points "port del of a namespace with two ports" second setup undo \
		"$NSTEER" port del "$(uplink)" "$P1"
}

test_killed_port_add_undone_by_port_del() {
	# The other way out of a killed port add: port del takes away what it left, the namespace
	# it created included, at each step before the port is registered.
	local step
	killable_lab
	add_p1
	snapshot "$UP" >"$LAB_TMP/before"
	for step in port-add:netns-intent-noted@1 netns:file-created@1 netns:mounted@1 \
		port-add:veth-created@1 slot:registered@1 publish:ports-entry-added@1; do
		(NSTEER_FAULT=$step "$NSTEER" port add "$UP" "$P2"; exit $?) >"$LAB_TMP/kill.out" 2>&1
		[ $? = 137 ] || fail "port add with NSTEER_FAULT=$step did not die by SIGKILL: $(cat "$LAB_TMP/kill.out")"
		[ -n "$(problems "$UP")" ] || fail "killed at $step: status reports no problem"
		expect "port del after a port add killed at $step" "$NSTEER" port del "$UP" "$P2"
		snapshot "$UP" >"$LAB_TMP/now"
		same_state "port add killed at $step, then port del: not the state before" \
			"$LAB_TMP/before" "$LAB_TMP/now"
	done
}

test_kill_batch() {
	# Adds and deletes, one port on a VLAN, one deleted and re-added: every step repeats.
	setup() { killable_lab; add_p1; }
	undo() { del_port "$P2"; del_port "$P3"; del_port "$P1"; add_p1; }
	lab_extras
	cat >"$LAB_TMP/batch" <<-EOF
		port add $(uplink) $P2 --addr 10.77.0.12/24
		port del $(uplink) $P1
		port add $(uplink) $P3 --vlan 10
		port add $(uplink) $P1 --addr 10.77.0.11/24
	EOF
	kill_points "batch" port setup undo "$NSTEER" batch "$LAB_TMP/batch"
}

test_kill_apply() {
	# The uplink attached by hand as the file says (apply leaves it as it is); two ports to add,
	# one on a VLAN, and one the file no longer has, made by an earlier apply, to remove.
	setup() {
		killable_lab
		printf 'attach %s\nport add %s %s --addr 10.77.0.11/24\n' "$UP" "$UP" "$P1" >"$LAB_TMP/old.conf"
		expect "apply" "$NSTEER" apply "$LAB_TMP/old.conf"
	}
	undo() {
		del_port "$P2"
		del_port "$P3"
		expect "apply" "$NSTEER" apply "$LAB_TMP/old.conf"
	}
	lab_extras
	cat >"$LAB_TMP/conf" <<-EOF
		attach $(uplink)
		port add $(uplink) $P2 --addr 10.77.0.12/24
		port add $(uplink) $P3 --vlan 10 --addr 10.78.10.13/24
	EOF
	kill_points "apply" port setup undo "$NSTEER" apply "$LAB_TMP/conf"
}

run_tests
