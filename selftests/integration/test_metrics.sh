#!/bin/bash
# `nsteer stats --format prometheus`: what promtool accepts, labelled so that each series names its
# uplink, port, namespace, interface, MAC and VLAN, and counting the frames the test sent. And
# stats' text and JSON, which name each port by namespace and interface.
# selftests-modes: auto (counters read from maps, whichever program wrote them)
source "$(dirname "$0")/lib.sh"

# prom_value FILE METRIC LABEL=VALUE...: the value of the one series of METRIC in FILE whose labels
# include all those given (fails unless exactly one matches).
prom_value() {
	"$NST_PYTHON" -S - "$@" <<'PY'
import re, sys
path, metric, want = sys.argv[1], sys.argv[2], dict(a.split("=", 1) for a in sys.argv[3:])
line_re = re.compile(r'^([a-z_]+)\{(.*)\} (\d+)$')
label_re = re.compile(r'([a-z_]+)="((?:[^"\\]|\\.)*)"')
hits = []
for line in open(path):
    m = line_re.match(line.strip())
    if not m or m.group(1) != metric:
        continue
    labels = dict(label_re.findall(m.group(2)))
    if all(labels.get(k) == v for k, v in want.items()):
        hits.append(int(m.group(3)))
if len(hits) != 1:
    sys.exit("%d series of %s with %s" % (len(hits), metric, want))
print(hits[0])
PY
}

test_prometheus_exposition_is_valid_and_counts_each_port() {
	command -v promtool >/dev/null || fail "promtool is missing (Debian package prometheus; make deps installs it)"
	lab 1
	lab_vport "$UP" 2 10
	# A second port in port 1's namespace: the interface label tells the two apart.
	expect "port add --ifname e1" "$NSTEER" port add "$UP" "$(port_ns 1)" --ifname e1
	local out=$LAB_TMP/stats.prom host1 host1e host2 mac1 mac1e mac2 rx_before rx_after
	host1=$(port_field "$UP" "$(port_ns 1)" host_ifname eth0) || exit 1
	host1e=$(port_field "$UP" "$(port_ns 1)" host_ifname e1) || exit 1
	host2=$(port_field "$UP" "$(port_ns 2)" host_ifname) || exit 1
	mac1=$(port_mac 1)
	mac1e=$(mac_of "$(port_ns 1)" e1)
	mac2=$(port_mac 2)

	"$NSTEER" stats "$UP" --format prometheus >"$out" || fail "stats --format prometheus: exit $?"
	rx_before=$(prom_value "$out" nsteer_rx_packets_total uplink="$UP" port="$host1") || exit 1

	send_frames "$WIRE" wire0 "$mac1" self 5 TO_PORT1
	# Three frames whose source is not port 2's MAC: the datapath drops them as spoofed.
	send_frames "$(port_ns 2)" eth0 "$BCAST" 02:00:00:00:0e:0e 3 SPOOFED

	"$NSTEER" stats "$UP" --format prometheus >"$out" || fail "stats --format prometheus: exit $?"
	promtool check metrics <"$out" >"$LAB_TMP/promtool.out" 2>&1 ||
		{ cat "$LAB_TMP/promtool.out" >&2; fail "promtool check metrics rejected the output"; }

	rx_after=$(prom_value "$out" nsteer_rx_packets_total uplink="$UP" port="$host1" \
		namespace="$(port_ns 1)" interface=eth0 mac="$mac1" vlan="") || exit 1
	[ $((rx_after - rx_before)) -ge 5 ] ||
		fail "port 1 rx_packets went from $rx_before to $rx_after after 5 frames to it"
	prom_value "$out" nsteer_rx_packets_total uplink="$UP" port="$host1e" \
		namespace="$(port_ns 1)" interface=e1 mac="$mac1e" vlan="" >/dev/null || exit 1
	local spoofed
	spoofed=$(prom_value "$out" nsteer_drops_total uplink="$UP" port="$host2" \
		namespace="$(port_ns 2)" interface=eth0 mac="$mac2" vlan=10 reason=spoofed_src) || exit 1
	[ "$spoofed" = 3 ] || fail "port 2 spoofed_src drops: $spoofed, expected 3"
	# The uplink's own counters: one series per family with empty port labels.
	prom_value "$out" nsteer_rx_packets_total uplink="$UP" port="" namespace="" interface="" >/dev/null || exit 1
	# Every drop reason `stats --json` knows, on every series, so that a dashboard's rate() sees
	# a reason from zero rather than from its first drop.
	local want got
	want=$("$NSTEER" stats "$UP" --json | "$NST_PYTHON" -S -c '
import json, sys
print(" ".join(sorted(json.load(sys.stdin)[0]["counters"]["drops"])))') || fail "stats --json"
	for port in "$host1" "$host1e" "$host2" ""; do
		got=$(grep "^nsteer_drops_total{uplink=\"$UP\",port=\"$port\"," "$out" |
			sed 's/.*reason="\([a-z_]*\)".*/\1/' | sort | tr '\n' ' ')
		[ "${got% }" = "$want" ] || fail "drop reasons of port '$port': '$got', expected '$want'"
	done
}

test_prometheus_exposition_without_uplinks_is_still_valid() {
	# For one uplink that does not exist nsteer fails as `stats` does; for all of none it prints
	# only the families' HELP and TYPE, which a scrape must accept. Uplinks are per network
	# namespace: a namespace of the test's own has none, whatever other tests attach here.
	lab_extras
	local out=$LAB_TMP/empty.prom ns="nst${LAB_ID}none"
	LAB_NETNS+=("$ns")
	ip netns add "$ns" || fail "ip netns add $ns"
	ip netns exec "$ns" "$NSTEER" stats --format prometheus >"$out" ||
		fail "stats --format prometheus with no uplink: exit $?"
	promtool check metrics <"$out" || fail "promtool rejected the output with no uplink"
	grep -q '^# TYPE nsteer_drops_total counter$' "$out" || fail "no TYPE line for nsteer_drops_total"
	grep -q '^nsteer_' "$out" && fail "series with no uplink in $ns: $(grep -m3 '^nsteer_' "$out")"
	local rc=0
	"$NSTEER" stats nsu-none-$$ --format prometheus >/dev/null 2>&1 || rc=$?
	[ $rc = 1 ] || fail "stats of an unattached device: exit $rc, expected 1"
}

# Two ports in one namespace are two rows, told apart by IFNAME (text) and "ifname" (JSON); the
# uplink's own row has none.
test_stats_text_and_json_name_each_ports_interface() {
	lab 1
	local p1 out
	p1=$(port_ns 1)
	expect "port add --ifname e1" "$NSTEER" port add "$UP" "$p1" --ifname e1
	out=$("$NSTEER" stats "$UP") || fail "stats: exit $?"
	grep -qE '^UPLINK +PORT +IFNAME +RX-PACKETS +RX-BYTES +TX-PACKETS +TX-BYTES +DROPS$' <<<"$out" ||
		fail "stats' header has no IFNAME column: $(head -1 <<<"$out")"
	grep -qE "^$UP +\(uplink\) +- +[0-9]+ " <<<"$out" || fail "no uplink row with IFNAME '-': $out"
	grep -qE "^$UP +$p1 +eth0 +[0-9]+ " <<<"$out" || fail "no row for $p1 eth0: $out"
	grep -qE "^$UP +$p1 +e1 +[0-9]+ " <<<"$out" || fail "no row for $p1 e1: $out"
	"$NSTEER" stats "$UP" --json | UP="$UP" P1="$p1" "$NST_PYTHON" -S -c '
import json, os, sys
rows = sorted((r["uplink"], r["port"], r["ifname"]) for r in json.load(sys.stdin))
want = sorted([(os.environ["UP"], "(uplink)", None), (os.environ["UP"], os.environ["P1"], "eth0"),
               (os.environ["UP"], os.environ["P1"], "e1")])
sys.exit(0 if rows == want else "stats --json rows %r, expected %r" % (rows, want))' ||
		fail "stats --json does not name each port's interface"
}

run_tests
