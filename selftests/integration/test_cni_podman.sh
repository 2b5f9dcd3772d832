#!/bin/bash
# nsteer-cni under a real runtime: podman 4.3 with its CNI backend runs two containers from a
# busybox rootfs on a network of type "nsteer" over the lab's uplink, with host-local IPAM. They
# reach each other and the wire, nsteer shows their ports, and removing them leaves nothing. One
# container on two such networks of the same uplink gets a port on each.
#
# Cheap enough (a few seconds) to run once per XDP mode: the network's xdpMode is this run's, so
# the attach the plugin makes is in each mode in turn.
source "$(dirname "$0")/lib.sh"

NSTEER_CNI=${NSTEER_CNI:-$NST_ROOT/nsteer-cni}
CTR_TIMEOUT=$(patient 20)

# podman_lab: the uplink UP (left unattached: the first ADD attaches it), NET, a CNI network
# config dir and plugin dir, host-local's IPAM_DIR, a busybox rootfs ROOTFS, and PODMAN, a podman
# whose storage, state and config all live in LAB_TMP, so that nothing of this machine's own
# podman is used or changed.
podman_lab() {
	command -v podman >/dev/null || skip "podman is not installed"
	command -v runc >/dev/null || fail "runc is missing (podman here needs it: crun fails in hybrid cgroups)"
	[ -x /bin/busybox ] || fail "/bin/busybox is missing (busybox-static)"
	[ -x /usr/lib/cni/host-local ] || fail "/usr/lib/cni/host-local is missing (containernetworking-plugins)"
	[ -x "$NSTEER_CNI" ] || fail "$NSTEER_CNI is missing (make nsteer-cni)"
	lab_uplink
	trap podman_teardown EXIT
	UP=$(uplink)
	WIRE=$(wire_ns "$UP")
	NET=nst${LAB_ID}net
	IPAM_DIR=$LAB_TMP/ipam
	ROOTFS=$LAB_TMP/rootfs
	mkdir -p "$LAB_TMP/cni-bin" "$LAB_TMP/net.d" "$IPAM_DIR" "$ROOTFS/bin" "$ROOTFS/tmp" "$ROOTFS/proc" \
		"$ROOTFS/sys" "$ROOTFS/dev" "$ROOTFS/etc" || fail "mkdir"
	ln -s "$NSTEER_CNI" "$LAB_TMP/cni-bin/nsteer" || fail "symlink nsteer"
	cp /bin/busybox "$ROOTFS/bin/" || fail "copy busybox"
	for a in sh ip ping nc sleep cat echo ls netstat; do ln -s busybox "$ROOTFS/bin/$a"; done
	# podman 4.3 takes its CNI plugin directories only from containers.conf, not from a flag or
	# CNI_PATH; CONTAINERS_CONF makes it read this one instead of the system's.
	cat >"$LAB_TMP/containers.conf" <<-EOF
		[network]
		network_backend = "cni"
		cni_plugin_dirs = ["$LAB_TMP/cni-bin", "/usr/lib/cni"]
		network_config_dir = "$LAB_TMP/net.d"
	EOF
	export CONTAINERS_CONF=$LAB_TMP/containers.conf
	net_conflist "$NET" 10.77.0 '"routes": [{ "dst": "0.0.0.0/0" }]'
	# The flags that work on these machines (ENVIRONMENT.md): runc, cgroupfs, file events.
	PODMAN=(podman --root "$LAB_TMP/root" --runroot "$LAB_TMP/runroot" --tmpdir "$LAB_TMP/libpod"
		--network-config-dir "$LAB_TMP/net.d" --runtime runc --network-backend cni
		--cgroup-manager=cgroupfs --events-backend=file)
}

# net_conflist NAME PREFIX ROUTES [MEMBERS]: network NAME of type nsteer on UP, subnet
# PREFIX.0/24 with gateway PREFIX.1 and host-local's range PREFIX.100-199; ROUTES is host-local's
# "routes" member (or ""), MEMBERS more of the plugin's config (e.g. '"vlan": 10').
net_conflist() {
	local name=$1 prefix=$2 routes=$3 extra=${4:+, $4}
	# podman 4.3's libcni knows no cniVersion newer than 1.0.0.
	cat >"$LAB_TMP/net.d/$name.conflist" <<-EOF
		{
		  "cniVersion": "1.0.0",
		  "name": "$name",
		  "plugins": [
		    { "type": "nsteer", "master": "$UP", "xdpMode": "${XDP_MODE:-auto}"$extra,
		      "ipam": { "type": "host-local", "dataDir": "$IPAM_DIR",
		                "ranges": [[{ "subnet": "$prefix.0/24", "rangeStart": "$prefix.100",
		                              "rangeEnd": "$prefix.199", "gateway": "$prefix.1" }]]${routes:+, $routes} } }
		  ]
		}
	EOF
}

pod() { timeout "$CTR_TIMEOUT" "${PODMAN[@]}" "$@"; }

# Containers first (their DEL needs the uplink and the IPAM dir), then anything podman left
# mounted under LAB_TMP, which the lab's teardown is about to delete recursively.
podman_teardown() {
	local m
	if [ -n "${PODMAN[*]:-}" ]; then
		pod rm -a -f -t 0 >/dev/null 2>&1
		findmnt -rn -o TARGET | grep "^$LAB_TMP/" | sort -r | while read -r m; do umount -l "$m"; done
	fi
	lab_teardown
}

# ctr_run NAME [NETWORK...]: a container NAME (nst<ID>NAME) on the networks (default NET) that
# sleeps until removed.
ctr_run() {
	local name=$1 out n nets=()
	shift
	for n in "${@:-$NET}"; do nets+=(--network "$n"); done
	out=$(pod run -d --name "nst${LAB_ID}$name" --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 \
		"${nets[@]}" --rootfs "$ROOTFS" sleep 3600 2>&1) ||
		fail "podman run $name: $out"
}

ctr() { local n=$1; shift; pod exec "nst${LAB_ID}$n" "$@"; } # ctr NAME cmd...: cmd in the container
ctr_i() { local n=$1; shift; pod exec -i "nst${LAB_ID}$n" "$@"; } # the same, with this stdin

# ctr_addr NAME [NETWORK]: the container's address on NETWORK (default NET).
ctr_addr() { pod inspect -f "{{(index .NetworkSettings.Networks \"${2:-$NET}\").IPAddress}}" "nst${LAB_ID}$1"; }
ctr_id() { pod inspect -f '{{.Id}}' "nst${LAB_ID}$1"; }

# ctr_ping NAME ADDR: the container pings ADDR.
ctr_ping() {
	local out
	out=$(ctr "$1" ping -c2 -i0.2 -W2 "$2" 2>&1) || fail "ping $1 -> $2 failed: $out"
}

# tcp_exchange CLIENT SERVER SERVER_ADDR: a line each way over TCP, busybox nc at both ends; CLIENT
# and SERVER are container names, or "wire" for the wire's namespace.
tcp_exchange() {
	local c=$1 s=$2 addr=$3 port=$((5000 + RANDOM % 1000)) sent=ask$RANDOM reply=answer$RANDOM got i
	local srv=(ctr "$s") cli=(ctr_i "$c") file=$LAB_TMP/got-$s-$port
	[ "$s" = wire ] && srv=(ip netns exec "$WIRE" busybox)
	[ "$c" = wire ] && cli=(ip netns exec "$WIRE" busybox)
	# busybox nc ends when its peer's side of the connection ends, maybe before it has sent its own
	# line: the server's input stays open (sleep) until the client's line and end have come.
	# What the server receives comes out here, not in a file of the container: its /tmp is not
	# always the rootfs's (in the test VM it is not there at all).
	"${srv[@]}" sh -c "(echo $reply; sleep $(patient 5)) | nc -l -p $port" >"$file" \
		2>"$LAB_TMP/server-$port.log" &
	LAB_PIDS+=("$!")
	# The server listens once its shell has started it; until then the client is refused.
	for ((i = 0; i < 30 * NST_PATIENCE; i++)); do
		got=$(echo "$sent" | "${cli[@]}" nc -w 3 "$addr" "$port" 2>"$LAB_TMP/client-$port.log") &&
			[ -n "$got" ] && break
		sleep 0.1
	done
	[ "$got" = "$reply" ] ||
		fail "TCP $c -> $s ($addr): the client got '$got', not '$reply' (client: $(cat \
			"$LAB_TMP/client-$port.log"); server: $(cat "$LAB_TMP/server-$port.log"); listening \
			in $s: $("${srv[@]}" netstat -ltn 2>&1 | grep -c ":$port "))"
	for ((i = 0; i < 50 * NST_PATIENCE; i++)); do
		got=$(cat "$file") && [ "$got" = "$sent" ] && return 0
		sleep 0.1
	done
	fail "TCP $c -> $s ($addr): the server got '$got', not '$sent'"
}

# cni_ports: "LABEL MAC HOST_IFNAME" of each port of UP that a CNI attachment of NET made.
cni_ports() {
	status_json "$UP" | "$NST_PYTHON" -S -c '
import json, sys
for s in json.load(sys.stdin):
    for p in s.get("ports", []):
        if p["netns"].startswith("cni:"):
            print(p["netns"], p["mac"], p["host_ifname"])'
}

test_two_containers() {
	podman_lab
	local a b id n label mac host_ends=() leases
	ctr_run a
	ctr_run b
	a=$(ctr_addr a); b=$(ctr_addr b)
	[[ $a == 10.77.0.* && $b == 10.77.0.* && $a != "$b" ]] || fail "podman's addresses: a '$a', b '$b'"

	# nsteer sees both, labelled with podman's container IDs and MACs.
	[ "$(cni_ports | grep -c .)" = 2 ] || fail "expected 2 CNI ports: $(cni_ports)"
	for n in a b; do
		id=$(ctr_id $n)
		label="cni:$NET:$id:eth0"
		# From the kernel over netlink, not /sys: where runc cannot mount a sysfs of the
		# container's own (as in the test VM), /sys is the host's and shows the host's eth0.
		mac=$(ctr $n ip link show eth0 | awk '$1 == "link/ether" { print $2 }')
		[ -n "$mac" ] || fail "eth0 in container $n"
		grep -qx "$label $mac .*" <<<"$(cni_ports)" ||
			fail "no port labelled $label with $mac (container $n): $(cni_ports)"
		host_ends+=("$(cni_ports | awk -v l="$label" '$1 == l {print $3}')")
	done
	[ "$(status_get "$UP" "len(s['problems'])")" = 0 ] || fail "problems on $UP: $(problems "$UP")"

	ctr_ping a "$b"
	ctr_ping b "$a"
	ctr_ping a "$WIRE_ADDR4"
	ctr_ping b "$WIRE_ADDR4"
	expect_ping "$WIRE" "$a" "$b"
	tcp_exchange a b "$b"
	tcp_exchange b a "$a"
	tcp_exchange a wire "$WIRE_ADDR4"
	tcp_exchange wire b "$b"

	leases=$(ls "$IPAM_DIR/$NET" | grep -c '^10\.77\.')
	[ "$leases" = 2 ] || fail "host-local holds $leases leases for 2 containers: $(ls "$IPAM_DIR/$NET")"
	pod rm -f -t 0 "nst${LAB_ID}a" "nst${LAB_ID}b" >/dev/null || fail "podman rm"
	[ -z "$(cni_ports)" ] || fail "ports left after podman rm: $(cni_ports)"
	"$NSTEER" port list "$UP" --json | grep -q '"netns"' && fail "ports left after podman rm: $("$NSTEER" port list "$UP")"
	for n in "${host_ends[@]}"; do
		[ -n "$n" ] || fail "a port without a host end"
		ip link show "$n" >/dev/null 2>&1 && fail "the host end $n of a removed container's port is left"
	done
	leases=$(ls "$IPAM_DIR/$NET" | grep '^10\.77\.')
	[ -z "$leases" ] || fail "host-local still holds $leases after podman rm"
}

test_container_restart() {
	# A restart is DEL then ADD with the same container ID: the port comes back and works.
	podman_lab
	local id
	ctr_run a
	id=$(ctr_id a)
	pod restart -t 0 "nst${LAB_ID}a" >/dev/null || fail "podman restart"
	[ "$(cni_ports | grep -c "^cni:$NET:$id:eth0 ")" = 1 ] || fail "after restart: $(cni_ports)"
	ctr_ping a "$WIRE_ADDR4"
	expect_ping "$WIRE" "$(ctr_addr a)"
	pod rm -f -t 0 "nst${LAB_ID}a" >/dev/null || fail "podman rm"
	[ -z "$(cni_ports)" ] || fail "ports left after podman rm: $(cni_ports)"
	[ -z "$(ls "$IPAM_DIR/$NET" | grep '^10\.77\.')" ] || fail "host-local still holds a lease after podman rm"
}

# One container on two networks of one uplink (podman run --network A --network B, as a pod with
# two networks on one NIC): a port each, both reached from the wire, both gone with the container.
test_one_container_two_networks() {
	podman_lab
	local net2=${NET}b prefix2 vlan= id sandbox n label ifn mac addr macs= host_ends=() leases
	# The wire's end of the second network: a VLAN 10 device on wire0 where the kernel has 8021q
	# (making it is the probe), else a second subnet on wire0 itself.
	if ip -n "$WIRE" link add link wire0 name wire0.10 type vlan id 10 2>/dev/null; then
		vlan=10 prefix2=10.78.10
		ip -n "$WIRE" link set wire0.10 up || fail "wire0.10 up"
		ip -n "$WIRE" addr add "$prefix2.1/24" dev wire0.10 || fail "address on wire0.10"
		echo "  $net2 on VLAN 10 (the kernel has 8021q)"
	else
		prefix2=10.78.0
		ip -n "$WIRE" addr add "$prefix2.1/24" dev wire0 || fail "second address on wire0"
		echo "  $net2 untagged: the kernel has no 8021q (no VLAN device on a veth)"
	fi
	# The second network routes nothing beyond its subnet: the default route is the first's (a
	# second one would replace it; see vlan_ipam in test_cni_spec.sh).
	net_conflist "$net2" "$prefix2" "" ${vlan:+"\"vlan\": $vlan"}
	ctr_run a "$NET" "$net2"
	id=$(ctr_id a)
	sandbox=$(pod inspect -f '{{.NetworkSettings.SandboxKey}}' "nst${LAB_ID}a")
	[ -n "$sandbox" ] && [ -e "$sandbox" ] || fail "podman inspect: no namespace of the container ('$sandbox')"

	[ "$(cni_ports | grep -c .)" = 2 ] || fail "expected 2 CNI ports: $(cni_ports)"
	for n in "$NET" "$net2"; do
		# The port labelled with podman's container ID names the interface podman gave it.
		label=$(cni_ports | awk -v p="cni:$n:$id:" 'index($1, p) == 1 { print $1 }')
		[ "$(grep -c . <<<"$label")" = 1 ] || fail "no single port of $n for the container: $(cni_ports)"
		ifn=${label##*:}
		mac=$(ctr a ip link show "$ifn" | awk '$1 == "link/ether" { print $2 }')
		[ -n "$mac" ] || fail "no $ifn in the container for $n"
		grep -qx "$label $mac .*" <<<"$(cni_ports)" || fail "port $label does not have $ifn's MAC $mac: $(cni_ports)"
		[[ " $macs " != *" $mac "* ]] || fail "both interfaces have MAC $mac"
		macs+=" $mac"
		addr=$(ctr_addr a "$n")
		ctr a ip -4 addr show "$ifn" | grep -q "inet $addr/24 " ||
			fail "$ifn in the container lacks $n's address '$addr': $(ctr a ip -4 addr show "$ifn" 2>&1)"
		expect_ping "$WIRE" "$addr"
		host_ends+=("$(cni_ports | awk -v l="$label" '$1 == l { print $3 }')")
	done
	label=$(cni_ports | awk -v p="cni:$net2:" 'index($1, p) == 1 { print $1 }')
	[ "$(status_get "$UP" "p['vlan'] or 0" "$label")" = "${vlan:-0}" ] ||
		fail "$net2's port is on VLAN '$(status_get "$UP" "p['vlan']" "$label")', not ${vlan:-none}"
	[ "$(status_get "$UP" "len(s['problems'])")" = 0 ] || fail "problems on $UP: $(problems "$UP")"

	pod rm -f -t 0 "nst${LAB_ID}a" >/dev/null || fail "podman rm"
	[ -z "$(cni_ports)" ] || fail "ports left after podman rm: $(cni_ports)"
	"$NSTEER" port list "$UP" --json | grep -q '"netns"' && fail "ports left after podman rm: $("$NSTEER" port list "$UP")"
	for n in "${host_ends[@]}"; do
		[ -n "$n" ] || fail "a port without a host end"
		! ip link show "$n" >/dev/null 2>&1 || fail "the host end $n of a removed container's port is left"
	done
	[ ! -e "$sandbox" ] || fail "the container's namespace $sandbox is left after podman rm"
	leases=$(ls "$IPAM_DIR/$NET" "$IPAM_DIR/$net2" | grep '^10\.7[78]\.')
	[ -z "$leases" ] || fail "host-local still holds $leases after podman rm"
}

run_tests
