#!/bin/bash
# What CI runs, in timed phases; `.ci/run` and .github/workflows/vmtest.yml both call this, so
# the two cannot drift apart.
#   selftests/ci.sh             .ci/run: a new user's two commands (make demo, make test) and,
#                               beside make test, make vmtest on each kernel of CI_KERNELS; then
#                               the BPF_PROG_RUN level on the first of them with vmtest's own
#                               qemu runner
#   selftests/ci.sh vm KERNEL   make vmtest on KERNEL alone (the workflow: one kernel a job)
# CI_KERNELS: Debian's 6.1 (the oldest kernel nsteer supports) and 6.12 (the newest Debian ships).
#
# Why side by side: the host's suite keeps a CPU busy about half the time (it waits on captures,
# timeouts and the kernel's work queues), and a VM under TCG (no usable KVM here) needs every
# cycle it can get. So the VMs run niced beside make test: the host's tests keep the CPU when they
# want it (nice 10 weighs a tenth of nice 0), and the VMs take the rest. Each VM's output is
# printed whole once make test is over. CI_VM_NICE=0 (or CI_SERIAL=1: one after another) to
# compare. Ends with one line for the whole run: "ci: N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."

CI_KERNELS=${CI_KERNELS:-6.1 6.12}
CI_VM_NICE=${CI_VM_NICE:-10}
LOGS=.output/ci
T0=$SECONDS
phases=() passed=0 failed=0 skipped=0 status=0

mins() { printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); }

# count LOG: adds the last "selftests: N passed, N failed, N skipped" line of LOG to the totals
# (a log without one, from a run that died, counts as one failure).
count() {
	local line
	line=$(tr -d '\r' <"$1" 2>/dev/null | grep -aE '^selftests: [0-9]+ passed, [0-9]+ failed' | tail -1)
	if [ -z "$line" ]; then
		failed=$((failed + 1))
		return
	fi
	# shellcheck disable=SC2046 # the three numbers
	set -- $(sed 's/[^0-9]\+/ /g' <<<"$line")
	passed=$((passed + $1)) failed=$((failed + $2)) skipped=$((skipped + ${3:-0}))
}

record() { # NAME SECONDS RC [NOTE]
	phases+=("$(printf '%-12s %7s  exit %d %s' "$1" "$(mins "$2")" "$3" "${4:-}")")
	[ "$3" -eq 0 ] || status=1
}

# phase NAME CMD...: CMD's output to the terminal and to LOGS/NAME.log, timed.
phase() {
	local name=$1 t0=$SECONDS rc
	shift
	echo "ci: == $name: $*"
	"$@" 2>&1 | tee "$LOGS/$name.log"
	rc=${PIPESTATUS[0]}
	record "$name" $((SECONDS - t0)) "$rc"
	return "$rc"
}

# vm_start KERNEL: make vmtest KERNEL in the background, niced, its output to LOGS/vm-KERNEL.log.
vm_start() {
	echo "ci: == vm-$1: make vmtest KERNEL=$1 (beside make test, nice $CI_VM_NICE; its output follows make test's)"
	(
		t0=$SECONDS
		nice -n "$CI_VM_NICE" make --no-print-directory vmtest KERNEL="$1" >"$LOGS/vm-$1.log" 2>&1
		echo "$? $((SECONDS - t0))" >"$LOGS/vm-$1.status"
	) &
	VM_PIDS+=("$!")
}

# vm_report KERNEL PID: waits for that VM, prints its output, counts its tests.
vm_report() {
	local rc took
	wait "$2"
	echo "ci: == vm-$1: output of make vmtest KERNEL=$1"
	cat "$LOGS/vm-$1.log"
	read -r rc took <"$LOGS/vm-$1.status" || { rc=1 took=0; }
	record "vm-$1" "$took" "$rc" "(beside make test)"
	count "$LOGS/vm-$1.log"
}

mkdir -p "$LOGS"
rm -f "$LOGS"/*.log "$LOGS"/*.status
case ${1:-all} in
all)
	phase deps ./selftests/install-deps.sh vm
	phase demo make --no-print-directory demo
	# The VMs run this machine's binaries: all of them are built before anything starts.
	phase build make --no-print-directory nsteer test-bins
	for k in $CI_KERNELS; do # one at a time: apt's lists take one writer
		phase "fetch-$k" selftests/vm/vmtest.sh -k "$k" --prepare
	done
	VM_PIDS=()
	if [ -z "${CI_SERIAL:-}" ]; then
		for k in $CI_KERNELS; do vm_start "$k"; done
	fi
	phase test make --no-print-directory test
	count "$LOGS/test.log"
	# The qemu runner, kept for machines without virtme-ng, on one level so that it cannot rot.
	phase qemu-runner env VMTEST_RUNNER=qemu make --no-print-directory vmtest \
		KERNEL="${CI_KERNELS%% *}" VMTEST_ARGS=progrun
	count "$LOGS/qemu-runner.log"
	i=0
	for k in $CI_KERNELS; do
		if [ -n "${CI_SERIAL:-}" ]; then
			phase "vm-$k" make --no-print-directory vmtest KERNEL="$k"
			count "$LOGS/vm-$k.log"
		else
			vm_report "$k" "${VM_PIDS[$i]}"
			i=$((i + 1))
		fi
	done
	;;
vm)
	[ -n "${2:-}" ] || { echo "usage: $0 vm KERNEL" >&2; exit 2; }
	phase "vm-$2" make --no-print-directory vmtest KERNEL="$2"
	count "$LOGS/vm-$2.log"
	;;
*) echo "usage: $0 [vm KERNEL]" >&2; exit 2 ;;
esac

echo "ci: phases (total $(mins $((SECONDS - T0)))):"
for p in "${phases[@]}"; do echo "ci:   $p"; done
echo "ci: $passed passed, $failed failed, $skipped skipped"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
