#!/bin/bash
# nsteer apply and save: a configuration file makes the lab, apply is idempotent (a second run
# changes nothing and touches no interface), recreates what detach removed, removes what it made
# and the file no longer has, leaves what others made alone, and refuses a bad file whole.
source "$(dirname "$0")/lib.sh"

VID=7

# apply_lab: a lab uplink with a host behind the wire on VLAN VID, and the configuration of three
# ports (one on VLAN VID, one with two addresses) in LAB_TMP/nsteer.conf, not applied yet.
apply_lab() {
	lab_uplink
	UP=$(uplink)
	lab_vlan_host "$UP" "$VID"
	wire_switch "$UP"
	LAB_NETNS+=("$(port_ns 1)" "$(port_ns 2)" "$(port_ns 3)" "$(port_ns 9)")
	CONF=$LAB_TMP/nsteer.conf
	# XDP_MODE runs the suite once per attach mode: the file asks for it as a user would.
	local mode=${XDP_MODE:+ --xdp-mode $XDP_MODE}
	cat >"$CONF" <<-EOF
	# the apply test's lab
	attach $UP$mode
	port add $UP $(port_ns 1) --addr $(port_addr4 1)/24 --addr $(port_addr6 1)/64
	port add $UP $(port_ns 2) --mac 02:00:00:77:00:02 --addr $(port_addr4 2)/24
	port add $UP $(port_ns 3) --vlan $VID --ifname vl$VID --addr $(vport_addr4 3 $VID)/24
	EOF
}

apply_ok() { # apply_ok: nsteer apply CONF succeeds; its output in LAB_TMP/apply.out
	"$NSTEER" apply "$CONF" >"$LAB_TMP/apply.out" 2>&1 ||
		{ cat "$LAB_TMP/apply.out" >&2; fail "nsteer apply $CONF failed"; }
}

expect_lab_works() {
	expect_ping "$(wire_ns "$UP")" "$(port_addr4 1)" "$(port_addr6 1)" "$(port_addr4 2)"
	expect_ping "$(vhost_ns "$VID")" "$(vport_addr4 3 "$VID")"
	[ "$(mac_of "$(port_ns 2)" eth0)" = 02:00:00:77:00:02 ] || fail "port 2 has not its MAC"
	in_ns "$(port_ns 3)" ip link show "vl$VID" >/dev/null || fail "port 3 has no vl$VID"
}

# The ifindexes of every port's host end and of the uplink: what a change would renumber.
ifindexes() {
	ip -o link show | awk -F': ' '{ print $1, $2 }' | grep -E " (nst[0-9a-f]{8}|$UP)@" | sort
}

test_apply_makes_the_lab_and_again_changes_nothing() {
	apply_lab
	apply_ok
	grep -q "^$UP: attached" "$LAB_TMP/apply.out" || { cat "$LAB_TMP/apply.out" >&2; fail "apply did not say it attached $UP"; }
	[ "$(grep -c "^$UP: port .* added$" "$LAB_TMP/apply.out")" = 3 ] ||
		{ cat "$LAB_TMP/apply.out" >&2; fail "apply did not say it added 3 ports"; }
	expect_lab_works
	local before
	before=$(ifindexes)
	apply_ok
	[ "$(cat "$LAB_TMP/apply.out")" = "nothing to change" ] ||
		{ cat "$LAB_TMP/apply.out" >&2; fail "a second apply of the same file changed something"; }
	[ "$(ifindexes)" = "$before" ] || fail "a second apply renumbered interfaces: $before -> $(ifindexes)"
	[ "$(problems "$UP")" = "" ] || fail "status finds problems: $(problems "$UP")"
}

test_apply_recreates_what_detach_removed() {
	apply_lab
	apply_ok
	expect "detach --ports" "$NSTEER" detach "$UP" --ports
	[ -z "$("$NSTEER" port list "$UP" 2>/dev/null | tail -n +2)" ] || fail "ports left after detach --ports"
	apply_ok
	expect_lab_works
	local before
	before=$(ifindexes)
	apply_ok
	grep -qx "nothing to change" "$LAB_TMP/apply.out" || { cat "$LAB_TMP/apply.out" >&2; fail "third apply changed something"; }
	[ "$(ifindexes)" = "$before" ] || fail "the third apply renumbered interfaces"
}

test_apply_removes_only_its_own() {
	apply_lab
	apply_ok
	# A port made by hand on the uplink apply attached: no apply touches it.
	expect "port add by hand" "$NSTEER" port add "$UP" "$(port_ns 9)" --addr "$(port_addr4 9)/24"
	apply_ok
	grep -qx "nothing to change" "$LAB_TMP/apply.out" || { cat "$LAB_TMP/apply.out" >&2; fail "apply changed something for a port made by hand"; }
	sed -i "/$(port_ns 2)/d" "$CONF"
	apply_ok
	grep -qx "$UP: port $(port_ns 2) deleted: not in $CONF" "$LAB_TMP/apply.out" ||
		{ cat "$LAB_TMP/apply.out" >&2; fail "apply did not delete the port the file dropped"; }
	[ "$(wc -l <"$LAB_TMP/apply.out")" = 1 ] || { cat "$LAB_TMP/apply.out" >&2; fail "apply changed more than that"; }
	"$NSTEER" port list "$UP" | grep -q " $(port_ns 2) " && fail "port 2 is still there"
	ip netns list | grep -q "^$(port_ns 2)\b" && fail "the namespace apply created for port 2 is still there"
	expect_ping "$(wire_ns "$UP")" "$(port_addr4 9)"
	# The file drops the uplink: apply's ports go, the hand-made one holds the uplink.
	printf '# empty\n' >"$CONF"
	"$NSTEER" apply "$CONF" >"$LAB_TMP/apply.out" 2>&1 && fail "apply succeeded although it could not detach $UP"
	grep -q "$UP: left attached: .*($(port_ns 9))" "$LAB_TMP/apply.out" ||
		{ cat "$LAB_TMP/apply.out" >&2; fail "apply did not name the port that holds $UP"; }
	expect_ping "$(wire_ns "$UP")" "$(port_addr4 9)"
	[ "$("$NSTEER" port list "$UP" | tail -n +2 | wc -l)" = 1 ] || fail "apply's ports are not all gone"
	expect "port del by hand" "$NSTEER" port del "$UP" "$(port_ns 9)"
	apply_ok
	grep -qx "$UP: detached: not in $CONF" "$LAB_TMP/apply.out" ||
		{ cat "$LAB_TMP/apply.out" >&2; fail "apply did not detach the uplink it made"; }
	[ ! -e "/sys/fs/bpf/nsteer/$UP" ] || fail "$UP's pins are still there"
}

test_apply_changes_what_differs() {
	apply_lab
	apply_ok
	local host_end
	host_end=$(port_field "$UP" "$(port_ns 1)" host_ifname)
	sed -i "s|02:00:00:77:00:02|02:00:00:77:00:22|; s|^attach $UP.*|& --mode private|" "$CONF"
	echo "port add $UP $(port_ns 1) --addr $(port_addr4 1)/24 --addr $(port_addr6 1)/64 --addr 10.77.0.99/24" >>"$CONF"
	sed -i "0,/port add $UP $(port_ns 1) /{//d}" "$CONF"
	apply_ok
	grep -qx "$UP: re-attached: mode private, not bridge" "$LAB_TMP/apply.out" &&
		grep -qx "$UP: port $(port_ns 2) replaced: MAC 02:00:00:77:00:22, not 02:00:00:77:00:02" "$LAB_TMP/apply.out" &&
		grep -qx "$UP: port $(port_ns 1) given 10.77.0.99/24" "$LAB_TMP/apply.out" ||
		{ cat "$LAB_TMP/apply.out" >&2; fail "apply did not say what it changed"; }
	[ "$(mac_of "$(port_ns 2)" eth0)" = 02:00:00:77:00:22 ] || fail "port 2 has not its new MAC"
	[ "$(port_field "$UP" "$(port_ns 1)" host_ifname)" = "$host_end" ] || fail "port 1 was replaced for an address"
	expect_ping "$(wire_ns "$UP")" 10.77.0.99 "$(port_addr4 2)"
}

test_save_output_applied_changes_nothing() {
	apply_lab
	apply_ok
	# A port whose namespace is given by path: save cannot bring it back, and says so.
	ip netns add "$(port_ns 9)" || fail "ip netns add"
	expect "port add by path" "$NSTEER" port add "$UP" --netns-path "/var/run/netns/$(port_ns 9)"
	"$NSTEER" save "$LAB_TMP/saved.conf" || fail "nsteer save failed"
	grep -q "^# $UP: port in /var/run/netns/$(port_ns 9) not saved: a namespace by path" "$LAB_TMP/saved.conf" ||
		{ cat "$LAB_TMP/saved.conf" >&2; fail "save did not explain the port by path"; }
	grep -q "^port add $UP $(port_ns 3) --mac [0-9a-f:]* --vlan $VID --ifname vl$VID --addr $(vport_addr4 3 $VID)/24$" "$LAB_TMP/saved.conf" ||
		{ cat "$LAB_TMP/saved.conf" >&2; fail "save did not write port 3 as made"; }
	local before
	before=$(ifindexes)
	CONF=$LAB_TMP/saved.conf apply_ok
	[ "$(cat "$LAB_TMP/apply.out")" = "nothing to change" ] ||
		{ cat "$LAB_TMP/apply.out" >&2; fail "applying save's output changed something"; }
	[ "$(ifindexes)" = "$before" ] || fail "applying save's output renumbered interfaces"
	# Through stdin, as `nsteer save | nsteer apply -`.
	"$NSTEER" save | "$NSTEER" apply - >"$LAB_TMP/apply.out" 2>&1 || fail "save | apply - failed"
	grep -qx "nothing to change" "$LAB_TMP/apply.out" || { cat "$LAB_TMP/apply.out" >&2; fail "save | apply - changed something"; }
}

# bad_file_refused LINE TEXT MESSAGE: a file whose line LINE is TEXT fails with exit 2, naming
# FILE:LINE and MESSAGE, and changes nothing.
bad_file_refused() {
	local n=$1 text=$2 msg=$3 before rc
	cp "$CONF" "$LAB_TMP/bad.conf"
	sed -i "${n}i $text" "$LAB_TMP/bad.conf"
	before=$("$NSTEER" port list --json; ifindexes)
	"$NSTEER" apply "$LAB_TMP/bad.conf" >"$LAB_TMP/apply.out" 2>&1
	rc=$?
	[ $rc = 2 ] || { cat "$LAB_TMP/apply.out" >&2; fail "apply of a bad file exited $rc, not 2"; }
	grep -qF "nsteer: $LAB_TMP/bad.conf:$n: $msg" "$LAB_TMP/apply.out" ||
		{ cat "$LAB_TMP/apply.out" >&2; fail "apply did not say '$LAB_TMP/bad.conf:$n: $msg'"; }
	grep -qF "nothing was changed" "$LAB_TMP/apply.out" || fail "apply did not say it changed nothing"
	[ "$("$NSTEER" port list --json; ifindexes)" = "$before" ] || fail "a bad file changed the host"
}

test_a_bad_file_changes_nothing() {
	apply_lab
	sed -i "/$(port_ns 2)/d" "$CONF"
	bad_file_refused 3 "port add $UP $(port_ns 2) --colour blue" "unknown option '--colour'"
	bad_file_refused 4 "port add $UP $(port_ns 2) --mac 02:00:00:00:00:zz" "invalid MAC '02:00:00:00:00:zz'"
	bad_file_refused 2 "attach nsuNONE$LAB_ID" "no device nsuNONE$LAB_ID"
	bad_file_refused 3 "port add nsuNONE$LAB_ID $(port_ns 2)" "port on nsuNONE$LAB_ID, which no attach line"
	[ ! -e "/sys/fs/bpf/nsteer/$UP" ] || fail "a bad file attached $UP"
	ip netns list | grep -q "^$(port_ns 1)\b" && fail "a bad file created a namespace"
	# Applied, then a bad edit: the lab stays as it was.
	apply_ok
	bad_file_refused 3 "port add $UP $(port_ns 2) --vlan 5000" "invalid --vlan '5000'"
	expect_ping "$(wire_ns "$UP")" "$(port_addr4 1)"
	expect_ping "$(vhost_ns "$VID")" "$(vport_addr4 3 "$VID")"
}

run_tests
