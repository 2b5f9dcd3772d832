#!/bin/bash
# The shortest path through nsteer: wire <-> each port, by ping.
# selftests-scope: kernel (the shortest path: each port reached through the kernel's veth and redirect)
source "$(dirname "$0")/lib.sh"

test_ping_wire_to_each_port() {
	lab 3
	for n in 1 2 3; do
		expect "wire -> port $n" in_ns "$(wire_ns "$(uplink)")" ping -c1 -W2 "$(port_addr4 "$n")"
		expect "port $n -> wire" in_ns "$(port_ns "$n")" ping -c1 -W2 "$WIRE_ADDR4"
	done
}

run_tests
