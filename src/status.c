// SPDX-License-Identifier: GPL-2.0
/* `nsteer status` gathered: what an uplink's pins, devices and NIC say, and every inconsistency
 * between them with the command that repairs it. Rendering is the caller's. */
#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "hooks.h"
#include "host.h"
#include "lock.h"
#include "log.h"
#include "monitor.h"
#include "mld.h"
#include "netlink.h"
#include "netns.h"
#include "nic.h"
#include "object.h"
#include "pins.h"
#include "port.h"
#include "state.h"
#include "xdp_mode.h"

/* Grows an array by one zeroed element; NULL when memory ran out. */
static void *grow(void **v, unsigned int *n, size_t size)
{
	char *p = realloc(*v, (*n + 1) * size);

	if (!p)
		return NULL;
	*v = p;
	memset(p + *n * size, 0, size);
	return p + (*n)++ * size;
}

static void problem(struct nsteer_uplink_status *st, const char *repair, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void problem(struct nsteer_uplink_status *st, const char *repair, const char *fmt, ...)
{
	struct nsteer_problem *p = grow((void **)&st->problems, &st->n_problems, sizeof(*p));
	va_list ap;

	if (!p)
		return;
	va_start(ap, fmt);
	vsnprintf(p->what, sizeof(p->what), fmt, ap);
	va_end(ap);
	snprintf(p->repair, sizeof(p->repair), "%s", repair);
}

/* ---- host ends no port owns ---- */

/* One look at the host for every uplink a status command reports on: the view of the uplinks,
 * and the host ends (veths named as port_host_ifname names them) that no port of any uplink
 * owns: what a port add killed between creating the veth and registering the port leaves. Only
 * under the lock can they be told from a running port add's, so none are sought without it. */
struct status_view {
	struct host host;
	bool locked;
	char (*orphans)[IF_NAMESIZE];
	unsigned int n_orphans;
	unsigned int *known; /* host ends of ports, while the orphans are sought */
	unsigned int n_known;
};

/* An uplink that cannot be read owns nothing here; its own status says what is wrong with it. */
static int note_uplink(const char *dev, struct uplink *u, int err, void *arg)
{
	struct status_view *v = arg;
	const struct port_table *t = u ? uplink_table(u) : NULL; /* a damaged one's too */

	(void)dev;
	(void)err;
	for (__u32 i = 0; t && i < t->n; i++) {
		unsigned int *known = grow((void **)&v->known, &v->n_known, sizeof(*known));

		if (known)
			*known = t->ports[i].ifindex;
	}
	return 0;
}

static int note_orphan(const struct nl_link *l, void *arg)
{
	struct status_view *v = arg;
	char(*orphan)[IF_NAMESIZE];

	if (strcmp(l->kind, "veth") || !port_host_ifname_like(l->name))
		return 0;
	for (unsigned int i = 0; i < v->n_known; i++)
		if (v->known[i] == (unsigned int)l->ifindex)
			return 0;
	orphan = grow((void **)&v->orphans, &v->n_orphans, sizeof(*orphan));
	if (orphan)
		snprintf(*orphan, IF_NAMESIZE, "%s", l->name);
	return 0;
}

/* Only status, which reports what commands left half-done, waits for the lock. */
static void view_take(struct status_view *v, bool status)
{
	struct nl_sock *sk;

	memset(v, 0, sizeof(*v));
	host_init(&v->host);
	/* The view under the lock is one no command is changing. */
	v->locked = status && nsteer_lock() == 0;
	if (!v->locked)
		return;
	host_uplinks_each(&v->host, note_uplink, v);
	sk = nl_sock_open();
	if (sk)
		nl_link_dump(sk, note_orphan, v);
	nl_sock_close(sk);
	free(v->known);
	v->known = NULL;
}

static void view_drop(struct status_view *v)
{
	host_close(&v->host);
	if (v->locked)
		nsteer_unlock();
	free(v->orphans);
	memset(v, 0, sizeof(*v));
}

static int note_interrupted_add(const char *netns, bool exists, void *arg)
{
	struct nsteer_uplink_status *st = arg;
	char repair[512];

	snprintf(repair, sizeof(repair),
		 "nsteer port add %s %s ... (re-run the interrupted command), or: nsteer port del "
		 "%s %s",
		 st->dev, netns, st->dev, netns);
	problem(st, repair, "a port add of %s on %s was interrupted%s", netns, st->dev,
		exists ? " after it created the namespace" : "");
	return 0;
}

static void interrupted_problems(struct nsteer_uplink_status *st, const struct status_view *v)
{
	char what[PATH_MAX], repair[PATH_MAX + 64];

	if (!v->locked)
		return;
	for (unsigned int i = 0; i < v->n_orphans; i++) {
		snprintf(repair, sizeof(repair),
			 "nsteer port add %s NETNS ... (re-run the interrupted "
			 "command: it removes %s first), or: ip link del %s",
			 st->dev, v->orphans[i], v->orphans[i]);
		problem(st, repair, "veth %s belongs to no port: left by an interrupted port add",
			v->orphans[i]);
	}
	port_adds_interrupted(st->dev, note_interrupted_add, st);
	if (batch_interrupted(what, sizeof(what)) == 0 && !strncmp(what, "nsteer ", 7)) {
		/* nsteer_apply notes its own command line. */
		snprintf(repair, sizeof(repair), "%s (re-run it)", what);
		problem(st, repair,
			"'%s' was interrupted: some of its changes may not have been made", what);
	} else if (batch_interrupted(what, sizeof(what)) == 0) {
		snprintf(repair, sizeof(repair), "nsteer batch %s (re-run the interrupted batch)",
			 what);
		problem(st, repair,
			"a batch (%s) was interrupted: some of its lines may not have run",
			strcmp(what, "-") ? what : "stdin");
	}
}

/* ---- ports ---- */

static void port_repair_command(const char *dev, const struct nsteer_port *p, char *buf,
				size_t size)
{
	const char *how = p->netns[0] == '/' ? "--netns-path " : "";
	char mac[NSTEER_MAC_STR_LEN];
	int n = snprintf(buf, size,
			 "nsteer port del %s %s%s --ifname %s && nsteer port add %s %s%s "
			 "--ifname %s --mac %s",
			 dev, how, p->netns, p->ifname, dev, how, p->netns, p->ifname,
			 nsteer_mac_format(p->mac, mac));

	if (p->vlan && n > 0 && (size_t)n < size)
		snprintf(buf + n, size - n, " --vlan %u", p->vlan);
}

/* A port is sound when its host end still carries its name and runs nsteer's program, and its
 * namespace can be found. */
static void check_port(struct nsteer_uplink_status *st, const struct uplink *u,
		       const struct nsteer_port *p)
{
	char repair[512], path[PATH_MAX];
	struct stat sb;
	__u32 tc_id;

	if (p->flags & NSTEER_PORT_LABELLED)
		snprintf(repair, sizeof(repair),
			 "nsteer port del %s %s --ifname %s (or its creator's own delete, "
			 "e.g. the runtime's CNI DEL)",
			 st->dev, p->netns, p->ifname);
	else
		port_repair_command(st->dev, p, repair, sizeof(repair));
	if (!port_host_end_present(p)) {
		problem(st, repair, "port %s %s: its veth %s is gone", p->netns, p->ifname,
			p->host_ifname);
	} else if (tc_ingress_prog_id(p->ifindex, &tc_id)) {
		snprintf(repair, sizeof(repair), "nsteer attach %s (with its current options)",
			 st->dev);
		problem(st, repair, "port %s %s: no nsteer program on %s", p->netns, p->ifname,
			p->host_ifname);
	} else if (!port_is_published(u, p)) {
		problem(st, repair,
			"port %s %s: frames are not steered to it (its MAC is not in the "
			"ports map: an interrupted port add, or port del)",
			p->netns, p->ifname);
	} else if (!port_in_devmap(u, p)) {
		snprintf(repair, sizeof(repair), "nsteer attach %s (with its current options)",
			 st->dev);
		problem(st, repair,
			"port %s %s: XDP cannot redirect to it (port_devs, made anew on each "
			"load, lacks it: an interrupted attach)",
			p->netns, p->ifname);
	}
	if (port_known_by_name(p)) {
		snprintf(path, sizeof(path), "%s/%s", NETNS_RUN_DIR, p->netns);
		snprintf(repair, sizeof(repair), "nsteer port del %s %s", st->dev, p->netns);
		/* every port of the namespace: it is gone for all of them */
		if (stat(path, &sb))
			problem(st, repair, "port %s %s: namespace %s is gone", p->netns, p->ifname,
				path);
	}
}

static int ports_get(const struct uplink *u, const struct port_table *t,
		     struct nsteer_uplink_status *st)
{
	struct nsteer_port_mld *mld = calloc(NSTEER_SLOTS, sizeof(*mld));
	int err = mld ? 0 : -ENOMEM;

	/* What cannot be read shows as not known: status must report, not give up. */
	if (mld && mld_get(u, mld))
		memset(mld, 0, NSTEER_SLOTS * sizeof(*mld));
	st->ports = err ? NULL : calloc(t->n + 1, sizeof(*st->ports));
	if (!err && !st->ports)
		err = -ENOMEM;
	for (__u32 i = 0; !err && i < t->n; i++) {
		struct nsteer_port_status *ps = &st->ports[st->n_ports++];

		ps->port = t->ports[i];
		if (ps->port.slot < NSTEER_SLOTS)
			ps->mld = mld[ps->port.slot];
		counters_sum(u, ps->port.slot, &ps->counters);
	}
	free(mld);
	return err;
}

/* ---- the NIC ---- */

static int nic_collect(const struct nic_survey_item *item, void *ctx)
{
	struct nsteer_uplink_status *st = ctx;
	struct nsteer_nic_hold_status *h =
		grow((void **)&st->nic_holds, &st->n_nic_holds, sizeof(*h));

	if (!h)
		return -ENOMEM;
	h->hold = item->hold;
	h->wanted = item->wanted;
	h->present = item->present;
	h->ours = item->recorded && item->state.ours;
	/* A holding made but not yet counted: an attach or port add killed in between. */
	if (item->wanted && item->recorded && item->state.users != item->users) {
		char repair[128], what[128];

		snprintf(repair, sizeof(repair), "nsteer attach %s (with its current options)",
			 st->dev);
		nic_hold_describe(&item->hold, st->cfg.uplink_ifindex, what, sizeof(what));
		problem(st, repair, "%s: the record of %s counts %u users, but %u ports need it",
			st->dev, what, item->state.users, item->users);
	}
	if (h->hold.kind == NSTEER_NIC_VLAN)
		nic_vlan_dev_name(st->cfg.uplink_ifindex, h->hold.vlan, h->vlan_dev);
	return 0;
}

static void nic_problems(struct nsteer_uplink_status *st, const char *attach_cmd)
{
	for (unsigned int i = 0; i < st->n_nic_holds; i++) {
		const struct nsteer_nic_hold_status *h = &st->nic_holds[i];
		bool unicast = h->hold.kind == NSTEER_NIC_UNICAST;
		const char *list = unicast ? "the unicast address list" : "the VLAN filter";
		char subject[NSTEER_MAC_STR_LEN];

		if (h->wanted == h->present || (!h->wanted && !h->ours))
			continue;
		if (unicast)
			nsteer_mac_format(h->hold.mac, subject);
		else
			snprintf(subject, sizeof(subject), "%u", h->hold.vlan);
		if (h->hold.kind == NSTEER_NIC_ALLMULTI)
			problem(st, attach_cmd,
				"%s: allmulticast is off, so the NIC may drop multicast "
				"for the ports (IPv6 neighbour discovery)",
				st->dev);
		else if (h->wanted)
			problem(st, attach_cmd,
				"%s: %s %s is missing from %s, so the NIC may drop the "
				"port's frames",
				st->dev, unicast ? "port MAC" : "port VLAN", subject, list);
		else
			problem(st, attach_cmd,
				"%s: nsteer still holds %s %s in %s, which no port needs", st->dev,
				unicast ? "MAC" : "VLAN", subject, list);
	}
}

/* ---- the uplink ---- */

static void uplink_problems(struct nsteer_uplink_status *st, const struct uplink *u,
			    const struct port_table *t)
{
	const struct nsteer_config *cfg = &st->cfg;
	bool was_stripped = cfg->flags & NSTEER_CFG_RX_VLAN_STRIPPED;
	char repair[512];

	snprintf(repair, sizeof(repair),
		 "nsteer attach %s --mode %s --xdp-mode %s --unknown %s%s%s", st->dev,
		 nsteer_name_of(nsteer_mode_names, cfg->mode),
		 nsteer_name_of(nsteer_xdp_mode_names,
				cfg->flags & NSTEER_CFG_XDP_AUTO ? NSTEER_XDP_AUTO : cfg->xdp_mode),
		 nsteer_name_of(nsteer_unknown_names, cfg->unknown),
		 !(cfg->flags & NSTEER_CFG_TC_HOOK_ASKED) ? ""
		 : cfg->flags & NSTEER_CFG_TCX            ? " --tc-hook tcx"
							  : " --tc-hook clsact",
		 cfg->flags & NSTEER_CFG_HOST_ACCESS ? " --host-access" : "");
	if (!st->dev_present) {
		/* Deleted, or moved to another namespace (where nsteer sees it anew, as a device
		 * of that namespace): what it left here goes with one command. */
		snprintf(repair, sizeof(repair), "nsteer detach %s --ports", st->dev);
		problem(st, repair,
			"%s: the device (ifindex %u, attached as %s) is gone from this network "
			"namespace: deleted, or moved to another; its ports and pins are left",
			st->dev, cfg->uplink_ifindex, st->attached_as);
		return;
	}
	if (cfg->xdp_mode != NSTEER_XDP_OFF && !st->has_xdp)
		problem(st, repair, "%s: the XDP program is not attached", st->dev);
	if (!st->has_tc)
		problem(st, repair, "%s: the tc program is not attached", st->dev);
	if (cfg->flags & NSTEER_CFG_DETACHING) {
		char detach[64];

		snprintf(detach, sizeof(detach), "nsteer detach %s%s", st->dev,
			 cfg->flags & NSTEER_CFG_DETACHING_PORTS ? " --ports" : "");
		problem(st, detach, "%s: a detach was interrupted (re-run it)", st->dev);
	}
	if ((cfg->flags & NSTEER_CFG_HOST_ACCESS) && !host_port_of(t))
		problem(st, repair, "%s: host access is on, but its interface is missing", st->dev);
	for (__u32 i = 0; i < t->n; i++)
		check_port(st, u, &t->ports[i]);
	nic_problems(st, repair);
	if (cfg->xdp_mode != NSTEER_XDP_OFF && rx_vlan_stripped(st->dev) != was_stripped)
		problem(st, repair,
			"%s: VLAN tag stripping on receive (ethtool rxvlan) is %s now "
			"but was %s at attach: XDP %s",
			st->dev, was_stripped ? "off" : "on", was_stripped ? "on" : "off",
			was_stripped ? "hands every frame to tc needlessly"
				     : "cannot see the tags and may deliver across VLANs");
}

static void programs_get(struct nsteer_uplink_status *st)
{
	struct xdp_found xdp = { 0 };
	char name[IF_NAMESIZE], tcx_pin[PATH_MAX];
	__u32 ifindex = st->cfg.uplink_ifindex;

	st->dev_present = if_indextoname(ifindex, name) != NULL;
	st->has_xdp = st->dev_present && xdp_find_ours(ifindex, &xdp) == 0;
	st->xdp_prog_id = xdp.prog_id;
	st->xdp_dispatcher = xdp.dispatcher;
	st->tc_hook = st->cfg.flags & NSTEER_CFG_TCX ? NSTEER_TC_HOOK_TCX : NSTEER_TC_HOOK_CLSACT;
	st->has_tc = st->dev_present &&
		     !pin_path(tcx_pin, sizeof(tcx_pin), st->dev, NSTEER_PIN_LINK_TCX_UPLINK) &&
		     tc_uplink_prog_id(ifindex, st->tc_hook == NSTEER_TC_HOOK_TCX ? tcx_pin : NULL,
				       &st->tc_prog_id) == 0;
	st->programs_current = st->cfg.build_id == object_build_id();
	xdp_mode_reason(st->dev, &st->cfg, st->xdp_mode_reason, sizeof(st->xdp_mode_reason));
}

static void reader_problem(struct nsteer_uplink_status *st)
{
	char repair[512];
	__u32 pid;

	if (monitor_reader_gone(st->dev, &pid) != 1)
		return;
	snprintf(repair, sizeof(repair),
		 "nsteer monitor %s, then Ctrl-C (a new reader takes the ring over, and switches "
		 "it off when it ends)",
		 st->dev);
	problem(st, repair,
		"nsteer monitor (pid %u) was killed: every drop on %s is still described into a "
		"ring nobody reads",
		pid, st->dev);
}

/* What status (or, counters_only, stats) shows of dev, from the view v. */
static int status_of(struct status_view *v, const char *dev, bool counters_only,
		     struct nsteer_uplink_status *st)
{
	struct uplink_place place;
	const struct port_table *t;
	char repair[512];
	struct uplink *u;
	int err;

	memset(st, 0, sizeof(*st));
	snprintf(st->dev, sizeof(st->dev), "%s", dev);
	/* stats has nothing to count where the pins are not whole: it says so, as any command;
	 * status describes whatever it finds. */
	err = counters_only ? host_uplink(&v->host, dev, false, &u)
			    : host_uplink_damaged(&v->host, dev, &u);
	if (counters_only && err)
		return err;
	if (uplink_place_get(dev, &place) || !place.exists)
		return -ENOENT;
	snprintf(st->attached_as, sizeof(st->attached_as), "%s", place.label);
	snprintf(st->pin_dir, sizeof(st->pin_dir), "%s", pin_path_shown(place.dir));
	if (err == -EUCLEAN) {
		snprintf(repair, sizeof(repair), "nsteer detach %s --ports && nsteer attach %s",
			 dev, dev);
		problem(st, repair, "%s (the ports of %s have to be added again)", u->damage, dev);
		return 0;
	}
	if (err) {
		snprintf(repair, sizeof(repair), "nsteer attach %s (or nsteer detach %s)", dev,
			 dev);
		problem(st, repair, "%s: pins without a complete attach", dev);
		return 0;
	}
	st->complete = true;
	st->cfg = u->cfg;
	counters_sum(u, NSTEER_SLOT_UPLINK, &st->counters);
	t = uplink_table(u);
	err = t ? ports_get(u, t, st) : -errno;
	if (!err && !counters_only) {
		programs_get(st);
		if (st->dev_present) /* a NIC that cannot be read shows no holdings */
			nic_survey(u, t, nic_collect, st);
		uplink_problems(st, u, t);
		interrupted_problems(st, v);
		reader_problem(st);
	}
	if (err)
		nsteer_status_free(st);
	return err;
}

int nsteer_status_get(const char *dev, struct nsteer_uplink_status *st)
{
	struct status_view v;
	int err;

	view_take(&v, true);
	err = status_of(&v, dev, false, st);
	view_drop(&v);
	return err;
}

struct gather {
	struct status_view *v;
	struct nsteer_status_set *set;
	bool counters_only;
	int err; /* the first uplink's that could not be read */
};

/* An uplink that cannot be read is named, and the others are still gathered. */
static int gather_one(const char *dev, struct uplink *u, int open_err, void *arg)
{
	struct gather *g = arg;
	struct nsteer_uplink_status *st = grow((void **)&g->set->v, &g->set->n, sizeof(*g->set->v));
	int err = st ? status_of(g->v, dev, g->counters_only, st) : -ENOMEM;

	(void)u;
	(void)open_err;
	if (err && st)
		g->set->n--;
	if (err && err != -ENOENT && err != -EUCLEAN && !g->counters_only)
		pr_warn("Couldn't read the state of %s: %s\n", dev, strerror(-err));
	if (err && !g->err)
		g->err = err;
	return 0;
}

static int gather(const char *dev, bool counters_only, struct nsteer_status_set *set)
{
	struct status_view v;
	struct gather g = { &v, set, counters_only, 0 };
	int err;

	memset(set, 0, sizeof(*set));
	view_take(&v, !counters_only);
	if (dev)
		err = gather_one(dev, NULL, 0, &g);
	else
		err = host_uplinks_each(&v.host, gather_one, &g);
	view_drop(&v);
	return err ? err : g.err;
}

int nsteer_status_gather(const char *dev, struct nsteer_status_set *set)
{
	return gather(dev, false, set);
}

int nsteer_counters_gather(const char *dev, struct nsteer_status_set *set)
{
	return gather(dev, true, set);
}

void nsteer_status_set_free(struct nsteer_status_set *set)
{
	for (unsigned int i = 0; i < set->n; i++)
		nsteer_status_free(&set->v[i]);
	free(set->v);
	memset(set, 0, sizeof(*set));
}

void nsteer_status_free(struct nsteer_uplink_status *st)
{
	free(st->ports);
	free(st->nic_holds);
	free(st->problems);
	st->ports = NULL;
	st->nic_holds = NULL;
	st->problems = NULL;
	st->n_ports = st->n_nic_holds = st->n_problems = 0;
}
