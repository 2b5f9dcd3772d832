/* SPDX-License-Identifier: GPL-2.0 */
/* Where all of nsteer's pins live: the pin root on bpffs (mounted if need be, or the caller's
 * under `ip netns exec`), and this network namespace's folder in it. Below the lock, which is a
 * flock on the pin root, and below pins.h, which finds an uplink's folder. */
#ifndef NSTEER_BPFFS_H
#define NSTEER_BPFFS_H

#include <stddef.h>

/* Mounts bpffs on /sys/fs/bpf when nothing is mounted there, as bpftool does; under `ip netns
 * exec`, which mounts a fresh /sys, it uses the bpffs of the caller's mount namespace instead
 * (see pin_root). */
int bpffs_ensure_mounted(void);
/* NSTEER_PIN_ROOT as this process reaches it: through another process's root when this mount
 * namespace has no bpffs but the one it came from has (`ip netns exec`). */
const char *pin_root(void);
/* When pin_root() is another mount namespace's (ip netns exec): an fd of that namespace, where
 * namespace files (/var/run/netns/NAME) must be mounted to outlive this command; else -1. */
int mount_ns_origin(void);
/* A path under pin_root() as everyone else sees it, under NSTEER_PIN_ROOT (a static buffer). */
const char *pin_path_shown(const char *path);
/* Creates the pin root (0700) if missing. */
int pin_root_ensure(void);

/* This network namespace's folder: pin_root()/netns-COOKIE. */
int pin_netns_dir(char *buf, size_t size);

#endif
