#!/bin/bash
# `make bench`: nsteer against the kernel's own alternatives, measured in one run on one veth lab.
#
# Each packet path gets a fresh lab: a veth "NIC" (nsub0) whose far end wire0 sits in namespace
# nstbw, where bench_tool's generator transmits 64-byte UDP frames for SECONDS: live frames
# (BPF_PROG_RUN + BPF_F_TEST_XDP_LIVE_FRAMES) where the kernel allows them, else AF_PACKET TX rings
# (bench_tool gen says which; BENCH_GEN and BENCH_GEN_THREADS choose). On a veth the receiving side
# runs on the sending CPU, so the report also gives each path's receive cost per frame, the
# generator's own (the XDP_DROP row's) taken out. Deliveries are counted on the receiving side only:
# by an XDP sink on the port, by the port's IP stack (Ip InDelivers in its namespace), or by
# nsteer's drop counter. Paths alternate within each of ROUNDS rounds; the table shows medians
# and the SPEC section 6 ratios. Results also go to .output/bench.json.
#
# Environment: ROUNDS (default 3), SECONDS_PER_RUN (2), TCP_SECONDS (10), SKIP_TCP=1, SKIP_SCALE=1,
# SKIP_CONTROL=1, SKIP_SPREAD=1, BENCH_PATHS (a subset of PATHS below, by name, or "none"),
# SPREAD_MODES (nsteer's modes in the spread sweep, default "native skb off"), SPREAD_MACVLAN=0,
# SPREAD_COUNTS (default "1 10 100 1000").
set -euo pipefail
cd "$(dirname "$0")/../.."

NSTEER=$PWD/nsteer
NOMON_NSTEER=$PWD/.output/nomon/nsteer
TOOL=$PWD/.output/bench_tool
ROUNDS=${ROUNDS:-3}
SECS=${SECONDS_PER_RUN:-2}
TCP_SECONDS=${TCP_SECONDS:-10}
OUT=.output/bench
RESULTS=$OUT/results.txt
UP=nsub0
WIRE=nstbw
PORT_MAC=02:be:4c:00:00:11
UNKNOWN_MAC=02:be:4c:ff:ff:ff

[ "$(id -u)" -eq 0 ] || { echo "bench: must run as root" >&2; exit 1; }
mkdir -p "$OUT"
: >"$RESULTS"

cleanup() {
	if [ -n "${MONITOR:-}" ]; then kill -INT "$MONITOR" 2>/dev/null; wait "$MONITOR" 2>/dev/null || true; MONITOR=; fi
	pkill -f nsteer-bench-udp-sink 2>/dev/null || true
	pkill -f 'bench_tool udp-sinks' 2>/dev/null || true
	"$NSTEER" detach "$UP" --ports >/dev/null 2>&1 || true
	ip link del "$UP" 2>/dev/null || true
	ip link del nsbbr0 2>/dev/null || true
	ip link del nsbh1 2>/dev/null || true
	pkill -f 'iperf3 -s -p 5299' 2>/dev/null || true
	ip netns list | awk '/^nstb/ {print $1}' | while read -r ns; do ip netns del "$ns"; done
	"$TOOL" clean
}
trap cleanup EXIT

record() { echo "$*" >>"$RESULTS"; }

lab_wire() {
	cleanup
	ip netns add $WIRE
	ip link add $UP type veth peer name wire0 netns $WIRE
	# As a physical wire: complete checksums, MTU-sized frames (see selftests/integration/lib.sh).
	ip netns exec $WIRE ethtool -K wire0 tx off tso off gso off txvlan off >/dev/null
	ip -n $WIRE link set wire0 up
	ip link set $UP up
	# The generator's frames reach the uplink only if it runs NAPI: GRO gives it NAPI on every
	# path, including those without XDP on the uplink (macvlan, bridge, tc only).
	ethtool -K $UP gro on >/dev/null
	ip -n $WIRE addr add 10.77.0.1/24 dev wire0
}

# A plain port: veth nsbh1 here, eth0 in nstbp1 with PORT_MAC and 10.77.0.11.
plain_port() {
	ip netns add nstbp1
	ip link add nsbh1 type veth peer name eth0 netns nstbp1
	ip -n nstbp1 link set eth0 address $PORT_MAC
	ip -n nstbp1 addr add 10.77.0.11/24 dev eth0
	ip -n nstbp1 link set eth0 up
	ip link set nsbh1 up
}

nsteer_port() { # NETNS [MAC]
	"$NSTEER" port add $UP "$1" --mac "${2:-$PORT_MAC}" --addr 10.77.0.11/24 >/dev/null
}

in_delivers_port() { ip netns exec nstbp1 awk '/^Ip:/ { if (h) print $10; h = 1 }' /proc/net/snmp; }
sink_count() { "$TOOL" count; }
unknown_drops() {
	"$NSTEER" status $UP --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["counters"]["drops"]["unknown_dst"])'
}

# A UDP socket on the frames' port (9) in the port's namespace, never read: delivered frames end in
# its full receive buffer (UDP RcvbufErrors), where without it each one draws an ICMP port
# unreachable whose route lookups would be most of what a path "into the stack" measures.
udp_sink_start() {
	ip netns exec nstbp1 python3 -c 'import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 9))
time.sleep(3600)' nsteer-bench-udp-sink &
	UDP_SINK=$!
	for _ in $(seq 50); do
		ip netns exec nstbp1 ss -Hlun 'sport = :9' | grep -q . && return 0
		sleep 0.1
	done
	echo "bench: the UDP sink in nstbp1 did not start" >&2; exit 1
}
udp_sink_stop() { kill "$UDP_SINK" 2>/dev/null; wait "$UDP_SINK" 2>/dev/null || true; UDP_SINK=; }

# measure NAME COUNTER_CMD MACS: run the generator and record delivered/second.
measure() {
	local name=$1 counter=$2 macs=$3 before after out sent secs
	if [ "$counter" = in_delivers_port ]; then udp_sink_start; fi
	sleep 0.2
	before=$($counter)
	out=$("$TOOL" gen $WIRE wire0 "$SECS" "$macs")
	sleep 0.2
	after=$($counter)
	if [ "$counter" = in_delivers_port ]; then udp_sink_stop; fi
	sent=$(awk '{print $2}' <<<"$out")
	secs=$(awk '{print $4}' <<<"$out")
	record "pps $name $(python3 -c "print(($after - $before) / $secs)") sent $(python3 -c "print($sent / $secs)")"
	record "generator $name $(awk '{print $6}' <<<"$out")"
	record "hook $name $(uplink_tc_hook)"
}

# The hook nsteer's uplink program hangs on, as status names it; "-" where nsteer is not attached.
uplink_tc_hook() {
	local json
	json=$("$NSTEER" status $UP --json 2>/dev/null) # exits 1 when it reports a problem: still read
	python3 -c 'import json, sys; print((json.load(sys.stdin) or [{}])[0].get("tc_hook", "-"))' \
		<<<"${json:-[]}" 2>/dev/null || echo -
}

setup_xdp_drop() {
	lab_wire
	"$TOOL" sink - $UP
}

setup_bare_redirect() {
	lab_wire; plain_port
	"$TOOL" sink nstbp1 eth0
	"$TOOL" bare $UP nsbh1
}

setup_nsteer_xdp_drop() {
	setup_nsteer_stack
	"$TOOL" sink nstbp1 eth0
}

setup_nsteer_stack() {
	lab_wire
	"$NSTEER" attach $UP --xdp-mode native >/dev/null 2>&1
	nsteer_port nstbp1
}

# Generic XDP: whether it adds anything over tc only, which --xdp-mode auto picks instead.
setup_nsteer_skb_stack() {
	lab_wire
	"$NSTEER" attach $UP --xdp-mode skb >/dev/null 2>&1
	nsteer_port nstbp1
}

setup_tc_peer_stack() {
	lab_wire
	"$NSTEER" attach $UP --xdp-mode off >/dev/null
	nsteer_port nstbp1
}

# The same on the hook 6.1 has: TCX's link against clsact's filter, side by side.
setup_tc_clsact_stack() {
	lab_wire
	"$NSTEER" attach $UP --xdp-mode off --tc-hook clsact >/dev/null
	nsteer_port nstbp1
}

setup_macvlan_stack() {
	lab_wire
	ip netns add nstbp1
	ip link add nsbmv1 link $UP address $PORT_MAC type macvlan mode bridge
	ip link set nsbmv1 netns nstbp1 name eth0
	ip -n nstbp1 addr add 10.77.0.11/24 dev eth0
	ip -n nstbp1 link set eth0 up
}

setup_bridge_stack() {
	lab_wire; plain_port
	ip link add nsbbr0 type bridge
	ip link set $UP master nsbbr0
	ip link set nsbh1 master nsbbr0
	ip link set nsbbr0 up
}

setup_unknown_drop() {
	lab_wire
	"$NSTEER" attach $UP --xdp-mode native --unknown drop >/dev/null 2>&1
	nsteer_port nstbp1
}

# The same datapath built without the monitor's switch (make's $(NOMON)/nsteer): against
# unknown_drop, what the switch costs every drop while nobody watches.
setup_unknown_drop_no_monitor() {
	lab_wire
	"$NOMON_NSTEER" attach $UP --xdp-mode native --unknown drop >/dev/null 2>&1
	nsteer_port nstbp1
}

# The same with `nsteer monitor` reading every drop: what watching costs.
setup_unknown_drop_monitored() {
	setup_unknown_drop
	"$NSTEER" monitor $UP >/dev/null 2>"$OUT/monitor.err" &
	MONITOR=$!
	for _ in $(seq 50); do grep -q "Monitoring drops" "$OUT/monitor.err" && return 0; sleep 0.1; done
	echo "bench: nsteer monitor did not start: $(cat "$OUT/monitor.err")" >&2; exit 1
}

# name, what counts deliveries, destination MAC
PATHS=(
	"xdp_drop sink_count $PORT_MAC"
	"bare_redirect sink_count $PORT_MAC"
	"nsteer_xdp_drop sink_count $PORT_MAC"
	"nsteer_stack in_delivers_port $PORT_MAC"
	"macvlan_stack in_delivers_port $PORT_MAC"
	"bridge_stack in_delivers_port $PORT_MAC"
	"tc_peer_stack in_delivers_port $PORT_MAC"
	"tc_clsact_stack in_delivers_port $PORT_MAC"
	"nsteer_skb_stack in_delivers_port $PORT_MAC"
	"unknown_drop unknown_drops $UNKNOWN_MAC"
	"unknown_drop_no_monitor unknown_drops $UNKNOWN_MAC"
	"unknown_drop_monitored unknown_drops $UNKNOWN_MAC"
)
# BENCH_PATHS="bare_redirect nsteer_xdp_drop" measures only those (quick comparisons while working).
if [ -n "${BENCH_PATHS:-}" ]; then
	for i in "${!PATHS[@]}"; do [[ " $BENCH_PATHS " == *" ${PATHS[i]%% *} "* ]] || unset "PATHS[i]"; done
fi

# Unicast spread over N ports, then broadcasts to all N: nsteer's tc cloning against one XDP
# devmap broadcast (BPF_F_BROADCAST) to the same ports, which is what tc flooding was chosen over.
# Unicast into the ports' XDP sinks only up to XDP_PORTS_MAX ports: beyond, nsteer's XDP leaves
# delivery to tc (NSTEER_XDP_REDIRECT_PORTS_MAX), whose redirect_peer bypasses a port's XDP.
XDP_PORTS_MAX=$(awk '/#define NSTEER_XDP_REDIRECT_PORTS_MAX/ {print $3}' headers/nsteer_shared.h)
scale_sweep() {
	local n have=0 batch=$OUT/scale.batch macs=$OUT/macs.txt hosts
	lab_wire
	"$NSTEER" attach $UP --xdp-mode native >/dev/null 2>&1
	: >"$macs"
	for n in 1 10 $XDP_PORTS_MAX 100 1000; do
		: >"$batch"
		local sinks=()
		for ((i = have + 1; i <= n; i++)); do
			printf 'port add %s nstbs%d --mac 02:be:4c:01:%02x:%02x\n' $UP $i $((i >> 8)) $((i & 255)) >>"$batch"
			printf '02:be:4c:01:%02x:%02x\n' $((i >> 8)) $((i & 255)) >>"$macs"
			sinks+=(nstbs$i eth0)
		done
		"$NSTEER" batch "$batch" >/dev/null
		"$TOOL" sink "${sinks[@]}"
		have=$n
		for ((r = 1; r <= ROUNDS; r++)); do
			if [ "$n" -le "$XDP_PORTS_MAX" ]; then measure "scale_$n" sink_count "@$macs"; fi
			measure "flood_tc_$n" sink_count ff:ff:ff:ff:ff:ff
		done
		# The host ends in port-number order, which the MACs' last two bytes give.
		hosts=$("$NSTEER" port list $UP --json | python3 -c '
import json, sys
ports = sorted(json.load(sys.stdin), key=lambda p: int(p["netns"][len("nstbs"):]))
print(" ".join(p["host_ifname"] for p in ports))')
		ip link set $UP xdp off
		"$TOOL" bcast $UP $hosts
		for ((r = 1; r <= ROUNDS; r++)); do measure "flood_devmap_$n" sink_count ff:ff:ff:ff:ff:ff; done
		# The same spread with no steering decision: what N veths cost by themselves.
		ip link set $UP xdp off
		if [ "$n" -le "$XDP_PORTS_MAX" ]; then
			"$TOOL" spread $UP $hosts
			for ((r = 1; r <= ROUNDS; r++)); do measure "scale_bare_$n" sink_count "@$macs"; done
		fi
		ip link set $UP xdp off
		"$NSTEER" attach $UP --xdp-mode native >/dev/null 2>&1 # puts nsteer's XDP program back
	done
}

# Into the stack with the traffic spread over N ports (N = 1, 10, 100, 1000), for each way of
# steering: nsteer in each --xdp-mode, and macvlan. Every port namespace has the frames'
# destination address and a UDP sink (bench_tool udp-sinks); deliveries are Ip InDelivers summed
# over all of them. Each row also records where the frames sent and not delivered went: lost
# before any steering (the uplink veth's ring, which the generator can overrun on any path), or
# dropped by nsteer under a named reason. nsteer's modes take turns on the same ports (attach
# with another --xdp-mode replaces the programs in place); macvlan gets its own lab after. On the
# same ports, broadcasts from the wire: each port's stack gets a copy (the frames' IP address is
# every port's), where macvlan hands each broadcast to a work queue that drops when it is full.
spread_grow() { # KIND N: the lab's ports, SPREAD_HAVE of them, grow to N
	local kind=$1 n=$2 i mac ns batch=$OUT/spread.batch
	: >"$batch"
	for ((i = SPREAD_HAVE + 1; i <= n; i++)); do
		ns=nstbs$i
		mac=$(printf '02:be:4c:01:%02x:%02x' $((i >> 8)) $((i & 255)))
		echo "$mac" >>"$OUT/spread.macs"
		echo "$ns" >>"$OUT/spread.netns"
		if [ "$kind" = macvlan ]; then
			printf 'netns add %s\nlink add nsbmv%d link %s netns %s address %s up type macvlan mode bridge\nnetns exec %s ip addr add 10.77.0.11/24 dev nsbmv%d\n' \
				$ns $i $UP $ns "$mac" $ns $i >>"$batch"
		else
			printf 'port add %s %s --mac %s --addr 10.77.0.11/24\n' $UP $ns "$mac" >>"$batch"
		fi
	done
	if [ "$kind" = macvlan ]; then ip -batch "$batch" >/dev/null; else "$NSTEER" batch "$batch" >/dev/null; fi
	SPREAD_HAVE=$n
}

uplink_ring_losses() { ip netns exec $WIRE ethtool -S wire0 | awk '/xdp_xmit_errors/ {s += $2} END {print s + 0}'; }
nsteer_drops_total() { # 0 where nsteer is not attached (macvlan)
	{ "$NSTEER" status $UP --json 2>/dev/null || echo '[]'; } | python3 -c 'import json,sys
s = json.load(sys.stdin)
print(sum(sum(p["counters"]["drops"].values()) for p in s[0]["ports"]) + sum(s[0]["counters"]["drops"].values()) if s else 0)'
}

measure_spread() { # PATH N [KIND]: KIND spread (the ports' MACs in turn) or bcast (broadcasts)
	local kind=${3:-spread} name="${3:-spread}_$1_$2" macs=@$OUT/spread.macs
	local before after lost0 lost1 drop0 drop1 ring0 ring1 out sent secs sinks
	[ "$kind" = bcast ] && macs=ff:ff:ff:ff:ff:ff
	"$TOOL" udp-sinks @"$OUT/spread.netns" >"$OUT/udp-sinks.out" &
	sinks=$!
	until grep -q ready "$OUT/udp-sinks.out" 2>/dev/null; do
		kill -0 $sinks 2>/dev/null || { echo "bench: udp-sinks failed" >&2; exit 1; }
		sleep 0.1
	done
	sleep 0.2
	before=$("$TOOL" delivers @"$OUT/spread.netns"); lost0=$(uplink_ring_losses); drop0=$(nsteer_drops_total)
	ring0=$("$TOOL" rx-drops @"$OUT/spread.netns")
	out=$("$TOOL" gen $WIRE wire0 "$SECS" "$macs")
	sleep 0.3
	after=$("$TOOL" delivers @"$OUT/spread.netns"); lost1=$(uplink_ring_losses); drop1=$(nsteer_drops_total)
	ring1=$("$TOOL" rx-drops @"$OUT/spread.netns")
	kill $sinks; wait $sinks 2>/dev/null || true
	sent=$(awk '{print $2}' <<<"$out")
	secs=$(awk '{print $4}' <<<"$out")
	record "pps $name $(python3 -c "print(($after - $before) / $secs)") sent $(python3 -c "print($sent / $secs)")"
	record "generator $name $(awk '{print $6}' <<<"$out")"
	record "frames $name sent $sent delivered $((after - before)) uplink_ring $((lost1 - lost0)) nsteer_drops $((drop1 - drop0)) port_rings $((ring1 - ring0))"
}

stack_sweep() {
	local n r mode modes=${SPREAD_MODES-native skb off}
	for kind in nsteer macvlan; do
		[ "$kind" = nsteer ] && [ -z "$modes" ] && continue
		[ "$kind" = macvlan ] && [ "${SPREAD_MACVLAN:-1}" = 0 ] && continue
		lab_wire
		: >"$OUT/spread.macs"; : >"$OUT/spread.netns"
		SPREAD_HAVE=0
		[ "$kind" = macvlan ] || "$NSTEER" attach $UP --xdp-mode "${modes%% *}" >/dev/null 2>&1
		for n in ${SPREAD_COUNTS:-1 10 100 1000}; do
			echo "    $kind, $n ports"
			spread_grow $kind "$n"
			for ((r = 1; r <= ROUNDS; r++)); do
				if [ "$kind" = macvlan ]; then
					measure_spread macvlan "$n"
					measure_spread macvlan "$n" bcast
					continue
				fi
				for mode in $modes; do
					"$NSTEER" attach $UP --xdp-mode "$mode" >/dev/null 2>&1
					measure_spread "$mode" "$n"
				done
				# Broadcasts take tc's flood in every mode: measured in the first.
				"$NSTEER" attach $UP --xdp-mode "${modes%% *}" >/dev/null 2>&1
				measure_spread nsteer "$n" bcast
			done
		done
		# nsteer's ports are the control plane's to remove (timed there); macvlan's go with $UP.
		if [ "$kind" = macvlan ]; then
			ip link del $UP
			sed 's/^/netns del /' "$OUT/spread.netns" | ip -batch - >/dev/null
		fi
	done
}

# Times come from bash's $EPOCHREALTIME: a $(date) around a command adds a fork and an exec of
# date to it (measured here: 3-20 ms, more than a port add itself).
control_plane() {
	local n=1000 t0 t1 i
	cleanup; lab_wire
	"$NSTEER" attach $UP --xdp-mode native >/dev/null 2>&1
	# One port add on a quiet uplink, as a user adds a container's port. (Measured after the
	# batch, it waits for the kernel's rtnl lock behind the IPv6 DAD, MLD and router
	# solicitations of 1000 new ports, flooded to every sibling, and measures those instead.)
	# The references: the same plumbing as three iproute2 commands, and starting a process that
	# does nothing (on some machines that is most of the time of any command).
	for i in $(seq 1 20); do
		t0=$EPOCHREALTIME; /bin/true; t1=$EPOCHREALTIME
		record "seconds process_start $(python3 -c "print($t1 - $t0)")"
		t0=$EPOCHREALTIME; "$NSTEER" port add $UP nstbl$i --addr 10.78.0.$i/16 >/dev/null; t1=$EPOCHREALTIME
		record "seconds port_add_one $(python3 -c "print($t1 - $t0)")"
		t0=$EPOCHREALTIME
		ip netns add nstbr$i && ip link add nsbr$i type veth peer name eth0 netns nstbr$i && ip link set nsbr$i up
		t1=$EPOCHREALTIME
		record "seconds ip_commands_one $(python3 -c "print($t1 - $t0)")"
	done
	"$NSTEER" detach $UP --ports >/dev/null
	for i in $(seq 1 20); do echo "link del nsbr$i"; echo "netns del nstbr$i"; done | ip -batch - 2>/dev/null || true
	"$NSTEER" attach $UP --xdp-mode native >/dev/null 2>&1
	: >$OUT/ip.batch; : >$OUT/ip-del.batch; : >$OUT/nsteer.batch
	for ((i = 1; i <= n; i++)); do
		printf 'netns add nstbi%d\nlink add nsbi%d type veth peer name eth0 netns nstbi%d\nlink set nsbi%d up\n' $i $i $i $i >>$OUT/ip.batch
		printf 'link del nsbi%d\nnetns del nstbi%d\n' $i $i >>$OUT/ip-del.batch
		printf 'port add %s nstbn%d\n' $UP $i >>$OUT/nsteer.batch
	done
	# Two rounds, so that each tool also runs right after the other's deletions: on a machine
	# whose /run is a disk filesystem (this one's ext4), creating files just after a thousand
	# were deleted costs more, and a single fixed order would charge that to one side only.
	for r in 1 2; do
		t0=$EPOCHREALTIME; ip -batch $OUT/ip.batch; t1=$EPOCHREALTIME
		record "seconds ip_batch_1000 $(python3 -c "print($t1 - $t0)")"
		t0=$EPOCHREALTIME; ip -batch $OUT/ip-del.batch; t1=$EPOCHREALTIME
		record "seconds ip_batch_del_1000 $(python3 -c "print($t1 - $t0)")"
		t0=$EPOCHREALTIME; "$NSTEER" batch $OUT/nsteer.batch >/dev/null; t1=$EPOCHREALTIME
		record "seconds nsteer_batch_1000 $(python3 -c "print($t1 - $t0)")"
		t0=$EPOCHREALTIME; "$NSTEER" detach $UP --ports >/dev/null; t1=$EPOCHREALTIME
		record "seconds nsteer_detach_1000 $(python3 -c "print($t1 - $t0)")"
		"$NSTEER" attach $UP --xdp-mode native >/dev/null 2>&1
	done
}

tcp_path() { # NAME: the lab for NAME is built; iperf3 both ways between wire and nstbp1
	local name=$1 gbps
	ip netns exec nstbp1 iperf3 -s -p 5299 -D -1 >/dev/null
	sleep 0.3
	gbps=$(ip netns exec $WIRE iperf3 -c 10.77.0.11 -p 5299 -t "$TCP_SECONDS" -J | python3 -c 'import json,sys; print(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"]/1e9)')
	record "gbps tcp_${name}_to_port $gbps"
	ip netns exec nstbp1 iperf3 -s -p 5299 -D -1 >/dev/null
	sleep 0.3
	gbps=$(ip netns exec $WIRE iperf3 -c 10.77.0.11 -p 5299 -t "$TCP_SECONDS" -R -J | python3 -c 'import json,sys; print(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"]/1e9)')
	record "gbps tcp_${name}_from_port $gbps"
}

echo "bench: $ROUNDS rounds of ${SECS}s per path; started $(date -u +%FT%TZ) on $(uname -r), $(nproc) CPUs"
for ((r = 1; r <= ROUNDS; r++)); do
	echo "  round $r of $ROUNDS"
	for p in "${PATHS[@]}"; do
		read -r name counter mac <<<"$p"
		"setup_$name"
		measure "$name" "$counter" "$mac"
		# The monitor's A/B compares rows a few percent apart: three samples a round each.
		if [[ $name == unknown_drop* ]]; then
			measure "$name" "$counter" "$mac"
			measure "$name" "$counter" "$mac"
		fi
	done
done
if [ "${SKIP_SCALE:-0}" != 1 ]; then echo "  scale sweep"; scale_sweep; fi
if [ "${SKIP_SPREAD:-0}" != 1 ]; then echo "  into the stack, spread over ports"; stack_sweep; fi
if [ "${SKIP_CONTROL:-0}" != 1 ]; then echo "  control plane"; control_plane; fi
if [ "${SKIP_TCP:-0}" != 1 ]; then
	echo "  tcp"
	for name in nsteer nsteer_skb tc_peer macvlan bridge; do "setup_${name}_stack"; tcp_path $name; done
fi
cleanup
trap - EXIT
python3 selftests/bench/report.py "$RESULTS" "$OUT/../bench.json"
