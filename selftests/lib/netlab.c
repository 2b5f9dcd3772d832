// SPDX-License-Identifier: GPL-2.0
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "netlink.h"

#include "netlab.h"
#include "testlib.h"

int lab_write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ok;

	if (fd < 0)
		return -errno;
	ok = write(fd, val, strlen(val)) == (ssize_t)strlen(val);
	close(fd);
	return ok ? 0 : -EIO;
}

int lab_netns_new(struct nl_sock **nl, char *err, size_t err_len)
{
	int ret;

	if (unshare(CLONE_NEWNET))
		return lab_fail(err, err_len, -errno,
				"unshare(CLONE_NEWNET): %s (a test lab needs root)",
				strerror(errno));
	ret = lab_write_file("/proc/sys/net/ipv6/conf/default/disable_ipv6", "1");
	if (ret)
		return lab_fail(err, err_len, ret, "disabling IPv6 in the lab: %s", strerror(-ret));
	*nl = nl_sock_open();
	if (!*nl)
		return lab_fail(err, err_len, -errno, "no netlink socket in the lab namespace");
	return 0;
}

int lab_links_wait_running(struct nl_sock *nl, const int *ifindexes, int n, char *err,
			   size_t err_len)
{
	struct nl_link l;
	int i = 0, ret;

	for (int tries = 0; tries < 500; tries++) {
		/* Up to the first device not yet sending: the ones before it are. */
		for (; i < n; i++) {
			ret = nl_link_get_by_index(nl, ifindexes[i], &l);
			if (ret)
				return lab_fail(err, err_len, ret, "ifindex %d vanished",
						ifindexes[i]);
			if (l.operstate != 6 /* IF_OPER_UP: linux/if.h clashes with net/if.h */)
				break;
		}
		if (i == n) {
			usleep(1000); /* the qdisc comes right after the state */
			return 0;
		}
		usleep(10 * 1000);
	}
	return lab_fail(err, err_len, -ETIMEDOUT,
			"%s is up but its operational state is not after 5 s", l.name);
}

int lab_veth_make(struct nl_sock *nl, const char *name, const char *peer, unsigned int mtu,
		  int *ifindex, int *peer_ifindex, char *err, size_t err_len)
{
	struct nl_veth_spec spec = { .name = name, .peer_name = peer, .peer_netns_fd = -1 };
	struct nl_link a, b;
	int ret = nl_veth_create(nl, &spec);

	if (ret)
		return lab_fail(err, err_len, ret, "creating veth %s/%s: %s", name, peer,
				strerror(-ret));
	if (nl_link_get_by_name(nl, name, &a) || nl_link_get_by_name(nl, peer, &b))
		return lab_fail(err, err_len, -ENODEV, "veth %s/%s vanished", name, peer);
	/* Jumbo frames: a port's veth takes the uplink's MTU, and clones above it are refused. */
	if (mtu && ((ret = nl_link_set_mtu(nl, a.ifindex, mtu)) ||
		    (ret = nl_link_set_mtu(nl, b.ifindex, mtu))))
		return lab_fail(err, err_len, ret, "MTU %u on veth %s/%s: %s", mtu, name, peer,
				strerror(-ret));
	/* A clone sent out of a down device is refused (ENETDOWN) and goes uncounted. */
	if ((ret = nl_link_set_up(nl, a.ifindex, true)) ||
	    (ret = nl_link_set_up(nl, b.ifindex, true)))
		return lab_fail(err, err_len, ret, "setting veth %s/%s up: %s", name, peer,
				strerror(-ret));
	*ifindex = a.ifindex;
	*peer_ifindex = b.ifindex;
	return 0;
}
