/* SPDX-License-Identifier: GPL-2.0 */
#ifndef NSTEER_PORT_H
#define NSTEER_PORT_H

#include "uplink.h"

struct port_table {
	struct nsteer_port ports[NSTEER_PORTS_MAX];
	__u32 n;
};

/* A snapshot of every port of u, read in one batch. */
int uplink_ports(const struct uplink *u, struct port_table *t);
/* Takes a port away: steering first, then the veth (and the netns if port add created it). */
int port_remove(const struct uplink *u, const struct nsteer_port *port);
#define NSTEER_HOST_PORT_LABEL "(host)"
/* Creates or removes u's host-access port (NSTEER_PORT_HOST), as attach --host-access asks. */
int host_access_set(const struct uplink *u, bool on);
/* The netns label stored with a port and shown by port list: name, path or "pid:N". */
void netns_label(const struct nsteer_netns_ref *ref, char *buf, size_t size);

#endif
