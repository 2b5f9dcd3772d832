#!/bin/bash
# Installs what nsteer needs to build, demo and test, when any of it is missing. Idempotent and
# quiet when everything is there.
#   install-deps.sh            the Debian packages for make, make demo and make test
#   install-deps.sh vm         those, and what make vmtest needs: qemu, the tools that unpack a
#                              kernel package, and virtme-ng from PyPI (see below)
#   install-deps.sh virtme-ng  virtme-ng alone (a CI runner that installs its packages itself)
set -euo pipefail

# virtme-ng is not packaged for Debian 12: a pinned release from PyPI goes into a virtual
# environment of its own (Debian's python3 refuses pip installs into the system), with `vng` in
# /usr/local/bin, which is on root's PATH and CI's. VNG_VERSION and VNG_PREFIX change that.
VNG_VERSION=${VNG_VERSION:-1.42}
VNG_PREFIX=${VNG_PREFIX:-/usr/local/lib/nsteer-virtme-ng}

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
# make vmtest: qemu; kmod (depmod) and cpio for the unpacked kernel and the qemu runner's
# initramfs; udev, without which virtme-ng's init finds no virtio-serial ports and the command's
# output and exit status never reach the host; python3-venv for virtme-ng's environment.
vm_packages=(qemu-system-x86 kmod cpio udev python3-venv)

want_base=1 want_vm=
case ${1:-} in
'') ;;
vm) want_vm=1 ;;
virtme-ng) want_base= ;;
*) echo "usage: $0 [vm|virtme-ng]" >&2; exit 2 ;;
esac

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

install_packages() {
	local missing=() missing_rec=() p
	for p in "${packages[@]}"; do installed "$p" || missing+=("$p"); done
	for p in "${with_recommends[@]}"; do installed "$p" || missing_rec+=("$p"); done
	[ ${#missing[@]} -eq 0 ] && [ ${#missing_rec[@]} -eq 0 ] && return 0
	if [ "$(id -u)" -ne 0 ]; then
		echo "nsteer: missing packages: ${missing[*]} ${missing_rec[*]}; run as root (or: sudo apt-get install ${missing[*]} ${missing_rec[*]})" >&2
		exit 1
	fi
	echo "Installing: ${missing[*]} ${missing_rec[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	[ ${#missing[@]} -eq 0 ] || apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
	[ ${#missing_rec[@]} -eq 0 ] || apt-get install -y -qq "${missing_rec[@]}" >/dev/null
}

install_virtme_ng() {
	local have
	have=$("$VNG_PREFIX/bin/vng" --version 2>/dev/null || true)
	if [ "$have" != "virtme-ng $VNG_VERSION" ]; then
		if [ "$(id -u)" -ne 0 ]; then
			echo "nsteer: virtme-ng $VNG_VERSION is not installed; run as root: $0 virtme-ng" >&2
			exit 1
		fi
		echo "Installing virtme-ng $VNG_VERSION from PyPI into $VNG_PREFIX"
		rm -rf "$VNG_PREFIX"
		/usr/bin/python3 -m venv "$VNG_PREFIX"
		"$VNG_PREFIX/bin/pip" install -q --disable-pip-version-check "virtme-ng==$VNG_VERSION"
	fi
	# vng runs its helpers (virtme-run, ...) from PATH: the command put on PATH is a wrapper.
	local wrapper
	wrapper=$(printf '#!/bin/sh\n# virtme-ng %s, installed by nsteer'"'"'s selftests/install-deps.sh\nPATH=%s/bin:$PATH exec %s/bin/vng "$@"\n' \
		"$VNG_VERSION" "$VNG_PREFIX" "$VNG_PREFIX")
	if [ "$(cat /usr/local/bin/vng 2>/dev/null)" != "$wrapper" ]; then
		rm -f /usr/local/bin/vng
		printf '%s\n' "$wrapper" >/usr/local/bin/vng
		chmod 0755 /usr/local/bin/vng
	fi
}

if [ -n "$want_vm" ] || [ -z "$want_base" ]; then
	[ -n "$want_base" ] && packages+=("${vm_packages[@]}")
	[ -z "$want_base" ] && packages=(python3-venv) with_recommends=()
fi
install_packages
if [ -z "$want_base" ]; then
	install_virtme_ng
elif [ -n "$want_vm" ] && ! (install_virtme_ng); then
	echo "nsteer: virtme-ng could not be installed: make vmtest uses its own qemu runner" >&2
fi
