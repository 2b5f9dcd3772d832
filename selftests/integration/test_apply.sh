#!/bin/bash
# nsteer apply and save: a configuration file makes the lab, apply is idempotent (a second run,
# and one after the uplink was renamed, changes nothing and touches no interface), recreates what
# detach removed, removes what it made and the file no longer has, leaves what others made alone,
# and refuses a bad file whole. A port is (uplink, namespace, interface): a namespace's ports on
# one uplink come and go one by one.
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

# The ifindexes of the uplink and of its ports' host ends: what a change would renumber. Each
# device by its name: a dump of every link can break off while another test on this machine
# deletes a namespace ("Peer netns reference is invalid").
ifindexes() {
	local dev
	for dev in "$UP" $("$NSTEER" port list "$UP" --json 2>/dev/null | "$NST_PYTHON" -S -c '
import json, sys
print(" ".join(p["host_ifname"] for p in json.load(sys.stdin)))'); do
		ip -o link show dev "$dev" 2>/dev/null | awk -F': ' '{ print $1, $2 }'
	done | sort
}

# only_ours: save's output (stdin) without the lines of other uplinks. save writes every uplink of
# the machine, and other tests run beside this one: applying their lines would complete or redo
# what they are in the middle of (a kill-point test's interrupted port add, say).
only_ours() { grep -E "^(#.*|attach $UP( .*)?|port add $UP .*)?\$"; }

# pin_dir DEV: the folder of DEV's pins as status names it; "" when DEV is not attached (and
# LAB_TMP/status.err says why).
pin_dir() {
	local out
	out=$("$NSTEER" status "$1" --json 2>"$LAB_TMP/status.err")
	[ -n "$out" ] && echo "$out" | json_first pin_dir
}

# expect_not_attached DEV WHAT: nsteer has no state for DEV (status says so).
expect_not_attached() {
	[ -z "$(pin_dir "$1")" ] && grep -q "$1 is not attached" "$LAB_TMP/status.err" ||
		{ cat "$LAB_TMP/status.err" >&2; fail "$2"; }
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
	grep -qx "$UP: port $(port_ns 2) eth0 deleted: not in $CONF" "$LAB_TMP/apply.out" ||
		{ cat "$LAB_TMP/apply.out" >&2; fail "apply did not delete the port the file dropped"; }
	[ "$(wc -l <"$LAB_TMP/apply.out")" = 1 ] || { cat "$LAB_TMP/apply.out" >&2; fail "apply changed more than that"; }
	"$NSTEER" port list "$UP" | grep -q " $(port_ns 2) " && fail "port 2 is still there"
	ip netns list | grep -q "^$(port_ns 2)\b" && fail "the namespace apply created for port 2 is still there"
	expect_ping "$(wire_ns "$UP")" "$(port_addr4 9)"
	# The file drops the uplink: apply's ports go, the hand-made one holds the uplink.
	printf '# empty\n' >"$CONF"
	"$NSTEER" apply "$CONF" >"$LAB_TMP/apply.out" 2>&1 && fail "apply succeeded although it could not detach $UP"
	grep -q "$UP: left attached: .*($(port_ns 9) eth0)" "$LAB_TMP/apply.out" ||
		{ cat "$LAB_TMP/apply.out" >&2; fail "apply did not name the port that holds $UP"; }
	expect_ping "$(wire_ns "$UP")" "$(port_addr4 9)"
	[ "$("$NSTEER" port list "$UP" | tail -n +2 | wc -l)" = 1 ] || fail "apply's ports are not all gone"
	expect "port del by hand" "$NSTEER" port del "$UP" "$(port_ns 9)"
	local pins
	pins=$(pin_dir "$UP")
	[ -n "$pins" ] && [ -d "$pins" ] || fail "status names no pin folder of $UP ('$pins')"
	apply_ok
	grep -qx "$UP: detached: not in $CONF" "$LAB_TMP/apply.out" ||
		{ cat "$LAB_TMP/apply.out" >&2; fail "apply did not detach the uplink it made"; }
	[ ! -e "$pins" ] || fail "$UP's pins are still there ($pins)"
	expect_not_attached "$UP" "status still knows $UP after apply detached it"
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
		grep -qx "$UP: port $(port_ns 2) eth0 replaced: MAC 02:00:00:77:00:22, not 02:00:00:77:00:02" "$LAB_TMP/apply.out" &&
		grep -qx "$UP: port $(port_ns 1) eth0 given 10.77.0.99/24" "$LAB_TMP/apply.out" ||
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
	"$NSTEER" save "$LAB_TMP/all.conf" || fail "nsteer save failed"
	only_ours <"$LAB_TMP/all.conf" >"$LAB_TMP/saved.conf"
	grep -q "^# $UP: port eth0 in /var/run/netns/$(port_ns 9) not saved: a namespace by path" "$LAB_TMP/saved.conf" ||
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
	"$NSTEER" save | only_ours | "$NSTEER" apply - >"$LAB_TMP/apply.out" 2>&1 || fail "save | apply - failed"
	grep -qx "nothing to change" "$LAB_TMP/apply.out" || { cat "$LAB_TMP/apply.out" >&2; fail "save | apply - changed something"; }
}

test_apply_after_the_uplink_was_renamed_changes_nothing() {
	apply_lab
	apply_ok
	local old=$UP before
	UP=$(uplink r)
	LAB_UPLINKS+=("$UP")
	ip link set "$old" down && ip link set "$old" name "$UP" && ip link set "$UP" up ||
		fail "renaming $old to $UP"
	sed -i "s/\b$old\b/$UP/g" "$CONF"
	before=$(ifindexes)
	# Ports without --mac: their MACs come from the name the uplink was attached as.
	apply_ok
	[ "$(cat "$LAB_TMP/apply.out")" = "nothing to change" ] ||
		{ cat "$LAB_TMP/apply.out" >&2; fail "apply changed something after $old became $UP"; }
	[ "$(ifindexes)" = "$before" ] || fail "apply renumbered interfaces after the rename"
	expect_ping "$(wire_ns "$old")" "$(port_addr4 1)" "$(port_addr4 2)"
	expect_ping "$(vhost_ns "$VID")" "$(vport_addr4 3 "$VID")"
}

# ports_in NETNS: NETNS's ports on UP as nsteer lists them, "IFNAME VLAN MAC HOST_IFINDEX
# HOST_IFNAME" a line.
ports_in() {
	"$NSTEER" port list "$UP" --json | "$NST_PYTHON" -S -c '
import json, sys
for p in sorted(json.load(sys.stdin), key=lambda p: p["ifname"]):
    if p["netns"] == sys.argv[1]:
        print(p["ifname"], p["vlan"], p["mac"], p["host_ifindex"], p["host_ifname"])' "$1"
}

# ifindex_of NS IFNAME: the interface's ifindex, "" when it does not exist.
ifindex_of() { link_get "$1" "$2" ifindex 2>/dev/null; }

# apply_said LINE...: apply's output is exactly these lines, in any order.
apply_said() {
	[ "$(sort "$LAB_TMP/apply.out")" = "$(printf '%s\n' "$@" | sort)" ] ||
		{ cat "$LAB_TMP/apply.out" >&2; fail "apply did not say exactly: $*"; }
}

test_two_ports_of_one_namespace_come_and_go_one_by_one() {
	apply_lab
	local ns vl mac0 macv end0 endv endv_name lines
	ns=$(port_ns 1)
	vl=vl$VID
	# Port 1's namespace gets a second interface on the uplink, on VLAN VID.
	echo "port add $UP $ns --vlan $VID --ifname $vl --addr $(vport_addr4 1 "$VID")/24" >>"$CONF"
	cp "$CONF" "$LAB_TMP/both.conf"
	apply_ok
	grep -qx "$UP: port $ns eth0 added" "$LAB_TMP/apply.out" &&
		grep -qx "$UP: port $ns $vl added" "$LAB_TMP/apply.out" ||
		{ cat "$LAB_TMP/apply.out" >&2; fail "apply did not say it added both of $ns's ports"; }
	mac0=$(mac_of "$ns" eth0) && macv=$(mac_of "$ns" "$vl") || fail "$ns lacks eth0 or $vl"
	[ "$mac0" != "$macv" ] || fail "$ns's two ports have one MAC, $mac0"
	lines=$(ports_in "$ns")
	[ "$(echo "$lines" | cut -d' ' -f1-3)" = "eth0 0 $mac0
$vl $VID $macv" ] || fail "nsteer lists $ns's ports as: $lines"
	end0=$(echo "$lines" | awk '$1 == "eth0" { print $4, $5 }')
	endv_name=$(echo "$lines" | awk -v i="$vl" '$1 == i { print $5 }')
	expect_lab_works
	expect_ping "$(vhost_ns "$VID")" "$(vport_addr4 1 "$VID")"
	# The VLAN's frames reach vl only, the untagged ones eth0 only.
	[ "$(neigh_mac "$(vhost_ns "$VID")" eth0 "$(vport_addr4 1 "$VID")")" = "$macv" ] ||
		fail "VLAN $VID's host did not learn $vl's MAC for $(vport_addr4 1 "$VID")"
	[ "$(neigh_mac "$(wire_ns "$UP")" wire0 "$(port_addr4 1)")" = "$mac0" ] ||
		fail "the wire did not learn eth0's MAC for $(port_addr4 1)"

	# save writes each port with its interface, and reads back into the same two.
	"$NSTEER" save "$LAB_TMP/all.conf" || fail "nsteer save failed"
	only_ours <"$LAB_TMP/all.conf" >"$LAB_TMP/saved.conf"
	[ "$(grep "^port add $UP $ns " "$LAB_TMP/saved.conf")" = "port add $UP $ns --mac $mac0 --addr $(port_addr4 1)/24 --addr $(port_addr6 1)/64
port add $UP $ns --mac $macv --vlan $VID --ifname $vl --addr $(vport_addr4 1 "$VID")/24" ] ||
		{ cat "$LAB_TMP/saved.conf" >&2; fail "save did not write $ns's two ports as made"; }
	local before
	before=$(ifindexes)
	CONF=$LAB_TMP/saved.conf apply_ok
	apply_said "nothing to change"
	[ "$(ifindexes)" = "$before" ] || fail "applying save's output renumbered interfaces"

	# Without the VLAN port: that one goes, eth0 and the namespace stay as they were.
	sed -i "/--ifname $vl --addr $(vport_addr4 1 "$VID")/d" "$CONF"
	apply_ok
	apply_said "$UP: port $ns $vl deleted: not in $CONF"
	[ "$(ports_in "$ns")" = "eth0 0 $mac0 $end0" ] || fail "$ns's ports after deleting $vl: $(ports_in "$ns")"
	[ -z "$(ifindex_of "$ns" "$vl")" ] || fail "$vl is still in $ns"
	ip link show dev "$endv_name" >/dev/null 2>&1 && fail "$vl's host end $endv_name is still there"
	expect_ping "$(wire_ns "$UP")" "$(port_addr4 1)" "$(port_addr6 1)"
	expect_no_ping "$(vhost_ns "$VID")" "$(vport_addr4 1 "$VID")"
	expect_ping "$(vhost_ns "$VID")" "$(vport_addr4 3 "$VID")"

	# Back, then without eth0: the namespace port add created stays for vl, which keeps its ends.
	CONF=$LAB_TMP/both.conf apply_ok
	apply_said "$UP: port $ns $vl added"
	endv=$(ports_in "$ns" | awk -v i="$vl" '$1 == i { print $4, $5 }')
	local peer
	peer=$(ifindex_of "$ns" "$vl")
	cp "$LAB_TMP/both.conf" "$CONF"
	sed -i "/^port add $UP $ns --addr/d" "$CONF"
	apply_ok
	apply_said "$UP: port $ns eth0 deleted: not in $CONF"
	[ "$(ports_in "$ns")" = "$vl $VID $macv $endv" ] || fail "$ns's ports after deleting eth0: $(ports_in "$ns")"
	[ "$(ifindex_of "$ns" "$vl")" = "$peer" ] || fail "$vl was re-made when eth0 went"
	[ -z "$(ifindex_of "$ns" eth0)" ] || fail "eth0 is still in $ns"
	expect_ping "$(vhost_ns "$VID")" "$(vport_addr4 1 "$VID")"
	# Its last port gone, the namespace apply created goes with it.
	sed -i "/^port add $UP $ns /d" "$CONF"
	apply_ok
	apply_said "$UP: port $ns $vl deleted: not in $CONF"
	ip netns list | grep -q "^$ns\b" && fail "the namespace apply created for $ns's ports is still there"
	[ "$(problems "$UP")" = "" ] || fail "status finds problems: $(problems "$UP")"
}

# bad_file_refused LINE TEXT MESSAGE: a file whose line LINE is TEXT fails with exit 2, naming
# FILE:LINE and MESSAGE, and changes nothing.
bad_file_refused() {
	local n=$1 text=$2 msg=$3 before rc
	cp "$CONF" "$LAB_TMP/bad.conf"
	sed -i "${n}i $text" "$LAB_TMP/bad.conf"
	before=$("$NSTEER" port list "$UP" --json 2>/dev/null; ifindexes)
	"$NSTEER" apply "$LAB_TMP/bad.conf" >"$LAB_TMP/apply.out" 2>&1
	rc=$?
	[ $rc = 2 ] || { cat "$LAB_TMP/apply.out" >&2; fail "apply of a bad file exited $rc, not 2"; }
	grep -qF "nsteer: $LAB_TMP/bad.conf:$n: $msg" "$LAB_TMP/apply.out" ||
		{ cat "$LAB_TMP/apply.out" >&2; fail "apply did not say '$LAB_TMP/bad.conf:$n: $msg'"; }
	grep -qF "nothing was changed" "$LAB_TMP/apply.out" || fail "apply did not say it changed nothing"
	[ "$("$NSTEER" port list "$UP" --json 2>/dev/null; ifindexes)" = "$before" ] || fail "a bad file changed the host"
}

test_a_bad_file_changes_nothing() {
	apply_lab
	sed -i "/$(port_ns 2)/d" "$CONF"
	bad_file_refused 3 "port add $UP $(port_ns 2) --colour blue" "unknown option '--colour'"
	bad_file_refused 4 "port add $UP $(port_ns 2) --mac 02:00:00:00:00:zz" "invalid MAC '02:00:00:00:00:zz'"
	bad_file_refused 2 "attach nsuNONE$LAB_ID" "no device nsuNONE$LAB_ID"
	bad_file_refused 3 "port add nsuNONE$LAB_ID $(port_ns 2)" "port on nsuNONE$LAB_ID, which no attach line"
	expect_not_attached "$UP" "a bad file attached $UP"
	ip netns list | grep -q "^$(port_ns 1)\b" && fail "a bad file created a namespace"
	# Applied, then a bad edit: the lab stays as it was.
	apply_ok
	bad_file_refused 3 "port add $UP $(port_ns 2) --vlan 5000" "invalid --vlan '5000'"
	expect_ping "$(wire_ns "$UP")" "$(port_addr4 1)"
	expect_ping "$(vhost_ns "$VID")" "$(vport_addr4 3 "$VID")"
}

run_tests
