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

# library_check ROOT LIBDIR: a program of someone else's builds against the library installed
# under ROOT, with nothing but what pkg-config says of it, and runs.
library_check() {
	local root=$1 libdir=$2 flags
	export PKG_CONFIG_SYSROOT_DIR=$root PKG_CONFIG_PATH=$root$libdir/pkgconfig
	pkg-config --validate libnsteer || fail "pkg-config finds libnsteer.pc invalid"
	[ "$(pkg-config --modversion libnsteer)" = "$(sed -n '1s/^[^(]*(\([^)]*\)).*/\1/p' "$NST_ROOT/debian/changelog")" ] ||
		fail "libnsteer.pc's version is not debian/changelog's"
	flags=$(pkg-config --cflags --libs libnsteer) || fail "pkg-config --cflags --libs libnsteer"
	unset PKG_CONFIG_SYSROOT_DIR PKG_CONFIG_PATH
	cat >"$LAB_TMP/user.c" <<-'EOF'
		#include <nsteer.h>
		#include <stdio.h>
		int main(void)
		{
			unsigned char mac[6];
			char text[NSTEER_MAC_STR_LEN];

			if (nsteer_mac_parse("02:00:00:00:00:0b", mac))
				return 1;
			puts(nsteer_mac_format(mac, text));
			return nsteer_value_of(nsteer_mode_names, "vepa") == NSTEER_MODE_VEPA ? 0 : 1;
		}
	EOF
	# shellcheck disable=SC2086 # pkg-config's words
	cc "$LAB_TMP/user.c" $flags -o "$LAB_TMP/user" 2>"$LAB_TMP/cc.out" ||
		{ cat "$LAB_TMP/cc.out" >&2; fail "a program does not build against the installed library: cc ... $flags"; }
	[ "$("$LAB_TMP/user")" = 02:00:00:00:00:0b ] || fail "the program built against the library gives the wrong answer"
}
