#!/bin/bash
# Installs the Debian packages nsteer needs to build, demo and test, when any is missing.
# Idempotent and quiet when everything is there.
set -euo pipefail

packages=(
	clang llvm make gcc pkg-config libelf-dev zlib1g-dev
	libbpf-dev bpftool libxdp-dev xdp-tools libmnl-dev libcriterion-dev
	iproute2 ethtool iputils-ping iperf3 tcpdump python3 util-linux
)

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "nsteer: missing packages: ${missing[*]}; run as root (or: sudo apt-get install ${missing[*]})" >&2
	exit 1
fi
echo "Installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
