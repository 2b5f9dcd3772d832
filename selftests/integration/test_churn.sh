#!/bin/bash
# No frame reaches a port it was not addressed to, while ports come and go (SPEC §3: "No frame
# addressed to one port may ever be delivered to another port").
#
# CHURN_PORTS ports (default 200) on one uplink, a third of them on VLAN 10 or 20, some MACs on
# two VLANs at once and MACs paired to share their mac_index entry, in namespaces that hold one,
# two or three ports (interfaces named after their MAC and VLAN; see churn.py plan). For
# CHURN_SECS seconds (default 16) the wire sends to every (MAC, VLAN), tagged for VLAN ports,
# at CHURN_PPS frames a second (default 20000), while two workers delete random ports
# (port del --ifname) and add them back: the same MAC in another namespace, the same MAC on
# another VLAN, or another MAC on the same VLAN, into the same namespace, one holding other ports
# or an empty one; and now and then delete every port of a namespace at once (port del without
# --ifname) and add them back together. So slots, MACs, VLANs, namespaces and interface names
# are all reused. One receiver watches every port namespace from before its first port exists
# and checks each frame against the identity of the device it arrived on.
#
# Fails on one misdelivered frame (also: a duplicate, a frame still tagged, a failed nsteer
# command, port list disagreeing with what was made, namespace, interface, MAC and VLAN; no
# namespace-wide delete or no port added beside others). Prints the figures on one line, "churn:
# sent ..., delivered ..., misdelivered 0, lost during churn ..., lost to stable ports ...".
#
# Runtime on the 2-CPU host: about 25 s. In a VM without KVM (NST_PATIENCE > 1) ports, duration and
# rate are divided by NST_PATIENCE (200/6 = 33 ports for 3 s at 3333 frames/s with NST_PATIENCE=6).
source "$(dirname "$0")/lib.sh"

CHURN=("$NST_PYTHON" -S "$NST_DIR/churn.py")
CHURN_PORTS=${CHURN_PORTS:-$((200 / NST_PATIENCE > 24 ? 200 / NST_PATIENCE : 24))}
CHURN_SECS=${CHURN_SECS:-$((16 / NST_PATIENCE > 3 ? 16 / NST_PATIENCE : 3))}
CHURN_PPS=${CHURN_PPS:-$((20000 / NST_PATIENCE))}

test_no_misdelivery_while_ports_churn() {
	lab 0
	# About 1.7 ports a namespace: a quarter of the namespaces stay empty, for moves.
	local nns=$((CHURN_PORTS * 3 / 4)) prefix="nst${LAB_ID}c" i rc
	# The namespaces outlive their ports (nsteer did not create them, so port del keeps them):
	# the receiver opens its sockets in each once, before any port exists.
	for ((i = 0; i < nns; i++)); do
		LAB_NETNS+=("$prefix$i")
		echo "netns add $prefix$i"
	done >"$LAB_TMP/netns"
	ip -batch "$LAB_TMP/netns" || fail "creating $nns namespaces"
	"${CHURN[@]}" plan "$LAB_TMP/plan" "$CHURN_PORTS" "$nns" "$prefix" "$LAB_ID" "$UP" >"$LAB_TMP/batch" ||
		fail "churn.py plan"

	lab_bg "" timeout "$(patient 60)" "${CHURN[@]}" receive "$LAB_TMP/plan" "$LAB_TMP/rx.ready" \
		"$LAB_TMP/rx.stop" "$LAB_TMP/rx.json"
	wait_until 20 test -e "$LAB_TMP/rx.ready" || fail "the receiver did not start"
	expect "adding $CHURN_PORTS ports" "$NSTEER" batch "$LAB_TMP/batch"

	timeout "$(patient 60)" "${CHURN[@]}" drive "$LAB_TMP/plan" "$NST_ROOT/nsteer" "$UP" "$WIRE" \
		"$CHURN_SECS" "$CHURN_PPS" 2 "$LAB_TMP/sent.json" || fail "churn.py drive failed"
	touch "$LAB_TMP/rx.stop"
	wait_until 20 test -e "$LAB_TMP/rx.json" || fail "the receiver did not finish"
	"$NSTEER" port list "$UP" --json >"$LAB_TMP/list.json" || fail "nsteer port list"
	"${CHURN[@]}" report "$LAB_TMP/plan" "$LAB_TMP/sent.json" "$LAB_TMP/rx.json" "$LAB_TMP/list.json"
	rc=$?
	[ $rc = 0 ] || fail "frames or ports went wrong while ports churned (see above)"
	"$NSTEER" status "$UP" >"$LAB_TMP/status" 2>&1 || fail "status reports problems after the churn: $(cat "$LAB_TMP/status")"
}

run_tests
