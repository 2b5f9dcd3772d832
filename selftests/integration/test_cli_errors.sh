#!/bin/bash
# Every refusal of the CLI: its exit status (1 runtime failure, 2 usage error), a message that says
# what is wrong, and no state left behind (namespaces, veths, pins, ports). Also --help everywhere.
# selftests-modes: auto (a refusal happens before any attach; the mode changes nothing)
source "$(dirname "$0")/lib.sh"

# What a failed command must not change: this lab's namespaces, the veths into them, the pins and
# ports of its uplinks, and the pin folders named after it (netns-COOKIE/IFINDEX-NAME, or NAME in
# the layout before).
lab_state() {
	local up d
	ip netns list | awk '{print $1}' | grep "^nst${LAB_ID}" | sort
	# stderr: other labs' veths whose namespaces are going away at this moment are no concern here
	ip -o link show 2>/dev/null | grep "link-netns nst${LAB_ID}" | awk -F': ' '{print $1, $2}' | sort
	for d in "$PIN_ROOT"/* "$PIN_ROOT"/netns-*/*; do
		[[ ${d##*/} == *"${LAB_ID}"* ]] && echo "${d#"$PIN_ROOT"/}"
	done
	for up in "${LAB_UPLINKS[@]}"; do
		for d in $(pins_named "$up"); do
			ls -A "$d" 2>/dev/null | sed "s|^|$up/|"
		done
		"$NSTEER" port list "$up" --json 2>/dev/null
	done
}

# expect_error CODE PHRASE cmd...: cmd exits CODE, says PHRASE (case-insensitive), changes nothing.
expect_error() {
	local code=$1 phrase=$2 before after out rc; shift 2
	before=$(lab_state)
	out=$("$@" 2>&1); rc=$?
	[ "$rc" = "$code" ] || fail "'$*': exit $rc, expected $code; output: $out"
	grep -qi -- "$phrase" <<<"$out" || fail "'$*': no '$phrase' in: $out"
	after=$(lab_state)
	[ "$before" = "$after" ] || fail "'$*' left state behind: $(diff <(echo "$before") <(echo "$after"))"
}

test_bad_mac_is_a_usage_error() {
	lab 1
	local up ns
	up=$(uplink); ns="nst${LAB_ID}x"
	LAB_NETNS+=("$ns")
	expect_error 2 "invalid MAC" "$NSTEER" port add "$up" "$ns" --mac 02:00:00:00:00
	expect_error 2 "invalid MAC" "$NSTEER" port add "$up" "$ns" --mac zz:00:00:00:00:01
	expect_error 2 "invalid MAC" "$NSTEER" port add "$up" "$ns" --mac 02:00:00:00:00:01:02
	expect_error 2 "unicast" "$NSTEER" port add "$up" "$ns" --mac 01:00:5e:00:00:01
	expect_error 2 "unicast" "$NSTEER" port add "$up" "$ns" --mac ff:ff:ff:ff:ff:ff
	expect_error 2 "zero" "$NSTEER" port add "$up" "$ns" --mac 00:00:00:00:00:00
}

test_bad_option_values_are_usage_errors() {
	lab 1
	local up ns
	up=$(uplink); ns="nst${LAB_ID}x"
	LAB_NETNS+=("$ns")
	expect_error 2 "--vlan" "$NSTEER" port add "$up" "$ns" --vlan 4095
	expect_error 2 "--vlan" "$NSTEER" port add "$up" "$ns" --vlan 0
	expect_error 2 "--vlan" "$NSTEER" port add "$up" "$ns" --vlan ten
	expect_error 2 "--ifname" "$NSTEER" port add "$up" "$ns" --ifname a/b
	expect_error 2 "--ifname" "$NSTEER" port add "$up" "$ns" --ifname 0123456789abcdef
	expect_error 2 "--ifname" "$NSTEER" port del "$up" "$(port_ns 1)" --ifname a/b
	expect_error 2 "--ifname given twice" "$NSTEER" port del "$up" "$(port_ns 1)" --ifname eth0 --ifname e1
	expect_error 2 "--mode" "$NSTEER" attach "$up" --mode weird
	expect_error 2 "--xdp-mode" "$NSTEER" attach "$up" --xdp-mode turbo
	expect_error 2 "--unknown" "$NSTEER" attach "$up" --unknown flood
	expect_error 2 "--interval" "$NSTEER" stats --interval 0
	expect_error 2 "--pid" "$NSTEER" port add "$up" --pid abc
	expect_error 2 "one namespace" "$NSTEER" port add "$up" "$ns" --pid 1
	expect_error 2 "one namespace" "$NSTEER" port add "$up" --netns-path /a --pid 1
}

test_bad_address_is_a_usage_error() {
	# Like a bad --mac or --vlan, a malformed --addr is a mistake in the command line (exit 2).
	lab 1
	local up ns
	up=$(uplink); ns="nst${LAB_ID}x"
	LAB_NETNS+=("$ns")
	expect_error 2 "10.0.0.300" "$NSTEER" port add "$up" "$ns" --addr 10.0.0.300/24
	expect_error 2 "fd77::zz" "$NSTEER" port add "$up" "$ns" --addr fd77::zz/64
}

test_address_refused_by_kernel_rolls_back() {
	# Refused after the veth exists (the kernel takes ::1 on loopback devices only): everything
	# port add built must go again.
	lab 1
	local up ns
	up=$(uplink); ns="nst${LAB_ID}x"
	LAB_NETNS+=("$ns")
	expect_error 1 "::1" "$NSTEER" port add "$up" "$ns" --addr 10.77.0.50/24 --addr ::1/128
	[ -e "/var/run/netns/$ns" ] && fail "the namespace port add created is left"
	expect_error 1 "exists" "$NSTEER" port add "$up" "$ns" --ifname lo
	expect "port add works after the failures" "$NSTEER" port add "$up" "$ns" --addr 10.77.0.50/24
	expect "wire -> the new port" in_ns "$(wire_ns "$up")" ping -c1 -W2 10.77.0.50
}

test_unknown_device_is_a_runtime_error() {
	lab 0
	local nope="nsu${LAB_ID}nope" ns="nst${LAB_ID}x"
	LAB_NETNS+=("$ns")
	expect_error 1 "unknown device" "$NSTEER" attach "$nope"
	[ -z "$(pins_named "$nope")" ] || fail "attach of a missing device left $(pins_named "$nope")"
	expect_error 1 "unknown device" "$NSTEER" detach "$nope"
	expect_error 1 "not attached" "$NSTEER" port add "$nope" "$ns"
	expect_error 1 "not attached" "$NSTEER" status "$nope"
	expect_error 2 "invalid device name" "$NSTEER" attach "../../etc"
	expect_error 2 "invalid device name" "$NSTEER" attach "0123456789abcdefXYZ"
}

test_duplicate_mac_on_one_uplink() {
	lab 1
	local up mac1 ns pre
	up=$(uplink); ns="nst${LAB_ID}dup"; pre="nst${LAB_ID}pre"
	LAB_NETNS+=("$ns" "$pre")
	mac1=$(port_field "$up" "$(port_ns 1)" mac)
	expect_error 1 "already used" "$NSTEER" port add "$up" "$ns" --mac "$mac1"
	[ -e "/var/run/netns/$ns" ] && fail "the refused port add left namespace $ns"
	ip netns add "$pre" || fail "ip netns add $pre"
	expect_error 1 "already used" "$NSTEER" port add "$up" "$pre" --mac "$mac1"
	[ -e "/var/run/netns/$pre" ] || fail "the refused port add deleted $pre, which it had not created"
	# Port 1 still owns its MAC and still gets its traffic.
	expect "wire -> port 1" in_ns "$(wire_ns "$up")" ping -c1 -W2 "$(port_addr4 1)"
	# The same MAC on another uplink is fine: MACs are per uplink.
	lab_uplink b
	expect "attach b" "$NSTEER" attach "$(uplink b)"
	expect "same MAC on uplink b" "$NSTEER" port add "$(uplink b)" "$ns" --mac "$mac1"
}

test_port_on_unattached_uplink() {
	lab 0
	lab_uplink b
	local b ns
	b=$(uplink b); ns="nst${LAB_ID}x"
	LAB_NETNS+=("$ns")
	expect_error 1 "not attached" "$NSTEER" port add "$b" "$ns"
	[ -e "/var/run/netns/$ns" ] && fail "port add on an unattached uplink created $ns"
	[ -z "$(pins_named "$b")" ] || fail "port add on an unattached uplink created $(pins_named "$b")"
	expect_error 1 "not attached" "$NSTEER" port del "$b" "$ns"
	expect_error 1 "not attached" "$NSTEER" port list "$b"
	expect_error 1 "not attached" "$NSTEER" status "$b"
}

test_missing_namespace_path_or_pid() {
	lab 1
	expect_error 1 "namespace" "$NSTEER" port add "$UP" --netns-path /nonexistent
	[ -e /nonexistent ] && fail "port add created /nonexistent"
	expect_error 1 "not a network namespace" "$NSTEER" port add "$UP" --netns-path /etc/hostname
	expect_error 1 "namespace" "$NSTEER" port add "$UP" --pid 999999999
	expect_error 1 "namespace" "$NSTEER" port add "$UP" --netns-path "/proc/self/ns/mnt"
}

test_not_root() {
	lab 1
	local out rc
	setpriv --reuid=65534 --regid=65534 --clear-groups test -x "$NSTEER" ||
		skip "nobody cannot execute $NSTEER"
	for cmd in "status" "port list" "attach $UP" "detach $UP" "port add $UP nst${LAB_ID}x" "batch -"; do
		expect_error 1 "root" setpriv --reuid=65534 --regid=65534 --clear-groups "$NSTEER" $cmd
	done
	[ -e "/var/run/netns/nst${LAB_ID}x" ] && fail "port add as nobody created a namespace"
	out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$NSTEER" status --help); rc=$?
	[ $rc = 0 ] && grep -q "Usage:" <<<"$out" || fail "--help as nobody: exit $rc"
}

test_unknown_command_or_option() {
	lab 1
	expect_error 2 "unknown command" "$NSTEER" frobnicate
	expect_error 2 "unknown command" "$NSTEER" port-add "$UP" x
	expect_error 2 "unknown option" "$NSTEER" attach "$UP" --bogus
	expect_error 2 "unknown option" "$NSTEER" --bogus status
	expect_error 2 "unknown option" "$NSTEER" status --mac 02:00:00:00:00:01
	expect_error 2 "unknown option" "$NSTEER" detach "$UP" --mode private
	expect_error 2 "subcommand" "$NSTEER" port frob "$UP"
}

test_missing_or_extra_arguments() {
	lab 1
	expect_error 2 "Usage" "$NSTEER"
	expect_error 2 "missing DEV" "$NSTEER" attach
	expect_error 2 "missing DEV" "$NSTEER" detach
	expect_error 2 "missing DEV" "$NSTEER" port add
	expect_error 2 "missing NETNS" "$NSTEER" port add "$UP"
	expect_error 2 "missing NETNS" "$NSTEER" port del "$UP"
	expect_error 2 "missing FILE" "$NSTEER" batch
	expect_error 2 "subcommand" "$NSTEER" port
	expect_error 2 "needs a value" "$NSTEER" attach "$UP" --mode
	expect_error 2 "needs a value" "$NSTEER" port add "$UP" x --mac
	expect_error 2 "unexpected argument" "$NSTEER" attach "$UP" extra
	expect_error 2 "unexpected argument" "$NSTEER" port add "$UP" x y
	expect_error 2 "unexpected argument" "$NSTEER" demo now
	expect_error 2 "--interval" "$NSTEER" stats --count 2
}

test_help_on_every_command() {
	local cmd out rc
	for cmd in "" "attach" "detach" "port add" "port del" "port list" "status" "stats" "batch" "demo"; do
		for h in --help -h; do
			out=$("$NSTEER" $cmd "$h" 2>&1); rc=$?
			[ $rc = 0 ] || fail "'nsteer $cmd $h' exited $rc"
			grep -q "^Usage: nsteer" <<<"$out" || fail "'nsteer $cmd $h' prints no Usage: $out"
			grep -q "Exit status" <<<"$out" || fail "'nsteer $cmd $h' does not document exit status"
		done
	done
}

test_help_on_port_command_group() {
	# 'port' is a command of its own in the usage ("Run 'nsteer COMMAND --help'").
	local out rc
	out=$("$NSTEER" port --help 2>&1); rc=$?
	[ $rc = 0 ] && grep -q "Usage:" <<<"$out" || fail "'nsteer port --help' exited $rc: $out"
}

test_batch_stops_at_failing_line_and_names_it() {
	lab 0
	local out rc
	LAB_NETNS+=("nst${LAB_ID}b1" "nst${LAB_ID}b2" "nst${LAB_ID}b3")
	cat >"$LAB_TMP/batch" <<-EOF
		# a comment, then a blank line

		port add $UP nst${LAB_ID}b1
		port add $UP nst${LAB_ID}b2 --mac 01:00:00:00:00:01
		port add $UP nst${LAB_ID}b3
	EOF
	out=$("$NSTEER" batch "$LAB_TMP/batch" 2>&1); rc=$?
	[ $rc = 2 ] || fail "batch with a usage error on line 4 exited $rc: $out"
	grep -q ":4:" <<<"$out" || fail "batch does not name line 4: $out"
	[ -e "/var/run/netns/nst${LAB_ID}b1" ] || fail "line 3, before the failure, did not take effect"
	[ -e "/var/run/netns/nst${LAB_ID}b3" ] && fail "batch went on after the failing line"

	printf 'port add %s nst%sb2 --mac %s\n' "$UP" "$LAB_ID" \
		"$(port_field "$UP" "nst${LAB_ID}b1" mac)" >"$LAB_TMP/batch2"
	out=$("$NSTEER" batch - <"$LAB_TMP/batch2" 2>&1); rc=$?
	[ $rc = 1 ] || fail "batch from stdin with a runtime failure exited $rc: $out"
	grep -q "stdin:1:" <<<"$out" || fail "batch from stdin does not name line 1: $out"
	expect_error 1 "/nonexistent/batch" "$NSTEER" batch /nonexistent/batch
	echo "batch $LAB_TMP/batch" >"$LAB_TMP/nested"
	expect_error 2 "cannot run inside batch" "$NSTEER" batch "$LAB_TMP/nested"
}

test_batch_sees_its_own_attach_and_is_no_interrupted_batch_to_status() {
	# One process attaches and then asks for status: the uplink it just made is there, and the
	# batch it is running is not one that was cut short.
	lab 0
	local out rc
	"$NSTEER" detach "$UP" >/dev/null 2>&1
	printf 'attach %s\nstatus %s\n' "$UP" "$UP" >"$LAB_TMP/batch"
	out=$("$NSTEER" batch "$LAB_TMP/batch" 2>&1); rc=$?
	[ $rc = 0 ] || fail "attach then status in one batch exited $rc: $out"
	grep -q "^$UP (ifindex" <<<"$out" || fail "status in the batch did not show $UP: $out"
	grep -q "interrupted" <<<"$out" && fail "status in the batch reported an interruption: $out"
	true
}

run_tests
