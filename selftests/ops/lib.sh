# Shared by the ops tests: lib.sh of the integration tests (run_tests, fail, skip, labs), and
# what the completion tests need.
source "$(dirname "${BASH_SOURCE[0]}")/../integration/lib.sh"

OPS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
COMPLETION=$NST_ROOT/.output/nsteer.bash-completion

# completions WORD...: what the completion replies, one per line and sorted, when the cursor is at
# the end of the last WORD (give '' to complete a new word). In a fresh bash that has only sourced
# the completion file; COMPLETION_SETUP runs first in it (to override what the test fakes).
completions() {
	bash -c '
		source "$1"; shift
		eval "${COMPLETION_SETUP:-}"
		COMP_WORDS=("$@")
		COMP_CWORD=$(($# - 1))
		COMP_LINE="$*"
		COMP_POINT=${#COMP_LINE}
		_nsteer
		[ ${#COMPREPLY[@]} -eq 0 ] || printf "%s\n" "${COMPREPLY[@]}" | sort' _ "$COMPLETION" "$@"
}

# expect_completions "WORDS" EXPECTED...: completing WORDS (split at spaces; a trailing space
# completes a new word) offers exactly EXPECTED.
expect_completions() {
	local line=$1 got want; shift
	local -a words
	read -ra words <<<"$line"
	[[ $line == *" " ]] && words+=("")
	got=$(completions "${words[@]}")
	want=$( [ $# -eq 0 ] || printf '%s\n' "$@" | sort)
	[ "$got" = "$want" ] || fail "completing '$line': expected [$(echo $want)], got [$(echo $got)]"
}

