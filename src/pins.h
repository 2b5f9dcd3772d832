/* SPDX-License-Identifier: GPL-2.0 */
/* Where an uplink's state lives: NSTEER_PIN_ROOT/netns-COOKIE/IFINDEX-NAME/<map or program>.
 *
 * An uplink is a device of a network namespace, and its name is only a label. COOKIE is the
 * namespace's cookie (SO_NETNS_COOKIE), which the kernel never hands out twice while it runs:
 * nsteer run in another namespace, where the same names and ifindexes mean other devices, works
 * in a folder of its own. IFINDEX is the device's, which a rename keeps; NAME is the name it had
 * when it was attached, for people reading the folder and for finding the state of a device that
 * has gone. The layout before this one (NSTEER_PIN_ROOT/DEV/) is taken over on first use. */
#ifndef NSTEER_PINS_H
#define NSTEER_PINS_H

#include <limits.h>
#include <net/if.h>
#include <stdbool.h>

#include "bpffs.h"

/* A name the kernel could give a device: it becomes part of a directory's name, so ".", ".."
 * and '/' must never pass. */
bool dev_name_valid(const char *dev);

/* Where dev's state is, or would be. */
struct uplink_place {
	char dir[PATH_MAX];
	char label[IF_NAMESIZE]; /* NAME: the device's name when it was attached */
	unsigned int ifindex;    /* IFINDEX; 0 when dev names no device and no state */
	bool exists;             /* the folder is there */
	bool dev_here;           /* ifindex names a device in this namespace */
	char dev_now[IF_NAMESIZE]; /* its name now, when dev_here */
};

/* Finds dev's folder in this namespace's: the one of the device dev names, else (the device
 * gone, or a new device under its name) the folder of a vanished device attached as dev, else
 * the folder whose whole name is dev. With for_attach, only the device dev names counts: a
 * folder that does not exist yet is where attach puts it. -EINVAL for a name no device can
 * have. Remembered per dev for the rest of the process, as pin_path uses it. */
int uplink_place_find(const char *dev, bool for_attach, struct uplink_place *p);
/* The same, remembered from an earlier lookup of dev if there was one. */
int uplink_place_get(const char *dev, struct uplink_place *p);
int pin_path(char *buf, size_t size, const char *dev, const char *name); /* name NULL: the dir */
bool pin_dir_exists(const char *dev);
/* Creates dev's folder (and its namespace's) if missing. */
int pin_dir_create(const char *dev);
/* Unpins everything under the dev's directory and removes it (and the namespace's folder, once
 * empty); a missing directory is fine. */
int pin_dir_remove(const char *dev);

/* Removes this namespace's folder if it holds no uplink's any more. */
void pin_netns_dir_tidy(void);

/* Calls cb for each uplink folder of this namespace, with the name that finds it again
 * (uplink_place_find): the device's name now, the label of a vanished device, or the folder's
 * own name when the label finds another. Sorted by folder name. */
typedef int (*uplink_dir_cb)(const char *dev, const struct uplink_place *p, void *ctx);
int uplink_dirs_each(uplink_dir_cb cb, void *ctx);

/* Folders of the previous layout (NSTEER_PIN_ROOT/DEV/) that no device of this namespace claims:
 * their devices are in other namespaces, or gone. cb gets each DEV. */
int legacy_dirs_each(int (*cb)(const char *dev, void *ctx), void *ctx);

#endif
