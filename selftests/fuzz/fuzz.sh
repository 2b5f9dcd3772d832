#!/bin/bash
# Runs the datapath fuzzer (nsteer_fuzz, built by `make fuzz`) for SECONDS (default 300) from the
# committed seeds (selftests/fuzz/corpus) and a working corpus it grows (FUZZ_WORK, default
# .output/fuzz-corpus, kept between runs). A disagreement with the model is saved as
# selftests/fuzz/reproducers/crash-<sha1>, which `make test` then replays: rename it after what it
# shows and commit it. Prints execs, exec/s, coverage and corpus size. Needs root.
#   selftests/fuzz/fuzz.sh [SECONDS]
set -uo pipefail
cd "$(dirname "$0")/../.."

secs=${1:-300}
bin=.output/selftests/fuzz/nsteer_fuzz
work=${FUZZ_WORK:-.output/fuzz-corpus}
[ -x "$bin" ] || { echo "fuzz: $bin is missing (make fuzz builds it)" >&2; exit 1; }
mkdir -p "$work" selftests/fuzz/reproducers
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# -timeout: one input takes well under a millisecond; one that hangs is a finding too.
"$bin" -max_total_time="$secs" -timeout=20 -print_final_stats=1 \
	-artifact_prefix=selftests/fuzz/reproducers/ "$work" selftests/fuzz/corpus >"$log" 2>&1
rc=$?

if [ $rc -ne 0 ]; then
	grep -a -A12 -E 'DISAGREEMENT|the lab failed|ERROR: ' "$log" | head -40
	grep -a 'Test unit written to' "$log"
	echo "fuzz: FAILED (exit $rc)"
	exit 1
fi
grep -a -E 'INFO: seed corpus|INITED' "$log" | head -2
grep -a -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1
grep -a -E '^stat::(number_of_executed_units|average_exec_per_sec|new_units_added|peak_rss_mb)' "$log"
grep -a '^nsteer fuzz:' "$log"
echo "fuzz: working corpus $(find "$work" -type f | wc -l) inputs in $work," \
	"$(find selftests/fuzz/corpus -type f | wc -l) seeds"
echo "fuzz: no disagreement in ${secs}s"
