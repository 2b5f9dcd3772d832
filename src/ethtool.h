/* SPDX-License-Identifier: GPL-2.0 */
#ifndef NSTEER_ETHTOOL_H
#define NSTEER_ETHTOOL_H

#include <stdbool.h>
#include <linux/types.h>

/* ethtool's "gro on/off" for ifname inside netns_fd (-1: the current namespace), through the
 * SIOCETHTOOL ioctl. A veth only runs NAPI (needed to receive XDP-redirected frames) with GRO or
 * an XDP program on it. */
int ethtool_set_gro(int netns_fd, const char *ifname, bool on);
/* 1 when feature (ethtool -k's name, e.g. "rx-vlan-filter") is active on ifname in the current
 * namespace, 0 when not, -ENOENT when the kernel knows no such feature. */
int ethtool_feature_active(const char *ifname, const char *feature);
/* 1 when ifname (in the current namespace) strips VLAN tags on receive (ethtool rxvlan), else 0. */
int ethtool_rx_vlan_strip(const char *ifname);

/* The sum of ifindex's ethtool -S statistics whose names end in suffix (in the current namespace). */
int ethtool_stats_sum(int ifindex, const char *suffix, __u64 *sum);

#endif
