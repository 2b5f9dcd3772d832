#!/bin/bash
# Hostile input, table-driven. Each row is an input (a command line, a batch file, a tampered
# state), the exit status it must give (0 success, 1 runtime failure, 2 usage error) and a
# message it must print (an extended regex), and after every refused row a check that nothing
# was left half-built: the lab's namespaces and the links in them, the veths into them, the pins
# under /sys/fs/bpf/nsteer (netns-COOKIE/IFINDEX-NAME/) that belong to the lab, tc filters and XDP on the lab's uplink, its
# unicast and multicast address lists and flags, its port table and any problem status reports.
# test_cli_errors.sh has the first cases of each kind; the rows here are the rest.
#
# HOSTILE_TABLE=FILE appends every row, as markdown (input | exit | message), to FILE, with the
# lab's names replaced by DEV, NS and so on, so that it can be pasted into documentation.
source "$(dirname "$0")/lib.sh"

# ---- The snapshot: everything a refused command must leave as it found it ----

lab_snapshot() {
	local up ns
	echo "## namespaces"
	ip netns list | awk '{print $1}' | grep -a "^-\?nst${LAB_ID}" | LC_ALL=C sort
	echo "## links in them"
	while IFS= read -r ns; do
		ip -n "$ns" -o link show 2>/dev/null | awk -v n="$ns" -F': ' '{print n": "$2}'
	done < <(ip netns list | awk '{print $1}' | grep -a "^-\?nst${LAB_ID}")
	echo "## veths into them"
	ip -o link show 2>/dev/null | grep -a "link-netns -\?nst${LAB_ID}" | awk -F': ' '{print $2}' | LC_ALL=C sort
	echo "## pins"
	# The lab's uplinks are nsu<LAB_ID> and nsu<LAB_ID><letters>; other labs' are not. Their
	# folders are netns-COOKIE/IFINDEX-NAME, and NAME/ in the layout before that.
	(cd "$PIN_ROOT" 2>/dev/null && shopt -s nullglob && {
		for up in "nsu${LAB_ID}" "nsu${LAB_ID}"[!0-9]* "nsh-nsu${LAB_ID}" "nsh-nsu${LAB_ID}"[!0-9]*; do
			[ -d "$up" ] && echo "$up" && ls -R "$up"
		done
		for up in netns-*/*-"nsu${LAB_ID}" netns-*/*-"nsu${LAB_ID}"[!0-9]* \
			netns-*/*-"nsh-nsu${LAB_ID}" netns-*/*-"nsh-nsu${LAB_ID}"[!0-9]*; do
			echo "$up" && ls -R "$up"
		done
	})
	for up in "${LAB_UPLINKS[@]}"; do
		ip link show "$up" >/dev/null 2>&1 || continue
		echo "## uplink $up"
		ip -d -o link show "$up" | grep -o -E '<[^>]*>|prog/xdp[a-z]* id [0-9]+|xdp[a-z]* id [0-9]+'
		tc filter show dev "$up" ingress 2>/dev/null
		tc filter show dev "$up" egress 2>/dev/null
		tcx_ids "$up" | sed 's/^/tcx ingress /'
		bridge fdb show dev "$up" 2>/dev/null | grep -a self
		ip maddr show dev "$up" 2>/dev/null
		"$NSTEER" port list "$up" --json 2>/dev/null
		"$NSTEER" status "$up" --json 2>/dev/null | "$NST_PYTHON" -S -c '
import json, sys
try:
    for u in json.load(sys.stdin):
        for p in u.get("problems", []):
            # Orphan veths are found host-wide, so port adds of other labs in flight show up;
            # the veths into this lab are in the list above. So are an interrupted batch or
            # apply, which no lab here kills.
            if "belongs to no port" not in p["problem"] and \
                    "was interrupted: some of its" not in p["problem"]:
                print("problem:", p["problem"])
except ValueError:
    print("status --json printed no JSON")'
	done
}

# ---- The table ----

# The lab's names in the published table: DEV, NS, ... instead of nsu12345, nst12345x.
generic() {
	local s=$1
	s=${s//$LAB_TMP/TMP}
	s=${s//nsu${LAB_ID}/DEV}
	s=${s//nst${LAB_ID}/NS}
	s=$(LC_ALL=C sed -E 's/nst[0-9a-f]{12}/nstXXXXXXXXXXXX/g; s/ifindex [0-9]+/ifindex N/g; s/prog id [0-9]+/prog id N/g; s,/netns-[0-9]+/[0-9]+-,/netns-COOKIE/IFINDEX-,g' <<<"$s")
	printf '%s' "$s"
}

# A table cell: printable, pipes escaped, at most 110 characters.
cell() {
	local s
	s=$(printf '%s' "$1" | LC_ALL=C tr -d '\r' | LC_ALL=C sed 's/[[:cntrl:]]/?/g; s/|/\\|/g')
	((${#s} > 110)) && s="${s:0:107}..."
	printf '%s' "$s"
}

# quote ARGS...: a command line as a shell would need it typed (printf %q, readable).
quote() {
	local a out=
	for a in "$@"; do
		if [[ $a =~ ^[-A-Za-z0-9_./:=,@%+]+$ ]]; then out+=" $a"; else out+=" $(printf '%q' "$a")"; fi
	done
	printf '%s' "${out# }"
}

table_row() { # table_row INPUT EXIT MESSAGE
	[ -n "${HOSTILE_TABLE:-}" ] || return 0
	[ -s "$HOSTILE_TABLE" ] || printf '| input | exit | message |\n| --- | --- | --- |\n' >"$HOSTILE_TABLE"
	printf '| `%s` | %s | %s |\n' "$(cell "$(generic "$1")")" "$2" \
		"$(cell "$(generic "$3")")" >>"$HOSTILE_TABLE"
}

# lab_problems UPLINK: status problems of UPLINK, without orphan veths (found host-wide, so
# other labs' port adds in flight show up there) and interrupted batches or applies (host-wide
# too, and no lab here kills one).
lab_problems() {
	problems "$1" | tr ';' '\n' | grep -v -e "belongs to no port" -e "was interrupted: some of its" |
		grep -v '^ *$'
}

# ---- Rows ----

# row CODE REGEX ARGS...: nsteer ARGS exits CODE and prints a line matching REGEX (extended,
# case-insensitive); a refused row (CODE != 0) must change nothing.
#
# Snapshots cost most of the time (about 0.1 s each here, 1.5 s in a VM without KVM). In a test
# that runs nothing but rows (ROW_CACHE=1, ended by rows_done), a refused row's "after" is the
# next row's "before", and in such a VM usage errors (refused before anything is touched) are not
# snapshot one by one: rows_done compares the state before and after all of them.
ROW_CACHE=
ROW_SNAPSHOT=
row() {
	local code=$1 re=$2 before after out rc; shift 2
	if [ -n "$ROW_CACHE" ] && [ "$code" = 2 ] && ((NST_PATIENCE > 1)); then
		out=$(timeout 20 "$NSTEER" "$@" 2>&1 </dev/null); rc=$?
		check_row "nsteer $(quote "$@")" "$code" "$re" "$rc" "$out"
		return 0
	fi
	before=${ROW_SNAPSHOT:-$(lab_snapshot)}
	ROW_SNAPSHOT=
	out=$(timeout 20 "$NSTEER" "$@" 2>&1 </dev/null); rc=$?
	check_row "nsteer $(quote "$@")" "$code" "$re" "$rc" "$out"
	[ "$code" = 0 ] && return 0
	after=$(lab_snapshot)
	[ "$before" = "$after" ] ||
		fail "'nsteer $(quote "$@")' left state behind: $(diff <(echo "$before") <(echo "$after"))"
	[ -n "$ROW_CACHE" ] && ROW_SNAPSHOT=$after
	return 0
}

# rows_done BEFORE: nothing the rows since BEFORE (a snapshot) refused was left behind.
rows_done() {
	local after
	after=$(lab_snapshot)
	[ "$1" = "$after" ] || fail "the rows left state behind: $(diff <(echo "$1") <(echo "$after"))"
}

# check_row INPUT CODE REGEX RC OUT: the verdict, and the table's row.
check_row() {
	local input=$1 code=$2 re=$3 rc=$4 out=$5 msg
	((rc >= 124)) && fail "'$input' was killed or crashed (exit $rc): $out"
	[ "$rc" = "$code" ] || fail "'$input': exit $rc, expected $code; output: $out"
	grep -a -q -i -E -- "$re" <<<"$out" || fail "'$input': no /$re/ in: $out"
	((${#out} < 4000)) || fail "'$input': ${#out} bytes of output (a message must stay short)"
	# The table shows the line that says what went wrong (the usage text that follows a
	# usage error is the same for every row of a command).
	msg=$(grep -a -i -m1 -E -- "$re" <<<"$out")
	table_row "$input" "$rc" "$msg"
}

# batch_row CODE REGEX FILE WHAT: nsteer batch FILE, as row does; WHAT names it in the table.
batch_row() {
	local code=$1 re=$2 file=$3 what=$4 before after out rc
	before=$(lab_snapshot)
	out=$(timeout 20 "$NSTEER" batch "$file" 2>&1 </dev/null); rc=$?
	check_row "nsteer batch FILE: $what" "$code" "$re" "$rc" "$out"
	[ "$code" = 0 ] && return 0
	after=$(lab_snapshot)
	[ "$before" = "$after" ] ||
		fail "batch ($what) left state behind: $(diff <(echo "$before") <(echo "$after"))"
}

# ---- Every argument form ----

test_every_argument_form() {
	lab 1
	local ns="nst${LAB_ID}h" long127 long128 i addrs=() start
	LAB_NETNS+=("$ns")
	start=$(lab_snapshot)
	ROW_CACHE=1
	long127=nst${LAB_ID}$(printf 'n%.0s' {1..140}); long127=${long127:0:127}
	long128=${long127}n
	for ((i = 0; i <= 16; i++)); do addrs+=(--addr "10.66.0.$((i + 1))/24"); done

	# MACs, as the port's MAC
	row 2 "invalid MAC" port add "$UP" "$ns" --mac ""
	row 2 "invalid MAC" port add "$UP" "$ns" --mac 02-00-00-00-00-01
	row 2 "invalid MAC" port add "$UP" "$ns" --mac 0200.0000.0001
	row 2 "invalid MAC" port add "$UP" "$ns" --mac 020000000001
	row 2 "invalid MAC" port add "$UP" "$ns" --mac "02:00:00:00:00:01 "
	row 2 "invalid MAC" port add "$UP" "$ns" --mac 02:00:00:00:00:100
	row 2 "invalid MAC" port add "$UP" "$ns" --mac 02:00:00:00::01
	row 2 "unicast" port add "$UP" "$ns" --mac 33:33:00:00:00:01
	row 2 "unicast" port add "$UP" "$ns" --mac 03:00:00:00:00:01
	# VLANs
	row 2 "invalid --vlan '4096'" port add "$UP" "$ns" --vlan 4096
	row 2 "invalid --vlan '-1'" port add "$UP" "$ns" --vlan -1
	row 2 "invalid --vlan '1e3'" port add "$UP" "$ns" --vlan 1e3
	row 2 "invalid --vlan '0x10'" port add "$UP" "$ns" --vlan 0x10
	row 2 "invalid --vlan ''" port add "$UP" "$ns" --vlan ""
	row 2 "invalid --vlan ' 5'" port add "$UP" "$ns" --vlan " 5"
	row 2 "invalid --vlan '\+5'" port add "$UP" "$ns" --vlan +5
	row 2 "invalid --vlan '5 '" port add "$UP" "$ns" --vlan "5 "
	row 2 "invalid --vlan" port add "$UP" "$ns" --vlan 18446744073709551617
	# interface names inside the namespace
	row 2 "invalid --ifname '\.'" port add "$UP" "$ns" --ifname .
	row 2 "invalid --ifname '\.\.'" port add "$UP" "$ns" --ifname ..
	row 2 "invalid --ifname ''" port add "$UP" "$ns" --ifname ""
	row 2 "invalid --ifname" port add "$UP" "$ns" --ifname "a b"
	row 2 "invalid --ifname" port add "$UP" "$ns" --ifname a:b
	row 2 "invalid --ifname" port add "$UP" "$ns" --ifname "eth%d"
	row 2 "invalid --ifname" port add "$UP" "$ns" --ifname $'eth\x01'
	row 2 "invalid --ifname" port add "$UP" "$ns" --ifname $'eth\n0'
	row 2 "invalid --ifname" port add "$UP" "$ns" --ifname "äöüäöüäöü"
	# namespace names
	row 2 "invalid namespace name" port add "$UP" "nst${LAB_ID}/h"
	row 2 "invalid namespace name" port add "$UP" ..
	row 2 "invalid namespace name" port add "$UP" .
	row 2 "invalid namespace name" port add "$UP" ""
	row 2 "invalid namespace name" port add "$UP" "$long128"
	row 2 "invalid namespace name" port add "$UP" $'nst'"$LAB_ID"$'\nh'
	row 2 "invalid namespace name" port add "$UP" $'nst'"$LAB_ID"$'\x7fh'
	row 2 "invalid namespace name" port del "$UP" "$long128"
	row 2 "unknown option '-n'" port add "$UP" "-nst${LAB_ID}h"
	# namespaces by process and by path
	row 2 "invalid --pid '0'" port add "$UP" --pid 0
	row 2 "invalid --pid '-1'" port add "$UP" --pid -1
	row 2 "invalid --pid" port add "$UP" --pid 99999999999999999999
	row 2 "invalid --pid" port add "$UP" --pid 2147483648
	row 1 "pid:2147483647.*no such" port add "$UP" --pid 2147483647
	row 1 "not a network namespace" port add "$UP" --netns-path /tmp
	row 1 "not a network namespace" port add "$UP" --netns-path /dev/null
	row 1 "No such file" port add "$UP" --netns-path "$LAB_TMP/missing"
	row 2 "empty --netns-path" port add "$UP" --netns-path ""
	row 2 "one namespace" port add "$UP" --netns-path /proc/1/ns/net --netns-path /proc/1/ns/net
	row 2 "invalid --netns-path|too long" port add "$UP" --netns-path "/proc/self/$(printf '/%.0s' {1..130})ns/net"
	# addresses
	row 2 "invalid --addr '10.0.0.1/33'" port add "$UP" "$ns" --addr 10.0.0.1/33
	row 2 "invalid --addr '10.0.0.1/'" port add "$UP" "$ns" --addr 10.0.0.1/
	row 2 "invalid --addr '/24'" port add "$UP" "$ns" --addr /24
	row 2 "invalid --addr" port add "$UP" "$ns" --addr 10.0.0.1/-1
	row 2 "invalid --addr" port add "$UP" "$ns" --addr 10.0.0.1/24/1
	row 2 "invalid --addr" port add "$UP" "$ns" --addr ::1/129
	row 2 "invalid --addr" port add "$UP" "$ns" --addr 10.0.0.1/0x10
	row 2 "invalid --addr" port add "$UP" "$ns" --addr 1.2.3.4.5/24
	row 2 "invalid --addr" port add "$UP" "$ns" --addr ""
	row 2 "invalid --addr" port add "$UP" "$ns" --addr "10.0.0.1 /24"
	row 2 "at most 16 --addr" port add "$UP" "$ns" "${addrs[@]}"
	row 2 "unspecified address" port add "$UP" "$ns" --addr ::/0
	row 2 "unspecified address" port add "$UP" "$ns" --addr 0.0.0.0/24
	row 2 "multicast" port add "$UP" "$ns" --addr 224.0.0.5/24
	row 2 "multicast" port add "$UP" "$ns" --addr ff02::1/64
	row 2 "broadcast" port add "$UP" "$ns" --addr 255.255.255.255
	row 2 "broadcast" port add "$UP" "$ns" --addr 10.66.0.255/24
	# enums
	row 2 "invalid --mode ''" attach "$UP" --mode ""
	row 2 "invalid --mode 'BRIDGE'" attach "$UP" --mode BRIDGE
	row 2 "invalid --xdp-mode 'native '" attach "$UP" --xdp-mode "native "
	row 2 "invalid --unknown 'pass,drop'" attach "$UP" --unknown pass,drop
	# numbers
	row 2 "invalid --interval '-1'" stats "$UP" --interval -1
	row 2 "invalid --interval '1.5'" stats "$UP" --interval 1.5
	row 2 "invalid --interval '3601'" stats "$UP" --interval 3601
	row 2 "invalid --interval ''" stats "$UP" --interval ""
	row 2 "invalid --count '0'" stats "$UP" --interval 1 --count 0
	row 2 "invalid --count '-1'" stats "$UP" --interval 1 --count -1
	row 2 "invalid --count '4294967296'" stats "$UP" --interval 1 --count 4294967296
	row 2 "invalid --count 'x'" stats "$UP" --interval 1 --count x
	# repeated options: the second would silently win
	row 2 "--mac given twice" port add "$UP" "$ns" --mac 02:00:00:00:00:05 --mac 02:00:00:00:00:06
	row 2 "--vlan given twice" port add "$UP" "$ns" --vlan 5 --vlan 6
	row 2 "--ifname given twice" port add "$UP" "$ns" --ifname a --ifname b
	row 2 "--mode given twice" attach "$UP" --mode bridge --mode private
	row 2 "--interval given twice" stats "$UP" --interval 1 --interval 2
	# options before the command, and --
	row 2 "unknown option '--json'" --json status
	row 2 "unknown option '-vv'" -vv status
	row 2 "unknown option '--'" -- status
	row 2 "missing DEV" attach --
	row 1 "--json is not attached" status -- --json
	# commands
	row 2 "unknown command 'help'" help
	row 2 "unknown command 'version'" version
	row 2 "unknown option '--version'" --version
	row 2 "unknown command 'Status'" Status
	row 2 "unknown command ''" ""
	row 2 "unknown command 'port add'" "port add" "$UP" "$ns"
	row 2 "needs a subcommand" port ADD "$UP" "$ns"
	# DEV
	row 2 "invalid device name ''" attach ""
	row 2 "invalid device name '\.'" attach .
	row 2 "invalid device name '\.\.'" status ..
	row 2 "invalid device name 'a b'" attach "a b"
	row 2 "invalid device name 'a:b'" port add a:b "$ns"
	row 2 "invalid device name" attach "nsu${LAB_ID}0123456789"
	row 2 "invalid device name" attach $'nsu\x01'
	row 1 "unknown device" attach "nsu${LAB_ID}nope"
	row 1 "not attached" port list "nsu${LAB_ID}nope"
	row 1 "not attached" stats "nsu${LAB_ID}nope"
	row 1 "not attached" port del "nsu${LAB_ID}nope" "$ns"
	row 0 "no port .*nothing to delete" port del "$UP" "$ns"
	rows_done "$start"
}

test_non_ethernet_uplink() {
	# A device without Ethernet headers (a tun) cannot be steered by MAC.
	lab_extras
	local t="nsu${LAB_ID}t"
	LAB_UPLINKS+=("$t")
	ip tuntap add mode tun name "$t" || skip "no tun device"
	ip link set "$t" up
	row 1 "not an Ethernet device" attach "$t"
	[ -z "$(pins_named "$t")" ] || fail "a refused attach left $(pins_named "$t")"
	# A loopback device, in a namespace of the lab's own (never the host's lo).
	lab 1
	local ns="nst${LAB_ID}l" out rc
	LAB_NETNS+=("$ns")
	ip netns add "$ns" || fail "ip netns add"
	out=$(ip netns exec "$ns" "$NSTEER" attach lo 2>&1); rc=$?
	check_row "ip netns exec NS nsteer attach lo" 1 "not an Ethernet device" "$rc" "$out"
	[ -e "$(netns_pins "$ns")" ] && fail "a refused attach left $(netns_pins "$ns")"
	ip -n "$ns" -d link show lo | grep -q xdp && fail "a refused attach left XDP on lo"
	tc -n "$ns" filter show dev lo ingress | grep -q . && fail "a refused attach left tc on lo"
	return 0
}

# nsteer's own devices: a port's host end and the host-access device are no NICs.
test_own_devices_as_uplink() {
	lab 1 --host-access
	local host hostacc="nsh-$UP"
	host=$("$NSTEER" port list "$UP" --json | NS="$(port_ns 1)" "$NST_PYTHON" -S -c '
import json, os, sys
print(*[p["host_ifname"] for p in json.load(sys.stdin) if p["netns"] == os.environ["NS"]])')
	[ -n "$host" ] || fail "no host end in port list"
	ip link show "$hostacc" >/dev/null 2>&1 || fail "no host-access device $hostacc"
	row 1 "host end of the port of namespace .* on uplink" attach "$host"
	row 1 "host-access device of uplink" attach "$hostacc"
	[ -z "$(pins_named "$host")" ] || fail "a refused attach left $(pins_named "$host")"
	[ -z "$(pins_named "$hostacc")" ] || fail "a refused attach left $(pins_named "$hostacc")"
	expect_ping "$WIRE" "$(port_addr4 1)"
}

# ---- Batch files with garbage ----

# batch_file NAME: LAB_TMP/NAME, written from stdin.
batch_file() { cat >"$LAB_TMP/$1"; echo "$LAB_TMP/$1"; }

# ports_done NS...: each NS has a port on UP; then they go again (port del), so that the next
# row starts from the same state.
ports_done() {
	local ns
	for ns in "$@"; do
		"$NSTEER" port list "$UP" --json | grep -a -q "\"netns\":\"$ns\"" ||
			fail "the batch's earlier line did not add $ns"
	done
	for ns in "$@"; do
		"$NSTEER" port del "$UP" "$ns" >/dev/null || fail "port del $ns"
	done
}

test_batch_garbage() {
	lab 1
	local a="nst${LAB_ID}a" b="nst${LAB_ID}b" f out before
	LAB_NETNS+=("$a" "$b" "$a q")

	# Lines before the failing one take effect, the failing one leaves nothing: the snapshot
	# is taken with line 1 already done.
	"$NSTEER" port add "$UP" "$a" >/dev/null || fail "port add $a"
	f=$(printf 'port add %s %s\nport add %s %s --mac 02:00:00:00:00:09\0 --vlan 5\n' \
		"$UP" "$a" "$UP" "$b" | batch_file nul)
	batch_row 2 ":2: .*NUL" "$f" "a NUL byte in line 2"
	f=$({ printf 'port add %s %s\n' "$UP" "$a"; head -c 64 /dev/urandom | LC_ALL=C tr -d '\n' |
		LC_ALL=C sed 's/^/\x01/'; echo; } | batch_file binary)
	batch_row 2 ":2: .*(control|binary)" "$f" "binary bytes in line 2"
	f=$({ printf 'port add %s %s --addr 10.1.1.1/24 ' "$UP" "$b"; printf 'x%.0s' {1..5000}; echo; } |
		batch_file l5000)
	batch_row 2 ":1: .*longer than" "$f" "a 5000-byte line"
	f=$({ printf 'port add %s %s ' "$UP" "$b"; head -c 1048576 /dev/zero | tr '\0' a; echo; } |
		batch_file l1m)
	batch_row 2 ":1: .*longer than" "$f" "a 1 MB line"
	f=$(printf 'port add %s "%s\n' "$UP" "$b" | batch_file unbalanced)
	batch_row 2 ":1: .*unbalanced quote" "$f" "an unbalanced quote"
	f=$({ printf 'w%.0s ' {1..70}; echo; } | batch_file many)
	batch_row 2 ":1: .*too many words" "$f" "70 words"
	f=$(printf '# nested\nbatch %s\n' "$LAB_TMP/nul" | batch_file nested)
	batch_row 2 ":2: " "$f" "a nested batch line"
	f=$(printf 'port add %s ""\n' "$UP" | batch_file emptyquotes)
	batch_row 2 ":1: " "$f" 'an empty quoted NETNS ("")'
	batch_row 1 "Is a directory" "$LAB_TMP" "a directory"
	batch_row 1 "No such file" "$LAB_TMP/missing" "a missing file"
	"$NSTEER" port del "$UP" "$a" >/dev/null || fail "port del $a"

	# Files that must work, and do what their lines say.
	f=$(printf 'port add %s %s\nport add %s %s' "$UP" "$a" "$UP" "$b" | batch_file trunc)
	batch_row 0 "port $b" "$f" "no newline after the last line"
	ports_done "$a" "$b"
	f=$(printf 'port add %s %s\r\nport add %s %s\r\n' "$UP" "$a" "$UP" "$b" | batch_file crlf)
	batch_row 0 "port $b" "$f" "CRLF line endings"
	ip netns list | grep -a -q $'\r' && fail "CRLF: a namespace name kept the CR"
	ports_done "$a" "$b"
	f=$({ printf '   \n\t\t\n\n#x\n   # indented\n'; printf '#%.0s w' {1..200}; echo;
		printf 'port add %s %s\n' "$UP" "$a"; } | batch_file comments)
	batch_row 0 "port $a" "$f" "blank lines, comments, a 200-word comment"
	ports_done "$a"
	f=$(printf 'port add %s '"'"'%s q'"'"' --ifname "e1"\n' "$UP" "$a" | batch_file quotes)
	batch_row 0 "port $a q" "$f" "quoted words ('NS q', \"e1\")"
	ports_done "$a q"
	f=$(printf '  \t \n\n' | batch_file whitespace)
	batch_row 0 "" "$f" "only whitespace"
	f=$(: | batch_file empty)
	batch_row 0 "" "$f" "an empty file"
	out=$("$NSTEER" batch /dev/null 2>&1) || fail "batch /dev/null: $out"
}

# ---- Names with odd characters ----

# A namespace or interface name is either refused (rows above) or works end to end: port add,
# a ping from the wire, port list and status name it, port del removes it all.
odd_name_works() { # odd_name_works N NETNS [IFNAME]
	local n=$1 ns=$2 ifname=${3:-} addr=10.77.0.$((100 + $1)) out
	LAB_NETNS+=("$ns")
	# Options first, then -- : a name may start with '-'.
	row 0 "port " port add --addr "$addr/24" ${ifname:+--ifname "$ifname"} -- "$UP" "$ns"
	expect "wire -> $(quote "$ns")" in_ns "$WIRE" ping -c1 -W2 "$addr"
	out=$("$NSTEER" port list "$UP" --json)
	NS="$ns" IFN="${ifname:-eth0}" "$NST_PYTHON" -S -c '
import json, os, sys
ps = [p for p in json.load(sys.stdin) if p["netns"] == os.environ["NS"]]
sys.exit(0 if len(ps) == 1 and ps[0]["ifname"] == os.environ["IFN"] else "not listed right: %r" % ps)' \
		<<<"$out" || fail "port list --json: $(quote "$ns")"
	[ -z "$(lab_problems "$UP")" ] || fail "status reports problems: $(lab_problems "$UP")"
	row 0 "port " port del -- "$UP" "$ns"
	[ -e "/var/run/netns/$ns" ] && fail "port del left namespace $(quote "$ns")"
	return 0
}

test_odd_names() {
	lab 1
	local long127
	long127=nst${LAB_ID}$(printf 'n%.0s' {1..140}); long127=${long127:0:127}
	odd_name_works 1 "nst${LAB_ID} with spaces"
	odd_name_works 2 "nst${LAB_ID}ünïcødé"
	odd_name_works 3 "nst${LAB_ID}"'$(touch hostile);`id`*?[x]|&>"'"'"
	odd_name_works 4 "-nst${LAB_ID}dash"
	odd_name_works 5 "$long127"
	odd_name_works 6 "nst${LAB_ID}i" "äth0"
	odd_name_works 7 "nst${LAB_ID}j" 'e$(id);`x`'
	odd_name_works 8 "nst${LAB_ID}k" "-e0"
	[ -e hostile ] && fail "a name was run by a shell"
	return 0
}

# ---- Pins tampered with ----

# tamper_row WHAT: status must name the damage with a repair; port add and attach refuse it
# clearly without building anything (rows); then status's repair, run as given, restores a
# working uplink.
tamper_check() {
	local what=$1 pin=$2 st repair
	st=$("$NSTEER" status "$UP" 2>&1)
	[ $? = 1 ] || fail "$what: status exit is not 1: $st"
	grep -a -q -E "PROBLEM: .*$pin" <<<"$st" || fail "$what: status does not name $pin: $st"
	table_row "$what; nsteer status DEV" 1 "$(grep -a -m1 PROBLEM <<<"$st" | sed 's/^ *//')"
	repair=$(grep -a -A1 "PROBLEM: .*$pin" <<<"$st" | sed -n 's/^ *repair: //p' | head -1)
	[ -n "$repair" ] || fail "$what: no repair command: $st"
	table_row "$what; repair" "" "$repair"
	row 1 "$pin" port add "$UP" "nst${LAB_ID}h"
	row 1 "$pin" attach "$UP"
	# The repair is one or more nsteer commands joined by ';' or '&&'.
	local cmd
	while IFS= read -r cmd; do
		cmd=${cmd# }
		[ -z "$cmd" ] && continue
		[[ $cmd == nsteer\ * ]] || fail "$what: the repair is not an nsteer command: $repair"
		# shellcheck disable=SC2086 # the repair is words, as a user would type them
		"$NSTEER" ${cmd#nsteer } >/dev/null 2>&1 || fail "$what: repair '$cmd' failed"
	done < <(sed 's/ *&& */\n/g; s/ *; */\n/g' <<<"$repair")
	[ -z "$(lab_problems "$UP")" ] || fail "$what: problems after the repair: $(lab_problems "$UP")"
	lab_port "$UP" 1 2>/dev/null || "$NSTEER" port list "$UP" | grep -q "$(port_ns 1)" ||
		fail "$what: port 1 cannot be added again"
	expect_ping "$WIRE" "$(port_addr4 1)"
}

# replace_pin PIN "WHAT" bpftool-map-create-args...: PIN swapped for a map of another shape.
replace_pin() {
	local pin=$1 what=$2 d
	shift 2
	lab 1
	LAB_NETNS+=("nst${LAB_ID}h")
	d=$(pin_dir "$UP") || exit 1
	rm "$d/$pin"
	bpftool map create "$d/$pin" "$@" name hostile || fail "bpftool map create"
	tamper_check "$what" "$pin"
}

test_pin_of_wrong_type() {
	replace_pin mac_index "mac_index replaced by a hash map (key 4, value 4)" \
		type hash key 4 value 4 entries 16
}

test_pin_of_wrong_value_size() {
	replace_pin uplink_config "uplink_config replaced by an array of 8-byte values" \
		type array key 4 value 8 entries 1
}

test_pin_removed() {
	lab 1
	LAB_NETNS+=("nst${LAB_ID}h")
	rm "$(pin_dir "$UP")/ports" || fail "rm ports"
	tamper_check "the ports pin removed" ports
}

test_program_pin_removed() {
	lab 1
	LAB_NETNS+=("nst${LAB_ID}h")
	rm "$(pin_dir "$UP")/prog_tc_port" || fail "rm prog_tc_port"
	tamper_check "the prog_tc_port pin removed" prog_tc_port
}

# ---- Devices and namespaces that vanish under nsteer ----

# repair_check WHAT PATTERN: status of UP reports PATTERN with a repair; running it works.
repair_check() {
	local what=$1 pat=$2 dev=${3:-$UP} st repair
	st=$("$NSTEER" status "$dev" 2>&1)
	[ $? = 1 ] || fail "$what: status exit is not 1: $st"
	grep -a -q -E "PROBLEM: .*$pat" <<<"$st" || fail "$what: status does not say /$pat/: $st"
	repair=$(grep -a -A1 -E "PROBLEM: .*$pat" <<<"$st" | sed -n 's/^ *repair: //p' | head -1)
	[ -n "$repair" ] || fail "$what: no repair command: $st"
	table_row "$what; nsteer status DEV" 1 "$(grep -a -m1 -E "PROBLEM: .*$pat" <<<"$st" | sed 's/^ *//')"
	table_row "$what; repair" "" "$repair"
	echo "$repair"
}

run_repair() { # run_repair WHAT REPAIR
	local cmd
	while IFS= read -r cmd; do
		[ -z "$cmd" ] && continue
		case $cmd in
		nsteer\ *) eval "\"\$NSTEER\" ${cmd#nsteer }" >/dev/null 2>&1 ;;
		ip\ *) eval "$cmd" >/dev/null 2>&1 ;;
		*) fail "$1: the repair is not an nsteer or ip command: $2" ;;
		esac || fail "$1: repair '$cmd' failed"
	done < <(sed 's/ *&& */\n/g; s/ *; */\n/g' <<<"$2")
}

# host_ends UPLINK: the host ends of UPLINK's ports, from port list.
host_ends() {
	"$NSTEER" port list "$1" --json | "$NST_PYTHON" -S -c '
import json, sys
print(*[p["host_ifname"] for p in json.load(sys.stdin)])'
}

# A renamed uplink is the same uplink (the name is only a label): nothing to repair; status,
# port add, port del and detach work under the new name, and status tells the name it was
# attached as, which its pins keep.
test_uplink_renamed() {
	lab 1
	local r="nsu${LAB_ID}r" dir st hosts h
	LAB_UPLINKS+=("$r")
	dir=$(pin_dir "$UP") || exit 1
	# Kernels before 6.2 refuse to rename a device that is up.
	ip link set "$UP" down && ip link set "$UP" name "$r" && ip link set "$r" up || fail "rename"
	st=$("$NSTEER" status "$r" 2>&1)
	[ -z "$(lab_problems "$r")" ] || fail "status $r after the rename reports: $(lab_problems "$r")"
	table_row "uplink renamed under nsteer; nsteer status NEW" 0 "$(head -1 <<<"$st")"
	grep -a -q -E "^$r \(ifindex [0-9]+, attached as $UP\): " <<<"$st" ||
		fail "status does not say $r was attached as $UP: $st"
	grep -a -q -x "  pins: $dir" <<<"$st" || fail "status does not name the pins $dir: $st"
	[ "$(status_get "$r" '[s["uplink"], s["attached_as"], s["device_present"], s["pin_dir"]]')" = \
		"['$r', '$UP', True, '$dir']" ] ||
		fail "status --json: $(status_get "$r" '[s["uplink"], s["attached_as"], s["device_present"], s["pin_dir"]]')"
	# Every uplink's status: this one once, by its new name, with nothing to repair.
	status_json | DIR="$dir" R="$r" "$NST_PYTHON" -S -c '
import json, os, sys
us = [u for u in json.load(sys.stdin) if u.get("pin_dir") == os.environ["DIR"]]
if [u["uplink"] for u in us] != [os.environ["R"]] or any(
        "was interrupted: some of its" not in p["problem"] for p in us[0].get("problems", [])):
    sys.exit("status lists the renamed uplink as %r" % us)' || fail "status of every uplink"
	# The old name is no uplink any more, not a gone one to clean up.
	st=$("$NSTEER" status "$UP" 2>&1)
	grep -a -q "gone" <<<"$st" && fail "status $UP (the old name) reports the renamed uplink gone: $st"
	expect_ping "$WIRE" "$(port_addr4 1)"
	# Ports under the new name, and in port 1's namespace a second one.
	lab_port "$r" 2
	expect "port add $r $(port_ns 1) --ifname e1" "$NSTEER" port add "$r" "$(port_ns 1)" --ifname e1
	[ "$(port_names "$r")" = "$(port_ns 1) e1 $(port_ns 1) eth0 $(port_ns 2) eth0" ] ||
		fail "port list $r: $(port_names "$r")"
	[ -z "$(lab_problems "$r")" ] || fail "problems: $(lab_problems "$r")"
	expect_ping "$WIRE" "$(port_addr4 2)" "$(port_addr4 1)"
	expect "port del under the new name" "$NSTEER" port del "$r" "$(port_ns 2)"
	[ -e "/var/run/netns/$(port_ns 2)" ] && fail "port del $r left $(port_ns 2)"
	expect "port del --ifname under the new name" "$NSTEER" port del "$r" "$(port_ns 1)" --ifname e1
	[ "$(port_names "$r")" = "$(port_ns 1) eth0" ] || fail "port list $r after port del: $(port_names "$r")"
	expect_ping "$WIRE" "$(port_addr4 1)"
	hosts=$(host_ends "$r")
	expect "detach under the new name" "$NSTEER" detach "$r" --ports
	[ -e "$dir" ] && fail "detach $r --ports left $dir"
	for h in $hosts; do ip link show "$h" >/dev/null 2>&1 && fail "detach $r --ports left host end $h"; done
	[ -e "/var/run/netns/$(port_ns 1)" ] && fail "detach $r --ports left $(port_ns 1)"
	return 0
}

# port_names UPLINK: "NETNS IFNAME" of each port, in port list's order, on one line.
port_names() {
	"$NSTEER" port list "$1" --json | "$NST_PYTHON" -S -c '
import json, sys
print(*["%s %s" % (p["netns"], p["ifname"]) for p in json.load(sys.stdin)])'
}

# A deleted uplink (or one moved to another namespace) is gone from this one: status says so,
# and its repair, `nsteer detach DEV --ports`, removes the pins, the ports' host ends and the
# namespaces port add created (one of them holding two ports), and keeps a namespace that was
# there before port add.
test_uplink_deleted() {
	lab 1
	local pre="nst${LAB_ID}e" dir hosts h repair
	LAB_NETNS+=("$pre")
	ip netns add "$pre" || fail "ip netns add $pre"
	expect "a second port in port 1's namespace" "$NSTEER" port add "$UP" "$(port_ns 1)" --ifname e1
	expect "a port in a namespace of its own" "$NSTEER" port add "$UP" "$pre"
	dir=$(pin_dir "$UP") || exit 1
	hosts=$(host_ends "$UP")
	[ "$(wc -w <<<"$hosts")" = 3 ] || fail "port list names the host ends '$hosts', not 3"
	ip link del "$UP" || fail "ip link del"
	repair=$(repair_check "uplink deleted under nsteer" \
		"$UP: the device \(ifindex [0-9]+, attached as $UP\) is gone from this network namespace") || exit 1
	[ "$repair" = "nsteer detach $UP --ports" ] || fail "the repair is '$repair', not 'nsteer detach $UP --ports'"
	[ "$(status_get "$UP" '[s["device_present"], s["pin_dir"]]')" = "[False, '$dir']" ] ||
		fail "status --json: $(status_get "$UP" '[s["device_present"], s["pin_dir"]]')"
	run_repair "uplink deleted" "$repair"
	[ -e "$dir" ] && fail "the repair left $dir"
	for h in $hosts; do ip link show "$h" >/dev/null 2>&1 && fail "the repair left host end $h"; done
	[ -e "/var/run/netns/$(port_ns 1)" ] &&
		fail "the repair left $(port_ns 1), which port add created (ports: eth0, e1)"
	[ -e "/var/run/netns/$pre" ] || fail "the repair deleted $pre, which existed before port add"
	ip -n "$pre" link show eth0 >/dev/null 2>&1 && fail "the repair left eth0 in $pre"
	"$NSTEER" status 2>/dev/null | grep -a -q "$UP" && fail "status still shows $UP"
	return 0
}

test_port_namespace_deleted() {
	lab 2
	local repair
	ip netns del "$(port_ns 1)" || fail "ip netns del"
	repair=$(repair_check "port namespace deleted under nsteer" \
		"port $(port_ns 1) eth0: namespace .* is gone") || exit 1
	run_repair "namespace deleted" "$repair"
	[ -z "$(lab_problems "$UP")" ] || fail "problems after the repair: $(lab_problems "$UP")"
	expect_ping "$WIRE" "$(port_addr4 2)"
	lab_port "$UP" 1
	expect_ping "$WIRE" "$(port_addr4 1)"
}

# ---- Unprivileged users ----

as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }

test_unprivileged_user() {
	lab 1
	local d f mode out rc
	d=$(pin_dir "$UP") || exit 1
	as_nobody test -x "$NST_ROOT/nsteer" || skip "nobody cannot execute nsteer"
	# The pins: root's, 0600, in 0700 directories (the root, the namespace's, the uplink's).
	for f in "$d"/*; do
		mode=$(stat -c '%a %U' "$f")
		[ "$mode" = "600 root" ] || fail "$f: mode/owner $mode, expected 600 root"
	done
	for f in "$PIN_ROOT" "${d%/*}" "$d"; do
		mode=$(stat -c '%a %U' "$f")
		[ "$mode" = "700 root" ] || fail "$f: mode/owner $mode, expected 700 root"
	done
	as_nobody touch "$d/intruder" 2>/dev/null && fail "nobody created a file in $d"
	as_nobody ls "$d" >/dev/null 2>&1 && fail "nobody can list $d"
	for f in ports uplink_config counters; do
		out=$(as_nobody bpftool map dump pinned "$d/$f" 2>&1); rc=$?
		[ $rc != 0 ] || fail "nobody dumped $f"
		table_row "as nobody: bpftool map dump pinned $d/$f" "$rc" "$out"
	done
	out=$(as_nobody bpftool map update pinned "$d/uplink_config" key 0 0 0 0 value $(printf '0 %.0s' {1..16}) 2>&1)
	[ $? != 0 ] || fail "nobody updated uplink_config"
	row_as_nobody 1 "needs root" status "$UP"
	row_as_nobody 1 "needs root" port add "$UP" "nst${LAB_ID}h"
	row_as_nobody 1 "needs root" detach "$UP"
	row_as_nobody 1 "needs root" stats
}

row_as_nobody() {
	local code=$1 re=$2 before after out rc; shift 2
	before=$(lab_snapshot)
	out=$(as_nobody "$NST_ROOT/nsteer" "$@" 2>&1); rc=$?
	check_row "as nobody: nsteer $(quote "$@")" "$code" "$re" "$rc" "$out"
	after=$(lab_snapshot)
	[ "$before" = "$after" ] || fail "nobody's '$*' changed state: $(diff <(echo "$before") <(echo "$after"))"
}

run_tests
