#!/bin/bash
# nsteer as a system tool: the man page and the bash completion, both generated from the command
# table (make builds .output/nsteer.8 and .output/nsteer.bash-completion), must say what --help
# says, and make install / make uninstall must put them, and take them, where they belong. No
# namespace, interface or BPF program is made: what needs an attached uplink is faked (a pin root
# the completion is pointed at, an `ip` and an `nsteer` that print canned output), and
# test_completion_lab.sh checks the same against a real one.
source "$(dirname "$0")/lib.sh"

NSTEER_BIN=$NST_ROOT/nsteer
MAN_PAGE=$NST_ROOT/.output/nsteer.8

needs_docs() {
	[ -x "$NSTEER_BIN" ] && [ -r "$MAN_PAGE" ] && [ -r "$COMPLETION" ] ||
		fail "build first: make nsteer .output/nsteer.8 .output/nsteer.bash-completion"
	command -v groff >/dev/null && command -v man >/dev/null ||
		skip "groff and man are not installed (selftests/install-deps.sh installs them)"
}

# render FILE: the page as plain text, on lines long enough that no word is broken or hyphenated.
render() { groff -man -Tascii -rLL=2000n -rHY=0 -P-bou "$1"; }

# ---- the man page ----

test_man_renders_without_warnings() {
	needs_docs
	local out
	out=$(groff -man -Tutf8 -ww -z "$MAN_PAGE" 2>&1)
	[ -z "$out" ] || fail "groff -ww warns: $out"
	out=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings=all -l "$MAN_PAGE" 2>&1 >/dev/null)
	[ -z "$out" ] || fail "man --warnings -l warns: $out"
}

test_man_has_every_section() {
	needs_docs
	local text s
	text=$(render "$MAN_PAGE")
	for s in NAME SYNOPSIS DESCRIPTION COMMANDS "EXIT STATUS" ENVIRONMENT FILES EXAMPLES "SEE ALSO"; do
		grep -qx "$s" <<<"$text" || fail "no section $s"
	done
	grep -q 'ip-netns(8), bpftool(8), xdp-loader(8), tc(8)' <<<"$text" || fail "SEE ALSO is incomplete"
	# An uplink's folder tells its namespace and device apart: netns-COOKIE/IFINDEX-NAME.
	grep -qE '/sys/fs/bpf/nsteer/netns-[A-Z]+/[A-Z]+-[A-Z]+/' <<<"$text" ||
		fail "FILES does not name the pins' folder (/sys/fs/bpf/nsteer/netns-COOKIE/IFINDEX-NAME/)"
	grep -q '/sys/fs/bpf/nsteer/DEV/' <<<"$text" &&
		fail "the page names /sys/fs/bpf/nsteer/DEV/, the layout before netns-COOKIE/IFINDEX-NAME"
	grep -q 'NSTEER_LOCK_WAIT' <<<"$text" || fail "ENVIRONMENT does not name NSTEER_LOCK_WAIT"
}

# --help names where the state lives as the man page does, not as nsteer 0.1 kept it.
test_help_names_the_pins_folder() {
	needs_docs
	local cmd out
	for cmd in "" attach; do
		out=$("$NSTEER_BIN" $cmd --help) || fail "nsteer ${cmd:+$cmd }--help: exit $?"
		grep -q '/sys/fs/bpf/nsteer/DEV/' <<<"$out" &&
			fail "nsteer ${cmd:+$cmd }--help names /sys/fs/bpf/nsteer/DEV/, the layout before netns-COOKIE/IFINDEX-NAME: $(grep '/sys/fs/bpf/nsteer/DEV/' <<<"$out")"
	done
	return 0
}

test_man_says_all_help_says() {
	needs_docs
	lab_extras
	render "$MAN_PAGE" >"$LAB_TMP/man.txt"
	"$NST_PYTHON" "$OPS_DIR/man_vs_help.py" "$NSTEER_BIN" "$LAB_TMP/man.txt" >"$LAB_TMP/check.out" ||
		{ cat "$LAB_TMP/check.out" >&2; fail "the man page lacks what --help says"; }
}

test_man_exit_statuses_are_helps() {
	needs_docs
	local text line status meaning
	text=$(render "$MAN_PAGE" | sed -n '/^EXIT STATUS$/,/^[A-Z]/p')
	line=$("$NSTEER_BIN" --help | sed -n 's/^Exit status: \(.*\)\.$/\1/p')
	[ -n "$line" ] || fail "nsteer --help names no exit status"
	while read -r status meaning; do
		grep -qE "^ +$status +$meaning\$" <<<"$text" || fail "EXIT STATUS lacks '$status $meaning'"
	done < <(tr ',' '\n' <<<"$line")
}

# ---- make install / make uninstall ----

# service_unit_check UNIT SBIN_NSTEER ROOT: the installed nsteer.service runs SBIN_NSTEER apply on
# the default configuration, once, at boot, only when the file exists; systemd-analyze verify finds
# nothing wrong in it (with its commands pointed at ROOT, where they are installed) and says
# nothing at all (verify warns of unknown settings and values but still exits 0).
service_unit_check() {
	local unit=$1 bin=$2 root=$3 want line out
	for want in "Type=oneshot" "RemainAfterExit=yes" "ExecStart=$bin apply /etc/nsteer/nsteer.conf" \
		"ConditionPathExists=/etc/nsteer/nsteer.conf" "After=network-online.target" \
		"WantedBy=multi-user.target"; do
		grep -qxF "$want" "$unit" || fail "$unit has no line $want"
	done
	command -v systemd-analyze >/dev/null || { echo "  (no systemd-analyze: unit not verified)"; return 0; }
	mkdir -p "$LAB_TMP/unit"
	sed "s|=$bin |=$root$bin |" "$unit" >"$LAB_TMP/unit/nsteer.service"
	out=$(systemd-analyze verify --man=no "$LAB_TMP/unit/nsteer.service" 2>&1) ||
		{ echo "$out" >&2; fail "systemd-analyze verify fails on nsteer.service"; }
	[ -z "$out" ] || { echo "$out" >&2; fail "systemd-analyze verify complains about nsteer.service"; }
}

test_install_and_uninstall() {
	needs_docs
	lab_extras
	local root=$LAB_TMP/root f left
	local files=(usr/sbin/nsteer usr/lib/cni/nsteer usr/share/man/man8/nsteer.8
		usr/share/bash-completion/completions/nsteer usr/lib/systemd/system/nsteer.service
		usr/lib/libnsteer.a usr/include/nsteer/nsteer.h usr/include/nsteer/nsteer_shared.h
		usr/lib/pkgconfig/libnsteer.pc)
	make -C "$NST_ROOT" --no-print-directory install DESTDIR="$root" PREFIX=/usr >"$LAB_TMP/make.out" 2>&1 ||
		{ cat "$LAB_TMP/make.out" >&2; fail "make install failed"; }
	for f in "${files[@]}"; do
		[ -f "$root/$f" ] || fail "make install did not install /$f"
	done
	[ -x "$root/usr/sbin/nsteer" ] && [ -x "$root/usr/lib/cni/nsteer" ] || fail "binaries not executable"
	"$root/usr/sbin/nsteer" --help >/dev/null || fail "the installed nsteer does not run"
	cmp -s "$MAN_PAGE" "$root/usr/share/man/man8/nsteer.8" || fail "installed man page differs"
	cmp -s "$COMPLETION" "$root/usr/share/bash-completion/completions/nsteer" ||
		fail "installed completion differs"
	LC_ALL=C.UTF-8 MANWIDTH=80 man -l "$root/usr/share/man/man8/nsteer.8" >"$LAB_TMP/man.out" 2>&1 ||
		{ cat "$LAB_TMP/man.out" >&2; fail "man -l of the installed page failed"; }
	grep -q '^NAME' "$LAB_TMP/man.out" || fail "man -l of the installed page printed no NAME"
	service_unit_check "$root/usr/lib/systemd/system/nsteer.service" /usr/sbin/nsteer "$root"
	# man finds it by name where PREFIX puts it.
	[ "$(MANPATH="$root/usr/share/man" man -w nsteer 2>&1)" = "$root/usr/share/man/man8/nsteer.8" ] ||
		fail "man -w nsteer does not find the installed page"
	library_check "$root" /usr/lib
	make -C "$NST_ROOT" --no-print-directory uninstall DESTDIR="$root" PREFIX=/usr >"$LAB_TMP/make.out" 2>&1 ||
		{ cat "$LAB_TMP/make.out" >&2; fail "make uninstall failed"; }
	left=$(find "$root" ! -type d)
	[ -z "$left" ] || fail "make uninstall left: $left"
}

# ---- the bash completion ----

# expect_completions_of "WORDS" CMD...: completing WORDS offers exactly what CMD lists, one per
# line. Other tests may be adding and removing interfaces and namespaces meanwhile (a CI run's
# labs), so the two are compared up to five times, and must agree once.
expect_completions_of() {
	local line=$1 i got want; shift
	local -a words
	read -ra words <<<"$line"
	[[ $line == *" " ]] && words+=("")
	for ((i = 0; i < 5; i++)); do
		want=$("$@" | sort)
		got=$(completions "${words[@]}")
		[ "$got" = "$want" ] && return 0
		sleep 0.2
	done
	fail "completing '$line': expected [$(echo $want)], got [$(echo $got)]"
}

# The commands of nsteer --help (the first word of each line of its list), and the subcommands
# of CMD (the second word of CMD's lines, when it is one).
help_list() { "$NSTEER_BIN" --help | sed -n '/^Commands:/,/^$/p'; }
help_commands() { help_list | awk '/^  [a-z]/ { print $1 }' | uniq; }
help_subcommands() { help_list | awk -v c="$1" '/^  [a-z]/ && $1 == c && $2 ~ /^[a-z]+$/ { print $2 }'; }
# help_options CMD [SUB]: the options its --help names.
help_options() { "$NSTEER_BIN" "$@" --help | grep -o -- '--[a-z][a-z-]*' | sort -u; }
# help_choices CMD OPTION: the values its synopsis gives the option, "[--mode bridge|private|vepa]".
help_choices() {
	"$NSTEER_BIN" "$1" --help | tr -s ' \n' ' ' | grep -o -- "\[$2 [a-z|]*\]" |
		sed 's/.* \(.*\)]/\1/' | tr '|' '\n'
}

test_completion_commands() {
	needs_docs
	local cmds
	mapfile -t cmds < <(help_commands)
	[ ${#cmds[@]} -ge 7 ] || fail "nsteer --help lists ${#cmds[@]} commands"
	expect_completions "nsteer " "${cmds[@]}"
	expect_completions "nsteer -v " "${cmds[@]}"
	expect_completions "nsteer st" status stats
	expect_completions "nsteer -" -v --verbose -h --help
}

test_completion_subcommands() {
	needs_docs
	local subs
	mapfile -t subs < <(help_subcommands port)
	[ "${subs[*]}" = "add del list" ] || fail "nsteer --help lists port subcommands '${subs[*]}'"
	expect_completions "nsteer port " "${subs[@]}" --help
	expect_completions "nsteer -v port d" del
}

test_completion_options_of_every_command() {
	needs_docs
	local cmd sub subs opts
	mapfile -t opts < <(help_options attach)
	[ ${#opts[@]} -ge 4 ] || fail "attach --help names options '${opts[*]}'"
	expect_completions "nsteer attach eth0 --" "${opts[@]}" --help
	while read -r cmd; do
		subs=$(help_subcommands "$cmd")
		if [ -z "$subs" ]; then
			mapfile -t opts < <(help_options "$cmd")
			expect_completions "nsteer $cmd x -" "${opts[@]}" --help
			continue
		fi
		for sub in $subs; do
			mapfile -t opts < <(help_options "$cmd" "$sub")
			expect_completions "nsteer $cmd $sub x -" "${opts[@]}" --help
		done
	done < <(help_commands)
}

test_completion_option_values() {
	needs_docs
	local opt choices
	choices=$(help_choices attach --xdp-mode)
	[ "$(echo $choices)" = "auto native skb off" ] || fail "attach --help gives --xdp-mode '$choices'"
	expect_completions "nsteer attach x --xdp-mode " $choices
	for opt in --mode --unknown; do
		choices=$(help_choices attach $opt)
		[ -n "$choices" ] || fail "attach --help gives no values for $opt"
		expect_completions "nsteer attach x $opt " $choices
	done
	expect_completions "nsteer attach x --xdp-mode n" native
	# --mode=b: COMP_WORDBREAKS splits it into three words.
	expect_completions "nsteer attach x --mode = b" bridge
	# A value taken, the next word is an argument or an option again.
	expect_completions "nsteer attach x --mode vepa --u" --unknown
	expect_completions "nsteer stats --interval "
}

test_completion_interfaces_for_attach() {
	needs_docs
	expect_completions_of "nsteer attach " ls /sys/class/net
	expect_completions_of "nsteer attach l" sh -c 'ls /sys/class/net | grep "^l"'
	expect_completions "nsteer attach lo --mode private "
}

# The uplinks are the directories of the pin root; the completion is pointed at a fake one.
test_completion_uplinks() {
	needs_docs
	lab_extras
	local pins=$LAB_TMP/pins
	# lo (ifindex 1 in every namespace) attached as up0, since renamed; a device that is gone.
	mkdir -p "$pins/netns-1/1-up0" "$pins/netns-1/2147483000-gone0" && touch "$pins/not-an-uplink"
	export COMPLETION_SETUP="_nsteer_pin_root=$pins"
	expect_completions "nsteer status " lo
	expect_completions "nsteer detach l" lo
	expect_completions "nsteer port list l" lo
	expect_completions "nsteer stats --count 2 --interval 1 " lo
	expect_completions "nsteer port add " lo
	expect_completions "nsteer port del lo --pid 1 "
	rmdir "$pins/netns-1/1-up0"
	expect_completions "nsteer status "
}

# ---- README's Layout ----

# Every file of the tree is named in README's Layout (layout_check.py says how), so that a new file
# cannot go undocumented; and the check itself notices one that is not.
test_layout_names_every_file() {
	local files out
	if git -C "$NST_ROOT" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		files=$(git -C "$NST_ROOT" ls-files)
	else
		files=$(cd "$NST_ROOT" && find . -type f ! -path './.output/*' ! -path './.git/*' \
			! -name nsteer ! -name nsteer-cni | sed 's|^\./||')
	fi
	# shellcheck disable=SC2086 # one path per word
	out=$(cd "$NST_ROOT" && "$NST_PYTHON" selftests/ops/layout_check.py README.md $files) ||
		fail "README's Layout does not name: $(echo $out)"
	out=$(cd "$NST_ROOT" && "$NST_PYTHON" selftests/ops/layout_check.py README.md src/undocumented.c)
	[ "$out" = src/undocumented.c ] || fail "the check let an undocumented file pass: '$out'"
}

# README's src/ row is read bottom-up: each library module calls only those listed before it (so
# there is no call cycle), by the symbols the built objects use.
test_library_layering_as_readme_says() {
	local objs=$NST_ROOT/.output/lib out
	ls "$objs"/*.o >/dev/null 2>&1 || skip "no library objects in $objs (make builds them)"
	out=$("$NST_PYTHON" "$NST_ROOT/selftests/ops/layering_check.py" "$NST_ROOT/README.md" "$objs") ||
		fail "the library's layering is not README's: $out"
	# The check must see a module listed above one it calls: state, moved to the front.
	sed '/^| `src\/` |/ s/`log`/`state`, `log`/' "$NST_ROOT/README.md" >"$LAB_TMP/README.md"
	"$NST_PYTHON" "$NST_ROOT/selftests/ops/layering_check.py" "$LAB_TMP/README.md" "$objs" \
		>/dev/null && fail "the layering check passed state listed first"
	true
}

# `port add DEV` offers every namespace of `ip netns list`, here a fake one on PATH.
test_completion_netns_for_port_add() {
	needs_docs
	lab_extras
	mkdir -p "$LAB_TMP/bin"
	printf '#!/bin/sh\n[ "$*" = "netns list" ] && printf "%%s\\n" "nstfake1 (id: 3)" nstfake2\n' >"$LAB_TMP/bin/ip"
	chmod +x "$LAB_TMP/bin/ip"
	export COMPLETION_SETUP="PATH=$LAB_TMP/bin:\$PATH"
	expect_completions "nsteer port add up0 " nstfake1 nstfake2
	expect_completions "nsteer port add up0 --vlan 10 nstfake2" nstfake2
	expect_completions "nsteer port add up0 nstfake1 "
	expect_completions "nsteer port add up0 --netns-path /x "
	# And with the real ip: whatever namespaces this machine has, none made here.
	unset COMPLETION_SETUP
	expect_completions_of "nsteer port add up0 " sh -c "ip netns list | cut -d' ' -f1"
}

# `port del DEV` offers the namespaces that nsteer port list DEV --json names: here an nsteer
# that prints what render.c prints for two ports, and records how it was asked.
test_completion_ports_for_port_del() {
	needs_docs
	[ "$(id -u)" -eq 0 ] || skip "as a user the completion offers every namespace instead"
	lab_extras
	local fake=$LAB_TMP/nsteer
	cat >"$fake" <<EOF
#!/bin/sh
echo "\$*" >>"$LAB_TMP/asked"
[ "\$*" = "port list up0 --json" ] || exit 1
echo '[{"uplink":"up0","netns":"red","mac":"02:00:00:00:00:0a","vlan":0,"ifname":"eth0","peer_ifindex":2,"host_ifname":"nst1","host_ifindex":7,"netns_created":true},{"uplink":"up0","netns":"blue sky","mac":"02:00:00:00:00:0b","vlan":10,"ifname":"eth0","peer_ifindex":2,"host_ifname":"nst2","host_ifindex":8,"netns_created":false}]'
EOF
	chmod +x "$fake"
	expect_completions "$fake port del up0 " "blue sky" red
	expect_completions "$fake port del up0 r" red
	[ "$(sort -u "$LAB_TMP/asked")" = "port list up0 --json" ] ||
		fail "the completion asked nsteer: $(cat "$LAB_TMP/asked")"
	expect_completions "$fake port del up1 "
	expect_completions "$fake port del up0 --netns-path /x "
}

test_completion_files_and_pids() {
	needs_docs
	lab_extras
	local pid
	mkdir -p "$LAB_TMP/files/lines.d" && touch "$LAB_TMP/files/lines.txt"
	expect_completions "nsteer batch $LAB_TMP/files/li" "$LAB_TMP/files/lines.d" "$LAB_TMP/files/lines.txt"
	completions nsteer batch '' | grep -qx -- - || fail "batch does not offer - (stdin)"
	expect_completions "nsteer batch - "
	expect_completions "nsteer port add up0 --netns-path $LAB_TMP/files/lines.t" "$LAB_TMP/files/lines.txt"
	completions nsteer port add up0 --pid '' | grep -qx 1 || fail "--pid does not offer process 1"
	pid=$$
	completions nsteer port del up0 --pid "$pid" | grep -qx "$pid" || fail "--pid does not offer $pid"
}

run_tests
