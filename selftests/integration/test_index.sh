#!/bin/bash
# mac_index, the fast path's direct-mapped lookup: ports whose MACs map to one index entry all stay
# reachable, whichever of them comes and goes (the others overflow into the ports hash).
source "$(dirname "$0")/lib.sh"

# colliding_macs N: N MACs that share one mac_index entry (same folding as nsteer_index_of).
colliding_macs() {
	python3 - "$1" <<'PY'
import sys
def idx(m, vlan=0):
    x = ((m[2] << 24) | (m[3] << 16) | (m[4] << 8) | m[5]) ^ vlan
    x ^= x >> 13
    x ^= x >> 7
    return x & 8191
want, found, x = None, [], 1
while len(found) < int(sys.argv[1]):
    m = [0x02, 0x1d, (x >> 24) & 255, (x >> 16) & 255, (x >> 8) & 255, x & 255]
    if want is None:
        want = idx(m)
    if idx(m) == want:
        found.append(":".join(f"{b:02x}" for b in m))
    x += 1
print(" ".join(found))
PY
}

test_colliding_ports_stay_reachable() {
	local up macs
	lab_uplink
	up=$(uplink)
	"$NSTEER" attach "$up" --xdp-mode "${XDP_MODE:-native}" >/dev/null || fail "attach"
	read -r -a macs <<<"$(colliding_macs 3)"
	for n in 1 2 3; do lab_port "$up" "$n" --mac "${macs[$((n - 1))]}"; done
	for n in 1 2 3; do
		expect "wire -> port $n (shares an index entry)" in_ns "$(wire_ns "$up")" ping -c1 -W2 "$(port_addr4 "$n")"
	done
	# Port 1 holds the entry: removing it must hand the entry to another, and leave all reachable.
	"$NSTEER" port del "$up" "$(port_ns 1)" >/dev/null || fail "port del 1"
	for n in 2 3; do
		expect "port $n after port 1 left" in_ns "$(wire_ns "$up")" ping -c1 -W2 "$(port_addr4 "$n")"
	done
	in_ns "$(wire_ns "$up")" ping -c1 -W1 "$(port_addr4 1)" >/dev/null 2>&1 && fail "port 1 still answers"
	lab_port "$up" 1 --mac "${macs[0]}"
	for n in 1 2 3; do
		expect "port $n after port 1 came back" in_ns "$(wire_ns "$up")" ping -c1 -W2 "$(port_addr4 "$n")"
	done
}

run_tests
