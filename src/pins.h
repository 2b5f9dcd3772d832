/* SPDX-License-Identifier: GPL-2.0 */
/* Where an uplink's state lives: /sys/fs/bpf/nsteer/DEV/<map or program>. */
#ifndef NSTEER_PINS_H
#define NSTEER_PINS_H

#include <limits.h>
#include <stdbool.h>

/* A name the kernel could give a device: it becomes a directory under NSTEER_PIN_ROOT, so
 * ".", ".." and '/' must never pass. */
bool dev_name_valid(const char *dev);
/* Mounts bpffs on /sys/fs/bpf when nothing is mounted there, as bpftool does. */
int bpffs_ensure_mounted(void);
/* Creates NSTEER_PIN_ROOT (0700) if missing. */
int pin_root_ensure(void);
int pin_path(char *buf, size_t size, const char *dev, const char *name); /* name NULL: the dir */
bool pin_dir_exists(const char *dev);
/* Unpins everything under the dev's directory and removes it; a missing directory is fine. */
int pin_dir_remove(const char *dev);

#endif
