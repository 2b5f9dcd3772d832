# Shared by the integration tests (and selftests/nic). Source it, define functions named test_*,
# then call run_tests.
#
# Every test runs in a subshell with its own lab and an EXIT trap that removes the lab, so a failing
# or crashing test leaves nothing behind. A lab is a veth pair standing in for a NIC: the uplink end
# in this namespace, the far end ("wire0") in a namespace the lab creates, plus ports added with
# nsteer. Nothing here touches an interface the test did not create.
#
# Names: every namespace starts with "nst" (run.sh checks that none is left), every uplink with
# "nsu", and the pins of the wire's VLAN switch live under /sys/fs/bpf/nst-test-<LAB_ID>.

NST_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
NST_ROOT=$(cd "$NST_DIR/../.." && pwd)
# Through nsteer-in-mode, so that XDP_MODE (native, skb, off) applies to every attach.
NSTEER=${NSTEER:-$NST_DIR/nsteer-in-mode}
LAB_ID=${LAB_ID:-$(( $$ % 100000 ))}
WIRE_ADDR4=10.77.0.1
WIRE_ADDR6=fd77::1
BCAST=ff:ff:ff:ff:ff:ff
TCP_BYTES=$((10 << 20))
LAB_UPLINKS=()
LAB_NETNS=()
LAB_VIDS=()
LAB_PIDS=()
LAB_TMP=
SWITCH_OBJ=$NST_ROOT/.output/selftests/integration/vlan_switch.bpf.o
SWITCH_PINS=/sys/fs/bpf/nst-test-$LAB_ID
# Every time limit below (waits, captures, servers) is multiplied by NST_PATIENCE. `make vmtest`
# raises it in VMs without KVM, where starting a process takes a second. Captures end on their END
# frames and waits on their condition, so a longer limit costs time only when a test already fails.
NST_PATIENCE=${NST_PATIENCE:-1}
patient() { echo $(($1 * NST_PATIENCE)); }
# Debian's python3 directly: a version manager's shim in PATH can cost half a second a call.
NST_PYTHON=${NST_PYTHON:-$(if [ -x /usr/bin/python3 ]; then echo /usr/bin/python3; else command -v python3; fi)}
FRAMES=("$NST_PYTHON" -S "$NST_DIR/frames.py")

# ---- Running tests ----

fail() { echo "  $*" >&2; exit 1; }

# skip "why": ends the current test as skipped.
skip() { echo "  skipped: $*" >&2; exit 77; }

# expect "what" cmd...: cmd must succeed
expect() {
	local what=$1; shift
	"$@" >/tmp/nsteer-expect.$$ 2>&1 || { cat /tmp/nsteer-expect.$$ >&2; fail "$what: '$*' failed"; }
}

# wait_until SECONDS cmd...: polls cmd every 0.1 s until it succeeds; fails after SECONDS.
wait_until() {
	local limit=$(( $1 * 10 * NST_PATIENCE )) i; shift
	for ((i = 0; i < limit; i++)); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}

# Under SELFTESTS_SCOPE=kernel (make vmtest), a file that runs there may leave some of its tests to
# the host's run, naming them in a line "# selftests-host-only: NAME... (why)" (see run.sh).
run_tests() {
	local t rc any_failed=0 t0 took host_only='' left=()
	[ "${SELFTESTS_SCOPE:-all}" = kernel ] &&
		host_only=$(sed -n 's/^# selftests-host-only: *\([^(]*\).*/\1/p' "$0" | head -1)
	for t in $(declare -F | awk '{print $3}' | grep '^test_'); do
		if [ -n "${ONLY:-}" ] && [[ $t != *"$ONLY"* ]]; then continue; fi
		if [[ " $host_only " == *" ${t#test_} "* ]]; then
			left+=("${t#test_}")
			continue
		fi
		t0=$EPOCHREALTIME
		(
			trap lab_destroy EXIT
			"$t"
		)
		rc=$?
		# The duration shows where a slow machine (or a VM without KVM) spends the suite's time.
		took=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
		case $rc in
		0) echo "PASS: ${t#test_} (${took} s)" ;;
		77) echo "SKIP: ${t#test_} (${took} s)" ;;
		*) echo "FAIL: ${t#test_} (${took} s)"; any_failed=1 ;;
		esac
	done
	[ ${#left[@]} -eq 0 ] || echo "left to the host's run (selftests-host-only): ${left[*]}"
	return $any_failed
}

# ---- Namespaces, links, JSON ----

# in_ns NS cmd...: cmd in namespace NS, or in this one when NS is empty.
in_ns() {
	local ns=$1; shift
	if [ -n "$ns" ]; then ip netns exec "$ns" "$@"; else "$@"; fi
}

# lab_bg NS cmd...: cmd in the background in NS ("" for this namespace), ended at teardown.
# The recorded PID is cmd's own (exec), so teardown's signal reaches it, not a subshell.
lab_bg() {
	local ns=$1; shift
	[ -n "$ns" ] && set -- ip netns exec "$ns" "$@"
	(exec "$@") &
	LAB_PIDS+=("$!")
}

# json_first KEY[.KEY...]: that field of the first object of the JSON list on stdin ("" if none).
json_first() {
	"$NST_PYTHON" -S -c '
import json, sys
o = (json.load(sys.stdin) or [{}])[0]
for k in sys.argv[1].split("."):
    o = o.get(k, "") if isinstance(o, dict) else ""
print(o)' "$1"
}

# tcx_ids DEV: the programs on DEV's TCX ingress, in the order they run (none where the kernel
# has no TCX); Debian 12's bpftool and tc do not list them.
tcx_ids() { "$NST_PYTHON" -S "$NST_DIR/tcx.py" ids "$1" 2>/dev/null; }

# link_get NS IFNAME KEY[.KEY...]: a field of `ip -s -j link show` (mtu, ifindex, stats64.rx.packets).
link_get() { in_ns "$1" ip -s -j link show "$2" | json_first "$3"; }

# neigh_mac NS IFNAME ADDR: the MAC IFNAME's neighbour table holds for ADDR (v4 or v6), or "".
neigh_mac() { in_ns "$1" ip -j neigh show "$3" dev "$2" | json_first lladdr; }

mac_of() { in_ns "$1" cat "/sys/class/net/$2/address"; } # mac_of NS IFNAME

# link_local NS IFNAME: the interface's fe80:: address once DAD is over (waits up to 10 s).
link_local() {
	local ns=$1 dev=$2 i a
	for ((i = 0; i < 100; i++)); do
		a=$(in_ns "$ns" ip -6 -j addr show dev "$dev" scope link | "$NST_PYTHON" -S -c '
import json, sys
for l in json.load(sys.stdin):
    for a in l.get("addr_info", []):
        if a.get("family") == "inet6" and not a.get("tentative") and not a.get("dadfailed"):
            print(a["local"]); break')
		[ -n "$a" ] && { echo "$a"; return 0; }
		sleep 0.1
	done
	return 1
}

# expect_ping NS ADDR...: ping (v4 or v6) from NS ("" for this namespace) must be answered.
expect_ping() {
	local ns=$1 a; shift
	for a in "$@"; do
		in_ns "$ns" ping -c2 -i0.2 -W2 "$a" >"$LAB_TMP/ping.out" 2>&1 ||
			{ cat "$LAB_TMP/ping.out" >&2; fail "ping ${ns:-(host)} -> $a failed"; }
	done
}

# expect_no_ping NS ADDR: ping must go unanswered.
expect_no_ping() {
	if in_ns "$1" ping -c2 -i0.2 -W1 "$2" >/dev/null 2>&1; then
		fail "ping ${1:-(host)} -> $2 was answered but must not be"
	fi
}

# ---- The lab ----

# The XDP mode an attach in this run ends up in on a veth uplink: auto picks off (tc) there.
# A lab whose attach names its own --xdp-mode sets LAB_XDP_MODE (see lab).
lab_xdp_mode() {
	local m=${LAB_XDP_MODE:-${XDP_MODE:-auto}}
	case $m in auto) echo off ;; *) echo "$m" ;; esac
}

# Deletes everything the lab made; safe to call more than once, and after a partial setup.
lab_destroy() {
	local up ns
	for up in "${LAB_UPLINKS[@]}"; do
		"$NSTEER" detach "$up" --ports >/dev/null 2>&1
		ip link del "$up" >/dev/null 2>&1
	done
	for ns in "${LAB_NETNS[@]}"; do
		lab_del_veths "$ns"
		ip netns del "$ns" >/dev/null 2>&1
	done
	rm -rf "$SWITCH_PINS"
	LAB_UPLINKS=()
	LAB_NETNS=()
	LAB_VIDS=()
}

# lab_del_veths NS: deletes the veths in NS now. Deleting the namespace alone frees its veths later,
# from a kernel work queue: a host end (nst<hash>) that outlives the lab is an orphan to the next
# test's nsteer status (a test that detached without --ports leaves such veths to this teardown).
lab_del_veths() {
	local dev
	for dev in $(ip -n "$1" -o link show type veth 2>/dev/null | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }'); do
		ip -n "$1" link del "$dev" >/dev/null 2>&1
	done
}

# lab_extras: a temporary directory (LAB_TMP), and an EXIT trap that ends every process in
# LAB_PIDS before lab_destroy removes the namespaces they live in. Every lab_uplink calls it.
lab_extras() {
	[ -n "$LAB_TMP" ] && return 0
	LAB_TMP=$(mktemp -d /tmp/nsteer-test.XXXXXX) || fail "mktemp"
	trap lab_teardown EXIT
}

lab_teardown() {
	local pid
	for pid in "${LAB_PIDS[@]}"; do
		kill "$pid" 2>/dev/null
	done
	for pid in "${LAB_PIDS[@]}"; do
		wait "$pid" 2>/dev/null
	done
	LAB_PIDS=()
	lab_destroy
	[ -n "$LAB_TMP" ] && rm -rf "$LAB_TMP"
	LAB_TMP=
}

# wire_ns NAME: the namespace that holds the far end of uplink NAME.
wire_ns() { echo "nst${LAB_ID}w${1#nsu${LAB_ID}}"; }
port_ns() { echo "nst${LAB_ID}p$1"; }   # port_ns N
uplink() { echo "nsu${LAB_ID}${1:-}"; } # uplink [SUFFIX]
port_mac() { mac_of "$(port_ns "$1")" eth0; } # port_mac N: the MAC of port N's eth0

# lab_uplink [SUFFIX] [MTU]: a veth "NIC" nsu<ID><SUFFIX> whose far end wire0 lives in its own
# namespace with WIRE_ADDR4/24 and WIRE_ADDR6/64.
lab_uplink() {
	local up wire mtu=${2:-1500}
	lab_extras
	up=$(uplink "${1:-}")
	wire=$(wire_ns "$up")
	LAB_UPLINKS+=("$up")
	LAB_NETNS+=("$wire")
	ip netns add "$wire" || fail "ip netns add $wire"
	ip link add "$up" mtu "$mtu" type veth peer name wire0 mtu "$mtu" netns "$wire" || fail "veth $up"
	ip -n "$wire" link set lo up
	# A physical wire delivers frames with complete checksums, at most MTU-sized, VLAN tags in
	# the frame. A veth peer hands over checksum-offloaded (partial) and TSO-sized packets, and
	# VLAN tags beside the data (tx-vlan offload), none of which XDP can see: redirected, they
	# reach a port corrupt, oversized, or on the wrong VLAN. For the XDP modes asked for by
	# name, transmit offloads go off on the wire end, as nsteer attach tells users to do; the
	# default (auto, which picks tc on a veth) must work with the veth as `ip link add` made it.
	if [ "$(lab_xdp_mode)" != off ]; then
		ip netns exec "$wire" ethtool -K wire0 tx off tso off gso off txvlan off >/dev/null ||
			fail "ethtool wire0"
	fi
	ip -n "$wire" link set wire0 up
	ip -n "$wire" addr add "$WIRE_ADDR4/24" dev wire0
	ip -n "$wire" addr add "$WIRE_ADDR6/64" dev wire0 nodad
	ip link set "$up" up
}

# lab_port UPLINK N [nsteer port add options...]: port namespace nst<ID>p<N> with 10.77.0.(10+N)/24
# and fd77::(10+N)/64.
lab_port() {
	local up=$1 n=$2; shift 2
	lab_port_at "$up" "$n" "$(port_addr4 "$n")/24" "$(port_addr6 "$n")/64" "$@"
}

# lab_vport UPLINK N VID [port add options...]: port namespace nst<ID>p<N> on VLAN VID with
# 10.78.VID.(10+N)/24 and fd78:VID::(10+N)/64.
lab_vport() {
	local up=$1 n=$2 vid=$3; shift 3
	lab_port_at "$up" "$n" "$(vport_addr4 "$n" "$vid")/24" "$(vport_addr6 "$n" "$vid")/64" --vlan "$vid" "$@"
}

# lab_port_at UPLINK N ADDR4/LEN ADDR6/LEN [port add options...]: port N with those addresses.
lab_port_at() {
	local up=$1 ns; ns=$(port_ns "$2")
	LAB_NETNS+=("$ns")
	"$NSTEER" port add "$up" "$ns" --addr "$3" --addr "$4" "${@:5}" >/dev/null || fail "port add $up $ns ${*:5}"
}

port_addr4() { echo "10.77.0.$((10 + $1))"; }
port_addr6() { echo "fd77::$((10 + $1))"; }
vport_addr4() { echo "10.78.$2.$((10 + $1))"; } # vport_addr4 N VID
vport_addr6() { echo "fd78:$2::$((10 + $1))"; }

# lab [NPORTS] [ATTACH OPTIONS...]: one uplink, UP, attached, with NPORTS (default 3) ports, and
# WIRE, the namespace of its far end.
lab() {
	local nports=${1:-3} prev=; shift || true
	for a in "$@"; do
		[ "$prev" = --xdp-mode ] && LAB_XDP_MODE=$a
		prev=$a
	done
	lab_uplink
	UP=$(uplink)
	WIRE=$(wire_ns "$UP")
	"$NSTEER" attach "$UP" "$@" >/dev/null || fail "attach $UP $*"
	for ((i = 1; i <= nports; i++)); do lab_port "$UP" "$i"; done
}

# mixed_lab [ATTACH OPTIONS...]: ports 1-3 untagged, ports 4 and 5 on VLAN 10, and a host on
# VLAN 10 behind the wire's switch.
mixed_lab() {
	lab 3 "$@"
	lab_vport "$UP" 4 10
	lab_vport "$UP" 5 10
	lab_vlan_host "$UP" 10
	wire_switch "$UP"
}

# The wire as a VLAN switch (vlan_switch.bpf.c): each VLAN V gets a "VLAN host", a namespace
# nst<ID>v<V> whose eth0 is an access port of the wire (veth wv<V> in the wire namespace,
# 10.78.V.1/24 and fd78:V::1/64); frames it sends leave wire0 tagged V, frames arriving on wire0
# tagged V reach it untagged.
vhost_ns() { echo "nst${LAB_ID}v$1"; } # vhost_ns VID: the wire's host on VLAN VID
vhost_addr4() { echo "10.78.$1.1"; }
vhost_addr6() { echo "fd78:$1::1"; }

# lab_vlan_host UPLINK VID: a host on VLAN VID behind the wire. Call wire_switch after the last.
lab_vlan_host() {
	local up=$1 vid=$2 w ns mtu
	w=$(wire_ns "$up")
	ns=$(vhost_ns "$vid")
	LAB_NETNS+=("$ns")
	mtu=$(link_get "$w" wire0 mtu)
	ip netns add "$ns" || fail "ip netns add $ns"
	ip -n "$w" link add "wv$vid" mtu "$mtu" type veth peer name eth0 mtu "$mtu" netns "$ns" ||
		fail "veth wv$vid"
	ip -n "$ns" link set lo up
	ip -n "$ns" addr add "$(vhost_addr4 "$vid")/24" dev eth0
	ip -n "$ns" addr add "$(vhost_addr6 "$vid")/64" dev eth0 nodad
	ip -n "$ns" link set eth0 up
	ip -n "$w" link set "wv$vid" up
	LAB_VIDS+=("$vid")
}

# le32 N: N as bpftool wants a map's __u32 key or value, bytes in host (x86, little-endian) order.
le32() { printf '%02x %02x %02x %02x' $(($1 & 255)) $(($1 >> 8 & 255)) $(($1 >> 16 & 255)) $(($1 >> 24)); }

# wire_switch UPLINK [MAC...]: loads the wire's switch, once per wire, after its last
# lab_vlan_host: trunk wire0, an access port per VLAN host, and reflective relay (hairpin) for the
# VEPA stations (port MACs) given: unicast to them goes back to the uplink, and so does a copy of
# their broadcasts and multicasts. Its pins go at lab_destroy.
wire_switch() {
	local w pins vid ifx m
	w=$(wire_ns "$1"); shift
	pins=$SWITCH_PINS/$w
	[ -r "$SWITCH_OBJ" ] || fail "$SWITCH_OBJ is missing (make test-bins)"
	mkdir -p "$SWITCH_PINS" || fail "mkdir $SWITCH_PINS"
	bpftool prog loadall "$SWITCH_OBJ" "$pins" pinmaps "$pins/maps" type classifier ||
		fail "loading the wire's switch"
	bpftool map update pinned "$pins/maps/trunk" key hex 00 00 00 00 \
		value hex $(le32 "$(link_get "$w" wire0 ifindex)") || fail "switch: trunk"
	for vid in "${LAB_VIDS[@]}"; do
		ifx=$(link_get "$w" "wv$vid" ifindex)
		bpftool map update pinned "$pins/maps/vid_of_port" key hex $(le32 "$ifx") value hex $(le32 "$vid") &&
			bpftool map update pinned "$pins/maps/port_of_vid" key hex $(le32 "$vid") value hex $(le32 "$ifx") ||
			fail "switch: VLAN $vid"
	done
	for m in "$@"; do
		bpftool map update pinned "$pins/maps/reflect" key hex ${m//:/ } 00 00 value hex 01 ||
			fail "switch: reflect $m"
	done
	# `tc -n` mounts a fresh /sys, where the pins are out of sight: nsenter keeps this one.
	switch_port "$w" wire0 "$pins/trunk_in"
	for vid in "${LAB_VIDS[@]}"; do switch_port "$w" "wv$vid" "$pins/access_in"; done
}

switch_port() { # switch_port WIRE_NS IFNAME PINNED_PROG
	tc -n "$1" qdisc replace dev "$2" clsact || fail "clsact on $2"
	nsenter --net="/var/run/netns/$1" tc filter replace dev "$2" ingress pref 1 handle 1 bpf da \
		pinned "$3" || fail "the wire's switch on $2"
}

# host_subnet: a 10.x.y (IPv4 /24) prefix and an fd7e:x:y (IPv6 /64) prefix no interface or
# route of this namespace uses, for tests that put an address on nsh-UPLINK in this namespace.
# Prints "V4PREFIX V6PREFIX", e.g. "10.203.17 fd7e:203:17".
host_subnet() {
	local i idx a b
	for ((i = 0; i < 500; i++)); do
		idx=$(((LAB_ID + i * 7919) % (50 * 256)))
		a=$((200 + idx / 256))
		b=$((idx % 256))
		ip -4 route show | grep -q "^10\.$a\.$b\." && continue
		ip -4 -o addr show | grep -q " 10\.$a\.$b\." && continue
		ip -6 -o addr show | grep -q " fd7e:$a:$b:" && continue
		echo "10.$a.$b fd7e:$a:$b"
		return 0
	done
	fail "no free 10.x.y.0/24 for the host-access address"
}

# ---- nsteer status ----

# status_json [DEV]: nsteer status --json (exit status 1 only means problems were found).
status_json() {
	local out rc
	out=$("$NSTEER" status "$@" --json); rc=$?
	[ $rc -le 1 ] || fail "nsteer status $* --json: exit $rc"
	echo "$out"
}

# status_get UPLINK EXPR [NETNS [IFNAME]]: a Python expression over s, the uplink's object in
# nsteer status --json, and p, its port in NETNS of interface IFNAME (without IFNAME: NETNS's only
# port, or its eth0 of several; fails when there is none); counter(o, NAME) reads o's counter
# NAME, drop_X for the drop reason X.
status_get() {
	status_json "$1" | "$NST_PYTHON" -S -c '
import json, sys
s = json.load(sys.stdin)[0]
s.setdefault("ports", []), s.setdefault("problems", [])
p = None
if len(sys.argv) > 2:
    ps = [p for p in s["ports"] if p["netns"] == sys.argv[2]]
    ifname = sys.argv[3] if len(sys.argv) > 3 and sys.argv[3] else (
        ps[0]["ifname"] if len(ps) == 1 else "eth0")
    p = next((p for p in ps if p["ifname"] == ifname), None)
    if p is None:
        sys.exit("no port %s %s" % (sys.argv[2], ifname))
def counter(o, name):
    c = o["counters"]
    return c["drops"][name[5:]] if name.startswith("drop_") else c[name]
print(eval(sys.argv[1], {"s": s, "p": p, "counter": counter}))' "$2" "${@:3}"
}

# port_field UPLINK NETNS KEY [IFNAME]: a field of a port (mac, host_ifname...), as status_get finds it.
port_field() { status_get "$1" "p['$3']" "$2" "${4:-}"; }
# counter UPLINK NAME [NETNS [IFNAME]]: a counter of the uplink, or of its port in NETNS.
counter() {
	if [ -n "${3:-}" ]; then status_get "$1" "counter(p, '$2')" "$3" "${4:-}"; else status_get "$1" "counter(s, '$2')"; fi
}
problems() { status_get "$1" '"; ".join(p["problem"] for p in s["problems"])'; } # problems UPLINK

# ---- Pins ----

# An uplink's pins live in PIN_ROOT/netns-COOKIE/IFINDEX-NAME/ (COOKIE: its network namespace's,
# IFINDEX: the device's, NAME: its name when attached); status --json names the folder.
PIN_ROOT=/sys/fs/bpf/nsteer

# pin_dir DEV: the pin folder of uplink DEV (found by its name now, or the name it was attached
# as once the device is gone), from status --json; fails when status names none.
pin_dir() {
	local d
	d=$(status_json "$1" | "$NST_PYTHON" -S -c '
import json, sys
try:
    s = json.load(sys.stdin)
except ValueError:
    s = None
s = s[0] if isinstance(s, list) and s else s
print(s.get("pin_dir", "") if isinstance(s, dict) else "")') || return 1
	[ -n "$d" ] || { echo "  nsteer status $1 --json names no pin_dir" >&2; return 1; }
	echo "$d"
}

# netns_pins NS: the folder that holds the pins of namespace NS's uplinks (PIN_ROOT/netns-COOKIE),
# whether or not it exists.
netns_pins() {
	local cookie
	cookie=$(ip netns exec "$1" "$NST_PYTHON" -S -c '
import socket
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
print(int.from_bytes(s.getsockopt(socket.SOL_SOCKET, 71, 8), "little"))  # SO_NETNS_COOKIE') ||
		fail "the cookie of namespace $1"
	echo "$PIN_ROOT/netns-$cookie"
}

# pins_named NAME: every pin folder of an uplink attached as NAME, in any namespace's folder, and
# the previous layout's PIN_ROOT/NAME; one a line, nothing when there is none. For checks that a
# refused or undone command left no pins, where status has nothing to name.
pins_named() {
	local d
	for d in "$PIN_ROOT"/netns-*/* "$PIN_ROOT/$1"; do
		[ -d "$d" ] || continue
		[[ $d == "$PIN_ROOT/$1" || ${d##*/} =~ ^[0-9]+-(.*)$ && ${BASH_REMATCH[1]} == "$1" ]] && echo "$d"
	done
	return 0
}

# ---- Frames and streams (frames.py) ----

# cap_start NAME NS IFNAME [ENDS [ETHERTYPE]]: starts capturing what IFNAME in NS ("" here)
# receives, until it has seen a frame tagged with each of ENDS (comma separated, default END) or
# 15 s passed; returns once listening. NAME may be reused once its capture is done. Without
# ETHERTYPE it sees every frame as it arrives, before tc ingress (where nsteer runs on an uplink
# without XDP); with one, only frames of that type, as the uplink's own stack gets them.
cap_start() {
	local name=$1 ns=$2 dev=$3 ends=${4:-END} et=${5:-}
	rm -f "$LAB_TMP/$name.json" "$LAB_TMP/$name.ready"
	lab_bg "$ns" timeout "$(patient 30)" "${FRAMES[@]}" capture "$dev" "$LAB_TMP/$name.json" \
		"$LAB_TMP/$name.ready" "$(patient 15)" "$ends" "$et"
	wait_until 10 test -e "$LAB_TMP/$name.ready" || fail "capture $name did not start"
}

# cap_ports ENDS N...: cap_start pN on port N's eth0, for each N.
cap_ports() {
	local ends=$1 n; shift
	for n in "$@"; do cap_start "p$n" "$(port_ns "$n")" eth0 "$ends"; done
}

# cap_done NAME: waits for capture NAME to end, and fails unless it saw all its END frames (so
# that every frame sent before them had its chance to arrive).
cap_done() {
	wait_until 25 test -e "$LAB_TMP/$1.json" || fail "capture $1 did not finish"
	"$NST_PYTHON" -S -c 'import json, sys; m = json.load(open(sys.argv[1]))["missing"]; sys.exit(str(m) if m else 0)' \
		"$LAB_TMP/$1.json" 2>"$LAB_TMP/$1.missing" ||
		fail "capture $1 never received its end marker(s): $(cat "$LAB_TMP/$1.missing")"
}

# cap_count NAME EXPR: how many frames of capture NAME satisfy EXPR (python over f: dst, src,
# vlan, vlans, et, tag, proto, ipsrc, ipdst, icmp, pkttype), once it is done.
cap_count() {
	cap_done "$1"
	"${FRAMES[@]}" count "$LAB_TMP/$1.json" "$2"
}

# cap_expect WHAT NAME EXPR N: exactly N frames of capture NAME satisfy EXPR.
cap_expect() {
	local got
	got=$(cap_count "$2" "$3") || exit 1
	[ "$got" = "$4" ] || fail "$1: expected $4 frame(s) with [$3] in capture $2, got $got$(cap_drops_said "$2")"
}

# cap_drops_said NAME: ", and its socket dropped N frames" when the capture's own socket lost any.
cap_drops_said() {
	"$NST_PYTHON" -S -c 'import json, sys
n = json.load(open(sys.argv[1])).get("socket_drops", 0)
print(", and its own socket dropped %d frames (a capture too slow, not the datapath)" % n if n else "")' \
		"$LAB_TMP/$1.json"
}

# tagged_with TAG [VID]: a capture filter for crafted frames tagged TAG, untagged or on VLAN VID.
tagged_with() {
	if [ -n "${2:-}" ]; then echo "f['tag'] == '$1' and f['vlan'] == $2"; else echo "f['tag'] == '$1' and f['vlan'] is None"; fi
}

# ---- nsteer monitor ----

# monitor_start OUT [monitor args...]: a monitor in the background writing to OUT (stderr to
# OUT.err), once it said it is monitoring; MONITOR_PID is its pid.
monitor_start() {
	local out=$1; shift
	"$NSTEER" monitor "$@" >"$out" 2>"$out.err" &
	MONITOR_PID=$!
	LAB_PIDS+=("$MONITOR_PID")
	wait_until 5 grep -q "Monitoring drops" "$out.err" ||
		{ cat "$out.err" >&2; fail "nsteer monitor $* did not start"; }
}

# monitor_stop: SIGINT, as Ctrl-C; the monitor must end by itself, and with status 0.
monitor_stop() {
	local rc
	kill -INT "$MONITOR_PID"
	wait "$MONITOR_PID"
	rc=$?
	[ $rc -eq 0 ] || fail "nsteer monitor ended with $rc on SIGINT"
}

# events OUT EXPR: how many JSON lines of OUT satisfy EXPR (python, over e).
events() {
	"$NST_PYTHON" -S -c '
import json, sys
n = 0
for line in open(sys.argv[1]):
    e = json.loads(line)
    n += bool(eval(sys.argv[2]))
print(n)' "$1" "$2"
}

# expect_events OUT N EXPR SECS: N events satisfying EXPR appear in OUT within SECS (× patience).
expect_events() {
	local out=$1 n=$2 expr=$3 secs=$4
	wait_until "$secs" test "$(events "$out" "$expr")" -ge "$n" ||
		{ cat "$out" >&2; fail "$n events with $expr did not show within $secs s"; }
}

# send_frames NS IFNAME DST SRC COUNT TAG [VID [ETHERTYPE]]: COUNT crafted frames (ethertype
# 0x88b5 unless given) out of IFNAME in NS, with an 802.1Q tag in the frame when VID is given.
send_frames() {
	local ns=$1 dev=$2 dst=$3 src=$4 count=$5 tag=$6 vid=${7:-} et=${8:-0x88b5}
	in_ns "$ns" "${FRAMES[@]}" send "$dev" "$dst" "$src" "$et" "$count" "$tag" "$vid" ||
		fail "sending $tag frames from $dev in ${ns:-this namespace}"
}

# tcp_transfer SRC_NS DST_NS DST_ADDR [BYTES]: a TCP stream of BYTES (default TCP_BYTES) from SRC_NS to
# a server in DST_NS ("" for this namespace, either of them); the server's byte count and SHA-256
# must match what was sent.
tcp_transfer() {
	local src=$1 dst=$2 addr=$3 bytes=${4:-$TCP_BYTES} name sent got port
	name=tcp$RANDOM$RANDOM
	lab_bg "$dst" timeout "$(patient 40)" "${FRAMES[@]}" serve "$LAB_TMP/$name.out" \
		"$LAB_TMP/$name.ready" "$(patient 30)"
	wait_until 10 test -e "$LAB_TMP/$name.ready" || fail "TCP server in ${dst:-this namespace} did not start"
	port=$(cat "$LAB_TMP/$name.ready")
	sent=$(in_ns "$src" timeout "$(patient 40)" "${FRAMES[@]}" stream "$addr" "$port" "$bytes" \
		"$(patient 15)" 2>"$LAB_TMP/$name.err") ||
		fail "TCP stream ${src:-host} -> ${dst:-host} ($addr) failed: $(tail -1 "$LAB_TMP/$name.err")"
	wait_until 20 test -e "$LAB_TMP/$name.out" || fail "TCP server in ${dst:-this namespace} did not finish"
	got=$(cat "$LAB_TMP/$name.out")
	[ "$sent" = "$got" ] || fail "TCP ${src:-host} -> ${dst:-host} ($addr): sent '$sent', received '$got'"
}
