#!/bin/bash
# Runs the selftest suite (selftests/run.sh) inside a VM on another kernel and exits with the
# suite's status. Test output streams to the terminal. Build on the host first (`make && make
# test-bins`, or `make vmtest`, which does both).
#
#   selftests/vm/vmtest.sh [-k KERNEL] [-r auto|vng|qemu] [-t SECONDS] [-s | -c CMD | -p] [--] [LEVEL...]
#
#   LEVEL        passed to selftests/run.sh: unit, ops, progrun, fuzz, integration, nic (default:
#                those of SELFTESTS_SCOPE=kernel: progrun fuzz integration nic)
#   -k KERNEL    6.1 (default), 6.12, ... : the newest Debian linux-image-<that>*-amd64 package
#                linux-image-NAME         : that Debian package
#                FILE.deb                 : a kernel package file
#                PATH/vmlinuz-VERSION     : a kernel image; its modules are looked for in
#                                           PATH/../lib/modules/VERSION (or set VMTEST_MODDIR)
#                vX.Y[.Z]                 : an upstream kernel that vng downloads (vng only)
#   -r RUNNER    vng when virtme-ng is installed (auto, the default), else qemu
#   -a ACCEL     kvm, tcg, or auto (the default): KVM only when the CPU has vmx/svm and a probe
#                boot under KVM reaches the guest's /init within VMTEST_PROBE_SECONDS (20)
#   -t SECONDS   give up after that long (default 3600); exit status 124
#   -s           an interactive shell in the VM instead of the suite
#   -c CMD       run the bash command CMD in the VM (from the project directory) instead of the
#                suite, and exit with its status; e.g. -c 'xdp-loader status'
#   -p           only fetch and unpack the kernel (CI does this first for every kernel, then
#                boots them side by side)
#
# Environment: VMTEST_SCOPE (kernel, or all: run.sh's SELFTESTS_SCOPE in the VM), VMTEST_LOGDIR
# (.output/vm/logs/KVER), KERNEL, VMTEST_RUNNER, VMTEST_ACCEL, VMTEST_PROBE_SECONDS, VMTEST_TIMEOUT, VMTEST_MEM (2G), VMTEST_CPUS (2),
# VMTEST_CACHE (.output/vm), VMTEST_PASSENV (variables handed to the tests, default
# "ONLY CI XDP_MODES NST_PATIENCE"),
# VMTEST_APPEND (extra kernel command line), QEMU (qemu-system-x86_64), VMTEST_NICS (the qemu
# NIC models of the real-NIC lab, default "virtio-net-pci e1000"; empty for none).
#
# The qemu runner (no virtme-ng needed; KVM when a probe shows it works, else TCG; see choose_accel):
#  - downloads the Debian kernel package with apt-get download and unpacks it with dpkg -x into
#    VMTEST_CACHE/kernels/PACKAGE (nothing is installed; depmod runs on the unpacked tree);
#  - builds a small initramfs: busybox-static, the modules that mounting the host's root needs
#    (virtio-pci, 9p, overlayfs, with their dependencies from modules.dep) and init.sh as /init;
#  - boots qemu with the host's / exported read-only over virtio-9p and no network device (the
#    tests make their own veths). init.sh puts a tmpfs overlay over it, mounts fresh /proc, /sys,
#    /dev, /run, /tmp and bpffs, binds the unpacked module tree so modprobe (and the kernel's
#    module autoloader) finds veth, sch_ingress, cls_bpf, ..., and runs guest.sh in a chroot;
#  - guest.sh runs selftests/run.sh and writes its log, dmesg and exit status into the run
#    directory, a second 9p export (writable); init.sh also prints "NSTEER_VMTEST_RC=N" on the
#    console, the fallback when that directory has none, and powers off.
# The vng runner hands the same guest.sh to `vng --run KERNEL --user root --overlay-rwdir CHECKOUT
# --rwdir RUN --qemu-opts=NICS --exec ...`; virtme-ng comes from `selftests/install-deps.sh vm`.
# Needs (and installs, as root, when missing): qemu-system-x86, busybox-static, kmod, cpio (and
# udev for vng).
# The VM runs the host's own binaries and libraries, so build on the host first; what the tests
# write in the VM (namespaces, pins, files) vanishes with it. In a terminal, Ctrl-A x quits qemu.
#
# Examples:
#   make vmtest                                  the kernel-dependent suite on Debian's 6.1
#   make vmtest KERNEL=6.12 VMTEST_ARGS=progrun  BPF_PROG_RUN tests on Debian's 6.12
#   selftests/vm/vmtest.sh -c 'nsteer demo'      one command in the VM
#   ONLY=jumbo selftests/vm/vmtest.sh integration
#
# Measured on a 2-CPU machine without KVM (TCG): download and unpack of a kernel package 6-15 s
# (once; cached). The qemu runner boots to the first test in 2.4 s and runs progrun in 30 s and
# the real-NIC lab (10 tests on 6.1) in 257 s; virtme-ng boots in about 25 s and is slower on
# process-heavy tests (its 9p root is uncached without virtiofsd). The default scope takes 30-33
# minutes per kernel under vng in CI, beside make test and the other VM. Tests run 10-20 times
# slower than on the host (spawning processes and namespaces is what TCG makes slow).
set -euo pipefail

cd "$(dirname "$0")/../.."
ROOT=$(pwd -P)
VMDIR=$ROOT/selftests/vm

KERNEL=${KERNEL:-6.1}
RUNNER=${VMTEST_RUNNER:-auto}
ACCEL=${VMTEST_ACCEL:-auto}
PROBE_SECONDS=${VMTEST_PROBE_SECONDS:-20}
TIMEOUT=${VMTEST_TIMEOUT:-3600}
MEM=${VMTEST_MEM:-2G}
CPUS=${VMTEST_CPUS:-2}
CACHE=${VMTEST_CACHE:-$ROOT/.output/vm}
PASSENV=${VMTEST_PASSENV:-ONLY CI XDP_MODES NST_PATIENCE FUZZ_TEST_TIME}
QEMU=${QEMU:-qemu-system-x86_64}
SHELL_MODE='' CMD='' PREPARE=''

say() { echo "vmtest: $*" >&2; }
die() { say "$*"; exit 1; }
usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit "${1:-0}"; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

while [ $# -gt 0 ]; do
	case $1 in
	-k | --kernel) KERNEL=${2:?}; shift 2 ;;
	-r | --runner) RUNNER=${2:?}; shift 2 ;;
	-a | --accel) ACCEL=${2:?}; shift 2 ;;
	-t | --timeout) TIMEOUT=${2:?}; shift 2 ;;
	-s | --shell) SHELL_MODE=1; shift ;;
	-c | --command) CMD=${2:?}; shift 2 ;;
	-p | --prepare) PREPARE=1; shift ;;
	-h | --help) usage 0 ;;
	--) shift; break ;;
	-*) say "unknown option $1"; usage 2 >&2 ;;
	*) break ;;
	esac
done
LEVELS=("$@")

case $ACCEL in auto | kvm | tcg) ;; *) die "unknown accelerator '$ACCEL' (auto, kvm or tcg)" ;; esac
case $RUNNER in
auto) if command -v vng >/dev/null; then RUNNER=vng; else RUNNER=qemu; fi ;;
vng | qemu) ;;
*) die "unknown runner '$RUNNER' (auto, vng or qemu)" ;;
esac

# The guest mounts the host's root, so host paths are guest paths; they also travel on the kernel
# command line, which splits on white space.
case "$ROOT$CACHE" in *[[:space:]]*) die "paths with white space are not supported: $ROOT, $CACHE" ;; esac
[ -x ./nsteer ] || die "./nsteer is not built: run 'make && make test-bins' first (or 'make vmtest')"
[ -d .output/selftests ] || say "warning: no test binaries in .output/selftests ('make test-bins')"

# kvm_plausible: sets ACCEL_WHY and succeeds when KVM may run a guest here. A /dev/kvm that opens
# is not enough: on some hosts it opens, SeaBIOS starts, and the guest kernel then spins at 100%
# CPU forever; those hosts show no vmx/svm flag, which hardware virtualisation needs.
kvm_plausible() {
	if ! { [ -e /dev/kvm ] && (exec 3<>/dev/kvm) 2>/dev/null; }; then
		ACCEL_WHY="/dev/kvm is missing or cannot be opened"
		return 1
	fi
	if ! grep -qwE 'vmx|svm' /proc/cpuinfo; then
		ACCEL_WHY="/dev/kvm opens but the CPU has no vmx/svm flag"
		return 1
	fi
	return 0
}

# kvm_boots: a probe boot under KVM must reach the guest's /init (which prints the marker and
# powers off at once when the command line says vmtest_probe=1) before the deadline.
kvm_boots() {
	local log=$RUN/kvm-probe.log rc=0
	timeout -k 2 "$PROBE_SECONDS" "$QEMU" "${qemu_base[@]}" -machine q35,accel=kvm -cpu host \
		-append "console=ttyS0 panic=-1 quiet vmtest_probe=1" </dev/null >"$log" 2>&1 || rc=$?
	if grep -q NSTEER_VMTEST_PROBE_OK "$log"; then
		return 0
	fi
	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		ACCEL_WHY="a probe boot under KVM did not reach the guest's /init within ${PROBE_SECONDS}s"
	else
		ACCEL_WHY="a probe boot under KVM failed: $(grep -m1 -i 'error' "$log" || tail -1 "$log")"
	fi
	return 1
}

# choose_accel: ACCEL becomes kvm or tcg, and ACCEL_WHY says why.
choose_accel() {
	case $ACCEL in
	kvm) ACCEL_WHY="asked for" ;;
	tcg) ACCEL_WHY="asked for" ;;
	auto)
		if kvm_plausible && { [ "$RUNNER" = vng ] || kvm_boots; }; then
			ACCEL=kvm ACCEL_WHY="the CPU has vmx/svm and a KVM guest booted"
		else
			ACCEL=tcg
		fi
		;;
	esac
	say "accelerator: $ACCEL ($ACCEL_WHY)"
}

# install_missing PACKAGE...: installs the Debian packages not yet installed (root only).
install_missing() {
	local p missing=()
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	[ "$(id -u)" -eq 0 ] || die "missing packages: ${missing[*]} (sudo apt-get install ${missing[*]})"
	say "installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# apt_known PACKAGE: the package is in apt's lists (after one apt-get update, if needed and root).
APT_UPDATED=
apt_known() {
	apt-cache show "$1" >/dev/null 2>&1 && return 0
	[ -z "$APT_UPDATED" ] && [ "$(id -u)" -eq 0 ] || return 1
	APT_UPDATED=1
	apt-get update -qq || return 1
	apt-cache show "$1" >/dev/null 2>&1
}

# debian_package X.Y: the newest linux-image-X.Y*-amd64 package (generic flavour: it has 9p).
debian_package() {
	local re pkgs
	re="^linux-image-${1//./\\.}[.-][0-9][^ ]*-amd64\$"
	pkgs=$(apt-cache search --names-only "$re" 2>/dev/null | awk '{ print $1 }' | grep -Ev -- '-(cloud|rt)-amd64$' || true)
	if [ -z "$pkgs" ] && [ -z "$APT_UPDATED" ] && [ "$(id -u)" -eq 0 ]; then
		APT_UPDATED=1
		apt-get update -qq
		pkgs=$(apt-cache search --names-only "$re" | awk '{ print $1 }' | grep -Ev -- '-(cloud|rt)-amd64$' || true)
	fi
	if [ -z "$pkgs" ]; then # offline: the newest one already unpacked
		pkgs=$(find "$CACHE/kernels" -maxdepth 1 -name "linux-image-$1[.-][0-9]*-amd64" -printf '%f\n' 2>/dev/null |
			grep -Ev -- '-(cloud|rt)-amd64$' || true)
	fi
	[ -n "$pkgs" ] || return 1
	sort -V <<<"$pkgs" | tail -1
}

# unpack DIR CMD...: runs CMD to fill DIR.tmp, then depmod, then renames it to DIR.
unpack() {
	local dir=$1; shift
	rm -rf "$dir.tmp"
	mkdir -p "$dir.tmp"
	"$@" || { rm -rf "$dir.tmp"; return 1; }
	local kver
	kver=$(ls "$dir.tmp/lib/modules" 2>/dev/null | head -1)
	[ -n "$kver" ] || { rm -rf "$dir.tmp"; die "no lib/modules in the kernel package ($*)"; }
	depmod -b "$dir.tmp" "$kver"
	mv "$dir.tmp" "$dir"
}

# fetch_package PACKAGE: KDIR = the unpacked package (downloaded once, kept in the cache).
fetch_package() {
	local pkg=$1 deb
	KDIR=$CACHE/kernels/$pkg
	[ -d "$KDIR" ] && return 0
	apt_known "$pkg" || die "no Debian package $pkg (apt-cache show $pkg)"
	mkdir -p "$CACHE/debs"
	say "downloading $pkg"
	(cd "$CACHE/debs" && apt-get download -q -o APT::Sandbox::User="$(id -un)" "$pkg" >/dev/null) ||
		die "apt-get download $pkg failed"
	deb=$(ls -t "$CACHE/debs/${pkg}_"*.deb | head -1)
	unpack "$KDIR" dpkg -x "$deb" "$KDIR.tmp"
}

# resolve_kernel: sets KIMG (kernel image), KVER, MODDIR (its module tree, may be empty).
resolve_kernel() {
	local t0 pkg
	t0=$(now)
	case $KERNEL in
	v[0-9]*) die "KERNEL=$KERNEL is an upstream version that only vng can fetch (install virtme-ng)" ;;
	*.deb)
		[ -f "$KERNEL" ] || die "no such file $KERNEL"
		KDIR=$CACHE/kernels/$(basename "$KERNEL" .deb)
		[ -d "$KDIR" ] || unpack "$KDIR" dpkg -x "$KERNEL" "$KDIR.tmp"
		;;
	linux-image-*) fetch_package "$KERNEL" ;;
	[0-9]*.[0-9]*)
		pkg=$(debian_package "$KERNEL") || die "no Debian package linux-image-$KERNEL*-amd64 found"
		fetch_package "$pkg"
		;;
	*)
		[ -f "$KERNEL" ] || die "KERNEL=$KERNEL: not a version, a package, a .deb or a kernel image"
		KIMG=$(realpath "$KERNEL")
		KVER=$(file -bL "$KIMG" | sed -n 's/.*version \([^ ]*\).*/\1/p')
		[ -n "$KVER" ] || die "cannot read the version of $KIMG"
		MODDIR=${VMTEST_MODDIR:-$(dirname "$KIMG")/../lib/modules/$KVER}
		if [ -d "$MODDIR" ]; then
			MODDIR=$(realpath "$MODDIR")
			[ -f "$MODDIR/modules.dep" ] || depmod -b "${MODDIR%/lib/modules/*}" "$KVER"
		else
			say "no modules for $KVER at $MODDIR: 9p, virtio and veth must be built in"
			MODDIR=
		fi
		return 0
		;;
	esac
	KVER=$(ls "$KDIR/lib/modules" | head -1)
	KIMG=$KDIR/boot/vmlinuz-$KVER
	MODDIR=$KDIR/lib/modules/$KVER
	[ -f "$KIMG" ] || die "no kernel image in $KDIR/boot"
	T_KERNEL=$(since "$t0")
}

# build_initramfs: INITRD = busybox + the modules the root mount needs + init.sh as /init.
# Cheap (well under a second), so it is rebuilt every run and never goes stale.
build_initramfs() {
	local t0 stage m path rel base
	t0=$(now)
	stage=$RUN/initramfs
	mkdir -p "$stage"/{bin,sbin,etc,proc,sys,dev,lib/modules,newroot}
	cp /bin/busybox "$stage/bin/busybox"
	file -b "$stage/bin/busybox" | grep -q 'statically linked' || die "/bin/busybox is not static (busybox-static)"
	ln -s busybox "$stage/bin/sh" # init.sh installs the other applets
	install -m 0755 "$VMDIR/init.sh" "$stage/init"
	# The kernel's module autoloader runs in the initramfs root; forward it into the test root.
	printf '#!/bin/sh\nexec chroot /newroot /sbin/modprobe "$@"\n' >"$stage/sbin/vmtest-modprobe"
	chmod 0755 "$stage/sbin/vmtest-modprobe"
	: >"$stage/etc/vmtest-modules"
	if [ -n "$MODDIR" ]; then
		# One line per module, dependencies first; "builtin X" lines need nothing.
		for m in virtio_pci 9pnet_virtio 9p overlay; do
			modprobe -d "${MODDIR%/lib/modules/*}" -S "$KVER" --show-depends "$m" 2>/dev/null ||
				say "module $m not found for $KVER (assuming built in)"
		done | awk '$1 == "insmod" && !seen[$2]++ { print $2 }' | while read -r path; do
			rel=${path#*/lib/modules/"$KVER"/}
			base=${rel%.xz}; base=${base%.zst}; base=${base%.gz}
			mkdir -p "$stage/lib/modules/$(dirname "$base")"
			case $path in
			*.xz) xz -dc "$path" >"$stage/lib/modules/$base" ;;
			*.zst) zstd -qdc "$path" >"$stage/lib/modules/$base" ;;
			*.gz) gzip -dc "$path" >"$stage/lib/modules/$base" ;;
			*) cp "$path" "$stage/lib/modules/$base" ;;
			esac
			echo "$base" >>"$stage/etc/vmtest-modules"
		done
	fi
	INITRD=$RUN/initramfs.cpio.gz
	(cd "$stage" && find . | cpio -o -H newc -R 0:0 --quiet) | gzip -1 >"$INITRD"
	T_INITRD=$(since "$t0")
}

# run_logged LOG CMD...: CMD with the timeout, its output to the terminal and to LOG.
run_logged() {
	local log=$1; shift
	local tflags=(-k 10)
	# --foreground keeps the VM in the terminal's process group (Ctrl-A x, reading the tty).
	[ -t 0 ] && tflags+=(--foreground)
	set +e
	timeout "${tflags[@]}" "$TIMEOUT" "$@" | tee "$log"
	VM_STATUS=${PIPESTATUS[0]}
	set -e
}

# keep_logs: the guest's log and kernel messages leave the run directory for LOGDIR, where a
# failure can be read after the VM is gone (CI prints their paths).
keep_logs() {
	local f
	mkdir -p "$LOGDIR"
	cp "$LOG" "$LOGDIR/console.log" 2>/dev/null || true
	for f in guest.log dmesg; do
		if [ -s "$RUN/$f" ]; then cp "$RUN/$f" "$LOGDIR/$f"; else rm -f "$LOGDIR/$f"; fi
	done
	say "logs: $LOGDIR (console.log, guest.log, dmesg)"
}

# result: exits with the status the guest reported: RUN/rc, which the guest writes through the
# shared run directory, or else the console's NSTEER_VMTEST_RC line. The suite's closing line
# ("selftests: N passed, N failed, N skipped") is printed again last, as the host's run ends.
result() {
	local rc summary
	keep_logs
	rc=$(cat "$RUN/rc" 2>/dev/null || tr -d '\r' <"$LOG" | sed -n 's/^NSTEER_VMTEST_RC=\([0-9][0-9]*\)$/\1/p' | tail -1)
	if [ -z "$rc" ]; then
		if [ "$VM_STATUS" -eq 124 ]; then
			say "timed out after ${TIMEOUT}s (VMTEST_TIMEOUT)"
		else
			say "the VM ended without reporting a result (exit status $VM_STATUS); see the output above"
		fi
		if grep -qa 'Kernel panic\|BUG:\|Call Trace' "$LOG"; then
			say "the kernel complained on the console:"
			grep -a -m5 -A2 'Kernel panic\|BUG:\|Call Trace' "$LOG" | sed 's/^/  /'
		fi
		echo "selftests: 0 passed, 1 failed, 0 skipped"
		[ "$VM_STATUS" -eq 124 ] && exit 124
		exit 1
	fi
	if [ "$rc" -ne 0 ] && [ -s "$RUN/dmesg" ]; then
		say "the kernel's last messages (all in $LOGDIR/dmesg):"
		tail -n 30 "$RUN/dmesg" | sed 's/^/  /'
	fi
	say "$KERNEL_DESC: exit status $rc; $TIMINGS, VM $(since "$T_VM")s, total $(since "$T_START")s"
	summary=$(cat "$RUN/guest.log" "$LOG" 2>/dev/null | tr -d '\r' | grep -aE '^selftests: [0-9]+ passed, [0-9]+ failed' | tail -1)
	[ -n "$summary" ] && echo "$summary"
	exit "$rc"
}

T_START=$(now)
T_KERNEL=0 T_INITRD=0
mkdir -p "$CACHE"
# RUN is the host's side of the guest's run directory (guest.sh): both runners share it writable
# at the same path, vng with --rwdir and qemu with a second 9p export. It stays outside the
# checkout, which the guest sees read-only (vng) or under a tmpfs overlay (qemu).
RUN=$(mktemp -d "${TMPDIR:-/tmp}/nsteer-vmtest.XXXXXX")
LOG=$RUN.console
trap 'rm -rf "$RUN" "$LOG"' EXIT
chmod 0755 "$RUN"
case $RUN in *[[:space:]]*) die "paths with white space are not supported: $RUN" ;; esac
printf '%s\0' "${LEVELS[@]}" >"$RUN/args"
[ ${#LEVELS[@]} -eq 0 ] && : >"$RUN/args"
[ -n "$CMD" ] && printf '%s\n' "$CMD" >"$RUN/cmd"
for v in $PASSENV; do
	[ -n "${!v+x}" ] && printf 'export %s=%q\n' "$v" "${!v}"
done >"$RUN/env"
# What runs in the VM: only what the kernel can change (run.sh's SELFTESTS_SCOPE), and the veth
# integration tests in native XDP mode, the one whose kernel paths (veth NAPI, multi-buffer
# frames, libxdp's dispatcher) differ most between kernels; the real-NIC lab runs every mode its
# drivers have. VMTEST_SCOPE=all and XDP_MODES="auto native skb" run the host's whole suite.
echo "export SELFTESTS_SCOPE=${VMTEST_SCOPE:-kernel}" >>"$RUN/env"
[ -n "${XDP_MODES+x}" ] || echo "export XDP_MODES=native" >>"$RUN/env"
# Without KVM starting a process takes about a second: the tests' time limits stretch (see
# NST_PATIENCE in selftests/integration/lib.sh); their outcome does not depend on them.
stretch_patience() {
	if [ "$ACCEL" = tcg ] && [ -z "${NST_PATIENCE:-}" ]; then echo "export NST_PATIENCE=6" >>"$RUN/env"; fi
	# The fuzz level's short run: 6.1's BPF_PROG_RUN is worth a look, not CI's minutes.
	if [ "$ACCEL" = tcg ] && [ -z "${FUZZ_TEST_TIME:-}" ]; then echo "export FUZZ_TEST_TIME=20" >>"$RUN/env"; fi
}

# kver_at_least VERSION X.Y: the kernel release VERSION is X.Y or newer.
kver_at_least() {
	[ "$(printf '%s\n%s\n' "$2" "${1%%[-+]*}" | sort -V | head -1)" = "$2" ]
}

# nic_lab_args: QEMU_NIC_ARGS, the real-NIC lab. For each model two NICs on a qemu hub of their
# own and nothing else, so a frame one sends reaches only the other (no host network). The tests
# know them by these MACs (NST_NIC_LAB) and touch no other device. By default virtio-net and e1000
# (no native XDP; strips VLAN tags), and vmxnet3 (native XDP from 6.6; strips VLAN tags) on
# kernels that have its XDP support; e1000e passes the same checks (VMTEST_NICS to add it).
nic_lab_args() {
	local models hub=0 model end mac macs lab=()
	models="virtio-net-pci e1000"
	[ -n "$KVER" ] && kver_at_least "$KVER" 6.6 && models+=" vmxnet3"
	QEMU_NIC_ARGS=()
	for model in ${VMTEST_NICS-$models}; do
		hub=$((hub + 1))
		macs=()
		for end in 1 2; do
			mac=$(printf '52:54:00:4e:%02x:%02x' "$hub" "$end")
			macs+=("$mac")
			QEMU_NIC_ARGS+=(-netdev "hubport,id=h${hub}p$end,hubid=$hub" -device "$model,netdev=h${hub}p$end,mac=$mac")
		done
		lab+=("$model=${macs[0]},${macs[1]}")
	done
	[ ${#lab[@]} -gt 0 ] && echo "export NST_NIC_LAB='${lab[*]}'" >>"$RUN/env"
	return 0
}

# prepared: with -p, the kernel is all there was to do.
prepared() {
	[ -z "$PREPARE" ] && return 0
	say "kernel ready: ${KIMG:-$KERNEL}"
	exit 0
}

# The logs of the last run on each kernel stay here.
logdir() { LOGDIR=${VMTEST_LOGDIR:-$CACHE/logs/$1}; }

if [ "$RUNNER" = vng ]; then
	install_missing qemu-system-x86 kmod udev
	KVER=
	case $KERNEL in
	v[0-9]*) KIMG=$KERNEL KVER=${KERNEL#v} ;; # vng downloads it
	*) resolve_kernel ;;
	esac
	prepared
	logdir "${KVER:-$KERNEL}"
	KERNEL_DESC="vng, kernel ${KVER:-$KIMG}"
	TIMINGS="kernel fetch ${T_KERNEL}s"
	# The checkout is under an overlay (what a test writes stays in the VM); the run directory is
	# writable, for the log, the kernel's messages and the exit status.
	vng_args=(--run "$KIMG" --user root --cpus "$CPUS" --memory "$MEM"
		--overlay-rwdir "$ROOT" --rwdir "$RUN")
	choose_accel
	stretch_patience
	nic_lab_args
	# vng's microvm machine (its choice under KVM) has no PCI bus for the lab's NICs.
	[ "$ACCEL" = kvm ] && vng_args+=(--disable-microvm)
	[ "$ACCEL" = kvm ] || vng_args+=(--disable-kvm)
	[ ${#QEMU_NIC_ARGS[@]} -gt 0 ] && vng_args+=("--qemu-opts=${QEMU_NIC_ARGS[*]}")
	[ -n "${VMTEST_APPEND:-}" ] && vng_args+=(--append "$VMTEST_APPEND")
	say "running in vng: vng ${vng_args[*]}"
	T_VM=$(now)
	if [ -n "$SHELL_MODE" ]; then
		vng "${vng_args[@]}"
		exit 0
	fi
	run_logged "$LOG" vng "${vng_args[@]}" --exec \
		"cd $(printf %q "$ROOT") && bash selftests/vm/guest.sh $(printf %q "$RUN"); rc=\$?; echo; echo NSTEER_VMTEST_RC=\$rc"
	result
fi

install_missing qemu-system-x86 busybox-static kmod cpio
resolve_kernel
prepared
logdir "$KVER"
build_initramfs
# shellcheck disable=SC2054 # commas separate qemu's sub-options
qemu_base=(
	-smp "$CPUS" -m "$MEM" -nographic -no-reboot -nic none -kernel "$KIMG" -initrd "$INITRD"
)
# qboot (qemu-system-data) boots a -kernel faster than SeaBIOS and does not clear the terminal.
qboot=/usr/share/qemu/qboot.rom
[ -r "$qboot" ] && qemu_base+=(-bios "$qboot")
choose_accel
stretch_patience
if [ "$ACCEL" = kvm ]; then cpu=host; else cpu=max; fi
KERNEL_DESC="qemu/$ACCEL, kernel $KVER"
TIMINGS="kernel fetch ${T_KERNEL}s, initramfs ${T_INITRD}s"
append="console=ttyS0 panic=-1 quiet vmtest_dir=$ROOT vmtest_run=$RUN"
[ -n "$MODDIR" ] && append+=" vmtest_moddir=$MODDIR"
[ -n "$SHELL_MODE" ] && append+=" vmtest_shell=1"
[ -n "${VMTEST_APPEND:-}" ] && append+=" $VMTEST_APPEND"
nic_lab_args
# shellcheck disable=SC2054 # commas separate qemu's sub-options
qemu_args=(
	"${qemu_base[@]}" -machine "q35,accel=$ACCEL" -cpu "$cpu" -append "$append"
	-virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap
	-virtfs "local,path=$RUN,mount_tag=vmtestrun,security_model=none"
	"${QEMU_NIC_ARGS[@]}"
)
say "booting $KVER under qemu ($ACCEL, $CPUS CPUs, $MEM)"
T_VM=$(now)
if [ -n "$SHELL_MODE" ]; then
	"$QEMU" "${qemu_args[@]}"
	exit 0
fi
run_logged "$LOG" "$QEMU" "${qemu_args[@]}"
result
