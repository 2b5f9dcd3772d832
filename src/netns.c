// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include "log.h"
#include "netns.h"
#include "bpffs.h"
#include "fault.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/magic.h>
#include <linux/nsfs.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <stdlib.h>

#define SELF_NETNS "/proc/thread-self/ns/net"

bool netns_name_valid(const char *name)
{
	size_t len;

	if (!name)
		return false;
	len = strlen(name);
	/* The port table keeps the name in NSTEER_NETNS_LEN bytes: a longer one would be
	 * truncated there, and port del and status would look for a namespace that is not. Control
	 * characters would break every listing (ip netns list, port list). */
	if (len < 1 || len >= NSTEER_NETNS_LEN || strchr(name, '/') || !strcmp(name, ".") ||
	    !strcmp(name, ".."))
		return false;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return false;
	return true;
}

static int check_netns(int fd)
{
	struct statfs sfs;
#ifdef NS_GET_NSTYPE
	int type = ioctl(fd, NS_GET_NSTYPE);

	if (type >= 0)
		return type == CLONE_NEWNET ? 0 : -EINVAL;
#endif
	/* Not an nsfs file, or a kernel without NS_GET_NSTYPE (< 4.11). */
	if (fstatfs(fd, &sfs) < 0)
		return -errno;
	return sfs.f_type == NSFS_MAGIC ? 0 : -EINVAL;
}

int netns_open_path(const char *path)
{
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	err = check_netns(fd);
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}

int netns_open_pid(pid_t pid)
{
	char path[32];

	if (pid <= 0)
		return -EINVAL;
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	return netns_open_path(path);
}

static int run_dir_setup(void)
{
	bool bound = false;

	if (mkdir(NETNS_RUN_DIR, 0755) < 0 && errno != EEXIST)
		return -errno;
	/* As iproute2: a shared mount point, so that unmounting a namespace file in one mount
	 * namespace unmounts it in all of them and the namespace can be freed. A plain directory
	 * (EINVAL) is first made a mount point by binding it onto itself. */
	while (mount("", NETNS_RUN_DIR, "none", MS_SHARED | MS_REC, NULL) < 0) {
		if (errno != EINVAL || bound)
			return -errno;
		if (mount(NETNS_RUN_DIR, NETNS_RUN_DIR, "none", MS_BIND | MS_REC, NULL) < 0)
			return -errno;
		bound = true;
	}
	return 0;
}

/* Under `ip netns exec`, this mount namespace is a slave of the caller's: a namespace file bind-
 * mounted here would be seen by no one else and vanish with the command, its namespace (and the
 * port's veth in it) with it. Namespace files are mounted, and unmounted, in the caller's mount
 * namespace (pins.h: mount_ns_origin), whence they propagate here. Single-threaded, as setns of
 * a mount namespace requires. */
struct mount_ns_saved {
	int ns, cwd;
};

static int origin_mounts_enter(struct mount_ns_saved *saved)
{
	int origin = mount_ns_origin();

	saved->ns = saved->cwd = -1;
	if (origin < 0)
		return 0;
	saved->ns = open("/proc/thread-self/ns/mnt", O_RDONLY | O_CLOEXEC);
	saved->cwd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (saved->ns < 0 || setns(origin, CLONE_NEWNS) < 0) {
		int err = -errno;

		if (saved->ns >= 0)
			close(saved->ns);
		if (saved->cwd >= 0)
			close(saved->cwd);
		saved->ns = saved->cwd = -1;
		return err;
	}
	return 0;
}

static void origin_mounts_leave(struct mount_ns_saved *saved)
{
	if (saved->ns < 0)
		return;
	if (setns(saved->ns, CLONE_NEWNS) < 0)
		abort(); /* carrying on in the caller's mount namespace would resolve other paths */
	if (saved->cwd >= 0 && fchdir(saved->cwd) < 0)
		pr_debug("Couldn't return to the working directory: %s\n", strerror(errno));
	close(saved->ns);
	if (saved->cwd >= 0)
		close(saved->cwd);
}

/* Creates the namespace as `ip netns add` does: unshare in this thread, bind-mount it onto path,
 * and return to the caller's namespace. No fork: namespace creation dominates `port add` for new
 * names, and a child process would double it. Returns an fd of the new namespace. */
static int netns_create(const char *path)
{
	int fd, home, ns = -1, err;

	err = run_dir_setup();
	if (err)
		return err;
	fd = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	close(fd);
	fault_point("netns:file-created");
	home = open(SELF_NETNS, O_RDONLY | O_CLOEXEC);
	if (home < 0) {
		err = -errno;
		goto out_remove;
	}
	if (unshare(CLONE_NEWNET) < 0) {
		err = -errno;
		close(home);
		goto out_remove;
	}
	if (mount(SELF_NETNS, path, "none", MS_BIND, NULL) < 0)
		err = -errno;
	else
		ns = open(SELF_NETNS, O_RDONLY | O_CLOEXEC);
	if (setns(home, CLONE_NEWNET) < 0)
		abort(); /* carrying on in the wrong namespace could configure the wrong devices */
	if (!err)
		fault_point("netns:mounted");
	close(home);
	if (!err && ns < 0)
		err = -errno;
	if (!err)
		return ns;
out_remove:
	umount2(path, MNT_DETACH);
	unlink(path);
	return err;
}

/* An empty regular file with nothing mounted on it (its device is that of its directory). */
static bool netns_file_unmounted(const char *path)
{
	struct stat st, dir;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 0 &&
	       stat(NETNS_RUN_DIR, &dir) == 0 && st.st_dev == dir.st_dev;
}

int netns_open_name(const char *name, bool create, bool *created)
{
	struct mount_ns_saved saved;
	char path[PATH_MAX];
	int fd;

	if (created)
		*created = false;
	if (!netns_name_valid(name))
		return -EINVAL;
	snprintf(path, sizeof(path), NETNS_RUN_DIR "/%s", name);
	fd = netns_open_path(path);
	if (fd == -EINVAL && create && netns_file_unmounted(path)) {
		/* The empty file a creation killed before its bind mount leaves: finish the job. */
		unlink(path);
		fd = -ENOENT;
	}
	if (fd != -ENOENT || !create)
		return fd;

	fd = origin_mounts_enter(&saved);
	if (fd == 0) {
		fd = netns_create(path);
		origin_mounts_leave(&saved);
	}
	if (fd == -EEXIST) /* lost a race with another creator: use theirs */
		return netns_open_path(path);
	if (fd >= 0 && created)
		*created = true;
	return fd;
}

int netns_delete_name(const char *name)
{
	struct mount_ns_saved saved;
	char path[PATH_MAX];
	int err;

	if (!netns_name_valid(name))
		return -EINVAL;
	snprintf(path, sizeof(path), NETNS_RUN_DIR "/%s", name);
	err = origin_mounts_enter(&saved);
	if (err)
		return err;
	/* A failed unmount (not mounted, say) is left for unlink() to report if it matters. */
	umount2(path, MNT_DETACH);
	fault_point("netns:unmounted");
	err = unlink(path) < 0 ? -errno : 0;
	origin_mounts_leave(&saved);
	return err;
}

int netns_inode(int netns_fd, uint64_t *ino)
{
	struct stat st;

	if (fstat(netns_fd, &st) < 0)
		return -errno;
	*ino = st.st_ino;
	return 0;
}

int netns_self_inode(uint64_t *ino)
{
	struct stat st;

	if (stat(SELF_NETNS, &st) < 0)
		return -errno;
	*ino = st.st_ino;
	return 0;
}

int netns_enter(int netns_fd, int *saved_fd)
{
	int self, err;

	self = open(SELF_NETNS, O_RDONLY | O_CLOEXEC);
	if (self < 0)
		return -errno;
	if (setns(netns_fd, CLONE_NEWNET) < 0) {
		err = -errno;
		close(self);
		return err;
	}
	*saved_fd = self;
	return 0;
}

int netns_leave(int saved_fd)
{
	int err = setns(saved_fd, CLONE_NEWNET) < 0 ? -errno : 0;

	close(saved_fd);
	return err;
}

int netns_open_ref(const struct nsteer_netns_ref *ref, bool create, bool *created)
{
	*created = false;
	switch (ref->kind) {
	case NSTEER_NETNS_NAME:
		return netns_open_name(ref->name, create, created);
	case NSTEER_NETNS_PATH:
		return netns_open_path(ref->name);
	default:
		return netns_open_pid(ref->pid);
	}
}

void netns_label(const struct nsteer_netns_ref *ref, char *buf, size_t size)
{
	if (ref->label)
		snprintf(buf, size, "%s", ref->label);
	else if (ref->kind == NSTEER_NETNS_PID)
		snprintf(buf, size, "pid:%d", (int)ref->pid);
	else
		snprintf(buf, size, "%s", ref->name);
}

int netns_socket(int netns_fd, int domain, int type, int protocol)
{
	int saved, fd, err;

	if (netns_fd >= 0) {
		err = netns_enter(netns_fd, &saved);
		if (err)
			return err;
	}
	fd = socket(domain, type | SOCK_CLOEXEC, protocol);
	err = fd < 0 ? -errno : 0;
	/* A thread stranded in the other namespace would go on configuring the wrong one. */
	if (netns_fd >= 0 && netns_leave(saved))
		abort();
	return fd < 0 ? err : fd;
}
