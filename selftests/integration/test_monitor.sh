#!/bin/bash
# `nsteer monitor`: each drop shown as it happens (from the wire and from a port, with its MACs,
# VLAN and ethertype), filters, pcap, one reader per uplink, and the datapath's switch: on only
# while a monitor runs, and a killed monitor's left-on switch reported by status and taken over.
source "$(dirname "$0")/lib.sh"

STRANGER=02:00:00:00:0d:0d # a MAC no port owns
FORGED=02:00:00:00:0e:0e   # a source MAC no port has

switch_value() { # switch_value UPLINK: the pid the datapath's monitor switch names (0: off)
	local dir
	dir=$(pin_dir "$1") || exit 1
	bpftool -j map dump pinned "$dir/monitor" |
		"$NST_PYTHON" -S -c 'import json, sys; d = json.load(sys.stdin)[0]; v = d.get("value", d.get("formatted", {}).get("value")); print(v if isinstance(v, int) else int.from_bytes(bytes(int(x, 16) for x in v), "little"))'
}

# The issue's own test: a spoofed frame and an unknown-MAC drop, each shown within a second.
test_spoofed_and_unknown_drops_show_within_a_second() {
	lab 2 --unknown drop
	local out=$LAB_TMP/mon.json mac1
	mac1=$(port_mac 1)
	monitor_start "$out" "$UP" --json
	send_frames "$(port_ns 1)" eth0 "$BCAST" "$FORGED" 1 SPOOF
	expect_events "$out" 1 "e['reason'] == 'spoofed_src' and e['from'] == 'port' and e['port'] == '$(port_ns 1)' and e['src'] == '$FORGED' and e['dst'] == 'ff:ff:ff:ff:ff:ff' and e['ethertype'] == 0x88b5 and e['vlan'] is None and e['uplink'] == '$UP'" 1
	send_frames "$WIRE" wire0 "$STRANGER" self 1 UNKNOWN
	expect_events "$out" 1 "e['reason'] == 'unknown_dst' and e['from'] == 'wire' and e['port'] is None and e['dst'] == '$STRANGER' and e['ethertype'] == 0x88b5 and e['length'] >= 60 and bytes.fromhex(e['head'])[14:21] == b'UNKNOWN'" 1
	[ "$(events "$out" 'True')" = 2 ] || { cat "$out" >&2; fail "expected exactly the 2 drops sent"; }
	# Nothing dropped for the port's own, rightful traffic.
	send_frames "$WIRE" wire0 "$mac1" self 3 TO_PORT
	sleep 0.3
	[ "$(events "$out" 'True')" = 2 ] || { cat "$out" >&2; fail "frames that were delivered showed as drops"; }
	monitor_stop
}

test_text_line_names_where_why_and_what() {
	lab 1 --unknown drop
	lab_vport "$UP" 2 10
	local out=$LAB_TMP/mon.txt
	monitor_start "$out" "$UP"
	send_frames "$WIRE" wire0 "$STRANGER" self 1 TAGGED 10
	send_frames "$(port_ns 2)" eth0 "$BCAST" "$FORGED" 1 SPOOF
	wait_until 2 test "$(wc -l <"$out")" -ge 2 || { cat "$out" >&2; fail "no two lines"; }
	grep -Eq "^[0-9:.]+ $UP wire unknown_dst [0-9a-f:]{17} > $STRANGER vlan 10 ethertype 0x88b5 length [0-9]+$" "$out" ||
		{ cat "$out" >&2; fail "no text line for the unknown VLAN 10 frame"; }
	grep -Eq "^[0-9:.]+ $UP $(port_ns 2):eth0 spoofed_src $FORGED > ff:ff:ff:ff:ff:ff ethertype 0x88b5 length [0-9]+$" "$out" ||
		{ cat "$out" >&2; fail "no text line for the spoofed frame"; }
	monitor_stop
}

test_filters_by_port_and_reason() {
	lab 2 --unknown drop
	local out=$LAB_TMP/mon.json
	monitor_start "$out" "$UP" --json --port "$(port_ns 2)" --reason spoofed_src
	send_frames "$(port_ns 1)" eth0 "$BCAST" "$FORGED" 2 SPOOF1
	send_frames "$WIRE" wire0 "$STRANGER" self 2 UNKNOWN
	send_frames "$(port_ns 2)" eth0 "$BCAST" "$FORGED" 3 SPOOF2
	expect_events "$out" 3 "e['port'] == '$(port_ns 2)' and e['reason'] == 'spoofed_src'" 2
	sleep 0.3
	[ "$(events "$out" 'True')" = 3 ] || { cat "$out" >&2; fail "the filters let other drops through"; }
	monitor_stop
	# By host veth too, as port list shows it.
	local host2
	host2=$(port_field "$UP" "$(port_ns 2)" host_ifname) || exit 1
	monitor_start "$out" "$UP" --json --port "$host2"
	send_frames "$(port_ns 2)" eth0 "$BCAST" "$FORGED" 1 SPOOF3
	expect_events "$out" 1 "e['port_ifname'] == '$host2' and e['host_ifname'] == '$host2'" 2
	monitor_stop
	# By NETNS:IFNAME, as text names it: one port of a namespace that has two.
	"$NSTEER" port add "$UP" "$(port_ns 2)" --ifname net1 >/dev/null || fail "port add net1"
	monitor_start "$out" "$UP" --json --port "$(port_ns 2):net1"
	send_frames "$(port_ns 2)" eth0 "$BCAST" "$FORGED" 1 SPOOF4
	send_frames "$(port_ns 2)" net1 "$BCAST" "$FORGED" 2 SPOOF5
	expect_events "$out" 2 "e['port'] == '$(port_ns 2)' and e['ifname'] == 'net1'" 2
	sleep 0.3
	[ "$(events "$out" 'True')" = 2 ] || { cat "$out" >&2; fail "--port NETNS:IFNAME let the other port's drops through"; }
	monitor_stop
}

test_pcap_holds_the_frames_heads() {
	lab 1 --unknown drop
	local pcap=$LAB_TMP/drops.pcap
	monitor_start "$LAB_TMP/mon.txt" "$UP" --pcap "$pcap"
	send_frames "$WIRE" wire0 "$STRANGER" self 2 UNKNOWN 7
	wait_until 2 test "$(wc -l <"$LAB_TMP/mon.txt")" -ge 2 || fail "the drops did not show"
	monitor_stop
	"$NST_PYTHON" -S - "$pcap" "$STRANGER" <<'PY' || fail "the pcap file is not what was dropped"
import struct, sys
data = open(sys.argv[1], "rb").read()
magic, major, minor, _, _, snaplen, linktype = struct.unpack("<IHHiIII", data[:24])
assert (magic, major, minor, linktype) == (0xa1b23c4d, 2, 4, 1), (hex(magic), linktype)
off, frames = 24, []
while off < len(data):
    sec, nsec, caplen, length = struct.unpack("<IIII", data[off:off + 16])
    frames.append(data[off + 16:off + 16 + caplen])
    assert caplen <= snaplen and caplen <= length and nsec < 10**9, (caplen, length, nsec)
    off += 16 + caplen
assert len(frames) == 2, len(frames)
dst = bytes(int(x, 16) for x in sys.argv[2].split(":"))
for f in frames:
    assert f[:6] == dst, f[:6].hex()
    assert f[12:14] == b"\x81\x00" and struct.unpack("!H", f[14:16])[0] & 0xfff == 7, f[12:16].hex()
    assert f[16:18] == b"\x88\xb5" and f[18:24] == b"UNKNOW", f[16:24]
PY
}

test_one_monitor_per_uplink() {
	lab 1 --unknown drop
	monitor_start "$LAB_TMP/mon1" "$UP"
	local rc
	"$NSTEER" monitor "$UP" >/dev/null 2>"$LAB_TMP/err2"
	rc=$?
	[ $rc -eq 1 ] || fail "a second monitor of $UP exited $rc, expected 1"
	grep -q "Another nsteer monitor reads the drops of $UP (pid $MONITOR_PID)" "$LAB_TMP/err2" ||
		{ cat "$LAB_TMP/err2" >&2; fail "the refusal does not name the running monitor"; }
	[ "$(switch_value "$UP")" = "$MONITOR_PID" ] || fail "the switch does not name the running monitor"
	monitor_stop
}

# Idle, the datapath describes nothing: the switch is 0 before and after a monitor; a killed
# monitor leaves it on, which status reports, and the next monitor takes over and turns it off.
test_switch_is_off_unless_a_monitor_runs() {
	lab 1 --unknown drop
	[ "$(switch_value "$UP")" = 0 ] || fail "the switch is on before any monitor"
	monitor_start "$LAB_TMP/mon1" "$UP"
	[ "$(switch_value "$UP")" = "$MONITOR_PID" ] || fail "the switch is not on while a monitor runs"
	monitor_stop
	[ "$(switch_value "$UP")" = 0 ] || fail "the switch stayed on after the monitor ended"

	monitor_start "$LAB_TMP/mon2" "$UP"
	local killed=$MONITOR_PID
	kill -KILL "$killed"
	wait "$killed" 2>/dev/null
	send_frames "$WIRE" wire0 "$STRANGER" self 3 WHILE_NOBODY_READS
	problems "$UP" | grep -q "nsteer monitor (pid $killed) was killed" ||
		fail "status does not report the killed monitor's switch: $(problems "$UP")"
	"$NSTEER" status "$UP" >/dev/null 2>&1 && fail "status exits 0 with a problem"
	monitor_start "$LAB_TMP/mon3" "$UP" --json
	send_frames "$WIRE" wire0 "$STRANGER" self 1 FRESH
	expect_events "$LAB_TMP/mon3" 1 "bytes.fromhex(e['head'])[14:19] == b'FRESH'" 2
	[ "$(events "$LAB_TMP/mon3" "b'WHILE' in bytes.fromhex(e['head'])")" = 0 ] ||
		fail "the new monitor showed what the killed one left in the ring"
	monitor_stop
	[ "$(switch_value "$UP")" = 0 ] || fail "the switch stayed on after the monitor that took over ended"
	[ -z "$(problems "$UP")" ] || fail "status still reports: $(problems "$UP")"
}

test_detach_ends_the_monitor() {
	lab 1
	monitor_start "$LAB_TMP/mon" "$UP"
	"$NSTEER" detach "$UP" --ports >/dev/null || fail "detach"
	local i
	for ((i = 0; i < $(patient 30); i++)); do
		kill -0 "$MONITOR_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$MONITOR_PID" 2>/dev/null && fail "the monitor kept running after $UP was detached"
	wait "$MONITOR_PID"
	[ $? -eq 0 ] || fail "the monitor of a detached uplink did not end with 0"
	grep -q "$UP was detached" "$LAB_TMP/mon.err" || fail "the monitor did not say why it ended"
}

test_bad_arguments() {
	lab 1
	local rc
	"$NSTEER" monitor "$UP" --reason port_rejected >/dev/null 2>&1
	rc=$?
	[ $rc -eq 2 ] || fail "--reason port_rejected exited $rc, expected 2 (monitor does not show them)"
	"$NSTEER" monitor "$UP" --reason nonsense >/dev/null 2>&1
	rc=$?
	[ $rc -eq 2 ] || fail "--reason nonsense exited $rc, expected 2"
	"$NSTEER" monitor "$UP" --port no-such-port >/dev/null 2>"$LAB_TMP/err"
	rc=$?
	[ $rc -eq 1 ] && grep -q "No port 'no-such-port'" "$LAB_TMP/err" ||
		fail "--port of no port exited $rc: $(cat "$LAB_TMP/err")"
	"$NSTEER" monitor "${UP}x" >/dev/null 2>&1
	rc=$?
	[ $rc -eq 1 ] || fail "monitor of an unattached device exited $rc, expected 1"
	[ "$(switch_value "$UP")" = 0 ] || fail "a refused monitor left the switch on"
}

run_tests
