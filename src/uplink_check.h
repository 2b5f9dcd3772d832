/* SPDX-License-Identifier: GPL-2.0 */
/* What attach refuses as an uplink before building anything on it. */
#ifndef NSTEER_UPLINK_CHECK_H
#define NSTEER_UPLINK_CHECK_H

struct host;

/* 0 when dev (ifindex) can be an uplink; otherwise a negative errno after saying why: a device
 * without Ethernet headers (steering is by destination MAC), or one of nsteer's own port host
 * ends or host-access devices (steering onto it would loop frames back into nsteer). */
int uplink_dev_check(struct host *h, const char *dev, int ifindex);

#endif
