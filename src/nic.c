// SPDX-License-Identifier: GPL-2.0
/* The NIC's own filters, kept as macvlan keeps them for its devices.
 *
 * A NIC drops, before any XDP or tc program runs, every frame whose destination is not in its
 * filters: its own address, its unicast list, its multicast list, and (with rx-vlan-filter) the
 * VLANs registered with it. macvlan adds each child's MAC to its lower device's unicast list;
 * the kernel then programs the NIC's filter, or turns on promiscuous mode when the filter is full
 * or missing. nsteer does the same from user space through the device's own address list
 * (RTM_NEWNEIGH with NTF_SELF, `bridge fdb add MAC dev DEV self`).
 *
 * Multicast takes allmulticast, not the ports' groups in the multicast list: ports join groups
 * (IPv6 solicited-node addresses, IGMP and MLD joins) long after `port add` returns, and nsteer
 * has no daemon to follow them. Allmulticast lets every group through while the programs decide
 * which ports get it, as MLD snooping already does for IPv6.
 *
 * A port VLAN needs the NIC's VLAN filter to pass its tag. The kernel's only way to put a VLAN
 * there (vlan_vid_add) is an 802.1Q device on the NIC, so nsteer keeps one per VLAN, down and
 * without addresses, named nsv<uplink ifindex in hex>.<vid>.
 *
 * Every change is recorded in nic_holds before it is made, with whether nsteer made it: an
 * address or VLAN that was there already (someone else's) is never taken away. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>

#include "ethtool.h"
#include "fault.h"
#include "log.h"
#include "mac.h"
#include "netlink.h"
#include "nic.h"

void nic_vlan_dev_name(int uplink_ifindex, unsigned int vid, char buf[IF_NAMESIZE])
{
	snprintf(buf, IF_NAMESIZE, "nsv%x.%u", (unsigned int)uplink_ifindex, vid);
}

static struct nsteer_nic_hold unicast_of(const struct nsteer_port *port)
{
	struct nsteer_nic_hold h = { .kind = NSTEER_NIC_UNICAST };

	memcpy(h.mac, port->mac, 6);
	return h;
}

static struct nsteer_nic_hold vlan_of(const struct nsteer_port *port)
{
	return (struct nsteer_nic_hold){ .vlan = port->vlan, .kind = NSTEER_NIC_VLAN };
}

static const struct nsteer_nic_hold allmulti = { .kind = NSTEER_NIC_ALLMULTI };

void nic_hold_describe(const struct nsteer_nic_hold *h, int ifindex, char *buf, size_t size)
{
	char mac[MAC_STR_LEN], name[IF_NAMESIZE];

	switch (h->kind) {
	case NSTEER_NIC_UNICAST:
		snprintf(buf, size, "MAC %s in the unicast address list", mac_format(h->mac, mac));
		break;
	case NSTEER_NIC_VLAN:
		nic_vlan_dev_name(ifindex, h->vlan, name);
		snprintf(buf, size, "VLAN %u in the VLAN filter (%s)", h->vlan, name);
		break;
	default:
		snprintf(buf, size, "allmulticast");
	}
}

/* Makes h true on the NIC: 0 when this call did it, -EEXIST when it was so already. */
static int nic_hold_make(struct nl_sock *sk, int ifindex, const struct nsteer_nic_hold *h)
{
	char name[IF_NAMESIZE];
	struct nl_link link;
	int err;

	switch (h->kind) {
	case NSTEER_NIC_UNICAST:
		return nl_uc_add(sk, ifindex, h->mac);
	case NSTEER_NIC_VLAN:
		nic_vlan_dev_name(ifindex, h->vlan, name);
		/* EEXIST covers both our own device and another 802.1Q device with this VLAN */
		return nl_vlan_create(sk, name, ifindex, h->vlan);
	default:
		err = nl_link_get_by_index(sk, ifindex, &link);
		if (err)
			return err;
		if (link.flags & IFF_ALLMULTI)
			return -EEXIST;
		return nl_link_set_allmulti(sk, ifindex, true);
	}
}

/* Undoes what nic_hold_make did, case for case (the mirror is deliberate); what is already gone
 * is no error. */
static int nic_undo(struct nl_sock *sk, int ifindex, const struct nsteer_nic_hold *h)
{
	char name[IF_NAMESIZE];
	struct nl_link link;
	int err;

	switch (h->kind) {
	case NSTEER_NIC_UNICAST:
		err = nl_uc_del(sk, ifindex, h->mac);
		return err == -ENOENT || err == -ENODEV ? 0 : err;
	case NSTEER_NIC_VLAN:
		nic_vlan_dev_name(ifindex, h->vlan, name);
		if (nl_link_get_by_name(sk, name, &link) || strcmp(link.kind, "vlan") ||
		    link.link_ifindex != ifindex)
			return 0;
		return nl_link_del(sk, link.ifindex);
	default:
		err = nl_link_set_allmulti(sk, ifindex, false);
		return err == -ENODEV ? 0 : err;
	}
}

/* What the NIC has now, read once for a whole survey. */
struct nic_now {
	unsigned char (*uc)[6]; /* its unicast list */
	size_t n_uc, cap_uc;
	bool vids[4096]; /* VLANs registered through any 802.1Q device, nsteer's or not */
	bool allmulti;
};

static bool nic_present(const struct nic_now *now, const struct nsteer_nic_hold *h)
{
	switch (h->kind) {
	case NSTEER_NIC_UNICAST:
		for (size_t i = 0; i < now->n_uc; i++)
			if (!memcmp(now->uc[i], h->mac, 6))
				return true;
		return false;
	case NSTEER_NIC_VLAN:
		return h->vlan < 4096 && now->vids[h->vlan];
	default:
		return now->allmulti;
	}
}

/* Holds h for `users` ports: recorded first, so that a kill between the record and the change
 * leaves a holding the next attach finishes, never an unrecorded change. */
static int hold(struct nl_sock *sk, const struct uplink *u, const struct nsteer_nic_hold *h,
		__u32 users)
{
	struct nsteer_nic_hold_state st = { .ours = 1 };
	bool recorded = bpf_map_lookup_elem(u->fd_nic_holds, h, &st) == 0;
	char what[64];
	int err;

	if (!recorded && (err = bpf_map_update_elem(u->fd_nic_holds, h, &st, BPF_ANY)))
		return err;
	if (!recorded)
		fault_point("nic:hold-recorded");
	err = nic_hold_make(sk, u->cfg.uplink_ifindex, h);
	if (err == 0) {
		fault_point("nic:applied");
		st.ours = 1;
	} else if (err == -EEXIST) {
		if (!recorded)
			st.ours = 0; /* someone else's: left alone at release */
	} else {
		if (!recorded)
			bpf_map_delete_elem(u->fd_nic_holds, h);
		nic_hold_describe(h, u->cfg.uplink_ifindex, what, sizeof(what));
		pr_warn("Couldn't put %s of %s: %s\n", what, u->dev, strerror(-err));
		return err;
	}
	st.users = users;
	err = bpf_map_update_elem(u->fd_nic_holds, h, &st, BPF_ANY);
	if (!err)
		fault_point("nic:hold-counted");
	return err;
}

/* Now `users` ports need h: with none left, what nsteer added is taken back. */
static int release(struct nl_sock *sk, const struct uplink *u, const struct nsteer_nic_hold *h,
		   __u32 users)
{
	struct nsteer_nic_hold_state st;
	char what[64];
	int err;

	if (bpf_map_lookup_elem(u->fd_nic_holds, h, &st))
		return 0;
	if (users) {
		st.users = users;
		err = bpf_map_update_elem(u->fd_nic_holds, h, &st, BPF_ANY);
		if (!err)
			fault_point("nic:hold-counted");
		return err;
	}
	if (st.ours && (err = nic_undo(sk, u->cfg.uplink_ifindex, h))) {
		nic_hold_describe(h, u->cfg.uplink_ifindex, what, sizeof(what));
		pr_warn("Couldn't take %s off %s: %s\n", what, u->dev, strerror(-err));
		return err;
	}
	if (st.ours)
		fault_point("nic:undone");
	err = bpf_map_delete_elem(u->fd_nic_holds, h);
	if (!err)
		fault_point("nic:hold-deleted");
	return err;
}

/* The ports of u other than `except` (a host-end ifindex) that need h. Counted from the ports
 * themselves, so that no count can drift from the truth, whatever was killed when. */
static __u32 users_of(const struct port_table *t, const struct nsteer_nic_hold *h, __u32 except)
{
	__u32 n = 0;

	for (__u32 i = 0; i < t->n; i++) {
		const struct nsteer_port *p = &t->ports[i];

		if (p->ifindex == except)
			continue;
		if (h->kind == NSTEER_NIC_UNICAST
			    ? !memcmp(p->mac, h->mac, 6)
			    : h->kind == NSTEER_NIC_VLAN && p->vlan == h->vlan)
			n++;
	}
	return n;
}

/* Only a NIC that filters VLANs needs them registered; a veth has no such filter. */
static bool filters_vlans(const struct uplink *u)
{
	return ethtool_feature_active(u->dev, "rx-vlan-filter") == 1;
}

/* hold (adding port) or release (removing it) the port's MAC and VLAN. */
static int port_holdings(const struct uplink *u, const struct nsteer_port *port, bool adding)
{
	struct nsteer_nic_hold h[2] = { unicast_of(port), vlan_of(port) };
	/* Releasing looks at the record alone: the NIC may have changed its features since. */
	int n = port->vlan && (!adding || filters_vlans(u)) ? 2 : 1;
	const struct port_table *t = uplink_table(u);
	struct nl_sock *sk = t ? nl_sock_open() : NULL;
	int err = sk ? 0 : -errno;

	for (int i = 0; !err && i < n; i++) {
		__u32 others = users_of(t, &h[i], port->ifindex);

		err = adding ? hold(sk, u, &h[i], others + 1) : release(sk, u, &h[i], others);
	}
	/* No half-held port: its MAC goes again when its VLAN failed (with nothing read, nothing
	 * was held). */
	if (err && adding && sk)
		release(sk, u, &h[0], users_of(t, &h[0], port->ifindex));
	nl_sock_close(sk);
	return err;
}

int nic_hold_port(const struct uplink *u, const struct nsteer_port *port)
{
	return port_holdings(u, port, true);
}

int nic_release_port(const struct uplink *u, const struct nsteer_port *port)
{
	return port_holdings(u, port, false);
}

/* The holdings t's ports want, each with its number of users, sorted. */
struct wanted {
	struct nsteer_nic_hold hold;
	__u32 users;
};

static int hold_cmp(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(struct nsteer_nic_hold));
}

static struct wanted *wanted_of(const struct uplink *u, const struct port_table *t, size_t *n)
{
	bool vlans = filters_vlans(u);
	struct wanted *w = calloc(2 * (size_t)t->n + 1, sizeof(*w));
	size_t k = 0, out = 0;

	if (!w)
		return NULL;
	w[k++].hold = allmulti;
	for (__u32 i = 0; i < t->n; i++) {
		w[k++].hold = unicast_of(&t->ports[i]);
		if (t->ports[i].vlan && vlans)
			w[k++].hold = vlan_of(&t->ports[i]);
	}
	qsort(w, k, sizeof(*w), hold_cmp);
	for (size_t i = 0; i < k; i++) {
		if (out && !hold_cmp(&w[out - 1].hold, &w[i].hold)) {
			w[out - 1].users++;
			continue;
		}
		w[out] = w[i];
		w[out++].users = 1;
	}
	*n = out;
	return w;
}

static bool is_wanted(const struct wanted *w, size_t n, const struct nsteer_nic_hold *h)
{
	return bsearch(h, w, n, sizeof(*w), hold_cmp) != NULL;
}

/* Every key of nic_holds, read before any is deleted. */
static struct nsteer_nic_hold *recorded_holds(const struct uplink *u, size_t *n)
{
	struct nsteer_nic_hold *keys = calloc(NSTEER_NIC_HOLDS_MAX, sizeof(*keys));
	struct nsteer_nic_hold key, *prev = NULL;

	*n = 0;
	if (!keys)
		return NULL;
	while (*n < NSTEER_NIC_HOLDS_MAX &&
	       bpf_map_get_next_key(u->fd_nic_holds, prev, &key) == 0) {
		keys[*n] = key;
		prev = &keys[(*n)++];
	}
	return keys;
}

int nic_sync(const struct uplink *u, const struct port_table *t)
{
	struct nl_sock *sk = nl_sock_open();
	struct nsteer_nic_hold *recorded = NULL;
	struct wanted *w = NULL;
	size_t n_wanted = 0, n_recorded = 0;
	int err = 0;

	if (!sk)
		return -errno;
	w = wanted_of(u, t, &n_wanted);
	recorded = recorded_holds(u, &n_recorded);
	if (!w || !recorded) {
		err = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < n_recorded && !err; i++)
		if (!is_wanted(w, n_wanted, &recorded[i]))
			err = release(sk, u, &recorded[i], 0);
	for (size_t i = 0; i < n_wanted && !err; i++)
		err = hold(sk, u, &w[i].hold, w[i].users);
out:
	free(w);
	free(recorded);
	nl_sock_close(sk);
	return err;
}

int nic_release_all(const struct uplink *u)
{
	struct nl_sock *sk = nl_sock_open();
	struct nsteer_nic_hold *recorded;
	size_t n = 0;
	int err = 0;

	if (!sk)
		return -errno;
	recorded = recorded_holds(u, &n);
	if (!recorded)
		err = -ENOMEM;
	for (size_t i = 0; i < n; i++)
		err = release(sk, u, &recorded[i], 0) ?: err;
	free(recorded);
	nl_sock_close(sk);
	return err;
}

static int uc_collect(const unsigned char mac[6], void *ctx)
{
	struct nic_now *now = ctx;

	if (now->n_uc == now->cap_uc) {
		size_t cap = now->cap_uc ? 2 * now->cap_uc : 64;
		void *m = realloc(now->uc, cap * 6);

		if (!m)
			return -ENOMEM;
		now->uc = m;
		now->cap_uc = cap;
	}
	memcpy(now->uc[now->n_uc++], mac, 6);
	return 0;
}

struct vid_collect {
	struct nic_now *now;
	int ifindex;
};

static int vid_collect(const struct nl_link *l, void *ctx)
{
	struct vid_collect *c = ctx;

	if (l->link_ifindex == c->ifindex && l->vlan_id && l->vlan_id < 4096)
		c->now->vids[l->vlan_id] = true;
	else if (l->ifindex == c->ifindex)
		c->now->allmulti = l->flags & IFF_ALLMULTI;
	return 0;
}

/* One dump of the unicast list and one of the links. */
static int nic_now_read(struct nl_sock *sk, int ifindex, struct nic_now *now)
{
	struct vid_collect c = { now, ifindex };
	int err = nl_uc_dump(sk, ifindex, uc_collect, now);

	return err ? err : nl_link_dump(sk, vid_collect, &c);
}

int nic_survey(const struct uplink *u, const struct port_table *t, nic_survey_cb cb, void *ctx)
{
	struct nl_sock *sk = nl_sock_open();
	struct nsteer_nic_hold *recorded = NULL;
	struct nic_now *now = calloc(1, sizeof(*now));
	struct wanted *w = NULL;
	size_t n_wanted = 0, n_recorded = 0;
	int err;

	if (!sk || !now) {
		err = sk ? -ENOMEM : -errno;
		free(now);
		nl_sock_close(sk);
		return err;
	}
	w = wanted_of(u, t, &n_wanted);
	recorded = recorded_holds(u, &n_recorded);
	err = w && recorded ? nic_now_read(sk, u->cfg.uplink_ifindex, now) : -ENOMEM;
	for (size_t i = 0; !err && i < n_wanted + n_recorded; i++) {
		struct nic_survey_item item = { 0 };

		if (i < n_wanted) {
			item.hold = w[i].hold;
			item.wanted = true;
			item.users = w[i].users;
		} else if (!is_wanted(w, n_wanted, &recorded[i - n_wanted])) {
			item.hold = recorded[i - n_wanted];
		} else {
			continue;
		}
		item.recorded = bpf_map_lookup_elem(u->fd_nic_holds, &item.hold, &item.state) == 0;
		item.present = nic_present(now, &item.hold);
		err = cb(&item, ctx);
	}
	free(now->uc);
	free(now);
	free(w);
	free(recorded);
	nl_sock_close(sk);
	return err;
}
