/* SPDX-License-Identifier: GPL-2.0 */
/* The drop monitor's reader (nsteer_monitor_*, in nsteer.h), and what status asks of it. */
#ifndef NSTEER_MONITOR_H
#define NSTEER_MONITOR_H

#include "nsteer.h"

/* The pid in dev's switch, when the reader it names is gone (killed): the datapath still
 * describes every drop into a ring nobody reads. 1 when so, 0 when not (or unknown). */
int monitor_reader_gone(const char *dev, __u32 *pid);
/* The pid a switch names (0: no reader). */
int monitor_reader_pid(int fd_switch, __u32 *pid);
/* Fills d's MACs, VLAN and ethertype from d->frame and d->frame_len. */
void monitor_frame_parse(struct nsteer_drop *d);

#endif
