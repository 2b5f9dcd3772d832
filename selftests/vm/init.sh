#!/bin/sh
# /init of the initramfs that vmtest.sh builds (busybox-static sh; PID 1 in the VM). It:
#  1. loads the modules listed in /etc/vmtest-modules (virtio-pci, 9p, overlayfs and their
#     dependencies, in modules.dep order),
#  2. mounts the host's / read-only over virtio-9p (tag "hostroot") with a tmpfs overlay on top,
#     so tests may write anywhere and nothing reaches the host,
#  3. mounts fresh proc, sys, dev, devpts, /dev/shm, /run, /tmp, bpffs, the host's run directory
#     writable (virtio-9p tag "vmtestrun"), and binds the kernel's module tree (unpacked on the
#     host) at /lib/modules/$(uname -r) so modprobe works in the VM,
#  4. runs selftests/vm/guest.sh in that root (chroot), from the project directory,
#  5. prints "NSTEER_VMTEST_RC=<exit status>" on the console and powers off.
# Parameters come on the kernel command line: vmtest_dir= (project directory, same path as on the
# host), vmtest_run= (the run directory: args and env in, log, dmesg and rc out), vmtest_moddir= (the unpacked module
# tree, a host path), vmtest_shell=1 (an interactive shell instead of the suite).
# Staying PID 1 here (chroot in a child, not switch_root) keeps busybox for the power-off; the
# kernel's module autoloader runs in this root, so /sbin/vmtest-modprobe forwards into the chroot.

/bin/busybox --install -s /bin
PATH=/bin:/sbin
export PATH

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
exec 0</dev/console 1>/dev/console 2>&1

# vmtest.sh's accelerator probe: reaching /init is the proof it wants.
if grep -qw vmtest_probe=1 /proc/cmdline; then
	echo NSTEER_VMTEST_PROBE_OK
	poweroff -f
fi

say() { echo "vmtest: [$(cut -d' ' -f1 /proc/uptime)s] $*"; }
halt() { sync; poweroff -f; sleep 5; echo o >/proc/sysrq-trigger; }
die() { say "VM setup failed: $*"; halt; }

dir='' run='' moddir='' shell=''
for w in $(cat /proc/cmdline); do
	case $w in
	vmtest_dir=*) dir=${w#*=} ;;
	vmtest_run=*) run=${w#*=} ;;
	vmtest_moddir=*) moddir=${w#*=} ;;
	vmtest_shell=1) shell=1 ;;
	esac
done
[ -n "$dir" ] || die "no vmtest_dir= on the kernel command line"
kver=$(uname -r)
say "kernel $kver up"

while read -r m; do
	insmod "/lib/modules/$m" || die "insmod $m"
done </etc/vmtest-modules

R=/newroot
mkdir -p /lower /rw $R
mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=262144,cache=loose hostroot /lower ||
	die "cannot mount the host's root over 9p (is the kernel's 9p/virtio support loaded?)"
mount -t tmpfs -o mode=0755 tmpfs /rw
mkdir -p /rw/upper /rw/work
if ! mount -t overlay -o lowerdir=/lower,upperdir=/rw/upper,workdir=/rw/work overlay $R; then
	# Without overlayfs the root stays read-only; the tmpfs mounts below still cover what the
	# tests write (/tmp, /run, /var/run/netns, /sys/fs/bpf).
	say "overlayfs unavailable: the root is read-only apart from /tmp and /run"
	mount --bind /lower $R
fi

mount -t proc proc $R/proc
mount -t sysfs sysfs $R/sys
mount -t devtmpfs devtmpfs $R/dev
mkdir -p $R/dev/pts $R/dev/shm
mount -t devpts -o ptmxmode=0666 devpts $R/dev/pts
# What udev would add: bash's process substitution <(...) needs /dev/fd.
ln -sfn /proc/self/fd $R/dev/fd
ln -sf /proc/self/fd/0 $R/dev/stdin
ln -sf /proc/self/fd/1 $R/dev/stdout
ln -sf /proc/self/fd/2 $R/dev/stderr
mount -t tmpfs -o mode=1777 tmpfs $R/dev/shm
# A project checked out under /tmp or /run would vanish under the fresh mounts: keep its view.
keep=''
case $dir in
/tmp/* | /run/*) mkdir -p /keep && mount --bind "$R$dir" /keep && keep=1 ;;
esac
mount -t tmpfs -o mode=0755 tmpfs $R/run
mount -t tmpfs -o mode=1777 tmpfs $R/tmp
if [ -n "$keep" ]; then
	mkdir -p "$R$dir" && mount --move /keep "$R$dir" || die "cannot keep $dir visible"
fi
# The run directory is the host's, writable: the guest leaves its log, kernel messages and exit
# status there, as vng's --rwdir does for that runner.
mkdir -p "$R$run" && mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 vmtestrun "$R$run" ||
	die "cannot mount the run directory $run"
mount -t bpf -o mode=0700 bpf $R/sys/fs/bpf
mount -t tracefs tracefs $R/sys/kernel/tracing 2>/dev/null
mount -t debugfs debugfs $R/sys/kernel/debug 2>/dev/null
mount -t cgroup2 cgroup2 $R/sys/fs/cgroup 2>/dev/null
mkdir -p $R/run/netns $R/run/lock
if [ -n "$moddir" ] && [ -d "/lower$moddir" ]; then
	# Resolved inside the new root, where /lib may be a symlink to usr/lib.
	chroot $R mkdir -p "/lib/modules/$kver" &&
		mount --bind "/lower$moddir" "$R$(chroot $R readlink -f "/lib/modules/$kver")"
	echo /sbin/vmtest-modprobe >/proc/sys/kernel/modprobe
fi
hostname vmtest
ip link set lo up
say "host root mounted read-only with a tmpfs overlay"

cd /
if [ -n "$shell" ]; then
	say "interactive shell in $dir (exit to power off)"
	chroot $R /usr/bin/env -i HOME=/root TERM="${TERM:-linux}" PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		/bin/bash -c 'cd "$1" && exec setsid -c bash -i' - "$dir"
	halt
fi

say "starting $dir/selftests/vm/guest.sh"
chroot $R /usr/bin/env -i HOME=/root TERM=dumb LANG=C.UTF-8 PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
	/bin/bash -c 'cd "$1" && exec bash selftests/vm/guest.sh "$2"' - "$dir" "$run"
rc=$?
echo
echo "NSTEER_VMTEST_RC=$rc"
halt
