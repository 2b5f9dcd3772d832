#!/bin/bash
# nsteer-cni against the CNI spec as nsteer documents it (the interface in the plugin's design):
# every command driven the way a runtime drives it (environment variables, config on stdin, result
# or error JSON on stdout), with the real host-local IPAM plugin, and the state each command must
# leave (ports and their labels, interfaces and addresses in the container namespace, leases).
# selftests-modes: auto native (xdpMode is passed through; skb attaches as native does, with a flag)
source "$(dirname "$0")/lib.sh"

NSTEER_CNI=${NSTEER_CNI:-$NST_ROOT/nsteer-cni}
SUPPORTED_VERSIONS='["0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0"]'
# host-local's range; the lab's own ports (lab_port) use 10.77.0.11 and up, the wire 10.77.0.1.
RANGE_START=10.77.0.100
RANGE_END=10.77.0.199
# A route beyond the default one, through a neighbour on the wire, to see that every route of the
# IPAM result reaches the namespace.
EXTRA_DST=10.79.0.0/16
EXTRA_GW=10.77.0.2
# A second network's route, on VLAN 10 through a neighbour of the VLAN host.
VLAN_DST=10.80.0.0/16
VLAN_GW=10.78.10.2

# ---- The set-up: an uplink, a CNI_PATH, a network config ----

# cni_lab [attach|noattach]: the lab's uplink UP (attached unless noattach; by nsteer-in-mode, so
# that XDP_MODE applies), CNI_PATH_DIRS with the plugin as "nsteer" before the standard plugins,
# IPAM_DIR for host-local's leases, NET the network's name.
cni_lab() {
	[ -x "$NSTEER_CNI" ] || fail "$NSTEER_CNI is missing (make nsteer-cni)"
	[ -x /usr/lib/cni/host-local ] || fail "/usr/lib/cni/host-local is missing (containernetworking-plugins)"
	lab_uplink "" "${CNI_LAB_MTU:-1500}"
	UP=$(uplink)
	WIRE=$(wire_ns "$UP")
	if [ "${1:-attach}" = attach ]; then
		"$NSTEER" attach "$UP" >/dev/null || fail "attach $UP"
	fi
	mkdir -p "$LAB_TMP/cni-bin" "$LAB_TMP/ipam" || fail "mkdir"
	ln -s "$NSTEER_CNI" "$LAB_TMP/cni-bin/nsteer" || fail "symlink"
	CNI_PATH_DIRS=$LAB_TMP/cni-bin:/usr/lib/cni
	IPAM_DIR=$LAB_TMP/ipam
	NET=nst${LAB_ID}net
}

# cid N: container N's ID, 64 hex digits as runtimes make them.
cid() { printf '%s' "nsteer-cni-$LAB_ID-$1" | sha256sum | cut -c1-64; }

# cns N: container N's network namespace nst<ID>c<N>, created (and removed at teardown).
cns() {
	local ns="nst${LAB_ID}c$1"
	LAB_NETNS+=("$ns")
	ip netns add "$ns" || fail "ip netns add $ns"
	ip -n "$ns" link set lo up
}

# ipam [SUBNET GATEWAY [START END [EXTRA_GW]]]: host-local's config, leases in IPAM_DIR. The
# routes carry their gateway, so the result's routes are what the config says.
ipam() {
	local subnet=${1:-10.77.0.0/24} gw=${2:-$WIRE_ADDR4} start=${3:-$RANGE_START} end=${4:-$RANGE_END}
	local extra_gw=${5:-$EXTRA_GW}
	printf '{"type": "host-local", "dataDir": "%s", "ranges": [[{"subnet": "%s", "rangeStart": "%s", "rangeEnd": "%s", "gateway": "%s"}]], "routes": [{"dst": "0.0.0.0/0", "gw": "%s"}, {"dst": "%s", "gw": "%s"}]}' \
		"$IPAM_DIR" "$subnet" "$start" "$end" "$gw" "$gw" "$EXTRA_DST" "$extra_gw"
}

# conf [KEY=JSON]...: the network config: cniVersion 1.0.0, name NET, type nsteer, master UP and
# the xdpMode of this run, changed by each KEY=JSON (KEY= with nothing after it drops KEY).
conf() {
	"$NST_PYTHON" -S -c '
import json, sys
c = {"cniVersion": "1.0.0", "name": sys.argv[1], "type": "nsteer", "master": sys.argv[2],
     "xdpMode": sys.argv[3]}
for kv in sys.argv[4:]:
    k, v = kv.split("=", 1)
    if v == "":
        c.pop(k, None)
    else:
        c[k] = json.loads(v)
print(json.dumps(c))' "$NET" "$UP" "${XDP_MODE:-auto}" "$@" || fail "conf $*"
}

# cni CMD CID NETNS IFNAME CONFIG [VAR=VALUE...]: runs the plugin as a runtime does, with nothing
# in its environment but PATH, CNI_PATH and the CNI variables; "-" leaves a variable out. NETNS is
# a namespace name or a path. Sets RC and OUT (stdout), ERR_FILE holds stderr. CNI_TAG keeps the
# files of calls running at the same time apart.
cni() {
	local cmd=$1 cid=$2 ns=$3 ifn=$4 cfg=$5 f="$LAB_TMP/cni${CNI_TAG:-}"
	local envs=(PATH="$PATH" CNI_PATH="$CNI_PATH_DIRS")
	shift 5
	[ "$cmd" != - ] && envs+=(CNI_COMMAND="$cmd")
	[ "$cid" != - ] && envs+=(CNI_CONTAINERID="$cid")
	if [ "$ns" != - ]; then
		[[ $ns == /* ]] || ns=/var/run/netns/$ns
		envs+=(CNI_NETNS="$ns")
	fi
	[ "$ifn" != - ] && envs+=(CNI_IFNAME="$ifn")
	printf '%s' "$cfg" >"$f.in"
	env -i "${envs[@]}" "$@" "$NSTEER_CNI" <"$f.in" >"$f.out" 2>"$f.err"
	RC=$?
	OUT=$(cat "$f.out")
	ERR_FILE=$f.err
}

said() { echo "exit $RC, stdout: ${OUT:-(nothing)}, stderr: $(head -c 2000 "$ERR_FILE")"; }

# cni_ok WHAT CMD...: cni CMD... must succeed.
cni_ok() {
	local what=$1; shift
	cni "$@"
	[ "$RC" = 0 ] || fail "$what: $(said)"
}

# cni_quiet_ok WHAT CMD...: cni CMD... must succeed and print nothing (DEL, CHECK, STATUS, GC).
cni_quiet_ok() {
	cni_ok "$@"
	[ -z "$OUT" ] || fail "$1: printed something on success: $OUT"
}

# cni_fails CODES WHAT [CNIVERSION] : the last cni call failed as the spec says: exit 1 and an error
# object on stdout whose code is one of CODES (comma separated), with a non-empty msg and the
# cniVersion given ("" when any version string will do, e.g. for a config that is not JSON).
cni_fails() {
	local codes=$1 what=$2 ver=${3-1.0.0} why
	[ "$RC" = 1 ] || fail "$what: expected exit 1 with code $codes; $(said)"
	why=$("$NST_PYTHON" -S -c '
import json, sys
out, codes, ver = sys.argv[1], [int(c) for c in sys.argv[2].split(",")], sys.argv[3]
try:
    r = json.loads(out)
except ValueError as e:
    sys.exit("stdout is not JSON (%s)" % e)
if not isinstance(r, dict):
    sys.exit("stdout is not an object")
if r.get("code") not in codes:
    sys.exit("code %r, expected one of %s" % (r.get("code"), codes))
if not isinstance(r.get("msg"), str) or not r["msg"]:
    sys.exit("no msg")
if "details" in r and not (isinstance(r["details"], str) and r["details"].isprintable()):
    sys.exit("details is not printable text: %r" % r["details"])
if not r["msg"].isprintable():
    sys.exit("msg is not printable text: %r" % r["msg"])
v = r.get("cniVersion")
if not isinstance(v, str) or not v:
    sys.exit("no cniVersion")
if ver and v != ver:
    sys.exit("cniVersion %r, expected %r" % (v, ver))' "$OUT" "$codes" "$ver" 2>&1) ||
		fail "$what: $why; $(said)"
}

# jcheck WHAT EXPR [JSON]: the Python expression EXPR over r (JSON, default OUT) must be true.
jcheck() {
	local why
	why=$("$NST_PYTHON" -S -c '
import json, sys
r = json.loads(sys.argv[2])
try:
    ok = eval(sys.argv[1], {"r": r})
except Exception as e:
    sys.exit("%s: %r" % (type(e).__name__, e))
sys.exit(0 if ok else "false")' "$2" "${3-$OUT}" 2>&1) || fail "$1: [$2] $why in ${3-$OUT}"
}

# jget EXPR [JSON]: the value of EXPR over r (JSON, default OUT).
jget() {
	"$NST_PYTHON" -S -c 'import json, sys; print(eval(sys.argv[1], {"r": json.loads(sys.argv[2])}))' \
		"$1" "${2-$OUT}" || fail "[$1] over ${2-$OUT}"
}

label() { echo "cni:${3:-$NET}:$1:$2"; } # label CID IFNAME [NAME]: the port's label

# port_get CID IFNAME KEY [NAME]: field KEY of the port labelled for (CID, IFNAME) on UP, or
# nothing (exit 1) when there is none.
port_get() {
	"$NSTEER" port list "$UP" --json | "$NST_PYTHON" -S -c '
import json, sys
p = [p for p in json.load(sys.stdin) if p["netns"] == sys.argv[1]]
if len(p) > 1:
    sys.exit("%d ports labelled %s" % (len(p), sys.argv[1]))
if not p:
    sys.exit(1)
print(p[0][sys.argv[2]])' "$(label "$1" "$2" "${4:-}")" "$3"
}

has_port() { port_get "$1" "$2" mac "${3:-}" >/dev/null; } # has_port CID IFNAME [NAME]

# unsteer MAC [VID]: deletes the steering entry of (MAC, VID) from UP's "ports" map (keyed by MAC
# and VLAN, little-endian), in the folder nsteer status names, as a fault that CHECK must see.
unsteer() {
	local vid=${2:-0} dir
	dir=$(status_get "$UP" "s['pin_dir']")
	[ -n "$dir" ] || fail "no pin_dir for $UP in nsteer status"
	bpftool map delete pinned "$dir/ports" key $(sed 's/^/0x/; s/:/ 0x/g' <<<"$1") \
		$((vid & 255)) $((vid >> 8)) || fail "deleting the steering entry of $1 (VLAN $vid) in $dir/ports"
}

# leases CID: the addresses host-local holds for CID (its lease files name the address and hold
# the container's ID).
leases() {
	grep -rlF -- "$1" "$IPAM_DIR" 2>/dev/null | xargs -r -n1 basename
}

# net_leases NAME CID: the addresses host-local holds for CID in network NAME.
net_leases() {
	grep -lF -- "$2" "$IPAM_DIR/$1"/* 2>/dev/null | xargs -r -n1 basename
}

# nothing_left WHAT CID NS IFNAME: no port labelled for (CID, IFNAME), no lease for CID, no IFNAME
# in NS, no veth from this namespace into NS.
nothing_left() {
	local what=$1 cid=$2 ns=$3 ifn=$4 l
	! has_port "$cid" "$ifn" 2>/dev/null || fail "$what: left port $(label "$cid" "$ifn")"
	l=$(leases "$cid")
	[ -z "$l" ] || fail "$what: host-local still holds $l for the container"
	if [ -e "/var/run/netns/$ns" ]; then
		! ip -n "$ns" link show "$ifn" >/dev/null 2>&1 || fail "$what: left $ifn in $ns"
	fi
	! ip -o link show | grep -q "link-netns $ns\b" ||
		fail "$what: left a veth into $ns: $(ip -o link show | grep "link-netns $ns\b")"
}

# ns_addrs NS IFNAME: IFNAME's IPv4 addresses in NS, as ADDR/LEN, one a line.
ns_addrs() {
	ip -n "$1" -j -4 addr show dev "$2" | "$NST_PYTHON" -S -c '
import json, sys
for l in json.load(sys.stdin):
    for a in l.get("addr_info", []):
        print("%s/%d" % (a["local"], a["prefixlen"]))'
}

# route_via NS DST: the gateway of NS's route to DST ("default" or a prefix), and its device.
route_via() {
	ip -n "$1" -j -4 route show "$2" | "$NST_PYTHON" -S -c '
import json, sys
r = json.load(sys.stdin)
print("%s %s" % (r[0].get("gateway", ""), r[0].get("dev", "")) if r else "")'
}

# expect_added WHAT N IFNAME [VERSION]: the last ADD (with ipam()) of container N made what its
# result says: checks the result field by field, then the port, the interface, address and routes
# in the namespace, and the lease. Sets ADDR (without its length) and MAC.
expect_added() {
	local what=$1 n=$2 ifn=$3 ver=${4:-1.0.0} ns cid a
	ns=nst${LAB_ID}c$n
	cid=$(cid "$n")
	[ "$RC" = 0 ] || fail "$what: ADD failed: $(said)"
	jcheck "$what: cniVersion" "r.get('cniVersion') == '$ver'"
	jcheck "$what: one interface" "len(r['interfaces']) == 1"
	jcheck "$what: interface name" "r['interfaces'][0]['name'] == '$ifn'"
	jcheck "$what: sandbox" "r['interfaces'][0]['sandbox'] == '/var/run/netns/$ns'"
	MAC=$(jget "r['interfaces'][0]['mac'].lower()")
	jcheck "$what: one address" "len(r['ips']) == 1"
	jcheck "$what: address in host-local's range" \
		"r['ips'][0]['address'].startswith('10.77.0.') and r['ips'][0]['address'].endswith('/24') and \
$((${RANGE_START##*.})) <= int(r['ips'][0]['address'].split('/')[0].split('.')[3]) <= $((${RANGE_END##*.}))"
	jcheck "$what: gateway" "r['ips'][0]['gateway'] == '$WIRE_ADDR4'"
	jcheck "$what: address on interface 0" "r['ips'][0]['interface'] == 0"
	jcheck "$what: routes" "sorted((x['dst'], x.get('gw')) for x in r['routes']) == \
[('0.0.0.0/0', '$WIRE_ADDR4'), ('$EXTRA_DST', '$EXTRA_GW')]"
	case $ver in
	0.*) jcheck "$what: ips[0].version for cniVersion $ver" "r['ips'][0].get('version') == '4'" ;;
	*) jcheck "$what: no ips[].version for cniVersion $ver" "'version' not in r['ips'][0]" ;;
	esac
	a=$(jget "r['ips'][0]['address']")
	ADDR=${a%/*}

	[ "$(port_get "$cid" "$ifn" mac)" = "$MAC" ] ||
		fail "$what: port $(label "$cid" "$ifn") has MAC '$(port_get "$cid" "$ifn" mac)', the result says $MAC"
	[ "$(port_get "$cid" "$ifn" ifname)" = "$ifn" ] || fail "$what: the port's ifname is not $ifn"
	[ "$(mac_of "$ns" "$ifn" 2>/dev/null)" = "$MAC" ] ||
		fail "$what: $ifn in $ns has MAC '$(mac_of "$ns" "$ifn" 2>&1)', the result says $MAC"
	ip -n "$ns" link show "$ifn" | grep -q '[<,]UP[,>]' || fail "$what: $ifn in $ns is not up"
	[ "$(ns_addrs "$ns" "$ifn")" = "$a" ] || fail "$what: $ifn in $ns has '$(ns_addrs "$ns" "$ifn")', not $a"
	[ "$(route_via "$ns" default)" = "$WIRE_ADDR4 $ifn" ] ||
		fail "$what: default route in $ns: '$(route_via "$ns" default)'"
	[ "$(route_via "$ns" "$EXTRA_DST")" = "$EXTRA_GW $ifn" ] ||
		fail "$what: route to $EXTRA_DST in $ns: '$(route_via "$ns" "$EXTRA_DST")'"
	[ "$(leases "$cid")" = "$ADDR" ] || fail "$what: host-local's lease for the container: '$(leases "$cid")', not $ADDR"
}

# ---- Tests ----

test_version() {
	cni_lab noattach
	local v
	for v in 1.0.0 0.4.0 1.1.0; do
		cni_ok "VERSION ($v)" VERSION - - - "{\"cniVersion\": \"$v\"}"
		jcheck "VERSION: supportedVersions" "r['supportedVersions'] == $SUPPORTED_VERSIONS"
		jcheck "VERSION: cniVersion" "r['cniVersion'] in $SUPPORTED_VERSIONS"
	done
}

test_add_without_ipam() {
	# The interface's MTU is the uplink's unless the config says otherwise.
	CNI_LAB_MTU=1400 cni_lab
	local cid ns mac
	cid=$(cid 1); ns=nst${LAB_ID}c1; cns 1
	cni_ok "ADD" ADD "$cid" "$ns" eth0 "$(conf)"
	jcheck "cniVersion" "r['cniVersion'] == '1.0.0'"
	jcheck "one interface" "len(r['interfaces']) == 1"
	jcheck "interface name" "r['interfaces'][0]['name'] == 'eth0'"
	jcheck "sandbox" "r['interfaces'][0]['sandbox'] == '/var/run/netns/$ns'"
	jcheck "no ips without ipam" "not r.get('ips')"
	jcheck "no routes without ipam" "not r.get('routes')"
	mac=$(jget "r['interfaces'][0]['mac'].lower()")
	[ "$(mac_of "$ns" eth0)" = "$mac" ] || fail "eth0 in $ns has MAC $(mac_of "$ns" eth0), the result says $mac"
	[ "$(port_get "$cid" eth0 mac)" = "$mac" ] || fail "no port labelled $(label "$cid" eth0) with $mac"
	[ "$(port_get "$cid" eth0 vlan)" = 0 ] || fail "the port has a VLAN without vlan in the config"
	[ "$(link_get "$ns" eth0 mtu)" = 1400 ] || fail "eth0's MTU is $(link_get "$ns" eth0 mtu), not the uplink's 1400"
	[ -z "$(ns_addrs "$ns" eth0)" ] || fail "eth0 has addresses without ipam: $(ns_addrs "$ns" eth0)"
	# The port works: an address by hand, and the wire answers.
	ip -n "$ns" addr add 10.77.0.50/24 dev eth0 || fail "ip addr add"
	expect_ping "$ns" "$WIRE_ADDR4"

	# Config "mtu" wins over the uplink's.
	cns 2
	cni_ok "ADD with mtu" ADD "$(cid 2)" "nst${LAB_ID}c2" net1 "$(conf mtu=1300)"
	[ "$(link_get "nst${LAB_ID}c2" net1 mtu)" = 1300 ] || fail "net1's MTU is $(link_get "nst${LAB_ID}c2" net1 mtu), not 1300"
}

test_add_with_ipam_and_del() {
	cni_lab
	local cid ns res
	cid=$(cid 1); ns=nst${LAB_ID}c1; cns 1
	cni ADD "$cid" "$ns" eth0 "$(conf ipam="$(ipam)")"
	expect_added "ADD" 1 eth0
	res=$OUT
	expect_ping "$ns" "$WIRE_ADDR4"
	expect_ping "$WIRE" "$ADDR"
	# DEL may get the ADD's result as prevResult (the spec's DEL).
	cni_quiet_ok "DEL" DEL "$cid" "$ns" eth0 "$(conf ipam="$(ipam)" prevResult="$res")"
	nothing_left "after DEL" "$cid" "$ns" eth0
	[ -e "/var/run/netns/$ns" ] || fail "DEL removed the namespace, which belongs to the runtime"
	# The address is free again: the next container can have it.
	cns 2
	cni ADD "$(cid 2)" "nst${LAB_ID}c2" eth0 "$(conf ipam="$(ipam "" "" "$RANGE_START" "$RANGE_START")")"
	expect_added "ADD of a second container on the released address" 2 eth0
}

test_result_per_cni_version() {
	cni_lab
	local v n=0 cid ns cfg
	# host-local (containernetworking-plugins 1.1) knows no 1.1.0: that version without ipam.
	for v in 0.3.0 0.3.1 0.4.0 1.0.0 1.1.0; do
		n=$((n + 1)); cid=$(cid $n); ns=nst${LAB_ID}c$n; cns $n
		if [ $v = 1.1.0 ]; then
			cfg=$(conf cniVersion="\"$v\"")
			cni_ok "ADD ($v)" ADD "$cid" "$ns" eth0 "$cfg"
			jcheck "cniVersion $v" "r['cniVersion'] == '$v' and r['interfaces'][0]['name'] == 'eth0'"
		else
			cfg=$(conf cniVersion="\"$v\"" ipam="$(ipam)")
			cni ADD "$cid" "$ns" eth0 "$cfg"
			expect_added "ADD ($v)" $n eth0 $v
		fi
		cni_quiet_ok "DEL ($v)" DEL "$cid" "$ns" eth0 "$cfg"
		nothing_left "DEL ($v)" "$cid" "$ns" eth0
	done
}

test_label_cuts_long_name() {
	cni_lab
	local long=nst${LAB_ID}-a-network-name-longer-than-forty-characters-in-all cid
	cid=$(cid 1); cns 1
	cni_ok "ADD" ADD "$cid" "nst${LAB_ID}c1" eth0 "$(conf name="\"$long\"")"
	has_port "$cid" eth0 "${long:0:40}" || fail "no port labelled $(label "$cid" eth0 "${long:0:40}"): $("$NSTEER" port list "$UP")"
	cni_quiet_ok "DEL" DEL "$cid" "nst${LAB_ID}c1" eth0 "$(conf name="\"$long\"")"
	! has_port "$cid" eth0 "${long:0:40}" || fail "DEL left the port of the long-named network"
}

test_mac_precedence() {
	cni_lab
	local m_conf=02:00:5e:10:00:01 m_args=02:00:5e:10:00:02 m_rt=02:00:5e:10:00:03 n
	for n in 1 2 3; do cns $n; done
	# Each container's config gets its own "mac", since one uplink refuses a MAC twice.
	cni_ok "ADD, config mac" ADD "$(cid 1)" "nst${LAB_ID}c1" eth0 "$(conf mac="\"02:00:5e:10:01:01\"")"
	expect_mac 1 02:00:5e:10:01:01
	cni_ok "ADD, config mac and CNI_ARGS MAC=" ADD "$(cid 2)" "nst${LAB_ID}c2" eth0 \
		"$(conf mac="\"02:00:5e:10:01:02\"")" CNI_ARGS="IgnoreUnknown=1;MAC=$m_args"
	expect_mac 2 "$m_args"
	cni_ok "ADD, config mac, CNI_ARGS MAC= and runtimeConfig.mac" ADD "$(cid 3)" "nst${LAB_ID}c3" eth0 \
		"$(conf mac="\"$m_conf\"" runtimeConfig="{\"mac\": \"${m_rt^^}\"}")" CNI_ARGS="IgnoreUnknown=1;MAC=02:00:5e:10:01:03"
	expect_mac 3 "$m_rt"
}

expect_mac() { # expect_mac N MAC: container N's ADD result, port and interface have MAC
	local got
	got=$(jget "r['interfaces'][0]['mac'].lower()")
	[ "$got" = "$2" ] || fail "container $1: the result's MAC is $got, expected $2"
	got=$(port_get "$(cid "$1")" eth0 mac)
	[ "$got" = "$2" ] || fail "container $1: the port's MAC is '$got', expected $2"
	got=$(mac_of "nst${LAB_ID}c$1" eth0)
	[ "$got" = "$2" ] || fail "container $1: eth0's MAC is $got, expected $2"
}

test_vlan() {
	cni_lab
	lab_vlan_host "$UP" 10
	wire_switch "$UP"
	local cid ns ipam_v
	cid=$(cid 1); ns=nst${LAB_ID}c1; cns 1
	ipam_v=$(ipam 10.78.10.0/24 "$(vhost_addr4 10)" 10.78.10.100 10.78.10.199 10.78.10.2)
	cni_ok "ADD on VLAN 10" ADD "$cid" "$ns" eth0 "$(conf vlan=10 ipam="$ipam_v")"
	[ "$(port_get "$cid" eth0 vlan)" = 10 ] || fail "the port's VLAN is '$(port_get "$cid" eth0 vlan)', not 10"
	# The VLAN host is reachable only on VLAN 10 (the wire's switch), so this ping crosses it tagged.
	expect_ping "$ns" "$(vhost_addr4 10)"
	cni_quiet_ok "CHECK on VLAN 10" CHECK "$cid" "$ns" eth0 "$(conf vlan=10 ipam="$ipam_v" prevResult="$OUT")"
	cni_quiet_ok "DEL on VLAN 10" DEL "$cid" "$ns" eth0 "$(conf vlan=10 ipam="$ipam_v")"
	nothing_left "DEL on VLAN 10" "$cid" "$ns" eth0
}

# vlan_ipam: host-local on VLAN 10's subnet, routing only VLAN_DST: a second network's. A second
# default route would replace the first network's (port add replaces a route to the same
# destination), which is not what these tests are about.
vlan_ipam() {
	printf '{"type": "host-local", "dataDir": "%s", "ranges": [[{"subnet": "10.78.10.0/24", "rangeStart": "10.78.10.100", "rangeEnd": "10.78.10.199", "gateway": "%s"}]], "routes": [{"dst": "%s", "gw": "%s"}]}' \
		"$IPAM_DIR" "$(vhost_addr4 10)" "$VLAN_DST" "$VLAN_GW"
}

# One container on two networks of one master, as Multus and podman give a pod two networks on one
# NIC: network A untagged as eth0, network B on VLAN 10 as net1.
test_two_networks() {
	cni_lab
	lab_vlan_host "$UP" 10
	wire_switch "$UP"
	local cid ns net_b conf_a conf_b res_a res_b mac_a mac_b addr_a addr_b a vhost
	cid=$(cid 1); ns=nst${LAB_ID}c1; cns 1
	net_b=${NET}b
	vhost=$(vhost_ns 10)
	conf_a=$(conf ipam="$(ipam)")
	conf_b=$(conf name="\"$net_b\"" vlan=10 ipam="$(vlan_ipam)")
	cni ADD "$cid" "$ns" eth0 "$conf_a"
	expect_added "ADD of network A" 1 eth0
	res_a=$OUT; mac_a=$MAC; addr_a=$ADDR
	cni ADD "$cid" "$ns" net1 "$conf_b"
	[ "$RC" = 0 ] || fail "ADD of network B for a container that has network A on $UP: $(said)"
	res_b=$OUT
	jcheck "B: its interface" "[(i['name'], i['sandbox']) for i in r['interfaces']] == [('net1', '/var/run/netns/$ns')]"
	jcheck "B: one address in its range" "len(r['ips']) == 1 and r['ips'][0]['address'].endswith('/24') and \
r['ips'][0]['address'].startswith('10.78.10.') and 100 <= int(r['ips'][0]['address'].split('/')[0].split('.')[3]) <= 199"
	jcheck "B: its route" "[(x['dst'], x.get('gw')) for x in r['routes']] == [('$VLAN_DST', '$VLAN_GW')]"
	mac_b=$(jget "r['interfaces'][0]['mac'].lower()")
	a=$(jget "r['ips'][0]['address']"); addr_b=${a%/*}
	[ "$mac_a" != "$mac_b" ] || fail "both attachments have MAC $mac_a"

	# Each interface, port and lease as its own result says; A's are as B's ADD found them.
	[ "$(mac_of "$ns" eth0)" = "$mac_a" ] || fail "eth0 has MAC $(mac_of "$ns" eth0), A's result says $mac_a"
	[ "$(mac_of "$ns" net1)" = "$mac_b" ] || fail "net1 has MAC $(mac_of "$ns" net1), B's result says $mac_b"
	[ "$(ns_addrs "$ns" eth0)" = "$addr_a/24" ] || fail "eth0 has '$(ns_addrs "$ns" eth0)', not $addr_a/24"
	[ "$(ns_addrs "$ns" net1)" = "$addr_b/24" ] || fail "net1 has '$(ns_addrs "$ns" net1)', not $addr_b/24"
	[ "$(port_get "$cid" eth0 mac)/$(port_get "$cid" eth0 vlan)" = "$mac_a/0" ] ||
		fail "A's port: $(port_get "$cid" eth0 mac)/$(port_get "$cid" eth0 vlan), not $mac_a untagged"
	[ "$(port_get "$cid" net1 mac "$net_b")/$(port_get "$cid" net1 vlan "$net_b")" = "$mac_b/10" ] ||
		fail "B's port: $(port_get "$cid" net1 mac "$net_b")/$(port_get "$cid" net1 vlan "$net_b"), not $mac_b on VLAN 10"
	[ "$(route_via "$ns" default)" = "$WIRE_ADDR4 eth0" ] || fail "default route: '$(route_via "$ns" default)'"
	[ "$(route_via "$ns" "$EXTRA_DST")" = "$EXTRA_GW eth0" ] || fail "route to $EXTRA_DST: '$(route_via "$ns" "$EXTRA_DST")'"
	[ "$(route_via "$ns" "$VLAN_DST")" = "$VLAN_GW net1" ] || fail "route to $VLAN_DST: '$(route_via "$ns" "$VLAN_DST")'"
	[ "$(net_leases "$NET" "$cid")" = "$addr_a" ] || fail "A's leases: '$(net_leases "$NET" "$cid")', not $addr_a"
	[ "$(net_leases "$net_b" "$cid")" = "$addr_b" ] || fail "B's leases: '$(net_leases "$net_b" "$cid")', not $addr_b"
	# Each reaches its own side of the wire and is reached from it: B only through VLAN 10.
	expect_ping "$ns" "$WIRE_ADDR4" "$(vhost_addr4 10)"
	expect_ping "$WIRE" "$addr_a"
	expect_ping "$vhost" "$addr_b"

	cni_quiet_ok "CHECK A" CHECK "$cid" "$ns" eth0 "$(conf ipam="$(ipam)" prevResult="$res_a")"
	cni_quiet_ok "CHECK B" CHECK "$cid" "$ns" net1 "$(conf name="\"$net_b\"" vlan=10 ipam="$(vlan_ipam)" prevResult="$res_b")"
	cni CHECK "$cid" "$ns" net1 "$(conf name="\"$net_b\"" vlan=10 ipam="$(vlan_ipam)" prevResult="$res_a")"
	cni_fails 100 "CHECK of B against A's result (A's address is not on net1)"
	# B under A's interface name: refused, A untouched, and of B's leases only the one this ADD
	# took goes again.
	cni ADD "$cid" "$ns" eth0 "$conf_b"
	cni_fails 100 "ADD of B as eth0, which is A's"
	[ "$(port_get "$cid" eth0 mac)/$(mac_of "$ns" eth0)" = "$mac_a/$mac_a" ] ||
		fail "the refused ADD changed A's port or eth0: $(port_get "$cid" eth0 mac)/$(mac_of "$ns" eth0)"
	! has_port "$cid" eth0 "$net_b" || fail "the refused ADD left a port"
	[ "$(net_leases "$net_b" "$cid")" = "$addr_b" ] ||
		fail "after the refused ADD, B holds '$(net_leases "$net_b" "$cid")', not $addr_b"
	# A fault of A's port is A's CHECK's business only.
	unsteer "$mac_a"
	cni CHECK "$cid" "$ns" eth0 "$(conf ipam="$(ipam)" prevResult="$res_a")"
	cni_fails 100 "CHECK A with its steering entry gone"
	cni_quiet_ok "CHECK B with A's steering entry gone" CHECK "$cid" "$ns" net1 \
		"$(conf name="\"$net_b\"" vlan=10 ipam="$(vlan_ipam)" prevResult="$res_b")"

	# DEL of A takes eth0, its port and its lease; B keeps all of its own, and works.
	cni_quiet_ok "DEL A" DEL "$cid" "$ns" eth0 "$conf_a"
	! has_port "$cid" eth0 || fail "DEL A left its port"
	! ip -n "$ns" link show eth0 >/dev/null 2>&1 || fail "DEL A left eth0 in $ns"
	[ -z "$(net_leases "$NET" "$cid")" ] || fail "DEL A left A's lease $(net_leases "$NET" "$cid")"
	[ "$(port_get "$cid" net1 mac "$net_b")" = "$mac_b" ] || fail "DEL A took B's port: $("$NSTEER" port list "$UP")"
	[ "$(mac_of "$ns" net1 2>/dev/null)/$(ns_addrs "$ns" net1)" = "$mac_b/$addr_b/24" ] ||
		fail "after DEL A, net1 is '$(mac_of "$ns" net1 2>&1)/$(ns_addrs "$ns" net1)', not $mac_b/$addr_b/24"
	[ "$(net_leases "$net_b" "$cid")" = "$addr_b" ] || fail "DEL A took B's lease: '$(net_leases "$net_b" "$cid")'"
	expect_ping "$vhost" "$addr_b"
	cni_quiet_ok "CHECK B after DEL A" CHECK "$cid" "$ns" net1 "$(conf name="\"$net_b\"" vlan=10 ipam="$(vlan_ipam)" prevResult="$res_b")"
	[ "$(status_get "$UP" "len(s['problems'])")" = 0 ] || fail "problems after DEL A: $(problems "$UP")"
	cni_quiet_ok "DEL B" DEL "$cid" "$ns" net1 "$conf_b"
	! has_port "$cid" net1 "$net_b" || fail "DEL B left its port"
	nothing_left "DEL B" "$cid" "$ns" net1
}

# GC per attachment, with a namespace's attachments on one master: network A twice (eth0, net2, as
# Multus allows one network twice under two names) and network B (net1, VLAN 10). Then the
# namespace vanishes, and each DEL takes its own port.
test_two_networks_gc() {
	cni_lab
	local cid ns net_b v=cniVersion='"1.1.0"'
	cid=$(cid 1); ns=nst${LAB_ID}c1; cns 1
	net_b=${NET}b
	# GC is a 1.1.0 command, which the installed host-local does not know: no ipam here.
	cni_ok "ADD A eth0" ADD "$cid" "$ns" eth0 "$(conf "$v")"
	cni_ok "ADD A net2" ADD "$cid" "$ns" net2 "$(conf "$v")"
	cni_ok "ADD B net1" ADD "$cid" "$ns" net1 "$(conf "$v" name="\"$net_b\"" vlan=10)"
	cni_quiet_ok "GC of A, (CID, eth0) valid" GC - - - \
		"$(conf "$v" cni.dev/valid-attachments="[{\"containerID\": \"$cid\", \"ifname\": \"eth0\"}]")"
	! has_port "$cid" net2 || fail "GC kept the stale attachment ($cid, net2)"
	! ip -n "$ns" link show net2 >/dev/null 2>&1 || fail "GC left net2 in $ns"
	has_port "$cid" eth0 || fail "GC removed the valid attachment ($cid, eth0), whose namespace it shares"
	has_port "$cid" net1 "$net_b" || fail "GC of $NET removed network $net_b's port"
	ip -n "$ns" link show eth0 >/dev/null && ip -n "$ns" link show net1 >/dev/null ||
		fail "GC took an interface of a valid attachment: $(ip -n "$ns" -br link)"
	cni_quiet_ok "GC of B, (CID, net1) valid" GC - - - \
		"$(conf "$v" name="\"$net_b\"" vlan=10 cni.dev/valid-attachments="[{\"containerID\": \"$cid\", \"ifname\": \"net1\"}]")"
	has_port "$cid" eth0 && has_port "$cid" net1 "$net_b" || fail "GC of B removed a valid port: $("$NSTEER" port list "$UP")"

	ip netns del "$ns" || fail "ip netns del $ns"
	cni_quiet_ok "DEL A after the namespace went" DEL "$cid" "$ns" eth0 "$(conf "$v")"
	! has_port "$cid" eth0 || fail "DEL A after the namespace went left its port"
	has_port "$cid" net1 "$net_b" || fail "DEL A after the namespace went took B's port"
	cni_quiet_ok "DEL B without CNI_NETNS" DEL "$cid" - net1 "$(conf "$v" name="\"$net_b\"" vlan=10)"
	no_ports_at_all
}

test_check() {
	cni_lab
	local cid ns cfg res bad addr mac
	cid=$(cid 1); ns=nst${LAB_ID}c1; cns 1
	cfg=$(conf vlan=10 ipam="$(ipam)")
	cni ADD "$cid" "$ns" eth0 "$cfg"
	[ "$RC" = 0 ] || fail "ADD: $(said)"
	res=$OUT
	cni_quiet_ok "CHECK right after ADD" CHECK "$cid" "$ns" eth0 "$(conf vlan=10 ipam="$(ipam)" prevResult="$res")"
	# What CHECK compares, changed one at a time on the config or prevResult side.
	cni CHECK "$cid" "$ns" eth0 "$(conf vlan=20 ipam="$(ipam)" prevResult="$res")"
	cni_fails 100,3 "CHECK with another VLAN in the config"
	bad=$("$NST_PYTHON" -S -c 'import json, sys; r = json.loads(sys.argv[1]); r["interfaces"][0]["mac"] = "02:00:5e:99:99:99"; print(json.dumps(r))' "$res")
	cni CHECK "$cid" "$ns" eth0 "$(conf vlan=10 ipam="$(ipam)" prevResult="$bad")"
	cni_fails 100,3 "CHECK with another MAC in prevResult"
	# The namespace changes under the plugin: the address goes.
	ip -n "$ns" addr flush dev eth0 || fail "ip addr flush"
	cni CHECK "$cid" "$ns" eth0 "$(conf vlan=10 ipam="$(ipam)" prevResult="$res")"
	cni_fails 100,3 "CHECK after the address was deleted in the namespace"
	addr=$("$NST_PYTHON" -S -c 'import json, sys; print(json.loads(sys.argv[1])["ips"][0]["address"])' "$res")
	ip -n "$ns" addr add "$addr" dev eth0 || fail "ip addr add $addr"
	cni_quiet_ok "CHECK with the address back" CHECK "$cid" "$ns" eth0 "$(conf vlan=10 ipam="$(ipam)" prevResult="$res")"
	# The steering entry goes.
	mac=$("$NST_PYTHON" -S -c 'import json, sys; print(json.loads(sys.argv[1])["interfaces"][0]["mac"])' "$res")
	unsteer "$mac" 10
	cni CHECK "$cid" "$ns" eth0 "$(conf vlan=10 ipam="$(ipam)" prevResult="$res")"
	cni_fails 100 "CHECK after the steering entry was deleted"
	problems "$UP" | grep -q "not steered to" || fail "status does not report the missing steering entry: $(problems "$UP")"
	cni_quiet_ok "DEL" DEL "$cid" "$ns" eth0 "$(conf vlan=10 ipam="$(ipam)" prevResult="$res")"
	cni CHECK "$cid" "$ns" eth0 "$(conf vlan=10 ipam="$(ipam)" prevResult="$res")"
	cni_fails 100,3 "CHECK after DEL (no port)"
	cni CHECK "$cid" "$ns" eth0 "$(conf vlan=10)"
	[ "$RC" = 1 ] || fail "CHECK without prevResult: $(said)"
}

test_del_is_idempotent() {
	cni_lab
	local cid ns
	cid=$(cid 1); ns=nst${LAB_ID}c1; cns 1
	cni_quiet_ok "DEL of a container never added" DEL "$cid" "$ns" eth0 "$(conf ipam="$(ipam)")"
	cni ADD "$cid" "$ns" eth0 "$(conf ipam="$(ipam)")"
	expect_added "ADD" 1 eth0
	cni_quiet_ok "DEL" DEL "$cid" "$ns" eth0 "$(conf ipam="$(ipam)")"
	cni_quiet_ok "DEL again" DEL "$cid" "$ns" eth0 "$(conf ipam="$(ipam)")"
	nothing_left "DEL twice" "$cid" "$ns" eth0
}

test_del_after_netns_gone() {
	cni_lab
	local n cid ns
	for n in 1 2; do
		cid=$(cid $n); ns=nst${LAB_ID}c$n; cns $n
		cni ADD "$cid" "$ns" eth0 "$(conf ipam="$(ipam)")"
		expect_added "ADD $n" $n eth0
		ip netns del "$ns" || fail "ip netns del $ns"
	done
	# Container 1's runtime still passes the path it had; container 2's passes none (the spec
	# lets DEL go without CNI_NETNS once the namespace is gone).
	cni_quiet_ok "DEL after the namespace went" DEL "$(cid 1)" "nst${LAB_ID}c1" eth0 "$(conf ipam="$(ipam)")"
	nothing_left "DEL after the namespace went" "$(cid 1)" "nst${LAB_ID}c1" eth0
	cni_quiet_ok "DEL without CNI_NETNS" DEL "$(cid 2)" - eth0 "$(conf ipam="$(ipam)")"
	nothing_left "DEL without CNI_NETNS" "$(cid 2)" "nst${LAB_ID}c2" eth0
}

test_del_after_uplink_detached() {
	cni_lab
	local cid ns
	cid=$(cid 1); ns=nst${LAB_ID}c1; cns 1
	cni ADD "$cid" "$ns" eth0 "$(conf ipam="$(ipam)")"
	expect_added "ADD" 1 eth0
	expect "detach" "$NSTEER" detach "$UP"
	cni_quiet_ok "DEL after detach" DEL "$cid" "$ns" eth0 "$(conf ipam="$(ipam)")"
	[ -z "$(leases "$cid")" ] || fail "DEL after detach kept the lease $(leases "$cid")"
	# And when the uplink itself is gone.
	expect "attach again" "$NSTEER" attach "$UP"
	cid=$(cid 2); ns=nst${LAB_ID}c2; cns 2
	cni ADD "$cid" "$ns" eth0 "$(conf ipam="$(ipam)")"
	expect_added "ADD 2" 2 eth0
	expect "detach" "$NSTEER" detach "$UP"
	ip link del "$UP" || fail "ip link del $UP"
	cni_quiet_ok "DEL after the uplink went" DEL "$cid" "$ns" eth0 "$(conf ipam="$(ipam)")"
	[ -z "$(leases "$cid")" ] || fail "DEL after the uplink went kept the lease $(leases "$cid")"
}

test_add_with_existing_ifname_fails() {
	cni_lab
	local cid ns mac
	cid=$(cid 1); ns=nst${LAB_ID}c1; cns 1
	ip -n "$ns" link add eth0 type veth peer name eth0peer || fail "veth eth0 in $ns"
	mac=$(mac_of "$ns" eth0)
	cni ADD "$cid" "$ns" eth0 "$(conf ipam="$(ipam)")"
	cni_fails 100 "ADD with eth0 taken in the namespace"
	! has_port "$cid" eth0 || fail "the failed ADD left port $(label "$cid" eth0)"
	[ -z "$(leases "$cid")" ] || fail "the failed ADD kept host-local's lease $(leases "$cid") (no IPAM DEL)"
	[ "$(mac_of "$ns" eth0 2>/dev/null)" = "$mac" ] || fail "the failed ADD changed or removed the namespace's own eth0"
	! ip -o link show | grep -q "link-netns $ns\b" || fail "the failed ADD left a veth into $ns"
	# The same container on a free name works: the failure left nothing in the way.
	cni ADD "$cid" "$ns" eth1 "$(conf ipam="$(ipam)")"
	expect_added "ADD with a free name after the failure" 1 eth1
}

test_failure_after_ipam_releases_lease() {
	cni_lab
	local mac
	cns 1; cns 2
	cni ADD "$(cid 1)" "nst${LAB_ID}c1" eth0 "$(conf ipam="$(ipam)")"
	expect_added "ADD 1" 1 eth0
	mac=$MAC
	# Container 2 asks for container 1's MAC: nsteer refuses the port, after IPAM gave an address.
	cni ADD "$(cid 2)" "nst${LAB_ID}c2" eth0 "$(conf ipam="$(ipam)")" CNI_ARGS="IgnoreUnknown=1;MAC=$mac"
	cni_fails 100 "ADD with a MAC the uplink already has"
	nothing_left "ADD refused by nsteer" "$(cid 2)" "nst${LAB_ID}c2" eth0
	[ "$(port_get "$(cid 1)" eth0 mac)" = "$mac" ] || fail "the refused ADD disturbed container 1's port"
	expect_ping "nst${LAB_ID}c1" "$WIRE_ADDR4"
}

test_ipam_failures_leave_nothing() {
	cni_lab
	local cid ns
	cns 1; cns 2; cns 3
	# A range of one address: container 1 takes it, container 2's IPAM ADD fails.
	cni ADD "$(cid 1)" "nst${LAB_ID}c1" eth0 "$(conf ipam="$(ipam "" "" 10.77.0.100 10.77.0.100)")"
	expect_added "ADD 1" 1 eth0
	cni ADD "$(cid 2)" "nst${LAB_ID}c2" eth0 "$(conf ipam="$(ipam "" "" 10.77.0.100 10.77.0.100)")"
	cni_fails "$(seq -s, 1 999)" "ADD with host-local's range exhausted"
	nothing_left "ADD with host-local's range exhausted" "$(cid 2)" "nst${LAB_ID}c2" eth0
	# An IPAM plugin CNI_PATH does not have.
	cni ADD "$(cid 3)" "nst${LAB_ID}c3" eth0 "$(conf ipam='{"type": "nst-no-such-ipam"}')"
	cni_fails "$(seq -s, 1 999)" "ADD with an IPAM plugin that does not exist"
	nothing_left "ADD with an IPAM plugin that does not exist" "$(cid 3)" "nst${LAB_ID}c3" eth0
	# An IPAM DEL that fails (this host-local refuses cniVersion 1.1.0) is DEL's error, in its
	# cniVersion, told in printable text.
	cni DEL "$(cid 1)" "nst${LAB_ID}c1" eth0 "$(conf cniVersion='"1.1.0"' ipam="$(ipam "" "" 10.77.0.100 10.77.0.100)")"
	cni_fails "$(seq -s, 1 999)" "DEL whose IPAM DEL fails" 1.1.0
}

test_config_and_environment_errors() {
	cni_lab
	local cid ns c I code ver what cfg
	cid=$(cid 1); ns=nst${LAB_ID}c1; cns 1
	I=$(ipam)
	# CODE|CNIVERSION|WHAT|CONFIG: each ADD must fail with CODE, its error in CNIVERSION (empty:
	# any, where the config gives none the plugin supports), and leave nothing.
	local cases=(
		"6||invalid JSON|{\"cniVersion\": \"1.0.0\", \"name\": "
		"6,7||JSON that is not an object|[1, 2]"
		"1||unsupported cniVersion|$(conf cniVersion='"0.2.0"' ipam="$I")"
		"1||unknown cniVersion|$(conf cniVersion='"9.9.9"' ipam="$I")"
		"7|1.0.0|missing master|$(conf master= ipam="$I")"
		"7|1.0.0|missing name|$(conf name= ipam="$I")"
		"7|1.0.0|unknown mode|$(conf mode='"weird"' ipam="$I")"
		"7|1.0.0|unknown xdpMode|$(conf xdpMode='"turbo"' ipam="$I")"
		"7|1.0.0|vlan 0|$(conf vlan=0 ipam="$I")"
		"7|1.0.0|vlan 4095|$(conf vlan=4095 ipam="$I")"
		"7|1.0.0|vlan as a string|$(conf vlan='"ten"' ipam="$I")"
		"7|1.0.0|malformed mac|$(conf mac='"zz:00:00:00:00:01"' ipam="$I")"
		"7|1.0.0|short mac|$(conf mac='"02:00:00:00:01"' ipam="$I")"
		"7|1.0.0|multicast mac|$(conf mac='"01:00:5e:00:00:01"' ipam="$I")"
		"7|1.0.0|master that does not exist|$(conf master="\"nsu${LAB_ID}nope\"" ipam="$I")"
	)
	for c in "${cases[@]}"; do
		IFS='|' read -r code ver what cfg <<<"$c"
		cni ADD "$cid" "$ns" eth0 "$cfg"
		cni_fails "$code" "ADD with $what" "$ver"
		nothing_left "ADD with $what" "$cid" "$ns" eth0
	done
	! compgen -G "/sys/fs/bpf/nsteer/netns-*/*-nsu${LAB_ID}nope" >/dev/null ||
		fail "ADD on a missing master left its pins: $(compgen -G "/sys/fs/bpf/nsteer/netns-*/*-nsu${LAB_ID}nope")"
	no_ports_at_all
}

# no_ports_at_all: UP has no port (after a series of ADDs that all had to fail).
no_ports_at_all() {
	[ -z "$("$NSTEER" port list "$UP" --json | "$NST_PYTHON" -S -c 'import json, sys; print(json.load(sys.stdin) or "")')" ] ||
		fail "the failed ADDs left ports: $("$NSTEER" port list "$UP")"
}

test_environment_errors() {
	cni_lab
	local cid ns I
	cid=$(cid 1); ns=nst${LAB_ID}c1; cns 1
	I=$(ipam)
	# Without a command the plugin need not read its config: any cniVersion will do.
	cni - "$cid" "$ns" eth0 "$(conf ipam="$I")"
	cni_fails 4 "no CNI_COMMAND" ""
	cni FROB "$cid" "$ns" eth0 "$(conf ipam="$I")"
	cni_fails 4 "CNI_COMMAND=FROB" ""
	cni ADD - "$ns" eth0 "$(conf ipam="$I")"
	cni_fails 4 "ADD without CNI_CONTAINERID"
	cni ADD "$cid" "$ns" - "$(conf ipam="$I")"
	cni_fails 4 "ADD without CNI_IFNAME"
	cni ADD "$cid" - eth0 "$(conf ipam="$I")"
	cni_fails 4 "ADD without CNI_NETNS"
	cni ADD "$cid" /var/run/netns/nst${LAB_ID}none eth0 "$(conf ipam="$I")"
	cni_fails 3 "ADD with a CNI_NETNS that does not exist"
	nothing_left "ADD with bad environment" "$cid" "$ns" eth0
	no_ports_at_all
}

test_add_attaches_master() {
	cni_lab noattach
	lab_uplink b
	local b cid ns
	b=$(uplink b)
	cid=$(cid 1); ns=nst${LAB_ID}c1; cns 1
	cni ADD "$cid" "$ns" eth0 "$(conf mode='"private"' unknown='"drop"' ipam="$(ipam)")"
	expect_added "ADD on an unattached master" 1 eth0
	[ "$(status_get "$UP" "s['mode']")" = private ] || fail "the attach ADD made is not in mode private"
	[ "$(status_get "$UP" "s['unknown']")" = drop ] || fail "the attach ADD made does not drop unknown MACs"
	[ "$(status_get "$UP" "s['xdp_mode']")" = "$(lab_xdp_mode)" ] ||
		fail "xdpMode ${XDP_MODE:-auto} made xdp_mode $(status_get "$UP" "s['xdp_mode']")"
	expect_ping "$ns" "$WIRE_ADDR4"
	# Attached already: the attach options of a later ADD change nothing.
	cns 2
	cni ADD "$(cid 2)" "nst${LAB_ID}c2" eth0 "$(conf mode='"vepa"' unknown='"pass"' ipam="$(ipam)")"
	expect_added "ADD on an attached master" 2 eth0
	[ "$(status_get "$UP" "s['mode']")" = private ] || fail "a later ADD changed the uplink's mode"
	# hostAccess: nsh-DEV comes with the attach.
	cns 3
	cni_ok "ADD with hostAccess" ADD "$(cid 3)" "nst${LAB_ID}c3" eth0 \
		"$(conf master="\"$b\"" hostAccess=true)"
	ip link show "nsh-$b" >/dev/null 2>&1 || fail "hostAccess: no nsh-$b after the ADD that attached $b"
}

# concurrent_adds N: ADD (with ipam) containers 1..N at the same time; all must succeed, with
# ports of distinct MACs and distinct addresses, each reaching the wire.
concurrent_adds() {
	local n=$1 i rc macs addrs
	for ((i = 1; i <= n; i++)); do cns $i; done
	for ((i = 1; i <= n; i++)); do
		(CNI_TAG=$i cni ADD "$(cid $i)" "nst${LAB_ID}c$i" eth0 "$(conf ipam="$(ipam)")"; echo "$RC" >"$LAB_TMP/rc.$i") &
	done
	wait
	for ((i = 1; i <= n; i++)); do
		OUT=$(cat "$LAB_TMP/cni$i.out"); RC=$(cat "$LAB_TMP/rc.$i"); ERR_FILE=$LAB_TMP/cni$i.err
		expect_added "concurrent ADD $i" $i eth0
		macs+="$MAC "; addrs+="$ADDR "
		expect_ping "nst${LAB_ID}c$i" "$WIRE_ADDR4"
	done
	[ "$(tr ' ' '\n' <<<"$macs" | sort -u | grep -c .)" = "$n" ] || fail "MACs not distinct: $macs"
	[ "$(tr ' ' '\n' <<<"$addrs" | sort -u | grep -c .)" = "$n" ] || fail "addresses not distinct: $addrs"
	[ "$("$NSTEER" port list "$UP" --json | "$NST_PYTHON" -S -c 'import json, sys; print(len(json.load(sys.stdin)))')" = "$n" ] ||
		fail "expected $n ports: $("$NSTEER" port list "$UP")"
	for ((i = 1; i <= n; i++)); do
		(CNI_TAG=$i cni DEL "$(cid $i)" "nst${LAB_ID}c$i" eth0 "$(conf ipam="$(ipam)")"; echo "$RC" >"$LAB_TMP/rc.$i") &
	done
	wait
	for ((i = 1; i <= n; i++)); do
		[ "$(cat "$LAB_TMP/rc.$i")" = 0 ] || fail "concurrent DEL $i: exit $(cat "$LAB_TMP/rc.$i"): $(cat "$LAB_TMP/cni$i.out")"
		nothing_left "concurrent DEL $i" "$(cid $i)" "nst${LAB_ID}c$i" eth0
	done
}

test_concurrent_adds() {
	cni_lab
	concurrent_adds 6
}

test_concurrent_first_adds_attach_once() {
	# Every ADD finds the master unattached, and one of them attaches it.
	cni_lab noattach
	concurrent_adds 4
	[ "$(status_get "$UP" "len(s['problems'])")" = 0 ] || fail "problems after the racing attaches: $(problems "$UP")"
}

test_gc() {
	cni_lab
	local n c1 c2 c3 gc
	# An attachment is the pair (containerID, ifname): container 2 is listed under another
	# ifname than its own (two_networks_gc has both of a namespace's attachments on one uplink).
	for n in 1 2 3 4; do cns $n; done
	c1=$(cid 1); c2=$(cid 2); c3=$(cid 3)
	# GC is a 1.1.0 command, which the installed host-local does not know: no ipam here.
	cni_ok "ADD 1" ADD "$c1" "nst${LAB_ID}c1" eth0 "$(conf cniVersion='"1.1.0"')"
	cni_ok "ADD 2" ADD "$c2" "nst${LAB_ID}c2" eth0 "$(conf cniVersion='"1.1.0"')"
	# Another network's port on the same uplink, and one of nsteer's own: not this network's garbage.
	cni_ok "ADD 3 on another network" ADD "$c3" "nst${LAB_ID}c3" eth0 "$(conf cniVersion='"1.1.0"' name="\"${NET}other\"")"
	lab_port "$UP" 4
	gc=$(conf cniVersion='"1.1.0"' cni.dev/valid-attachments="[{\"containerID\": \"$c1\", \"ifname\": \"eth0\"}, {\"containerID\": \"$c2\", \"ifname\": \"net9\"}]")
	cni_quiet_ok "GC" GC - - - "$gc"
	has_port "$c1" eth0 || fail "GC removed a valid attachment's port"
	! has_port "$c2" eth0 || fail "GC kept ($c2, eth0), whose container ID is listed only with another ifname"
	! ip -n "nst${LAB_ID}c2" link show eth0 >/dev/null 2>&1 || fail "GC left eth0 in container 2's namespace"
	has_port "$c3" eth0 "${NET}other" || fail "GC of $NET removed a port of network ${NET}other"
	status_get "$UP" "p['mac']" "$(port_ns 4)" >/dev/null || fail "GC removed a port nsteer port add made"
	cni_quiet_ok "GC again" GC - - - "$gc"
	has_port "$c1" eth0 || fail "a second GC removed the valid attachment's port"
}

test_status() {
	cni_lab
	local cfg
	cfg=$(conf cniVersion='"1.1.0"')
	cni_quiet_ok "STATUS on an attached master" STATUS - - - "$cfg"
	# A master that exists but is not attached is ready: ADD attaches it. Reporting it unavailable
	# would keep a runtime that honours STATUS from ever sending the first ADD.
	expect "detach" "$NSTEER" detach "$UP"
	cni_quiet_ok "STATUS on a master not attached yet" STATUS - - - "$cfg"
	cni STATUS - - - "$(conf cniVersion='"1.1.0"' master="\"nsu${LAB_ID}nope\"")"
	cni_fails 50 "STATUS on a master that does not exist" 1.1.0
	expect "attach again" "$NSTEER" attach "$UP"
	cni_quiet_ok "STATUS after attaching again" STATUS - - - "$cfg"
	# nsteer's tc program goes (on a veth uplink every mode has one: it steers the uplink's ingress
	# that XDP passes on, or all of it with xdp off): its TCX link's pin, or its clsact filter.
	if [ "$(status_get "$UP" 's["tc_hook"]')" = tcx ]; then
		rm "$(pin_dir "$UP")/link_tcx_uplink" || fail "no TCX link of nsteer on $UP to remove"
	else
		tc filter show dev "$UP" ingress | grep -q nsteer || fail "no tc program of nsteer on $UP to remove"
		tc filter del dev "$UP" ingress || fail "tc filter del"
	fi
	cni STATUS - - - "$cfg"
	cni_fails 50 "STATUS with nsteer's tc program gone" 1.1.0
}

run_tests
