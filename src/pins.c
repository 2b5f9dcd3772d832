// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>
#include <linux/magic.h>

#include "fault.h"
#include "log.h"
#include "pins.h"

#define BPFFS_ROOT "/sys/fs/bpf"

int bpffs_ensure_mounted(void)
{
	struct statfs st;

	if (statfs(BPFFS_ROOT, &st) == 0 && st.f_type == BPF_FS_MAGIC)
		return 0;
	if (mount("bpf", BPFFS_ROOT, "bpf", 0, "mode=0700") < 0) {
		int err = -errno;

		pr_warn("Couldn't mount bpffs on %s: %s\n", BPFFS_ROOT, strerror(errno));
		return err;
	}
	pr_debug("mounted bpffs on %s\n", BPFFS_ROOT);
	return 0;
}

int pin_root_ensure(void)
{
	int err = bpffs_ensure_mounted();

	if (err)
		return err;
	if (mkdir(NSTEER_PIN_ROOT, 0700) < 0 && errno != EEXIST) {
		err = -errno;
		pr_warn("Couldn't create %s: %s\n", NSTEER_PIN_ROOT, strerror(errno));
		return err;
	}
	return 0;
}

bool dev_name_valid(const char *dev)
{
	size_t len = strlen(dev);

	if (!len || len >= 16 || strpbrk(dev, "/: ") || !strcmp(dev, ".") || !strcmp(dev, ".."))
		return false;
	/* Also no control characters: the kernel takes most of them, but no listing shows them. */
	for (const unsigned char *p = (const unsigned char *)dev; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return false;
	return true;
}

int pin_path(char *buf, size_t size, const char *dev, const char *name)
{
	int n;

	if (!dev_name_valid(dev))
		return -EINVAL;
	n = name ? snprintf(buf, size, "%s/%s/%s", NSTEER_PIN_ROOT, dev, name)
		 : snprintf(buf, size, "%s/%s", NSTEER_PIN_ROOT, dev);

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

bool pin_dir_exists(const char *dev)
{
	char dir[PATH_MAX];
	struct stat st;

	return pin_path(dir, sizeof(dir), dev, NULL) == 0 && stat(dir, &st) == 0 &&
	       S_ISDIR(st.st_mode);
}

int pin_dir_remove(const char *dev)
{
	char dir[PATH_MAX], path[PATH_MAX + NAME_MAX + 2];
	struct dirent *de;
	DIR *d;
	int err = pin_path(dir, sizeof(dir), dev, NULL);

	if (err)
		return err;
	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (unlink(path) < 0) {
			if (errno != ENOENT && !err)
				err = -errno;
		} else {
			fault_point("pins:unpinned");
		}
	}
	closedir(d);
	if (rmdir(dir) < 0 && errno != ENOENT && !err)
		err = -errno;
	if (!err)
		fault_point("pins:dir-removed");
	if (err)
		pr_warn("Couldn't remove %s: %s\n", dir, strerror(-err));
	return err;
}
