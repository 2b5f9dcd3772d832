/* SPDX-License-Identifier: GPL-2.0 */
#ifndef NSTEER_XDP_MODE_H
#define NSTEER_XDP_MODE_H

#include <stddef.h>

#include "nsteer.h"

/* What --xdp-mode auto means on dev (see xdp_mode.c). */
enum nsteer_xdp_mode xdp_mode_auto(const char *dev);
/* Notes for a mode asked for by name where it cannot do its job. */
void xdp_mode_warn(const char *dev, int ifindex, enum nsteer_xdp_mode mode);
/* 1 when dev is a NIC that strips VLAN tags before XDP runs (ethtool rxvlan). */
int rx_vlan_stripped(const char *dev);
/* NSTEER_CFG_RX_VLAN_STRIPPED where XDP in mode must hand every frame of dev to tc, else 0. */
__u32 xdp_rx_vlan_flag(const char *dev, enum nsteer_xdp_mode mode);
/* Why cfg's XDP mode is what it is on dev ("as asked", or what --xdp-mode auto saw). */
int xdp_mode_reason(const char *dev, const struct nsteer_config *cfg, char *buf, size_t size);

#endif
