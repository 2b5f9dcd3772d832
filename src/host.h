/* SPDX-License-Identifier: GPL-2.0 */
/* One command's view of the host: the uplinks of this network namespace it looks at, each opened
 * once (pins, then its port table on first use, state.h), so that every part of the command reads
 * the same state, and sees the changes the command itself makes. A port del that hands a
 * namespace on to a sibling port, and the loop that removes that sibling next, look at one table.
 * bpftool's model: gather once into a plain struct, then act on it or print it. */
#ifndef NSTEER_HOST_H
#define NSTEER_HOST_H

#include "state.h"

struct host_uplink;

struct host {
	struct host_uplink **uplinks;
	unsigned int n;
};

void host_init(struct host *h);
void host_close(struct host *h);

/* dev's uplink, as uplink_open_damaged opens it, once per host: 0 and *u open; -EUCLEAN and *u
 * open with the pins that are right (u->damage names the others); else an error and *u NULL. */
int host_uplink_damaged(struct host *h, const char *dev, struct uplink **u);
/* The same, as uplink_open has it: damage is an error, said (like "not attached") unless quiet. */
int host_uplink(struct host *h, const char *dev, bool quiet, struct uplink **u);

/* Calls cb for each uplink folder of this namespace, in uplink_dirs_each's order, with the name
 * that finds it and what host_uplink_damaged gives for it (u NULL when it cannot be opened: an
 * attach that never finished). A non-zero return stops the walk and is returned. */
typedef int (*host_uplink_cb)(const char *dev, struct uplink *u, int err, void *ctx);
int host_uplinks_each(struct host *h, host_uplink_cb cb, void *ctx);

#endif
