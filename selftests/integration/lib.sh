# Shared by the integration tests. Source it, define functions named test_*, then call run_tests.
#
# Every test runs in a subshell with its own lab and an EXIT trap that removes the lab, so a failing
# or crashing test leaves nothing behind. A lab is a veth pair standing in for a NIC: the uplink end
# in this namespace, the far end ("wire0") in a namespace the lab creates, plus ports added with
# nsteer. Nothing here touches an interface the test did not create.
#
# Names: every namespace starts with "nst" (run.sh checks that none is left), every uplink with "nsu".

NSTEER=${NSTEER:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/nsteer}
LAB_ID=${LAB_ID:-$(( $$ % 100000 ))}
WIRE_ADDR4=10.77.0.1
WIRE_ADDR6=fd77::1
LAB_UPLINKS=()
LAB_NETNS=()

fail() { echo "  $*" >&2; exit 1; }

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
	local nports=${1:-3}; shift || true
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
	local t rc any_failed=0
	for t in $(declare -F | awk '{print $3}' | grep '^test_'); do
		if [ -n "${ONLY:-}" ] && [[ $t != *"$ONLY"* ]]; then continue; fi
		(
			trap lab_destroy EXIT
			"$t"
		)
		rc=$?
		case $rc in
		0) echo "PASS: ${t#test_}" ;;
		77) echo "SKIP: ${t#test_}" ;;
		*) echo "FAIL: ${t#test_}"; any_failed=1 ;;
		esac
	done
	return $any_failed
}

# skip "why": ends the current test as skipped.
skip() { echo "  skipped: $*" >&2; exit 77; }
