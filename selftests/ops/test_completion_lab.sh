#!/bin/bash
# The bash completion against a real attached uplink: what test_docs.sh fakes (the pin root's
# uplinks, nsteer port list's JSON) comes here from nsteer itself, in a lab (lib.sh) of one veth
# uplink with two ports.
source "$(dirname "$0")/lib.sh"

NSTEER_BIN=$NST_ROOT/nsteer

# offers CMD... -- NAME...: completing `nsteer CMD...` (its last word the one completed) offers
# every NAME.
offers() {
	local -a words=()
	local got n
	while [ "$1" != -- ]; do words+=("$1"); shift; done
	shift
	got=$(completions "$NSTEER_BIN" "${words[@]}")
	for n in "$@"; do
		grep -qxF -- "$n" <<<"$got" || fail "completing 'nsteer ${words[*]}' does not offer $n: [$(echo $got)]"
	done
}

test_completion_of_an_attached_uplink() {
	[ -r "$COMPLETION" ] || fail "$COMPLETION is missing (make)"
	lab 2
	local p1 p2 got
	p1=$(port_ns 1)
	p2=$(port_ns 2)
	offers status '' -- "$UP"
	offers detach "${UP:0:3}" -- "$UP"
	offers port list '' -- "$UP"
	offers port del '' -- "$UP"
	offers attach '' -- "$UP" lo
	offers port add "$UP" '' -- "$p1" "$p2" "$WIRE"
	[ "$(completions "$NSTEER_BIN" port del "$UP" '')" = "$(printf '%s\n' "$p1" "$p2" | sort)" ] ||
		fail "port del $UP offers [$(completions "$NSTEER_BIN" port del "$UP" '' | tr '\n' ' ')], not its two ports"

	"$NSTEER" port del "$UP" "$p2" >/dev/null || fail "port del $UP $p2"
	got=$(completions "$NSTEER_BIN" port del "$UP" '')
	[ "$got" = "$p1" ] || fail "after port del, port del $UP offers [$(echo $got)], not $p1 alone"

	"$NSTEER" detach "$UP" --ports >/dev/null || fail "detach $UP --ports"
	got=$(completions "$NSTEER_BIN" status '')
	! grep -qxF -- "$UP" <<<"$got" || fail "status still offers $UP after detach"
	[ -z "$(completions "$NSTEER_BIN" port del "$UP" '')" ] || fail "port del offers ports of a detached $UP"
}

run_tests
