/* SPDX-License-Identifier: GPL-2.0 */
/* The network half of a C test lab (progrun, the fuzzer): a network namespace of the test
 * process's own, and veth pairs in it that are up and sending. Nothing here touches the host's
 * interfaces: the lab, and all in it, goes with the process. Errors as testlib.h says. */
#ifndef NSTEER_TESTLIB_NETLAB_H
#define NSTEER_TESTLIB_NETLAB_H

#include <stddef.h>

struct nl_sock;

/* Moves the calling process into a new network namespace where IPv6 is off for every device made
 * from then on (no link-local addresses, router solicitations or MLD reports: nothing but the
 * test's own frames crosses the lab), and opens a netlink socket there. Needs root. */
int lab_netns_new(struct nl_sock **nl, char *err, size_t err_len);

/* Writes val to the file at path (a sysctl, say). 0 or a negative errno. */
int lab_write_file(const char *path, const char *val);

/* Makes the veth pair name <-> peer in the lab namespace, with both ends at mtu (0: the
 * default) and up. Up is not yet sending: see lab_links_wait_running. */
int lab_veth_make(struct nl_sock *nl, const char *name, const char *peer, unsigned int mtu,
		  int *ifindex, int *peer_ifindex, char *err, size_t err_len);

/* Waits up to 5 s until the n devices ifindexes send. Until the kernel's link watch work has run,
 * a device keeps the noop qdisc, which drops a clone sent out of it (a flood would lose copies).
 * That work sets the operational state and then, in the same call, attaches the real qdisc; on a
 * loaded machine it runs late (seen: flood tests counting 0 copies while a VM ran beside them).
 * One wait for a whole lab: the devices come up side by side. */
int lab_links_wait_running(struct nl_sock *nl, const int *ifindexes, int n, char *err,
			   size_t err_len);

#endif
