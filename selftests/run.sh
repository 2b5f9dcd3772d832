#!/bin/bash
# Runs every selftest level and prints one closing line "selftests: N passed, N failed, N skipped".
#   unit         Criterion tests of user-space logic (no root needed for most)
#   ops          shell tests of nsteer as a system tool, run once: the man page and the bash
#                completion against --help, make install and uninstall, and the completion
#                against one lab's attached uplink
#   progrun      Criterion tests running each BPF program on crafted frames (BPF_PROG_RUN)
#   fuzz         the datapath fuzzer's reproducers and seeds replayed (one test each), then a
#                short fuzz run (FUZZ_TEST_TIME seconds, default 45) counted as one test
#   integration  shell tests: namespaces, veth "NICs", real traffic
#   nic          the same on real NIC drivers (virtio-net, e1000): only in `make vmtest`'s VM,
#                which makes the NICs; skipped elsewhere
# Usage: selftests/run.sh [unit|ops|progrun|fuzz|integration|nic]... (default: all). Needs root.
set -uo pipefail
cd "$(dirname "$0")/.."

# SELFTESTS_SCOPE=kernel: only what another kernel can change, for `make vmtest`, whose VM runs
# this machine's binaries: the unit and ops levels (user-space logic, documents, packaging) and
# the integration files without "selftests-scope: kernel" stay with the host's run.
SCOPE=${SELFTESTS_SCOPE:-all}
levels=("$@")
if [ ${#levels[@]} -eq 0 ]; then
	case $SCOPE in
	all) levels=(unit ops progrun fuzz integration nic) ;;
	kernel) levels=(progrun fuzz integration nic) ;;
	*) echo "unknown SELFTESTS_SCOPE '$SCOPE' (all or kernel)" >&2; exit 2 ;;
	esac
fi
passed=0 failed=0 skipped=0
failures=()
RUN_OUT=$(mktemp)
trap 'rm -f "$RUN_OUT"' EXIT

if [ "$(id -u)" -ne 0 ]; then
	echo "selftests: must run as root (they create namespaces and load BPF programs)" >&2
	exit 1
fi

count_criterion() { # name, output
	local line t p f c
	line=$(grep -a 'Synthesis:' <<<"$2" | tail -1)
	if [ -z "$line" ]; then
		failed=$((failed + 1)); failures+=("$1: no Criterion summary (crashed?)")
		return
	fi
	t=$(sed -n 's/.*Tested: \([0-9]*\).*/\1/p' <<<"$line")
	p=$(sed -n 's/.*Passing: \([0-9]*\).*/\1/p' <<<"$line")
	f=$(sed -n 's/.*Failing: \([0-9]*\).*/\1/p' <<<"$line")
	c=$(sed -n 's/.*Crashing: \([0-9]*\).*/\1/p' <<<"$line")
	s=$(grep -ac '\[SKIP\]' <<<"$2")
	passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
	[ "$f" -gt 0 ] && failures+=("$1: $f of $t failed ($c crashed)")
}

run_criterion_dir() { # dir
	local bin out t0
	for bin in .output/selftests/"$1"/test_*; do
		[ -x "$bin" ] || continue
		echo "== $bin"
		t0=$SECONDS
		out=$("$bin" --verbose=1 -j1 2>&1)
		echo "$out" | grep -aE '\[(FAIL|SKIP|----)\]|Synthesis|Assertion' || true
		echo "-- $bin: $((SECONDS - t0)) s"
		count_criterion "$bin" "$out"
	done
}

# Every integration test runs once per attach mode (XDP_MODES, default: auto native skb): the
# datapath must behave the same with native XDP, generic XDP and tc alone. On the labs' veth
# uplinks auto picks tc alone (off), with the wire's offloads left on as `ip link add` sets them.
run_shell_test() { # FILE LABEL [VAR=VALUE...]
	local t=$1 label=$2 out rc t0 n
	shift 2
	echo "== $t$label"
	t0=$SECONDS
	# Streamed as it comes, so that a slow or stuck test shows where it is (in a VM's log too).
	env "$@" bash "$t" 2>&1 | tee "$RUN_OUT"
	rc=${PIPESTATUS[0]}
	out=$(cat "$RUN_OUT")
	echo "-- $t$label: $((SECONDS - t0)) s"
	passed=$((passed + $(grep -c '^PASS: ' <<<"$out")))
	skipped=$((skipped + $(grep -c '^SKIP: ' <<<"$out")))
	n=$(grep -c '^FAIL: ' <<<"$out")
	if [ "$n" -eq 0 ] && [ $rc -ne 0 ]; then n=1; fi
	failed=$((failed + n))
	[ "$n" -gt 0 ] && failures+=("$t$label: $n failed (exit $rc)")
}

# A fresh working corpus each time: the run's length, not an earlier run's finds, bounds it.
run_fuzz() {
	local out rc work t0
	run_criterion_dir fuzz
	t0=$SECONDS
	echo "== selftests/fuzz/fuzz.sh ${FUZZ_TEST_TIME:-45}"
	work=$(mktemp -d)
	out=$(FUZZ_WORK=$work selftests/fuzz/fuzz.sh "${FUZZ_TEST_TIME:-45}" 2>&1); rc=$?
	rm -rf "$work"
	echo "$out"
	echo "-- selftests/fuzz/fuzz.sh: $((SECONDS - t0)) s"
	if [ $rc -eq 0 ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1)); failures+=("fuzz: the datapath disagreed with the model (see above)")
	fi
}

# An integration test file runs in every mode of XDP_MODES (above) unless it narrows that, and
# in a VM only if it asks to, with lines of its own:
#   # selftests-modes: auto native   the modes in which it can find different bugs; the others
#                                    run the same code, as it says in brackets after the tag.
#                                    XDP_MODES, when set, overrides it.
#   # selftests-scope: kernel        what it tests depends on the kernel beyond what the VM's
#                                    other levels (BPF_PROG_RUN of every program, the fuzzer's
#                                    replay, the real-NIC lab) already cover; the brackets say
#                                    what. With SELFTESTS_SCOPE=kernel (make vmtest's default)
#                                    only these run, and the others are named as left to the
#                                    host's run.
#   # selftests-host-only: NAME...   in such a file, the tests that stay with the host's run
#                                    all the same (integration/lib.sh reads it).
# tag FILE NAME: the words of that line before its "(why)".
tag() { sed -n "s/^# selftests-$2: *\([^(]*\).*/\1/p" "$1" | head -1 | awk '{ $1 = $1; print }'; }

run_integration() {
	local t mode modes left=()
	for mode in ${XDP_MODES:-auto native skb}; do
		for t in selftests/integration/test_*.sh; do
			if [ "$SCOPE" = kernel ] && [ "$(tag "$t" scope)" != kernel ]; then
				[[ " ${left[*]} " == *" ${t##*/} "* ]] || left+=("${t##*/}")
				continue
			fi
			modes=$(tag "$t" modes)
			if [ -z "${XDP_MODES:-}" ] && [ -n "$modes" ] && [[ " $modes " != *" $mode "* ]]; then
				continue
			fi
			run_shell_test "$t" " (xdp-mode $mode)" XDP_MODE="$mode"
		done
	done
	[ ${#left[@]} -eq 0 ] || echo "-- left to the host's run (no selftests-scope: kernel): ${left[*]}"
}

for level in "${levels[@]}"; do
	case $level in
	unit | progrun) run_criterion_dir "$level" ;;
	ops) for t in selftests/ops/test_*.sh; do run_shell_test "$t" ""; done ;;
	fuzz) run_fuzz ;;
	integration) run_integration ;;
	nic) for t in selftests/nic/test_*.sh; do run_shell_test "$t" ""; done ;;
	*) echo "unknown level '$level'" >&2; exit 2 ;;
	esac
done

# Tests must leave the machine as they found it.
if ip -d link show eth0 2>/dev/null | grep -q 'prog/xdp'; then
	failures+=("an XDP program is attached to eth0"); failed=$((failed + 1))
fi
# Pins live in /sys/fs/bpf/nsteer/netns-COOKIE/IFINDEX-NAME/, and a namespace's folder goes with
# its last uplink's (pin_dir_remove): a clean run leaves the root empty. An empty netns-* folder
# is named too: only a detach killed between its two removals leaves one.
pins_left=()
for d in /sys/fs/bpf/nsteer/*; do
	[ -e "$d" ] || continue
	case ${d##*/} in
	netns-*)
		if [ -n "$(ls -A "$d" 2>/dev/null)" ]; then
			for u in "$d"/*; do pins_left+=("${d##*/}/${u##*/}"); done
		else
			pins_left+=("${d##*/} (empty)")
		fi
		;;
	*) pins_left+=("${d##*/} (the layout before netns-*)") ;;
	esac
done
if [ ${#pins_left[@]} -gt 0 ]; then
	failures+=("pins left under /sys/fs/bpf/nsteer: ${pins_left[*]}")
	failed=$((failed + 1))
fi
if ip netns list | grep -q '^nst'; then
	failures+=("namespaces left: $(ip netns list | grep '^nst' | cut -d' ' -f1 | tr '\n' ' ')")
	failed=$((failed + 1))
fi

for f in "${failures[@]}"; do echo "FAILED: $f"; done
echo "selftests: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
