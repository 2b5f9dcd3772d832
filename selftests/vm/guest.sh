#!/bin/bash
# Runs inside the test VM as root, from the project directory: by init.sh (plain qemu) or as vng's
# command (virtme-ng). Prepares what the selftests expect of a machine, then runs selftests/run.sh
# with the levels the host asked for, and exits with its status.
#   guest.sh RUN_DIR     RUN_DIR is the host's run directory (vmtest.sh), shared writable. In:
#                        "args" (run.sh arguments, NUL-separated) and "env" (variables to set), or
#                        "cmd": a bash command to run instead of the suite (vmtest.sh -c). Out:
#                        "guest.log" (everything printed here), "dmesg" (the kernel's messages)
#                        and "rc" (the exit status): the host reads them even when the console's
#                        stream lost or mangled a line.
set -u

run=${1:?usage: guest.sh RUN_DIR}
args=()
[ -r "$run/args" ] && mapfile -d '' -t args <"$run/args"
# shellcheck disable=SC1091
[ -r "$run/env" ] && source "$run/env"
tee_pid=
if [ -w "$run" ]; then
	exec > >(tee "$run/guest.log") 2>&1
	tee_pid=$!
else
	echo "vmtest: $run is not writable: the console is the only log"
fi

# Tests that have the host's run do their work for them (the package build) look for this.
export NSTEER_VMTEST=1

say() { echo "vmtest: [$(cut -d' ' -f1 /proc/uptime)s] $*"; }

# vng mounts no bpffs and may leave /run read-only; init.sh has done all this already.
mountpoint -q /sys/fs/bpf || mount -t bpf -o mode=0700 bpf /sys/fs/bpf
[ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd
mkdir -p /var/run/netns 2>/dev/null || mount -t tmpfs -o mode=0755 tmpfs /run
mkdir -p /var/run/netns
ip link set lo up

# Debian kernels build these as modules; the host kernel has them built in. Loading them up front
# gives one clear line when one is missing, rather than an odd failure deep inside a test.
missing=()
for m in veth sch_ingress cls_bpf act_bpf 8021q bridge macvlan virtio_net e1000 e1000e vmxnet3; do
	modprobe -q "$m" 2>/dev/null || [ -d "/sys/module/$m" ] || missing+=("$m")
done
[ ${#missing[@]} -gt 0 ] && say "modules not loaded: ${missing[*]}"

what="selftests/run.sh ${args[*]:-(the levels of SELFTESTS_SCOPE=${SELFTESTS_SCOPE:-all})}"
[ -r "$run/cmd" ] && what="bash -c '$(cat "$run/cmd")'"
say "kernel $(uname -r), $(nproc) CPUs, $(awk '/MemTotal/ { print int($2 / 1024) " MiB" }' /proc/meminfo)," \
	"BTF $([ -r /sys/kernel/btf/vmlinux ] && echo present || echo absent), running $what"
start=$(date +%s.%N)
if [ -r "$run/cmd" ]; then
	bash -c "$(cat "$run/cmd")"
else
	selftests/run.sh "${args[@]}"
fi
rc=$?
say "exit status $rc after $(echo "$(date +%s.%N) $start" | awk '{ printf "%.1f", $1 - $2 }')s"
if [ -w "$run" ]; then
	dmesg >"$run/dmesg" 2>&1
	echo "$rc" >"$run/rc"
fi
# The VM powers off when this script ends: let tee write the log's last lines first.
if [ -n "$tee_pid" ]; then
	exec >&- 2>&-
	wait "$tee_pid"
fi
exit $rc
