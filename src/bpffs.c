// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>
#include <linux/magic.h>

#include "bpffs.h"
#include "log.h"

#ifndef SO_NETNS_COOKIE
#define SO_NETNS_COOKIE 71
#endif

#define BPFFS_ROOT "/sys/fs/bpf"
#define NETNS_DIR_PREFIX "netns-"

static const char *root_path = NSTEER_PIN_ROOT;

static bool is_bpffs(const char *path)
{
	struct statfs st;

	return statfs(path, &st) == 0 && st.f_type == BPF_FS_MAGIC;
}

/* 1: pid lives in another mount namespace than ours, 0: in ours, -1: unknowable. */
static int other_mount_ns(pid_t pid)
{
	struct stat self, other;
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/ns/mnt", (int)pid);
	if (stat("/proc/self/ns/mnt", &self) || stat(path, &other))
		return -1;
	return self.st_ino != other.st_ino || self.st_dev != other.st_dev;
}

static pid_t parent_of(pid_t pid)
{
	char path[64], line[128];
	int ppid = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "re");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "PPid: %d", &ppid) == 1)
			break;
	if (f)
		fclose(f);
	return ppid;
}

static int origin_mnt_fd = -1;

int mount_ns_origin(void)
{
	bpffs_ensure_mounted();
	return origin_mnt_fd;
}

static bool use_bpffs_of(pid_t pid)
{
	static char path[64];
	char root[64];
	int fd;

	snprintf(root, sizeof(root), "/proc/%d/root" BPFFS_ROOT, (int)pid);
	if (!is_bpffs(root))
		return false;
	fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return false;
	snprintf(root, sizeof(root), "/proc/%d/ns/mnt", (int)pid);
	origin_mnt_fd = open(root, O_RDONLY | O_CLOEXEC);
	snprintf(path, sizeof(path), "/proc/self/fd/%d/nsteer", fd);
	root_path = path;
	pr_debug("using the bpffs of pid %d's mount namespace\n", (int)pid);
	return true;
}

/* `ip netns exec` gives its command a mount namespace of its own with a fresh /sys, and no
 * bpffs. Pins made in a bpffs mounted there would vanish with the command, and its programs
 * with them. The bpffs of the mount namespace it was started from is the one every other
 * nsteer uses: reachable through the root of init, or else of the nearest ancestor that lives
 * there (the shell that ran ip netns exec). Held open by an fd, so that the ancestor may exit
 * meanwhile. 0 when found; -ENOENT when some ancestor lives elsewhere but has no bpffs either;
 * 1 when every process we can see shares our mount namespace (so mounting bpffs is right). */
static int bpffs_of_origin(void)
{
	bool elsewhere = other_mount_ns(1) == 1;
	pid_t pid = getppid();

	if (elsewhere && use_bpffs_of(1))
		return 0;
	for (int depth = 0; depth < 64 && pid > 1; depth++, pid = parent_of(pid)) {
		if (other_mount_ns(pid) != 1)
			continue;
		elsewhere = true;
		if (use_bpffs_of(pid))
			return 0;
	}
	return elsewhere ? -ENOENT : 1;
}

int bpffs_ensure_mounted(void)
{
	static int done = 1;
	int origin;

	if (done <= 0)
		return done;
	if (is_bpffs(BPFFS_ROOT))
		return done = 0;
	origin = bpffs_of_origin();
	if (origin == 0)
		return done = 0;
	if (origin < 0) {
		pr_warn("%s is not a bpffs in this mount namespace, nor in the one it came from "
			"(ip netns exec mounts a fresh /sys): mount it there first (mount -t bpf bpf "
			"%s)\n",
			BPFFS_ROOT, BPFFS_ROOT);
		return done = -ENOENT;
	}
	if (mount("bpf", BPFFS_ROOT, "bpf", 0, "mode=0700") < 0) {
		int err = -errno;

		pr_warn("Couldn't mount bpffs on %s: %s\n", BPFFS_ROOT, strerror(errno));
		return done = err;
	}
	pr_debug("mounted bpffs on %s\n", BPFFS_ROOT);
	return done = 0;
}

const char *pin_path_shown(const char *path)
{
	static char shown[PATH_MAX];
	size_t n = strlen(root_path);

	if (strncmp(path, root_path, n))
		return path;
	snprintf(shown, sizeof(shown), "%s%s", NSTEER_PIN_ROOT, path + n);
	return shown;
}

const char *pin_root(void)
{
	bpffs_ensure_mounted();
	return root_path;
}

int pin_root_ensure(void)
{
	int err = bpffs_ensure_mounted();

	if (err)
		return err;
	if (mkdir(root_path, 0700) < 0 && errno != EEXIST) {
		err = -errno;
		pr_warn("Couldn't create %s: %s\n", root_path, strerror(errno));
		return err;
	}
	return 0;
}

/* This namespace's folder. The cookie is read once: the commands run in the namespace they were
 * started in, and step into others only for moments that resolve no pins. */
int pin_netns_dir(char *buf, size_t size)
{
	static unsigned long long cookie;
	socklen_t len = sizeof(cookie);
	int n;

	if (!cookie) {
		int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		int err = fd < 0 ? -errno : 0;

		if (!err && getsockopt(fd, SOL_SOCKET, SO_NETNS_COOKIE, &cookie, &len) < 0)
			err = -errno;
		if (fd >= 0)
			close(fd);
		if (err) {
			pr_warn("Couldn't read this network namespace's cookie: %s\n",
				strerror(-err));
			cookie = 0;
			return err;
		}
	}
	n = snprintf(buf, size, "%s/" NETNS_DIR_PREFIX "%llu", pin_root(), cookie);
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

