#!/bin/bash
# Installs the Debian packages nsteer needs to build, demo and test, when any is missing.
# Idempotent and quiet when everything is there.
set -euo pipefail

packages=(
	clang llvm make gcc pkg-config libelf-dev zlib1g-dev
	libbpf-dev bpftool libxdp-dev xdp-tools libmnl-dev libcriterion-dev libclang-rt-14-dev
	iproute2 ethtool iputils-ping iperf3 tcpdump python3 util-linux
	libjson-c-dev containernetworking-plugins runc busybox-static
	groff-base man-db
	debhelper lintian # the package test: dpkg-buildpackage and its checks
	prometheus # for promtool, which checks `stats --format prometheus`; the server is not used
)
# The CNI test drives podman as it is installed by default (conmon, catatonit, iptables, ... come
# with its recommends), so that is how it was tested.
with_recommends=(podman)

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
missing=() missing_rec=()
for p in "${packages[@]}"; do installed "$p" || missing+=("$p"); done
for p in "${with_recommends[@]}"; do installed "$p" || missing_rec+=("$p"); done
[ ${#missing[@]} -eq 0 ] && [ ${#missing_rec[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "nsteer: missing packages: ${missing[*]} ${missing_rec[*]}; run as root (or: sudo apt-get install ${missing[*]} ${missing_rec[*]})" >&2
	exit 1
fi
echo "Installing: ${missing[*]} ${missing_rec[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
[ ${#missing[@]} -eq 0 ] || apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
[ ${#missing_rec[@]} -eq 0 ] || apt-get install -y -qq "${missing_rec[@]}" >/dev/null
