// SPDX-License-Identifier: GPL-2.0
/* Ports: a veth pair per namespace, its host end under nsteer's tc program, its MAC in the maps.
 * Adding builds everything before the last step (the "ports" entry) turns steering on, and any
 * failure undoes what was built, so a port is either complete or absent. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "hooks.h"
#include "ethtool.h"
#include "fault.h"
#include "host.h"
#include "hash.h"
#include "log.h"
#include "mac.h"
#include "mld.h"
#include "nic.h"
#include "netlink.h"
#include "netns.h"
#include "pins.h"
#include "port.h"

#define PORT_IFNAME_DEFAULT "eth0"

/* A namespace port add creates is port del's to remove, which the port's flags record. Between
 * creating it and registering the port a killed nsteer would lose that fact, so it is written
 * down first, here, and a later port add that finds the namespace and the note adopts it. The
 * note holds the uplink's folder (pins.h), so that status can tell which uplink's port add was cut
 * short (nsteer 0.1 wrote the uplink's name). */
#define CREATED_NETNS_DIR "/run/nsteer/created-netns"

static void creation_intent(const char *dev, const char *name)
{
	char path[PATH_MAX], uplink_dir[PATH_MAX];
	int fd;

	/* The uplink by its folder: another namespace may have an uplink of the same name. */
	if (pin_path(uplink_dir, sizeof(uplink_dir), dev, NULL))
		return;
	snprintf(path, sizeof(path), NETNS_RUN_DIR "/%s", name);
	if (access(path, F_OK) == 0)
		return; /* not ours to create */
	mkdir("/run/nsteer", 0700);
	mkdir(CREATED_NETNS_DIR, 0700);
	snprintf(path, sizeof(path), CREATED_NETNS_DIR "/%s", name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd >= 0) {
		if (write(fd, uplink_dir, strlen(uplink_dir)) < 0)
			pr_debug("Couldn't note %s's uplink: %s\n", path, strerror(errno));
		close(fd);
	}
	fault_point("port-add:netns-intent-noted");
}

static bool creation_intended(const char *name)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), CREATED_NETNS_DIR "/%s", name);
	return access(path, F_OK) == 0;
}

static void creation_intent_done(const char *name)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), CREATED_NETNS_DIR "/%s", name);
	if (unlink(path) == 0)
		fault_point("port-add:netns-intent-done");
}

static int netns_ref_open(const struct nsteer_netns_ref *ref, bool create, bool *created)
{
	int fd;

	if (ref->kind == NSTEER_NETNS_NAME && !netns_name_valid(ref->name)) {
		pr_warn("Invalid namespace name '%s'\n", ref->name);
		return -EINVAL;
	}
	fd = netns_open_ref(ref, create, created);
	if (fd < 0) {
		char label[NSTEER_NETNS_LEN];

		netns_label(ref, label, sizeof(label));
		pr_warn("Couldn't open network namespace %s: %s\n", label,
			fd == -EINVAL ? "not a network namespace" : strerror(-fd));
	}
	return fd;
}

/* The port's namespace end is called ifname now: the name it was made with, or a rename inside
 * the namespace since, which the peer's ifindex follows. */
static bool port_ifname_is(const struct nsteer_port *p, int netns_fd, const char *ifname)
{
	struct nl_sock *sk;
	struct nl_link link;
	bool same;

	if (!strcmp(p->ifname, ifname))
		return true;
	if (netns_fd < 0 || !(sk = nl_sock_open_in(netns_fd)))
		return false;
	same = nl_link_get_by_index(sk, p->peer_ifindex, &link) == 0 && !strcmp(link.name, ifname);
	nl_sock_close(sk);
	return same;
}

bool port_host_end_present(const struct nsteer_port *p)
{
	char name[IF_NAMESIZE];

	return if_indextoname(p->ifindex, name) && !strcmp(name, p->host_ifname);
}

/* A port is (uplink, namespace, interface). The namespace by identity when it can be opened
 * (and the port is alive), else by the label it was added under; ifname NULL: any of its
 * interfaces. */
static bool port_matches(const struct nsteer_port *p, __u64 netns_inode, const char *label,
			 int netns_fd, const char *ifname)
{
	if (!((netns_inode && p->netns_inode == netns_inode && port_host_end_present(p)) ||
	      (label && !strcmp(p->netns, label))))
		return false;
	return !ifname || port_ifname_is(p, netns_fd, ifname);
}

static const struct nsteer_port *find_port(const struct port_table *t, __u64 netns_inode,
					   const char *label, int netns_fd, const char *ifname)
{
	for (__u32 i = 0; i < t->n; i++)
		if (port_matches(&t->ports[i], netns_inode, label, netns_fd, ifname))
			return &t->ports[i];
	return NULL;
}

struct netns_heir {
	__u32 ifindex; /* the host end of the port going away: a device is one port's, of one uplink */
	__u64 netns_inode;
	bool found;
};

/* Through the command's own view of the uplinks: an heir among the ports the command removes
 * next is one it then sees as the namespace's owner. */
static int netns_heir_find(const char *dev, struct uplink *u, int err, void *ctx)
{
	struct netns_heir *h = ctx;
	const struct port_table *t = err ? NULL : uplink_table(u);

	for (__u32 i = 0; t && i < t->n && !h->found; i++) {
		struct nsteer_port heir = t->ports[i];

		if (heir.netns_inode != h->netns_inode || !port_host_end_present(&heir) ||
		    heir.ifindex == h->ifindex)
			continue;
		heir.flags |= NSTEER_PORT_NETNS_CREATED;
		h->found = !port_record_update(u, &heir);
	}
	(void)dev;
	return h->found;
}

/* A namespace port add created may hold ports of other uplinks by now: deleting it would take
 * their veths with it. One of them inherits the duty to delete it instead, recorded before this
 * port's deletion goes on, so a kill in between leaves the namespace owned, not lost. */
static bool netns_hand_on(const struct uplink *u, const struct nsteer_port *port)
{
	struct netns_heir h = {
		.ifindex = port->ifindex,
		.netns_inode = port->netns_inode,
	};
	struct host own;

	/* An uplink opened outside a view of the host (attach's, when it reloads nothing) gets a
	 * view of its own for the walk; the port going away is known by its host end in either. */
	if (u->host)
		return host_uplinks_each(u->host, netns_heir_find, &h) > 0;
	host_init(&own);
	host_uplinks_each(&own, netns_heir_find, &h);
	host_close(&own);
	return h.found;
}

/* Whether the port's namespace name still names its namespace (or nothing): after a port del
 * killed once the namespace was gone, a later port add may have made a new one under the name. */
static bool netns_still_named(const struct nsteer_port *port)
{
	bool created;
	uint64_t inode = 0;
	int fd = netns_open_name(port->netns, false, &created);

	if (fd < 0)
		return true;
	netns_inode(fd, &inode);
	close(fd);
	return inode == port->netns_inode;
}

/* The order matters: the port is unpublished (index, ports, port_slots, port_devs) before its veth is
 * deleted, and its slot is freed (port_by_ifindex) only after. Deleting a device waits for an RCU
 * grace period (synchronize_net), so by the time a new port may take the slot, no program still
 * holds this port's slot from a lookup made before the unpublishing: a frame for the old port can
 * never be redirected to the new one. */
int port_remove(const struct uplink *u, const struct nsteer_port *port)
{
	struct nl_sock *sk;
	int err = 0;

	port_unpublish(u, port);
	mld_port_reset(u, port->slot,
		       NSTEER_MLD_UNKNOWN); /* a failure here is undone by the next port add */
	nic_release_port(u, port); /* a failure here is reported by status, undone by attach */
	sk = nl_sock_open();
	if (!sk)
		return -errno;
	/* Only delete the veth if the ifindex still names the device this port created. */
	if (port_host_end_present(port)) {
		err = nl_link_del(sk, port->ifindex);
		if (!err)
			fault_point("port-del:veth-deleted");
	}
	nl_sock_close(sk);
	if (err) {
		pr_warn("Couldn't delete %s: %s\n", port->host_ifname, strerror(-err));
		return err;
	}
	/* The namespace goes while the port still records that port add created it: a kill after
	 * this leaves a port that status reports and port del finishes, never a namespace that
	 * nothing says is nsteer's. It stays if its name now names another namespace (a port del
	 * killed after deleting it, and a port add since), or if another uplink's port lives in it. */
	if ((port->flags & NSTEER_PORT_NETNS_CREATED) && netns_still_named(port) &&
	    !netns_hand_on(u, port)) {
		err = netns_delete_name(port->netns);
		if (err && err != -ENOENT)
			pr_warn("Couldn't delete namespace %s: %s\n", port->netns, strerror(-err));
		else if (!err)
			fault_point("port-del:netns-deleted");
	}
	slot_release(u, port);
	fault_point("port-del:slot-released");
	return 0;
}

/* A stable host-end name, unique per (uplink, namespace, interface), so port del and status can
 * find it: 48 bits of hash, where two ports of 4096 share a name once in 10^7 uplinks. */
void port_host_ifname(int uplink_ifindex, __u64 netns_inode, const char *ifname,
		      char buf[IF_NAMESIZE])
{
	uint64_t h = fnv1a64(FNV64_OFFSET, &uplink_ifindex, sizeof(uplink_ifindex));

	h = fnv1a64(h, &netns_inode, sizeof(netns_inode));
	h = fnv1a64(h, ifname, strlen(ifname) + 1);
	snprintf(buf, IF_NAMESIZE, PORT_HOST_IFNAME_PREFIX "%012llx",
		 (unsigned long long)(h ^ h >> 48) & 0xffffffffffffULL);
}

bool port_host_ifname_like(const char *name)
{
	size_t len = strlen(name), prefix = strlen(PORT_HOST_IFNAME_PREFIX);

	/* 8 hex digits: the names nsteer 0.1 gave, which its ports keep. */
	return !strncmp(name, PORT_HOST_IFNAME_PREFIX, prefix) &&
	       (len == prefix + 8 || len == prefix + 12) &&
	       strspn(name + prefix, "0123456789abcdef") == len - prefix;
}

static bool same_settings(const struct nsteer_port *p, const unsigned char mac[6],
			  unsigned int vlan, const char *ifname)
{
	return !memcmp(p->mac, mac, 6) && p->vlan == vlan && !strcmp(p->ifname, ifname);
}

static int configure_peer(int netns_fd, const struct nsteer_port *port,
			  const struct nsteer_port_opts *o)
{
	struct nl_sock *sk = nl_sock_open_in(netns_fd);
	struct nl_link lo;
	int err = 0;

	if (!sk)
		return -errno;
	/* Most software in a namespace assumes a working loopback. */
	if (nl_link_get_by_name(sk, "lo", &lo) == 0 && !lo.up &&
	    nl_link_set_up(sk, lo.ifindex, true) == 0)
		fault_point("port-add:lo-up");
	for (int i = 0; i < o->n_addrs && !err; i++) {
		err = nl_addr_add(sk, port->peer_ifindex, o->addrs[i]);
		if (err)
			pr_warn("Couldn't add address %s to %s: %s\n", o->addrs[i], port->ifname,
				strerror(-err));
		else
			fault_point("port-add:address-added");
	}
	if (!err)
		err = nl_link_set_up(sk, port->peer_ifindex, true);
	if (!err)
		fault_point("port-add:peer-up");
	/* A gateway is only reachable once the link is up and has its addresses. */
	for (int i = 0; i < o->n_routes && !err; i++) {
		const struct nsteer_route *r = &o->routes[i];

		err = nl_route_add(sk, port->peer_ifindex, r->dst, r->gw);
		if (err)
			pr_warn("Couldn't add the route to %s%s%s on %s: %s\n", r->dst,
				r->gw ? " via " : "", r->gw ? r->gw : "", port->ifname,
				strerror(-err));
		else
			fault_point("port-add:route-added");
	}
	/* GRO gives the namespace end NAPI, without which frames XDP redirects into the host end
	 * are refused (EOPNOTSUPP). The kernel only marks the host end as a redirect target when
	 * GRO is switched on while the device is up, so this must come after link up. */
	if (!err) {
		err = ethtool_set_gro(netns_fd, port->ifname, true);
		if (err)
			pr_warn("Couldn't enable GRO on %s: %s\n", port->ifname, strerror(-err));
		else
			fault_point("port-add:gro-on");
	}
	nl_sock_close(sk);
	return err;
}

int port_create(const struct uplink *u, int netns_fd, struct nsteer_port *port,
		const struct nsteer_port_opts *o)
{
	struct nl_link uplink, host, peer;
	struct nl_veth_spec spec = {
		.name = port->host_ifname,
		.peer_name = port->ifname,
		.peer_netns_fd = netns_fd,
		.peer_mac = port->mac,
		.no_ipv6_addr = true,
	};
	struct nl_sock *sk = nl_sock_open(), *peer_sk = NULL;
	__u32 ifindex = 0;
	int err;

	if (!sk)
		return -errno;
	err = nl_link_get_by_index(sk, u->cfg.uplink_ifindex, &uplink);
	if (err) {
		pr_warn("Uplink %s is gone: %s\n", u->dev, strerror(-err));
		goto out;
	}
	spec.mtu = o->mtu ? o->mtu : uplink.mtu; /* jumbo frames from the wire must fit the port */
	/* A host end with this port's own derived name that no port owns is what a port add killed
	 * before it registered the port leaves behind: re-running the command completes the job. */
	if (nl_link_get_by_name(sk, port->host_ifname, &host) == 0 && !strcmp(host.kind, "veth")) {
		pr_info("%s: removing %s, left by an interrupted port add\n", u->dev,
			port->host_ifname);
		nl_link_del(sk, host.ifindex);
		fault_point("port-add:stale-veth-removed");
	}
	err = nl_veth_create(sk, &spec);
	if (err) {
		if (err == -EEXIST)
			pr_warn("Couldn't create the veth pair %s/%s: %s or %s already exists\n",
				port->host_ifname, port->ifname, port->host_ifname, port->ifname);
		else
			pr_warn("Couldn't create the veth pair %s/%s: %s\n", port->host_ifname,
				port->ifname, strerror(-err));
		goto out;
	}
	fault_point("port-add:veth-created");
	err = nl_link_get_by_name(sk, port->host_ifname, &host);
	peer_sk = err ? NULL : nl_sock_open_in(netns_fd);
	if (!err && !peer_sk)
		err = -errno;
	if (!err)
		err = nl_link_get_by_name(peer_sk, port->ifname, &peer);
	if (err) {
		pr_warn("Couldn't find the new veth pair: %s\n", strerror(-err));
		goto out;
	}
	ifindex = host.ifindex;
	port->ifindex = host.ifindex;
	port->peer_ifindex = peer.ifindex;

	err = slot_register(u, port);
	/* Before the link comes up: its first MLD reports are what make it a listener. */
	if (!err)
		err = mld_port_reset(u, port->slot, NSTEER_MLD_SNOOPED);
	/* After the port is registered, so that a failure's port_remove gives back what it took. */
	if (!err)
		err = nic_hold_port(u, port);
	if (err) {
		pr_warn("Couldn't add port %s to the maps of %s: %s\n", port->netns, u->dev,
			strerror(-err));
		goto out;
	}
	err = tc_ingress_attach(ifindex, u->fd_prog_tc_port, NULL);
	if (err) {
		pr_warn("Couldn't attach the tc program to %s: %s\n", port->host_ifname,
			strerror(-err));
		goto out;
	}
	fault_point("port-add:tc-attached");
	err = nl_link_set_up(sk, ifindex, true);
	if (!err) {
		fault_point("port-add:host-end-up");
		err = configure_peer(netns_fd, port, o);
	}
	if (err)
		goto out;
	err = port_publish(u, port); /* last: only a complete port is steered to */
	if (err)
		pr_warn("Couldn't enable steering for %s: %s\n", port->netns, strerror(-err));
out:
	nl_sock_close(peer_sk);
	nl_sock_close(sk);
	if (err && ifindex)
		port_remove(u, port);
	return err;
}

/* A port is complete once it is published and its host end runs nsteer's program. */
bool port_complete(const struct uplink *u, const struct nsteer_port *p)
{
	__u32 prog_id;

	return port_is_published(u, p) && tc_ingress_prog_id(p->ifindex, &prog_id) == 0;
}

bool port_known_by_name(const struct nsteer_port *p)
{
	return !(p->flags & (NSTEER_PORT_LABELLED | NSTEER_PORT_HOST)) && p->netns[0] != '/' &&
	       strncmp(p->netns, "pid:", 4);
}

/* Who uses mac on vlan already, for a message that names them. */
static int owner_of(const struct uplink *u, const struct port_table *t,
		    const struct nsteer_port_key *key, char *label, size_t size)
{
	const struct nsteer_port *owner;
	struct nsteer_port_dest dest;

	if (bpf_map_lookup_elem(u->fd_ports, key, &dest))
		return -ENOENT;
	owner = port_table_find(t, dest.ifindex);
	if (owner)
		snprintf(label, size, "%s", owner->netns);
	else
		snprintf(label, size, "ifindex %u", dest.ifindex);
	return 0;
}

static bool port_opts_valid(const struct nsteer_port_opts *o)
{
	unsigned char addr[16];
	unsigned int prefix;
	const char *ifname = o->ifname ? o->ifname : PORT_IFNAME_DEFAULT;

	if (o->vlan > 4094) {
		pr_warn("Invalid VLAN %u: must be 1-4094 (or 0 for none)\n", o->vlan);
		return false;
	}
	if (!*ifname || strlen(ifname) >= IF_NAMESIZE || strchr(ifname, '/') ||
	    strpbrk(ifname, " \t\n:")) {
		pr_warn("Invalid interface name '%s'\n", ifname);
		return false;
	}
	if (o->has_mac && !mac_is_valid_port(o->mac)) {
		pr_warn("A port MAC must be unicast and not all zeros\n");
		return false;
	}
	if (o->n_addrs < 0 || o->n_addrs > NSTEER_ADDRS_MAX) {
		pr_warn("At most %d addresses per port\n", NSTEER_ADDRS_MAX);
		return false;
	}
	for (int i = 0; i < o->n_addrs; i++) {
		if (nl_cidr_parse(o->addrs[i], addr, &prefix) < 0) {
			pr_warn("Invalid address '%s': expected ADDR[/PREFIX], IPv4 or IPv6\n",
				o->addrs[i]);
			return false;
		}
	}
	if (o->n_routes < 0 || o->n_routes > NSTEER_ROUTES_MAX) {
		pr_warn("At most %d routes per port\n", NSTEER_ROUTES_MAX);
		return false;
	}
	for (int i = 0; i < o->n_routes; i++) {
		if (nl_cidr_parse(o->routes[i].dst, addr, &prefix) < 0) {
			pr_warn("Invalid route destination '%s'\n", o->routes[i].dst);
			return false;
		}
	}
	if (o->netns.kind == NSTEER_NETNS_PATH && o->netns.name &&
	    strlen(o->netns.name) >= NSTEER_NETNS_LEN) {
		pr_warn("A namespace path has at most %d bytes\n", NSTEER_NETNS_LEN - 1);
		return false;
	}
	if (o->netns.label && strlen(o->netns.label) >= NSTEER_NETNS_LEN) {
		pr_warn("A port label has at most %d bytes\n", NSTEER_NETNS_LEN - 1);
		return false;
	}
	if (o->mtu && (o->mtu < 68 || o->mtu > 65535)) {
		pr_warn("Invalid MTU %u: 68-65535\n", o->mtu);
		return false;
	}
	return true;
}

/* What every port command starts with: the lock, then dev's state and its ports, in the
 * command's view of the host. */
static int port_command_begin(const char *dev, struct host *h, struct uplink **u,
			      const struct port_table **t)
{
	int err = nsteer_lock();

	if (err)
		return err;
	host_init(h);
	err = host_uplink(h, dev, false, u);
	if (!err && !(*t = uplink_table(*u))) {
		err = -errno;
		pr_warn("Couldn't read the ports of %s: %s\n", dev, strerror(-err));
	}
	if (err) {
		host_close(h);
		nsteer_unlock();
	}
	return err;
}

static void port_command_end(struct host *h)
{
	host_close(h);
	nsteer_unlock();
}

int nsteer_port_add(const char *dev, const struct nsteer_port_opts *o)
{
	struct nsteer_port port = { .vlan = o->vlan };
	struct nsteer_port_key key = { .vlan = o->vlan };
	const char *ifname = o->ifname ? o->ifname : PORT_IFNAME_DEFAULT;
	bool named = o->netns.kind == NSTEER_NETNS_NAME && netns_name_valid(o->netns.name);
	const struct nsteer_port *same;
	char owner[NSTEER_NETNS_LEN], macs[MAC_STR_LEN];
	const struct port_table *table;
	bool created = false;
	int netns_fd = -1, err;
	struct uplink *u;
	struct host h;
	uint64_t inode;

	if (!port_opts_valid(o))
		return -EINVAL;
	err = port_command_begin(dev, &h, &u, &table);
	if (err)
		return err;
	netns_label(&o->netns, port.netns, sizeof(port.netns));
	/* The note goes down before the namespace exists: a kill in between leaves no doubt. */
	if (named)
		creation_intent(dev, o->netns.name);
	netns_fd = netns_ref_open(&o->netns, true, &created);
	if (netns_fd < 0) {
		err = netns_fd;
		if (named)
			creation_intent_done(o->netns.name);
		goto close;
	}
	if (o->netns.kind == NSTEER_NETNS_NAME)
		created = created || creation_intended(o->netns.name);
	err = netns_inode(netns_fd, &inode);
	if (err)
		goto close;
	port.netns_inode = inode;
	if (o->has_mac)
		memcpy(port.mac, o->mac, 6);
	else
		mac_derive(u->label, port.netns, ifname, o->vlan, port.mac);
	mac_format(port.mac, macs);

	same = find_port(table, port.netns_inode, NULL, netns_fd, ifname);
	if (same && !port_complete(u, same)) {
		/* Registered but never published: a port add killed half-way. Take it down (keeping
		 * the namespace) and build it again below, as if it had never started. */
		struct nsteer_port partial = *same;

		pr_info("%s: completing an interrupted port add of %s %s\n", dev, port.netns,
			ifname);
		created = created || (partial.flags & NSTEER_PORT_NETNS_CREATED);
		partial.flags &= ~NSTEER_PORT_NETNS_CREATED;
		err = port_remove(u, &partial);
		if (err)
			goto close;
		same = NULL;
	}
	if (same) {
		if (same_settings(same, port.mac, o->vlan, ifname)) {
			/* Re-running the same command completes it (addresses, the NIC's filters) and
			 * changes nothing else. */
			err = configure_peer(netns_fd, same, o);
			if (!err)
				err = nic_hold_port(u, same);
			if (!err)
				pr_info("%s: port %s %s already exists (%s)\n", dev, port.netns,
					same->ifname, macs);
		} else {
			pr_warn("%s already has a port %s on %s with other settings (%s, VLAN %u); "
				"run 'nsteer port del %s %s --ifname %s' first\n",
				port.netns, same->ifname, dev, mac_format(same->mac, macs),
				same->vlan, dev, same->netns, same->ifname);
			err = -EEXIST;
		}
		goto close;
	}
	memcpy(key.mac, port.mac, 6);
	if (owner_of(u, table, &key, owner, sizeof(owner)) == 0) {
		pr_warn("MAC %s%s is already used by port %s on %s\n", macs,
			o->vlan ? " on that VLAN" : "", owner, dev);
		err = -EEXIST;
		goto close;
	}
	port.slot = slot_free(table);
	if (!port.slot) {
		pr_warn("%s has %d ports already, the most it can have\n", dev, NSTEER_PORTS_MAX);
		err = -ENOSPC;
		goto close;
	}
	if (created)
		port.flags |= NSTEER_PORT_NETNS_CREATED;
	if (o->netns.label)
		port.flags |= NSTEER_PORT_LABELLED;
	if (o->applied)
		port.flags |= NSTEER_PORT_APPLIED;
	snprintf(port.ifname, sizeof(port.ifname), "%s", ifname);
	port_host_ifname(u->cfg.uplink_ifindex, port.netns_inode, ifname, port.host_ifname);
	err = port_create(u, netns_fd, &port, o);
	if (!err)
		pr_info("%s: port %s %s %s@%s\n", dev, port.netns, macs, port.ifname,
			port.host_ifname);
close:
	if (netns_fd >= 0)
		close(netns_fd);
	if (created && err) /* port_create's undo may have removed it already: harmless */
		netns_delete_name(o->netns.name);
	if (created)
		creation_intent_done(o->netns.name);
	port_command_end(&h);
	return err;
}

int nsteer_port_del(const char *dev, const struct nsteer_netns_ref *ref, const char *ifname)
{
	char label[NSTEER_NETNS_LEN];
	const struct port_table *table;
	__u64 inode_wanted = 0;
	unsigned int deleted = 0, n_going = 0;
	int netns_fd, err, e;
	__u32 *going = NULL;
	struct uplink *u;
	struct host h;
	bool created;

	err = port_command_begin(dev, &h, &u, &table);
	if (err)
		return err;
	netns_label(ref, label, sizeof(label));
	/* By identity when the namespace still exists, by the name it was added under if not. */
	netns_fd = netns_open_ref(ref, false, &created);
	if (netns_fd >= 0) {
		uint64_t inode;

		if (netns_inode(netns_fd, &inode) == 0)
			inode_wanted = inode;
	}
	going = calloc(table->n + 1, sizeof(*going));
	if (!going)
		err = -ENOMEM;
	for (__u32 i = 0; going && i < table->n; i++)
		if (port_matches(&table->ports[i], inode_wanted, label, netns_fd, ifname))
			going[n_going++] = table->ports[i].ifindex;
	/* Steering to every port that goes ends first: a kill part-way then leaves ports that are
	 * not steered to, which status reports, never a namespace that merely looks smaller. */
	for (unsigned int i = 0; !ifname && i < n_going; i++)
		port_unpublish(u, port_table_find(table, going[i]));
	/* By host end, in the table as it is now: removing a port shifts the others, and may hand
	 * the namespace's deletion on to a sibling (its record in the table says so). */
	for (unsigned int i = 0; i < n_going; i++) {
		const struct nsteer_port *port = port_table_find(table, going[i]);
		char what[NSTEER_NETNS_LEN + IF_NAMESIZE + 1];

		if (!port)
			continue;
		snprintf(what, sizeof(what), "%s %s", port->netns, port->ifname);
		e = port_remove(u, port);
		if (!e)
			pr_info("%s: port %s deleted\n", dev, what);
		if (e && !err)
			err = e;
		deleted += !e;
	}
	free(going);
	if (netns_fd >= 0)
		close(netns_fd);
	if (!deleted && !err && ref->kind == NSTEER_NETNS_NAME && creation_intended(ref->name)) {
		/* No port, but a port add killed before registering one had created the namespace
		 * (or meant to): what it left goes, as the port would have. */
		err = netns_delete_name(ref->name);
		if (err == -ENOENT)
			err = 0;
		if (!err) {
			creation_intent_done(ref->name);
			pr_info("%s: removed what an interrupted port add of %s left\n", dev,
				label);
		}
	} else if (!deleted && !err) {
		pr_info("%s: no port %s%s%s, nothing to delete\n", dev, label, ifname ? " " : "",
			ifname ? ifname : "");
	} else if (!err && ref->kind == NSTEER_NETNS_NAME) {
		/* A port add killed after registering the port left its note too. */
		creation_intent_done(ref->name);
	}
	port_command_end(&h);
	return err;
}

int port_adds_interrupted(const char *dev, port_add_interrupted_cb cb, void *ctx)
{
	char path[PATH_MAX], owner[PATH_MAX], uplink_dir[PATH_MAX];
	struct dirent *de;
	DIR *d = opendir(CREATED_NETNS_DIR);
	ssize_t n;
	int fd, err = 0;

	if (!d)
		return errno == ENOENT ? 0 : -errno;
	if (pin_path(uplink_dir, sizeof(uplink_dir), dev, NULL))
		uplink_dir[0] = '\0';
	while (!err && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), CREATED_NETNS_DIR "/%s", de->d_name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		n = read(fd, owner, sizeof(owner) - 1);
		close(fd);
		owner[n > 0 ? n : 0] = '\0';
		if (!strcmp(owner, uplink_dir) || !strcmp(owner, dev)) {
			snprintf(path, sizeof(path), NETNS_RUN_DIR "/%s", de->d_name);
			err = cb(de->d_name, access(path, F_OK) == 0, ctx);
		}
	}
	closedir(d);
	return err;
}

int nsteer_netns_addr_present(const struct nsteer_netns_ref *ref, const char *ifname,
			      const char *cidr)
{
	struct nl_sock *sk;
	struct nl_link link;
	bool created;
	int fd = netns_open_ref(ref, false, &created), err;

	if (fd < 0)
		return fd;
	sk = nl_sock_open_in(fd);
	close(fd);
	if (!sk)
		return -errno;
	err = nl_link_get_by_name(sk, ifname, &link);
	if (!err)
		err = nl_addr_present(sk, link.ifindex, cidr);
	nl_sock_close(sk);
	return err;
}
