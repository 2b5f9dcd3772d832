// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "fault.h"
#include "hooks.h"
#include "lock.h"
#include "log.h"
#include "pins.h"

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

/* "IFINDEX-NAME" */
static bool dir_name_parse(const char *name, unsigned int *ifindex, char label[IF_NAMESIZE])
{
	char *end;
	unsigned long v = strtoul(name, &end, 10);

	if (end == name || *end != '-' || !v || v > 0x7fffffff || !dev_name_valid(end + 1))
		return false;
	*ifindex = v;
	snprintf(label, IF_NAMESIZE, "%s", end + 1);
	return true;
}

static void legacy_take_over(void);

/* What a lookup found, kept for the process: a command resolves its uplink's pins a dozen times,
 * and a batch of thousands of lines the same few uplinks. */
#define PLACES_CACHED 8
static struct {
	char dev[IF_NAMESIZE];
	struct uplink_place place;
} places[PLACES_CACHED];
static unsigned int places_next;

static void place_remember(const char *dev, const struct uplink_place *p)
{
	for (unsigned int i = 0; i < PLACES_CACHED; i++) {
		if (!strcmp(places[i].dev, dev)) {
			places[i].place = *p;
			return;
		}
	}
	snprintf(places[places_next].dev, IF_NAMESIZE, "%s", dev);
	places[places_next].place = *p;
	places_next = (places_next + 1) % PLACES_CACHED;
}

static const struct uplink_place *place_recalled(const char *dev)
{
	for (unsigned int i = 0; i < PLACES_CACHED; i++)
		if (places[i].dev[0] && !strcmp(places[i].dev, dev))
			return &places[i].place;
	return NULL;
}

static void place_fill(struct uplink_place *p, const char *ns_dir, const char *entry,
		       unsigned int ifindex, const char *label)
{
	struct stat st;

	snprintf(p->dir, sizeof(p->dir), "%s/%s", ns_dir, entry);
	snprintf(p->label, sizeof(p->label), "%s", label);
	p->ifindex = ifindex;
	p->exists = stat(p->dir, &st) == 0 && S_ISDIR(st.st_mode);
	p->dev_here = ifindex && if_indextoname(ifindex, p->dev_now);
	if (!p->dev_here)
		p->dev_now[0] = '\0';
}

/* A folder of this namespace's that a lookup considers, by name ("" when none). */
struct folder {
	char name[NAME_MAX + 1];
	unsigned int ifindex;
};

static void folder_take(struct folder *f, const char *name, unsigned int ifindex)
{
	snprintf(f->name, sizeof(f->name), "%s", name);
	f->ifindex = ifindex;
}

int uplink_place_find(const char *dev, bool for_attach, struct uplink_place *p)
{
	/* live: the folder of the device dev names; gone: of a vanished device attached as dev
	 * (the first in name order, if several); whole: the folder named dev itself. */
	struct folder live = { "" }, gone = { "" }, whole = { "" }, fresh, *pick;
	char ns_dir[PATH_MAX], label[IF_NAMESIZE], now[IF_NAMESIZE];
	unsigned int ifindex, entry_ifindex;
	struct dirent *de;
	DIR *d;
	int err;

	memset(p, 0, sizeof(*p));
	if (!dev_name_valid(dev))
		return -EINVAL;
	legacy_take_over();
	err = pin_netns_dir(ns_dir, sizeof(ns_dir));
	if (err)
		return err;
	ifindex = if_nametoindex(dev);
	d = opendir(ns_dir);
	while (d && (de = readdir(d))) {
		if (!dir_name_parse(de->d_name, &entry_ifindex, label))
			continue;
		if (ifindex && entry_ifindex == ifindex)
			folder_take(&live, de->d_name, entry_ifindex);
		else if (!strcmp(label, dev) && !if_indextoname(entry_ifindex, now) &&
			 (!gone.name[0] || strcmp(de->d_name, gone.name) < 0))
			folder_take(&gone, de->d_name, entry_ifindex);
		if (!strcmp(de->d_name, dev))
			folder_take(&whole, de->d_name, entry_ifindex);
	}
	if (d)
		closedir(d);
	/* Where attach puts the folder of the device dev names. */
	snprintf(fresh.name, sizeof(fresh.name), "%u-%s", ifindex, dev);
	fresh.ifindex = ifindex;
	if (live.name[0])
		pick = &live;
	else if (for_attach || (!gone.name[0] && !whole.name[0]))
		pick = &fresh;
	else
		pick = gone.name[0] ? &gone : &whole;
	dir_name_parse(pick->name, &entry_ifindex, label);
	place_fill(p, ns_dir, pick->name, pick->ifindex, pick == &fresh ? dev : label);
	place_remember(dev, p);
	return 0;
}

int uplink_place_get(const char *dev, struct uplink_place *p)
{
	const struct uplink_place *known = place_recalled(dev);
	struct stat st;

	if (!known)
		return uplink_place_find(dev, false, p);
	*p = *known;
	/* The folder as it is now: attach remembers where it will be before it makes it. */
	p->exists = stat(p->dir, &st) == 0 && S_ISDIR(st.st_mode);
	return 0;
}

int pin_path(char *buf, size_t size, const char *dev, const char *name)
{
	struct uplink_place p;
	int n, err = uplink_place_get(dev, &p);

	if (err)
		return err;
	n = name ? snprintf(buf, size, "%s/%s", p.dir, name) : snprintf(buf, size, "%s", p.dir);
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

bool pin_dir_exists(const char *dev)
{
	char dir[PATH_MAX];
	struct stat st;

	return pin_path(dir, sizeof(dir), dev, NULL) == 0 && stat(dir, &st) == 0 &&
	       S_ISDIR(st.st_mode);
}

int pin_dir_create(const char *dev)
{
	char dir[PATH_MAX], ns_dir[PATH_MAX];
	int err = pin_root_ensure();

	if (!err)
		err = pin_netns_dir(ns_dir, sizeof(ns_dir));
	if (!err && mkdir(ns_dir, 0700) < 0 && errno != EEXIST)
		err = -errno;
	if (!err)
		err = pin_path(dir, sizeof(dir), dev, NULL);
	if (!err && mkdir(dir, 0700) < 0 && errno != EEXIST)
		err = -errno;
	if (err)
		pr_warn("Couldn't create %s's folder under %s: %s\n", dev, pin_root(),
			strerror(-err));
	return err;
}

static int dir_empty(const char *dir)
{
	char path[PATH_MAX + NAME_MAX + 2];
	struct dirent *de;
	DIR *d = opendir(dir);
	int err = 0;

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
	return err;
}

int pin_dir_remove(const char *dev)
{
	char dir[PATH_MAX];
	int err = pin_path(dir, sizeof(dir), dev, NULL);

	if (!err)
		err = dir_empty(dir);
	if (!err && rmdir(dir) < 0 && errno != ENOENT)
		err = -errno;
	if (!err)
		fault_point("pins:dir-removed");
	if (err)
		pr_warn("Couldn't remove %s: %s\n", dir, strerror(-err));
	if (!err)
		pin_netns_dir_tidy();
	return err;
}

void pin_netns_dir_tidy(void)
{
	char ns_dir[PATH_MAX];

	/* Only when empty: rmdir refuses a folder that still holds an uplink's. */
	if (pin_netns_dir(ns_dir, sizeof(ns_dir)) == 0 && rmdir(ns_dir) == 0)
		fault_point("pins:netns-dir-removed");
}

int uplink_dirs_each(uplink_dir_cb cb, void *ctx)
{
	char ns_dir[PATH_MAX], label[IF_NAMESIZE];
	struct uplink_place p, again;
	struct dirent **names;
	unsigned int ifindex;
	int n, err;

	legacy_take_over();
	err = pin_netns_dir(ns_dir, sizeof(ns_dir));
	if (err)
		return err;
	n = scandir(ns_dir, &names, NULL, alphasort);
	if (n < 0)
		return errno == ENOENT ? 0 : -errno;
	for (int i = 0; i < n; i++) {
		const char *name = names[i]->d_name;

		if (!err && dir_name_parse(name, &ifindex, label)) {
			const char *dev;

			place_fill(&p, ns_dir, name, ifindex, label);
			dev = p.dev_here ? p.dev_now : p.label;
			/* The name must find this folder again: a vanished device's label may
			 * now name another device's, which the folder's own name does not. */
			if (uplink_place_find(dev, false, &again) || strcmp(again.dir, p.dir))
				dev = name;
			err = cb(dev, &p, ctx);
		}
		free(names[i]);
	}
	free(names);
	return err;
}

/* ---- the previous layout: NSTEER_PIN_ROOT/DEV/ ---- */

/* A folder of the previous layout holds pins; a namespace's folder only folders. */
static bool legacy_dir(const char *name)
{
	char path[PATH_MAX];
	struct stat st;

	if (!dev_name_valid(name))
		return false;
	snprintf(path, sizeof(path), "%s/%s/uplink_config", pin_root(), name);
	return stat(path, &st) == 0 && !S_ISDIR(st.st_mode);
}

/* The device of this namespace that a folder of the previous layout belongs to, or 0. The
 * ifindex it recorded must name a device called as the folder is, and that device must run the
 * tc program pinned there: the same name at the same ifindex in another namespace (two labs built
 * alike) is another device. */
static unsigned int legacy_owner(const char *dev)
{
	char path[PATH_MAX], now[IF_NAMESIZE];
	struct bpf_prog_info info = { 0 };
	__u32 len = sizeof(info), zero = 0, tc_id;
	struct {
		__u32 uplink_ifindex, rest[7];
	} cfg = { 0 };
	int fd;

	snprintf(path, sizeof(path), "%s/%s/uplink_config", pin_root(), dev);
	fd = bpf_obj_get(path);
	if (fd < 0)
		return 0;
	bpf_map_lookup_elem(fd, &zero, &cfg);
	close(fd);
	if (!cfg.uplink_ifindex || !if_indextoname(cfg.uplink_ifindex, now) || strcmp(now, dev) ||
	    tc_ingress_prog_id(cfg.uplink_ifindex, &tc_id))
		return 0;
	snprintf(path, sizeof(path), "%s/%s/" NSTEER_PIN_PROG_TC_UPLINK, pin_root(), dev);
	fd = bpf_obj_get(path);
	if (fd < 0)
		return 0;
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		info.id = 0;
	close(fd);
	return info.id && info.id == tc_id ? cfg.uplink_ifindex : 0;
}

/* Moves the folders of the previous layout that belong to this namespace's devices to where this
 * nsteer looks. A rename within bpffs moves no program and no map: the datapath goes on as it
 * was, counters and all, and a kill before or after it leaves one of the two layouts whole. */
static void legacy_take_over(void)
{
	static bool done;
	char ns_dir[PATH_MAX], from[PATH_MAX + NAME_MAX + 2], to[PATH_MAX + NAME_MAX + 12];
	struct dirent *de;
	bool locked = false;
	DIR *d;

	if (done)
		return;
	done = true;
	if (bpffs_ensure_mounted() || pin_netns_dir(ns_dir, sizeof(ns_dir)))
		return;
	d = opendir(pin_root());
	while (d && (de = readdir(d))) {
		unsigned int ifindex;

		if (!legacy_dir(de->d_name))
			continue;
		if (!locked && nsteer_lock())
			break;
		locked = true;
		/* Read again under the lock: another nsteer may have moved it meanwhile. */
		ifindex = legacy_dir(de->d_name) ? legacy_owner(de->d_name) : 0;
		if (!ifindex)
			continue;
		snprintf(from, sizeof(from), "%s/%s", pin_root(), de->d_name);
		snprintf(to, sizeof(to), "%s/%u-%s", ns_dir, ifindex, de->d_name);
		if (mkdir(ns_dir, 0700) < 0 && errno != EEXIST) {
			pr_warn("Couldn't create %s: %s\n", ns_dir, strerror(errno));
			break;
		}
		if (rename(from, to) < 0) {
			pr_warn("Couldn't move %s's state from %s to %s: %s\n", de->d_name, from,
				to, strerror(errno));
			continue;
		}
		fault_point("pins:legacy-moved");
		/* On stderr: the command's own output (status --json, a CNI result) stays whole. */
		snprintf(from, sizeof(from), "%s", pin_path_shown(from));
		pr_warn("%s: state moved from %s to %s (the layout of nsteer 0.1); 'nsteer attach "
			"%s' with its options replaces its programs with this nsteer's\n",
			de->d_name, from, pin_path_shown(to), de->d_name);
	}
	if (d)
		closedir(d);
	if (locked)
		nsteer_unlock();
}

int legacy_dirs_each(int (*cb)(const char *dev, void *ctx), void *ctx)
{
	struct dirent *de;
	DIR *d;
	int err = 0;

	legacy_take_over();
	d = opendir(pin_root());
	while (!err && d && (de = readdir(d)))
		if (legacy_dir(de->d_name))
			err = cb(de->d_name, ctx);
	if (d)
		closedir(d);
	return err;
}
