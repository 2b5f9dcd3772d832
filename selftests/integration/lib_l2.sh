# Helpers for the L2 completeness tests (test_l2_*.sh): VLANs, port-to-port modes, host access, IPv6.
# Source it after lib.sh. It relies on lib.sh for the lab (lab, lab_uplink, lab_port, uplink,
# wire_ns, port_ns, in_ns, port_counter, expect, fail, skip, run_tests, LAB_NETNS, LAB_UPLINKS) and
# its plumbing (lab_extras, lab_bg, ns_run, wait_until, mac_of, tcp_transfer), and brings its own
# frame tool and captures.
#
# XDP mode: every attach these tests make goes through l2_attach or l2_lab, which pass
# --xdp-mode "${XDP_MODE:-native}", so the suite can run each file once per mode.
#
# The wire as a VLAN switch. The test kernel may lack 802.1Q devices (CONFIG_VLAN_8021Q), so the
# wire namespace emulates one with two tiny tc programs (compiled here with clang, as nsteer's
# own build does): each VLAN V gets a "VLAN host", a namespace nst<ID>v<V> whose eth0 is an access
# port of the wire (veth wv<V> in the wire namespace, 10.78.V.1/24 and fd78:V::1/64); frames it
# sends leave wire0 tagged V, frames arriving on wire0 tagged V reach it untagged. Tags travel as
# skb metadata (hardware-offload style), exactly as a kernel VLAN device on wire0 would send them.
# The same trunk program can hairpin unicast back to the uplink for given destination MACs, which
# is what the external switch of a VEPA setup does.

L2_XDP_MODE=${XDP_MODE:-auto}
L2_VIDS=()
BCAST=ff:ff:ff:ff:ff:ff

# l2_begin: the first call of every L2 test: lab_extras (a temporary directory, LAB_TMP, and
# background processes ended before the lab goes).
l2_begin() { lab_extras; }

# l2_attach UPLINK [OPTIONS...]: nsteer attach in the XDP mode under test.
l2_attach() {
	local up=$1; shift
	"$NSTEER" attach "$up" --xdp-mode "$L2_XDP_MODE" "$@"
}

# l2_lab NPORTS [ATTACH OPTIONS...]: lib.sh's lab (untagged ports 1..N, 10.77.0.(10+N)), attached in
# the XDP mode under test.
l2_lab() {
	local n=$1; shift
	lab "$n" --xdp-mode "$L2_XDP_MODE" "$@"
}

# l2_vport UPLINK N VID [port add options...]: port namespace nst<ID>p<N> on VLAN VID with
# 10.78.VID.(10+N)/24 and fd78:VID::(10+N)/64.
l2_vport() {
	local up=$1 n=$2 vid=$3; shift 3
	local ns
	ns=$(port_ns "$n")
	LAB_NETNS+=("$ns")
	"$NSTEER" port add "$up" "$ns" --vlan "$vid" --addr "$(vport_addr4 "$n" "$vid")/24" \
		--addr "$(vport_addr6 "$n" "$vid")/64" "$@" >/dev/null || fail "port add $up $ns --vlan $vid"
}
vport_addr4() { echo "10.78.$2.$((10 + $1))"; } # vport_addr4 N VID
vport_addr6() { echo "fd78:$2::$((10 + $1))"; }
vhost_ns() { echo "nst${LAB_ID}v$1"; }          # vhost_ns VID: the wire's host on VLAN VID
vhost_addr4() { echo "10.78.$1.1"; }
vhost_addr6() { echo "fd78:$1::1"; }

# port_mac N: the MAC of port N's eth0.
port_mac() { ip netns exec "$(port_ns "$1")" cat /sys/class/net/eth0/address; }
ifindex_in() { ip -n "$1" -j link show "$2" | "$NST_PYTHON" -S -c 'import json,sys; print(json.load(sys.stdin)[0]["ifindex"])'; }

# l2_vlan_host UPLINK VID: a host on VLAN VID behind the wire (see the top of this file). Call
# l2_wire_switch after the last one.
l2_vlan_host() {
	local up=$1 vid=$2 w ns mtu
	w=$(wire_ns "$up")
	ns=$(vhost_ns "$vid")
	LAB_NETNS+=("$ns")
	mtu=$(ip -n "$w" -j link show wire0 | "$NST_PYTHON" -S -c 'import json,sys; print(json.load(sys.stdin)[0]["mtu"])')
	ip netns add "$ns" || fail "ip netns add $ns"
	ip -n "$w" link add "wv$vid" mtu "$mtu" type veth peer name eth0 mtu "$mtu" netns "$ns" ||
		fail "veth wv$vid"
	ip -n "$ns" link set lo up
	ip -n "$ns" addr add "$(vhost_addr4 "$vid")/24" dev eth0
	ip -n "$ns" addr add "$(vhost_addr6 "$vid")/64" dev eth0 nodad
	ip -n "$ns" link set eth0 up
	ip -n "$w" link set "wv$vid" up
	L2_VIDS+=("$vid")
}

L2_SWITCH_C=$(cat <<'CEOF'
/* The wire's VLAN switch (see lib_l2.sh). ACCESS lists A(vid, ifindex of wv<vid>), REFLECT lists
 * R(mac as a 48-bit number): VEPA stations behind the trunk, whose frames to each other (and
 * whose broadcasts) the switch sends back down the trunk, as a reflective relay does. */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

char LICENSE[] SEC("license") = "GPL";

static __always_inline int vid_of(__u32 ifindex)
{
#define A(vid, ifx) if (ifindex == (ifx)) return (vid);
	ACCESS
#undef A
	return 0;
}

static __always_inline __u32 access_of(__u32 vid)
{
#define A(v, ifx) if (vid == (v)) return (ifx);
	ACCESS
#undef A
	return 0;
}

SEC("tc/access")
int access_in(struct __sk_buff *skb)
{
	int vid = vid_of(skb->ifindex);

	if (!vid || skb->vlan_present || bpf_skb_vlan_push(skb, bpf_htons(0x8100), vid))
		return TC_ACT_SHOT;
	return bpf_redirect(TRUNK, 0);
}

SEC("tc/trunk")
int trunk_in(struct __sk_buff *skb)
{
	__u8 h[12];
	__u64 dst, src;
	__u32 ifx;

	if (bpf_skb_load_bytes(skb, 0, h, 12))
		return TC_ACT_OK;
	dst = ((__u64)h[0] << 40) | ((__u64)h[1] << 32) | ((__u64)h[2] << 24) |
	      ((__u64)h[3] << 16) | ((__u64)h[4] << 8) | h[5];
	src = ((__u64)h[6] << 40) | ((__u64)h[7] << 32) | ((__u64)h[8] << 24) |
	      ((__u64)h[9] << 16) | ((__u64)h[10] << 8) | h[11];
	/* reflective relay: unicast to a station goes back down; a station's broadcast goes back
	 * down too (a copy), as well as on to this side's hosts */
#define R(mac) if (dst == (mac)) return bpf_redirect(TRUNK, 0);
	REFLECT
#undef R
#define R(mac) if (src == (mac) && (h[0] & 1)) bpf_clone_redirect(skb, TRUNK, 0);
	REFLECT
#undef R
	if (!skb->vlan_present)
		return TC_ACT_OK; /* untagged: wire0's own stack */
	ifx = access_of(skb->vlan_tci & 0xfff);
	if (!ifx)
		return TC_ACT_OK;
	if (bpf_skb_vlan_pop(skb))
		return TC_ACT_SHOT;
	return bpf_redirect(ifx, 0);
}
CEOF
)

# l2_wire_switch UPLINK [MAC...]: (re)loads the wire's switch: trunk wire0, an access port per
# l2_vlan_host, and reflective relay (hairpin) for the VEPA stations (port MACs) given: unicast to
# them goes back to the uplink, and so does a copy of their broadcasts and multicasts.
l2_wire_switch() {
	local up=$1; shift
	local w trunk vid access="" reflect="" m multiarch obj=$LAB_TMP/switch.$RANDOM.o
	w=$(wire_ns "$up")
	command -v "${CLANG:-clang}" >/dev/null || skip "clang is needed for the wire's VLAN switch"
	trunk=$(ifindex_in "$w" wire0) || fail "no wire0 in $w"
	for vid in "${L2_VIDS[@]}"; do access+="A($vid, $(ifindex_in "$w" "wv$vid")) "; done
	for m in "$@"; do reflect+="R(0x${m//:/}ULL) "; done
	multiarch=$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)
	printf '%s\n' "$L2_SWITCH_C" >"$LAB_TMP/switch.c"
	"${CLANG:-clang}" -O2 -target bpf -I"/usr/include/$multiarch" -DTRUNK="$trunk" \
		-DACCESS="$access" -DREFLECT="$reflect" -c "$LAB_TMP/switch.c" -o "$obj" >"$LAB_TMP/clang.log" 2>&1 ||
		{ cat "$LAB_TMP/clang.log" >&2; fail "compiling the wire's switch"; }
	tc -n "$w" qdisc replace dev wire0 clsact || fail "clsact on wire0"
	tc -n "$w" filter replace dev wire0 ingress pref 1 handle 1 bpf da obj "$obj" sec tc/trunk ||
		fail "loading the wire's trunk program"
	for vid in "${L2_VIDS[@]}"; do
		tc -n "$w" qdisc replace dev "wv$vid" clsact || fail "clsact on wv$vid"
		tc -n "$w" filter replace dev "wv$vid" ingress pref 1 handle 1 bpf da obj "$obj" sec tc/access ||
			fail "loading the wire's access program on wv$vid"
	done
}

# ---- The frame tool: python3, AF_PACKET (with PACKET_AUXDATA for offloaded VLAN tags), TCP ----
#   send IFNAME DST SRC ETHERTYPE COUNT TAG [VID]  COUNT frames, payload "TAG i"; SRC "self" is
#                                                  IFNAME's MAC; VID: an 802.1Q tag in the frame
#   capture IFNAME OUT READY SECS ENDS   every frame IFNAME receives (not its own) until frames
#                                        tagged with each of ENDS (comma separated) were seen or
#                                        SECS passed; JSON to OUT
#   count OUT EXPR                       frames of a capture for which EXPR (python, over f) holds
#   join IFNAME GROUP SECS               listens to IPv6 multicast GROUP on IFNAME for SECS
#   mcast IFNAME GROUP COUNT             COUNT UDP datagrams (port 9) to IPv6 multicast GROUP
#   ra IFNAME PREFIX                     a router advertisement (router lifetime 0: no default
#                                        route) to ff02::1 with a /64 prefix information option,
#                                        flags on-link and autonomous
L2_PY=$(cat <<'PYEOF'
import json, os, socket, struct, sys, time

SOL_PACKET, PACKET_AUXDATA, PACKET_STATISTICS, TP_STATUS_VLAN_VALID, ETH_P_ALL = 263, 8, 6, 0x10, 3
SO_RCVBUFFORCE = 33

def mac_bytes(s, ifname):
    if s == "self":
        s = open("/sys/class/net/%s/address" % ifname).read().strip()
    return bytes(int(x, 16) for x in s.split(":"))

def mac_str(b):
    return ":".join("%02x" % x for x in b)

def parse(data, aux_vlan):
    f = {"dst": mac_str(data[0:6]), "src": mac_str(data[6:12]), "tag": None, "proto": None,
         "ipsrc": None, "ipdst": None, "icmp": None}
    et, off = struct.unpack("!H", data[12:14])[0], 14
    vlans = [] if aux_vlan is None else [aux_vlan]
    while et in (0x8100, 0x88a8) and len(data) >= off + 4:
        tci, et = struct.unpack("!HH", data[off:off + 4])
        vlans.append(tci & 0xfff)
        off += 4
    f["vlans"], f["vlan"], f["et"] = vlans, (vlans[0] if vlans else None), et
    body = data[off:]
    if et == 0x88b5:
        words = body.split(b"\0")[0].split()
        f["tag"] = words[0].decode(errors="replace") if words else ""
    elif et == 0x0800 and len(body) >= 20:
        ihl = (body[0] & 15) * 4
        f["proto"], f["ipsrc"], f["ipdst"] = body[9], socket.inet_ntop(socket.AF_INET, body[12:16]), \
            socket.inet_ntop(socket.AF_INET, body[16:20])
        if f["proto"] == 1 and len(body) > ihl:
            f["icmp"] = body[ihl]
    elif et == 0x86dd and len(body) >= 40:
        f["proto"], f["ipsrc"], f["ipdst"] = body[6], socket.inet_ntop(socket.AF_INET6, body[8:24]), \
            socket.inet_ntop(socket.AF_INET6, body[24:40])
        if f["proto"] == 58 and len(body) > 40:
            f["icmp"] = body[40]
    return f

cmd, args = sys.argv[1], sys.argv[2:]
if cmd == "send":
    ifname, dst, src, et, count, tag = args[:6]
    vid = int(args[6]) if len(args) > 6 and args[6] else None
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((ifname, 0))
    head = mac_bytes(dst, ifname) + mac_bytes(src, ifname)
    if vid is not None:
        head += struct.pack("!HH", 0x8100, vid)
    head += struct.pack("!H", int(et, 0))
    for i in range(int(count)):
        s.send(head + ("%s %d" % (tag, i)).encode().ljust(46, b"\0"))
elif cmd == "capture":
    ifname, out, ready, secs, ends = args
    ends = set(e for e in ends.split(",") if e)
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.setsockopt(SOL_PACKET, PACKET_AUXDATA, 1)
    s.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 16 << 20) # as in lib.sh's capture: room for bursts
    s.bind((ifname, ETH_P_ALL))
    open(ready, "w").close()
    frames, seen, deadline = [], set(), time.monotonic() + float(secs)
    while time.monotonic() < deadline and not (ends and ends <= seen):
        s.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            data, anc, _, addr = s.recvmsg(65535, socket.CMSG_SPACE(32))
        except OSError: # the time limit, or the namespace going away at teardown
            break
        if addr[2] == socket.PACKET_OUTGOING or len(data) < 14:
            continue
        aux_vlan = None
        for level, kind, cdata in anc:
            if level == SOL_PACKET and kind == PACKET_AUXDATA and len(cdata) >= 20:
                status, _, _, _, _, tci, _ = struct.unpack("IIIHHHH", cdata[:20])
                if status & TP_STATUS_VLAN_VALID:
                    aux_vlan = tci & 0xfff
        f = parse(data, aux_vlan)
        f["pkttype"] = addr[2]
        if len(frames) < 50000:
            frames.append(f)
        if f["tag"] in ends:
            seen.add(f["tag"])
    drops = struct.unpack("II", s.getsockopt(SOL_PACKET, PACKET_STATISTICS, 8))[1]
    json.dump({"frames": frames, "complete": ends <= seen, "missing": sorted(ends - seen),
               "socket_drops": drops},
              open(out + ".tmp", "w"))
    os.rename(out + ".tmp", out)
elif cmd == "count":
    out, expr = args
    code = compile(expr, "<filter>", "eval")
    print(sum(1 for f in json.load(open(out))["frames"] if eval(code, {"f": f})))
elif cmd == "join":
    ifname, group, secs = args
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    mreq = socket.inet_pton(socket.AF_INET6, group) + struct.pack("@I", socket.if_nametoindex(ifname))
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_JOIN_GROUP, mreq)
    time.sleep(float(secs)) # leaving (the socket closes with the process) sends the MLD leave
elif cmd == "mcast":
    ifname, group, count = args
    ifindex = socket.if_nametoindex(ifname)
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, ifindex)
    for i in range(int(count)):
        s.sendto(b"nsteer %d" % i, (group, 9, 0, ifindex))
elif cmd == "ra":
    ifname, prefix = args
    ifindex = socket.if_nametoindex(ifname)
    s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, 255)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, ifindex)
    # type, code, checksum (the kernel fills it in), cur hop limit, flags, router lifetime 0 (not
    # a default router), reachable time, retrans timer
    ra = struct.pack("!BBHBBHII", 134, 0, 0, 64, 0, 0, 0, 0)
    ra += struct.pack("!BB", 1, 1) + mac_bytes("self", ifname) # source link-layer address
    # prefix information: /64, flags L (on-link) and A (autonomous), valid 3600 s, preferred 1800 s
    ra += struct.pack("!BBBBIII", 3, 4, 64, 0xc0, 3600, 1800, 0) + socket.inet_pton(socket.AF_INET6, prefix)
    s.sendto(ra, ("ff02::1", 0, 0, ifindex))
PYEOF
)

l2_py() { "$NST_PYTHON" -S -c "$L2_PY" "$@"; }

# l2_cap NAME NS IFNAME ENDS: starts capturing what IFNAME in NS ("" here) receives, until it has
# seen a frame tagged with each of ENDS (comma-separated) or 15 s passed; returns once listening.
l2_cap() {
	local name=$1 ns=$2 dev=$3 ends=$4
	rm -f "$LAB_TMP/$name.json" "$LAB_TMP/$name.ready"
	lab_bg "$ns" timeout "$(patient 25)" "$NST_PYTHON" -S -c "$L2_PY" capture "$dev" "$LAB_TMP/$name.json" \
		"$LAB_TMP/$name.ready" "$(patient 15)" "$ends"
	wait_until 10 test -e "$LAB_TMP/$name.ready" || fail "capture $name did not start"
}

# l2_cap_done NAME: waits for capture NAME to end, and fails unless it saw all its END frames
# (so that every frame sent before them had its chance to arrive).
l2_cap_done() {
	wait_until 25 test -e "$LAB_TMP/$1.json" || fail "capture $1 did not finish"
	l2_py count "$LAB_TMP/$1.json" "True" >/dev/null || fail "capture $1 is unreadable"
	"$NST_PYTHON" -S -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if d["complete"] else 1)' \
		"$LAB_TMP/$1.json" || fail "capture $1 never received its end marker(s): $("$NST_PYTHON" -S -c \
		'import json,sys; print(json.load(open(sys.argv[1]))["missing"])' "$LAB_TMP/$1.json")"
}

# l2_count NAME EXPR: how many frames of capture NAME satisfy EXPR (python over f: dst, src, vlan,
# vlans, et, tag, proto, ipsrc, ipdst, icmp, pkttype).
l2_count() {
	l2_cap_done "$1"
	l2_py count "$LAB_TMP/$1.json" "$2"
}

# l2_expect WHAT NAME EXPR N: exactly N frames of capture NAME satisfy EXPR.
l2_expect() {
	local got
	got=$(l2_count "$2" "$3") || exit 1
	[ "$got" = "$4" ] || fail "$1: expected $4 frame(s) with [$3] in capture $2, got $got$(cap_drops_said "$2")"
}

# tagged_with TAG [VID]: a capture filter for crafted frames tagged TAG (untagged, or on VLAN VID)
tagged_with() {
	if [ -n "${2:-}" ]; then echo "f['tag'] == '$1' and f['vlan'] == $2"; else echo "f['tag'] == '$1' and f['vlan'] is None"; fi
}

# l2_send NS IFNAME DST SRC COUNT TAG [VID]: COUNT crafted 0x88b5 frames out of IFNAME in NS.
l2_send() {
	local ns=$1 dev=$2 dst=$3 src=$4 count=$5 tag=$6 vid=${7:-}
	ns_run "$ns" "$NST_PYTHON" -S -c "$L2_PY" send "$dev" "$dst" "$src" 0x88b5 "$count" "$tag" "$vid" ||
		fail "sending $tag frames from $dev in ${ns:-this namespace}"
}

# l2_tcp SRC_NS DST_NS DST_ADDR [BYTES]: tcp_transfer (lib.sh) of BYTES, default 4 MiB.
l2_tcp() { tcp_transfer "$1" "$2" "$3" "${4:-4194304}"; }

# l2_ping NS ADDR...: ping (v4 or v6) must be answered; NS "" is this namespace.
l2_ping() {
	local ns=$1; shift
	local a
	for a in "$@"; do
		ns_run "$ns" ping -c2 -i0.2 -W2 "$a" >"$LAB_TMP/ping.out" 2>&1 ||
			{ cat "$LAB_TMP/ping.out" >&2; fail "ping ${ns:-(host)} -> $a failed"; }
	done
}

# l2_no_ping NS ADDR: ping must go unanswered.
l2_no_ping() {
	if ip netns exec "$1" ping -c2 -i0.2 -W1 "$2" >/dev/null 2>&1; then
		fail "ping $1 -> $2 was answered but must not be"
	fi
}

# status_problems UPLINK: the "problems" nsteer status --json reports for UPLINK, one a line.
status_problems() {
	"$NSTEER" status "$1" --json 2>/dev/null | "$NST_PYTHON" -S -c '
import json, sys
for up in json.load(sys.stdin):
    for p in up.get("problems", []):
        print(p["problem"], "(repair:", p.get("repair"), ")")'
}

# status_field UPLINK FIELD: a top-level field of the uplink in nsteer status --json.
status_field() {
	"$NSTEER" status "$1" --json 2>/dev/null | "$NST_PYTHON" -S -c '
import json, sys
print(json.load(sys.stdin)[0].get(sys.argv[1]))' "$2"
}

# host_port_count UPLINK: how many host-access ports nsteer lists for UPLINK.
host_port_count() {
	"$NSTEER" status "$1" --json 2>/dev/null | "$NST_PYTHON" -S -c '
import json, sys
print(sum(1 for p in json.load(sys.stdin)[0].get("ports", []) if p["netns"] == "(host)"))'
}

# l2_host_subnet: a 10.x.y (IPv4 /24) prefix and an fd7e:x:y (IPv6 /64) prefix no interface or
# route of this namespace uses, for tests that put an address on nsh-UPLINK in this namespace.
# Prints "V4PREFIX V6PREFIX", e.g. "10.203.17 fd7e:203:17".
l2_host_subnet() {
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
