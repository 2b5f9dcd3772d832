/* SPDX-License-Identifier: GPL-2.0 */
/* Ports: a veth pair per namespace, its host end under nsteer's tc program, its MAC in the maps
 * (state.h), its MLD listening reset (mld.h) and its MAC and VLAN held on the NIC (nic.h). */
#ifndef NSTEER_PORT_H
#define NSTEER_PORT_H

#include "state.h"

/* Builds port (slot, names, MAC and netns_inode filled in) with its namespace end in netns_fd:
 * veth, registration, program, addresses from o, publishing last. On failure, what was built
 * is taken down again. */
int port_create(const struct uplink *u, int netns_fd, struct nsteer_port *port,
		const struct nsteer_port_opts *o);
/* Takes a port away: steering first, then the veth (and the netns if port add created it).
 * port is best u's own record (uplink_table): a namespace's deletion handed on to it by a sibling's
 * removal is there. */
int port_remove(const struct uplink *u, const struct nsteer_port *port);
/* Its host end is still there: its ifindex names a device of its name. A namespace's inode
 * identifies a port only while this holds: the kernel gives a dead namespace's number to the next
 * one made, and a port whose namespace died lost its veth with it. */
bool port_host_end_present(const struct nsteer_port *p);
/* Published, and its host end runs nsteer's program: not a port add killed half-way. */
bool port_complete(const struct uplink *u, const struct nsteer_port *p);
/* Known by an iproute2 name (under /var/run/netns), not a path, a pid, a CNI label or host access:
 * a port a configuration can name, and whose namespace status can look for by name. */
bool port_known_by_name(const struct nsteer_port *p);
#define PORT_HOST_IFNAME_PREFIX "nst"
/* A stable host-end name, unique per (uplink, namespace, interface), so port del and status can
 * find it. */
void port_host_ifname(int uplink_ifindex, __u64 netns_inode, const char *ifname,
		      char buf[IF_NAMESIZE]);
/* A name port_host_ifname gives (or gave, in an earlier nsteer). */
bool port_host_ifname_like(const char *name);
/* The port adds on dev killed before they finished, by the notes they leave on namespaces they
 * meant to create: cb gets each namespace's name and whether it exists. Read under the lock, a
 * note names no port add still running. */
typedef int (*port_add_interrupted_cb)(const char *netns, bool exists, void *ctx);
int port_adds_interrupted(const char *dev, port_add_interrupted_cb cb, void *ctx);

#endif
