# Shared by the integration tests. Source it, define functions named test_*, then call run_tests.
#
# Every test runs in a subshell with its own lab and an EXIT trap that removes the lab, so a failing
# or crashing test leaves nothing behind. A lab is a veth pair standing in for a NIC: the uplink end
# in this namespace, the far end ("wire0") in a namespace the lab creates, plus ports added with
# nsteer. Nothing here touches an interface the test did not create.
#
# Names: every namespace starts with "nst" (run.sh checks that none is left), every uplink with "nsu".

# Through nsteer-in-mode, so that XDP_MODE (native, skb, off) applies to every attach.
NSTEER=${NSTEER:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/nsteer-in-mode}
LAB_ID=${LAB_ID:-$(( $$ % 100000 ))}
WIRE_ADDR4=10.77.0.1
WIRE_ADDR6=fd77::1
LAB_UPLINKS=()
LAB_NETNS=()
# Every time limit below (waits, captures, servers) is multiplied by NST_PATIENCE. `make vmtest`
# raises it in VMs without KVM, where starting a process takes a second. Captures end on their END
# frames and waits on their condition, so a longer limit costs time only when a test already fails.
NST_PATIENCE=${NST_PATIENCE:-1}
patient() { echo $(($1 * NST_PATIENCE)); }

fail() { echo "  $*" >&2; exit 1; }

# The XDP mode an attach in this run ends up in on a veth uplink: auto picks off (tc) there.
# A lab whose attach names its own --xdp-mode sets LAB_XDP_MODE (see lab).
lab_xdp_mode() {
	local m=${LAB_XDP_MODE:-${XDP_MODE:-auto}}
	case $m in auto) echo off ;; *) echo "$m" ;; esac
}

# expect "what" cmd...: cmd must succeed
expect() {
	local what=$1; shift
	"$@" >/tmp/nsteer-expect.$$ 2>&1 || { cat /tmp/nsteer-expect.$$ >&2; fail "$what: '$*' failed"; }
}

# Deletes everything the lab made; safe to call more than once, and after a partial setup.
lab_destroy() {
	local up ns
	for up in "${LAB_UPLINKS[@]}"; do
		"$NSTEER" detach "$up" --ports >/dev/null 2>&1
		ip link del "$up" >/dev/null 2>&1
	done
	for ns in "${LAB_NETNS[@]}"; do
		ip netns del "$ns" >/dev/null 2>&1
	done
	LAB_UPLINKS=()
	LAB_NETNS=()
}

# wire_ns NAME: the namespace that holds the far end of uplink NAME.
wire_ns() { echo "nst${LAB_ID}w${1#nsu${LAB_ID}}"; }
port_ns() { echo "nst${LAB_ID}p$1"; }   # port_ns N
uplink() { echo "nsu${LAB_ID}${1:-}"; } # uplink [SUFFIX]

# lab_uplink [SUFFIX] [MTU]: a veth "NIC" nsu<ID><SUFFIX> whose far end wire0 lives in its own
# namespace with WIRE_ADDR4/24 and WIRE_ADDR6/64.
lab_uplink() {
	local up wire mtu=${2:-1500}
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
	local ns
	ns=$(port_ns "$n")
	LAB_NETNS+=("$ns")
	"$NSTEER" port add "$up" "$ns" --addr "10.77.0.$((10 + n))/24" --addr "fd77::$((10 + n))/64" "$@" \
		>/dev/null || fail "port add $up $ns"
}

port_addr4() { echo "10.77.0.$((10 + $1))"; }
port_addr6() { echo "fd77::$((10 + $1))"; }

# lab [NPORTS] [ATTACH OPTIONS...]: one uplink, attached, with NPORTS (default 3) ports.
lab() {
	local nports=${1:-3} prev=; shift || true
	for a in "$@"; do
		[ "$prev" = --xdp-mode ] && LAB_XDP_MODE=$a
		prev=$a
	done
	lab_uplink
	"$NSTEER" attach "$(uplink)" "$@" >/dev/null || fail "attach $(uplink) $*"
	for ((i = 1; i <= nports; i++)); do lab_port "$(uplink)" "$i"; done
}

in_ns() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

# rx_packets NS IFNAME: packets received by IFNAME in NS, from the kernel's own counters.
rx_packets() { ip -n "$1" -s -j link show "$2" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["stats64"]["rx"]["packets"])'; }

# port_counter UPLINK NETNS FIELD: a field of nsteer's summed counters for that port.
port_counter() {
	"$NSTEER" status "$1" --json | python3 -c '
import json, sys
for up in json.load(sys.stdin):
    for p in up.get("ports", []):
        if p["netns"] == sys.argv[1]:
            c = p["counters"]
            print(c["drops"][sys.argv[2][5:]] if sys.argv[2].startswith("drop_") else c[sys.argv[2]])
' "$2" "$3"
}

run_tests() {
	local t rc any_failed=0 t0 took
	for t in $(declare -F | awk '{print $3}' | grep '^test_'); do
		if [ -n "${ONLY:-}" ] && [[ $t != *"$ONLY"* ]]; then continue; fi
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
	return $any_failed
}

# skip "why": ends the current test as skipped.
skip() { echo "  skipped: $*" >&2; exit 77; }

# ---- Helpers for tests that run background processes, craft frames and move data ----
#
# A test that starts anything in the background calls lab_extras first: it gives the test a temporary
# directory (LAB_TMP) and replaces the EXIT trap with lab_teardown, which ends every process
# registered in LAB_PIDS before lab_destroy removes the namespaces they live in.

LAB_PIDS=()
LAB_TMP=
# Debian's python3 directly: a version manager's shim in PATH can cost half a second a call.
NST_PYTHON=${NST_PYTHON:-$(if [ -x /usr/bin/python3 ]; then echo /usr/bin/python3; else command -v python3; fi)}

lab_extras() {
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

# ns_run NS cmd...: cmd in namespace NS, or in this one when NS is empty.
ns_run() {
	local ns=$1; shift
	if [ -n "$ns" ]; then ip netns exec "$ns" "$@"; else "$@"; fi
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

mac_of() { ns_run "$1" cat "/sys/class/net/$2/address"; } # mac_of NS IFNAME

# link_local NS IFNAME: the interface's fe80:: address once DAD is over (waits up to 10 s).
link_local() {
	local ns=$1 dev=$2 i a
	for ((i = 0; i < 100; i++)); do
		a=$(ns_run "$ns" ip -6 -j addr show dev "$dev" scope link | "$NST_PYTHON" -S -c '
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

# The frame and stream tool every traffic helper below runs (python3, AF_PACKET and TCP sockets).
#   send IFNAME DST SRC ETHERTYPE COUNT TAG   COUNT frames, payload "TAG i"; SRC "self": IFNAME's MAC
#   capture IFNAME ETHERTYPE OUT READY SECS  counts received frames by payload tag until a frame
#                                           tagged END arrives (or SECS pass); writes JSON to OUT
#   serve OUT READY SECS                    accepts one TCP stream on an ephemeral port (written to
#                                           READY), writes "bytes sha256" to OUT
#   stream ADDR PORT BYTES SECS             sends BYTES random bytes, prints "bytes sha256"
NST_PY=$(cat <<'PYEOF'
import json, os, socket, struct, sys, time # hashlib (slow to import) only where needed

def mac(s, ifname):
    if s == "self":
        s = open("/sys/class/net/%s/address" % ifname).read().strip()
    return bytes(int(x, 16) for x in s.split(":"))

cmd, args = sys.argv[1], sys.argv[2:]
if cmd == "send":
    ifname, dst, src, et, count, tag = args
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((ifname, 0))
    head = mac(dst, ifname) + mac(src, ifname) + struct.pack("!H", int(et, 0))
    for i in range(int(count)):
        s.send(head + ("%s %d" % (tag, i)).encode().ljust(46, b"\0"))
elif cmd == "capture":
    ifname, et, out, ready, secs = args
    et = int(et, 0)
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(et))
    # On 6.1 a frame that XDP redirected into a veth reaches the socket charged a whole page, so
    # the default buffer holds 49 of them (measured in the 6.1 VM), and a capture slowed down by
    # emulation lost the 50th. Room for bursts, and drops counted, so that a socket falling
    # behind is never mistaken for the datapath losing frames.
    s.setsockopt(socket.SOL_SOCKET, 33, 16 << 20) # SO_RCVBUFFORCE (we are root)
    s.bind((ifname, et))
    open(ready, "w").close()
    counts, end, deadline = {}, False, time.monotonic() + float(secs)
    while not end and time.monotonic() < deadline:
        s.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            data, addr = s.recvfrom(65535)
        except OSError: # the time limit, or the namespace going away at teardown
            break
        if addr[2] == socket.PACKET_OUTGOING:
            continue
        words = data[14:].split(b"\0")[0].split()
        tag = words[0].decode() if words else "?"
        if tag == "END":
            end = True
        else:
            counts[tag] = counts.get(tag, 0) + 1
    drops = struct.unpack("II", s.getsockopt(263, 6, 8))[1] # SOL_PACKET, PACKET_STATISTICS
    json.dump({"counts": counts, "end": end, "socket_drops": drops}, open(out + ".tmp", "w"))
    os.rename(out + ".tmp", out)
elif cmd == "serve":
    import hashlib
    out, ready, secs = args
    ls = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    ls.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    ls.bind(("::", 0))
    ls.listen(1)
    ls.settimeout(float(secs))
    open(ready + ".tmp", "w").write("%d\n" % ls.getsockname()[1])
    os.rename(ready + ".tmp", ready)
    c, _ = ls.accept()
    c.settimeout(float(secs))
    h, n = hashlib.sha256(), 0
    while True:
        b = c.recv(1 << 16)
        if not b:
            break
        h.update(b)
        n += len(b)
    open(out + ".tmp", "w").write("%d %s\n" % (n, h.hexdigest()))
    os.rename(out + ".tmp", out)
    c.close()
elif cmd == "stream":
    import hashlib
    addr, port, nbytes, secs = args
    data = os.urandom(int(nbytes))
    c = socket.create_connection((addr, int(port)), timeout=float(secs))
    c.sendall(data)
    c.shutdown(socket.SHUT_WR)
    while c.recv(1 << 16):
        pass
    print("%d %s" % (len(data), hashlib.sha256(data).hexdigest()))
PYEOF
)

# lab_bg NS cmd...: cmd in the background in NS ("" for this namespace), ended at teardown.
# The recorded PID is cmd's own (exec), so teardown's signal reaches it, not a subshell.
lab_bg() {
	local ns=$1; shift
	if [ -n "$ns" ]; then
		(exec ip netns exec "$ns" "$@") &
	else
		(exec "$@") &
	fi
	LAB_PIDS+=("$!")
}

# cap_start NAME NS IFNAME [ETHERTYPE]: starts counting frames of ETHERTYPE (default 0x88b5) that
# IFNAME in NS ("" for this namespace) receives; returns once the socket is listening.
cap_start() {
	local name=$1 ns=$2 dev=$3 et=${4:-0x88b5}
	lab_bg "$ns" timeout "$(patient 30)" "$NST_PYTHON" -S -c "$NST_PY" capture "$dev" "$et" \
		"$LAB_TMP/$name.json" "$LAB_TMP/$name.ready" "$(patient 10)"
	wait_until 10 test -e "$LAB_TMP/$name.ready" || fail "capture $name did not start"
}

# cap_count NAME TAG: frames tagged TAG the capture counted (waits for the capture to end first).
cap_count() {
	wait_until 25 test -e "$LAB_TMP/$1.json" || fail "capture $1 did not finish"
	"$NST_PYTHON" -S -c 'import json, sys; print(json.load(open(sys.argv[1]))["counts"].get(sys.argv[2], 0))' \
		"$LAB_TMP/$1.json" "$2"
}

# cap_saw_end NAME: the capture ended on its END marker (not on its time limit).
cap_saw_end() {
	wait_until 25 test -e "$LAB_TMP/$1.json" || fail "capture $1 did not finish"
	"$NST_PYTHON" -S -c 'import json, sys; sys.exit(0 if json.load(open(sys.argv[1]))["end"] else 1)' \
		"$LAB_TMP/$1.json"
}

# send_frames NS IFNAME DST SRC COUNT TAG [ETHERTYPE]: COUNT crafted frames out of IFNAME.
send_frames() {
	local ns=$1 dev=$2 dst=$3 src=$4 count=$5 tag=$6 et=${7:-0x88b5}
	ns_run "$ns" "$NST_PYTHON" -S -c "$NST_PY" send "$dev" "$dst" "$src" "$et" "$count" "$tag" ||
		fail "sending $tag frames from $dev in ${ns:-the root namespace}"
}

# cap_drops_said NAME: ", and its socket dropped N frames" when the capture's own socket lost any.
cap_drops_said() {
	"$NST_PYTHON" -S -c 'import json, sys
n = json.load(open(sys.argv[1])).get("socket_drops", 0)
print(", and its own socket dropped %d frames (a capture too slow, not the datapath)" % n if n else "")' \
		"$LAB_TMP/$1.json"
}

# expect_count WHAT NAME TAG N: the capture NAME counted exactly N frames tagged TAG.
expect_count() {
	local got
	got=$(cap_count "$2" "$3") || exit 1
	[ "$got" = "$4" ] && return
	fail "$1: expected $4 '$3' frames, capture $2 counted $got$(cap_drops_said "$2")"
}

# tcp_transfer SRC_NS DST_NS DST_ADDR [BYTES]: a TCP stream of BYTES (default 10 MiB) from SRC_NS to
# a server in DST_NS ("" for this namespace, either of them); the server's byte count and SHA-256
# must match what was sent.
tcp_transfer() {
	local src=$1 dst=$2 addr=$3 bytes=${4:-10485760} name sent got port
	name=tcp$RANDOM$RANDOM
	lab_bg "$dst" timeout "$(patient 40)" "$NST_PYTHON" -S -c "$NST_PY" serve "$LAB_TMP/$name.out" \
		"$LAB_TMP/$name.ready" "$(patient 30)"
	wait_until 10 test -e "$LAB_TMP/$name.ready" || fail "TCP server in ${dst:-this namespace} did not start"
	port=$(cat "$LAB_TMP/$name.ready")
	sent=$(ns_run "$src" timeout "$(patient 40)" "$NST_PYTHON" -S -c "$NST_PY" stream "$addr" "$port" "$bytes" \
		"$(patient 15)" 2>"$LAB_TMP/$name.err") ||
		fail "TCP stream ${src:-host} -> ${dst:-host} ($addr) failed: $(tail -1 "$LAB_TMP/$name.err")"
	wait_until 20 test -e "$LAB_TMP/$name.out" || fail "TCP server in ${dst:-this namespace} did not finish"
	got=$(cat "$LAB_TMP/$name.out")
	[ "$sent" = "$got" ] || fail "TCP ${src:-host} -> ${dst:-host} ($addr): sent '$sent', received '$got'"
}

# status_json [DEV]: nsteer status --json (exit status 1 only means problems were found).
status_json() {
	local out rc
	out=$("$NSTEER" status "$@" --json); rc=$?
	[ $rc -le 1 ] || fail "nsteer status $* --json: exit $rc"
	echo "$out"
}

# uplink_counter UPLINK FIELD: a field of nsteer's counters for the uplink itself (drop_X for drops).
uplink_counter() {
	"$NSTEER" status "$1" --json | "$NST_PYTHON" -S -c '
import json, sys
c = json.load(sys.stdin)[0]["counters"]
f = sys.argv[1]
print(c["drops"][f[5:]] if f.startswith("drop_") else c[f])
' "$2"
}

# port_field UPLINK NETNS FIELD: a field of that port in nsteer status --json (mac, host_ifname...).
port_field() {
	"$NSTEER" status "$1" --json | "$NST_PYTHON" -S -c '
import json, sys
for up in json.load(sys.stdin):
    for p in up.get("ports", []):
        if p["netns"] == sys.argv[1]:
            print(p[sys.argv[2]])
' "$2" "$3"
}
