// SPDX-License-Identifier: GPL-2.0
/* The host-access port (attach --host-access) is a port whose namespace is the uplink's own: the
 * same veth and program as any port, and its namespace end (nsh-DEV) is where the host puts its
 * address to reach every port, which macvlan cannot offer. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host_access.h"
#include "log.h"
#include "mac.h"
#include "netns.h"
#include "port.h"

int host_access_set(const struct uplink *u, bool on)
{
	struct nsteer_port port = { .flags = NSTEER_PORT_HOST };
	struct nsteer_port_opts no_addrs = { 0 };
	const struct port_table *table = uplink_table(u);
	const struct nsteer_port *found = table ? host_port_of(table) : NULL;
	uint64_t inode;
	int netns_fd, err = table ? 0 : -errno;

	/* One an attach killed half-way left is built again. */
	if (!err && found && on && !port_complete(u, found)) {
		err = port_remove(u, found);
		found = NULL;
	}
	if (err || !found == !on)
		return err;
	if (!on)
		return port_remove(u, found);
	port.slot = slot_free(table);
	netns_fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (netns_fd < 0)
		return -errno;
	err = netns_inode(netns_fd, &inode);
	port.netns_inode = inode;
	snprintf(port.netns, sizeof(port.netns), NSTEER_HOST_PORT_LABEL);
	snprintf(port.ifname, sizeof(port.ifname), "nsh-%.11s", u->label);
	mac_derive(u->label, port.netns, NULL, 0, port.mac);
	port_host_ifname(u->cfg.uplink_ifindex, port.netns_inode, port.ifname, port.host_ifname);
	if (!err && !port.slot)
		err = -ENOSPC;
	if (!err)
		err = port_create(u, netns_fd, &port, &no_addrs);
	close(netns_fd);
	if (err)
		pr_warn("Couldn't create the host-access interface %s: %s\n", port.ifname,
			strerror(-err));
	return err;
}
