/* SPDX-License-Identifier: GPL-2.0 */
/* An attached uplink as the pinned maps describe it. */
#ifndef NSTEER_UPLINK_H
#define NSTEER_UPLINK_H

#include <net/if.h>

#include "nsteer.h"

struct uplink {
	char dev[IF_NAMESIZE];
	int fd_config;
	int fd_ports;
	int fd_port_by_ifindex;
	int fd_port_devs;
	int fd_counters;
	int fd_port_slots;
	int fd_mac_index;
	int fd_mld_listeners;
	int fd_mld_snooped;
	int fd_prog_tc_port;
	int fd_nic_holds;
	struct nsteer_config cfg;
};

/* Opens dev's pinned state. -ENOENT (and a message unless quiet) when dev is not attached. */
int uplink_open(const char *dev, struct uplink *u, bool quiet);
void uplink_close(struct uplink *u);
int uplink_config_write(const struct uplink *u, const struct nsteer_config *cfg);
/* Raises slots_used in the pinned config so that floods reach slot. */
int uplink_slots_cover(const struct uplink *u, __u32 slot);
/* Zeroes a slot's per-CPU counters, which a previous port of that slot left behind. */
int counters_reset(int fd_counters, __u32 slot);
/* Validates a device name and resolves it in the current namespace; reports unknown devices. */
int dev_ifindex(const char *dev);

/* 1 when dev is a NIC that strips VLAN tags before XDP runs (ethtool rxvlan). */
int rx_vlan_stripped(const char *dev);
/* Why cfg's XDP mode is what it is on dev ("as asked", or what --xdp-mode auto saw). */
int xdp_mode_reason(const char *dev, const struct nsteer_config *cfg, char *buf, size_t size);

const char *mode_name(enum nsteer_mode mode);
const char *unknown_name(enum nsteer_unknown unknown);

#endif
