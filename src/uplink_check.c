// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "host.h"
#include "log.h"
#include "state.h"
#include "uplink_check.h"

static int link_type(const char *dev)
{
	struct ifreq ifr = { 0 };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), err = 0;

	if (fd < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", dev);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0)
		err = -errno;
	close(fd);
	return err ? err : ifr.ifr_hwaddr.sa_family;
}

struct owner {
	__u32 ifindex;
	char uplink[IF_NAMESIZE];
	struct nsteer_port port;
};

/* The state of nsteer, not a name pattern, says whose a device is: a port's host end is in its
 * uplink's port table, and so is the host-access port, whose namespace end (nsh-DEV) lives in
 * the uplink's namespace. Other ports' namespace ends are elsewhere, their ifindexes not ours. */
static int owner_find(const char *dev, struct uplink *u, int err, void *ctx)
{
	struct owner *o = ctx;
	/* A damaged uplink's ports too; not the table of dev's own uplink, which cannot hold it. */
	const struct port_table *t =
		u && u->cfg.uplink_ifindex != o->ifindex ? uplink_table(u) : NULL;

	(void)err;
	for (__u32 i = 0; t && i < t->n && !o->uplink[0]; i++) {
		const struct nsteer_port *p = &t->ports[i];

		if (p->ifindex == o->ifindex ||
		    ((p->flags & NSTEER_PORT_HOST) && p->peer_ifindex == o->ifindex)) {
			o->port = *p;
			snprintf(o->uplink, sizeof(o->uplink), "%s", dev);
		}
	}
	return o->uplink[0] ? 1 : 0; /* found: stop */
}

int uplink_dev_check(struct host *h, const char *dev, int ifindex)
{
	struct owner o = { .ifindex = ifindex };
	int type = link_type(dev);

	if (type < 0) {
		pr_warn("Couldn't read the link type of %s: %s\n", dev, strerror(-type));
		return type;
	}
	if (type != ARPHRD_ETHER) {
		pr_warn("%s is not an Ethernet device (link type %d): nsteer steers frames by their "
			"destination MAC, which it has none of\n",
			dev, type);
		return -EPROTONOSUPPORT;
	}
	host_uplinks_each(h, owner_find, &o);
	if (!o.uplink[0])
		return 0;
	if ((o.port.flags & NSTEER_PORT_HOST) && o.port.ifindex != o.ifindex)
		pr_warn("%s is the host-access device of uplink %s, not a NIC: it cannot be an "
			"uplink\n",
			dev, o.uplink);
	else if (o.port.flags & NSTEER_PORT_HOST)
		pr_warn("%s is the host end of the host-access port of uplink %s, not a NIC: it "
			"cannot be an uplink\n",
			dev, o.uplink);
	else
		pr_warn("%s is the host end of the port of namespace %s on uplink %s, not a NIC: it "
			"cannot be an uplink\n",
			dev, o.port.netns, o.uplink);
	return -EINVAL;
}
