// SPDX-License-Identifier: GPL-2.0
/* `nsteer apply`: a configuration checked as a whole, what the host has read in one pass, and the
 * plan between them computed from those two alone (so that unit tests can give it both), then
 * run through the library's own attach, detach, port add and port del. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host.h"
#include "lock.h"
#include "log.h"
#include "mac.h"
#include "netlink.h"
#include "netns.h"
#include "port.h"
#include "state.h"

#define PORT_IFNAME_DEFAULT "eth0"

/* ---- checking a configuration ---- */

static const struct nsteer_conf_uplink *conf_uplink(const struct nsteer_conf *c, const char *dev)
{
	for (unsigned int i = 0; i < c->n_uplinks; i++)
		if (!strcmp(c->uplinks[i].dev, dev))
			return &c->uplinks[i];
	return NULL;
}

static const char *conf_ifname(const struct nsteer_conf_port *p)
{
	return p->opts.ifname ? p->opts.ifname : PORT_IFNAME_DEFAULT;
}

/* A port is (uplink, namespace, interface): a namespace may have several on one uplink. */
static const struct nsteer_conf_port *conf_port(const struct nsteer_conf *c, const char *dev,
						const char *netns, const char *ifname)
{
	for (unsigned int i = 0; i < c->n_ports; i++)
		if (!strcmp(c->ports[i].dev, dev) && !strcmp(c->ports[i].opts.netns.name, netns) &&
		    !strcmp(conf_ifname(&c->ports[i]), ifname))
			return &c->ports[i];
	return NULL;
}

/* uplink: the name port add derives MACs from, the uplink's when it was attached (a renamed
 * uplink's ports keep theirs). */
static void port_mac(const struct nsteer_conf_port *p, const char *uplink, unsigned char mac[6])
{
	if (p->opts.has_mac)
		memcpy(mac, p->opts.mac, 6);
	else
		mac_derive(uplink, p->opts.netns.name, p->opts.ifname, p->opts.vlan, mac);
}

int nsteer_conf_check(const struct nsteer_conf *c, bool devices)
{
	const char *file = c->file ? c->file : "the configuration";
	int err = 0;

	for (unsigned int i = 0; i < c->n_uplinks; i++) {
		const struct nsteer_conf_uplink *u = &c->uplinks[i];

		if (conf_uplink(c, u->dev) != u) {
			pr_warn("%s:%u: %s is attached already, at line %u\n", file, u->line,
				u->dev, conf_uplink(c, u->dev)->line);
			err = -EINVAL;
		} else if (devices && !if_nametoindex(u->dev)) {
			pr_warn("%s:%u: no device %s\n", file, u->line, u->dev);
			err = -EINVAL;
		}
	}
	for (unsigned int i = 0; i < c->n_ports; i++) {
		const struct nsteer_conf_port *p = &c->ports[i], *same;
		unsigned char mac[6], other[6];
		char macs[MAC_STR_LEN];

		if (p->opts.netns.kind != NSTEER_NETNS_NAME || !p->opts.netns.name) {
			pr_warn("%s:%u: a namespace by path or pid does not outlive a reboot; name it "
				"(ip netns names)\n",
				file, p->line);
			err = -EINVAL;
			continue;
		}
		if (!conf_uplink(c, p->dev)) {
			pr_warn("%s:%u: port on %s, which no attach line of %s attaches\n", file,
				p->line, p->dev, file);
			err = -EINVAL;
		}
		same = conf_port(c, p->dev, p->opts.netns.name, conf_ifname(p));
		if (same != p) {
			pr_warn("%s:%u: %s has a port %s on %s already, at line %u\n", file,
				p->line, p->opts.netns.name, conf_ifname(p), p->dev, same->line);
			err = -EINVAL;
			continue;
		}
		port_mac(p, p->dev, mac);
		for (unsigned int j = 0; j < i; j++) {
			const struct nsteer_conf_port *q = &c->ports[j];

			if (q->opts.netns.kind != NSTEER_NETNS_NAME || strcmp(q->dev, p->dev) ||
			    q->opts.vlan != p->opts.vlan)
				continue;
			port_mac(q, q->dev, other);
			if (!memcmp(mac, other, 6)) {
				pr_warn("%s:%u: MAC %s is port %s %s's already, at line %u\n", file,
					p->line, mac_format(mac, macs), q->opts.netns.name,
					conf_ifname(q), q->line);
				err = -EINVAL;
			}
		}
	}
	return err;
}

/* ---- what the host has ---- */

struct addr_list {
	struct nsteer_cur_port *p;
};

static int addr_note(int family, const unsigned char *addr, unsigned int prefix, void *ctx)
{
	struct nsteer_cur_port *p = ctx;
	char text[INET6_ADDRSTRLEN];

	if (p->n_addrs == NSTEER_ADDRS_MAX)
		return 0;
	inet_ntop(family, addr, text, sizeof(text));
	snprintf(p->addrs[p->n_addrs++], NSTEER_CIDR_LEN, "%s/%u", text, prefix);
	return 0;
}

/* The namespace end's MTU and addresses, when the port's namespace is the one it was made in. */
static void port_read(struct nsteer_cur_port *cp)
{
	const struct nsteer_port *p = &cp->port;
	struct nsteer_netns_ref ref = { .kind = NSTEER_NETNS_NAME, .name = p->netns };
	struct nl_sock *sk;
	struct nl_link link;
	uint64_t inode;
	bool created;
	int fd;

	if (p->flags & (NSTEER_PORT_LABELLED | NSTEER_PORT_HOST))
		return;
	if (p->netns[0] == '/')
		ref.kind = NSTEER_NETNS_PATH;
	else if (!strncmp(p->netns, "pid:", 4) &&
		 (ref.pid = (pid_t)strtol(p->netns + 4, NULL, 10)) > 0)
		ref.kind = NSTEER_NETNS_PID;
	fd = netns_open_ref(&ref, false, &created);
	if (fd < 0)
		return;
	if (netns_inode(fd, &inode) || inode != p->netns_inode) {
		close(fd);
		return;
	}
	sk = nl_sock_open_in(fd);
	close(fd);
	if (!sk)
		return;
	if (nl_link_get_by_index(sk, (int)p->peer_ifindex, &link) == 0 &&
	    !strcmp(link.name, p->ifname)) {
		cp->netns_found = true;
		cp->mtu = link.mtu;
		nl_addr_dump(sk, link.ifindex, addr_note, cp);
	}
	nl_sock_close(sk);
}

/* A port add that was killed left a note naming its namespace (when it created it). */
static int interrupted_note(const char *netns, bool exists, void *ctx)
{
	struct nsteer_cur_uplink *cu = ctx;

	(void)exists;
	for (unsigned int i = 0; i < cu->n_ports; i++)
		if (!strcmp(cu->ports[i].port.netns, netns))
			cu->ports[i].interrupted = true;
	return 0;
}

static int uplink_read(const char *dev, struct uplink *u, int open_err, void *ctx)
{
	struct nsteer_current *cur = ctx;
	struct nsteer_cur_uplink *cu, *grown;
	const struct port_table *t = NULL;
	struct nl_sock *sk;
	struct nl_link link;
	int err;

	grown = realloc(cur->uplinks, (cur->n_uplinks + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	cur->uplinks = grown;
	cu = &cur->uplinks[cur->n_uplinks++];
	memset(cu, 0, sizeof(*cu));
	snprintf(cu->dev, sizeof(cu->dev), "%s", dev);
	if (open_err)
		return 0; /* incomplete: apply attaches again, save writes it as declared */
	cu->cfg = u->cfg;
	snprintf(cu->attached_as, sizeof(cu->attached_as), "%s", u->label);
	sk = nl_sock_open();
	if (sk && nl_link_get_by_name(sk, dev, &link) == 0) {
		cu->mtu = link.mtu;
		cu->complete = u->cfg.uplink_ifindex == (__u32)link.ifindex &&
			       !(u->cfg.flags & NSTEER_CFG_DETACHING);
	}
	nl_sock_close(sk);
	t = uplink_table(u);
	err = t ? 0 : -errno;
	if (!err && t->n && !(cu->ports = calloc(t->n, sizeof(*cu->ports))))
		err = -ENOMEM;
	for (__u32 i = 0; !err && i < t->n; i++) {
		cu->ports[i].port = t->ports[i];
		/* A port add killed half-way, by port add's own test of it (which then completes it). */
		cu->ports[i].interrupted = !port_complete(u, &t->ports[i]);
		port_read(&cu->ports[i]);
	}
	if (!err) {
		/* The table's order, by namespace, then interface: save writes them so. */
		cu->n_ports = t->n;
		port_adds_interrupted(dev, interrupted_note, cu);
	} else
		pr_warn("Couldn't read the ports of %s: %s\n", dev, strerror(-err));
	return err;
}

int nsteer_current_get(struct nsteer_current *cur)
{
	struct host h;
	int err;

	memset(cur, 0, sizeof(*cur));
	host_init(&h);
	err = host_uplinks_each(&h, uplink_read, cur);
	host_close(&h);
	if (err)
		nsteer_current_free(cur);
	return err;
}

void nsteer_current_free(struct nsteer_current *cur)
{
	for (unsigned int i = 0; i < cur->n_uplinks; i++)
		free(cur->uplinks[i].ports);
	free(cur->uplinks);
	memset(cur, 0, sizeof(*cur));
}

/* ---- the plan ---- */

static const struct nsteer_cur_uplink *cur_uplink(const struct nsteer_current *h, const char *dev)
{
	for (unsigned int i = 0; i < h->n_uplinks; i++)
		if (!strcmp(h->uplinks[i].dev, dev))
			return &h->uplinks[i];
	return NULL;
}

/* The port (dev, netns, ifname) of the host: by the interface name it was made with (one
 * renamed since is "gone" to port_read, and replaced). */
static const struct nsteer_cur_port *cur_port(const struct nsteer_cur_uplink *u, const char *netns,
					      const char *ifname)
{
	for (unsigned int i = 0; u && i < u->n_ports; i++)
		if (port_known_by_name(&u->ports[i].port) &&
		    !strcmp(u->ports[i].port.netns, netns) &&
		    !strcmp(u->ports[i].port.ifname, ifname))
			return &u->ports[i];
	return NULL;
}

/* netns and ifname NULL for an uplink's change. */
static struct nsteer_change *plan_add(struct nsteer_plan *plan, enum nsteer_change_kind kind,
				      const char *dev, const char *netns, const char *ifname)
{
	struct nsteer_change *grown = realloc(plan->changes, (plan->n + 1) * sizeof(*grown)), *c;

	if (!grown)
		return NULL;
	plan->changes = grown;
	c = &plan->changes[plan->n++];
	memset(c, 0, sizeof(*c));
	c->kind = kind;
	snprintf(c->dev, sizeof(c->dev), "%s", dev);
	snprintf(c->netns, sizeof(c->netns), "%s", netns ? netns : "");
	snprintf(c->ifname, sizeof(c->ifname), "%s", ifname ? ifname : "");
	return c;
}

#define WHY_ADD(buf, ...)                                                                     \
	snprintf((buf) + strlen(buf), sizeof(buf) - strlen(buf), "%s", (buf)[0] ? ", " : ""), \
		snprintf((buf) + strlen(buf), sizeof(buf) - strlen(buf), __VA_ARGS__)

/* The hook the attach of cfg asked for: auto unless --tc-hook named one. */
static enum nsteer_tc_hook tc_hook_asked(const struct nsteer_config *cfg)
{
	if (!(cfg->flags & NSTEER_CFG_TC_HOOK_ASKED))
		return NSTEER_TC_HOOK_AUTO;
	return cfg->flags & NSTEER_CFG_TCX ? NSTEER_TC_HOOK_TCX : NSTEER_TC_HOOK_CLSACT;
}

/* How u's attachment differs from what w asks, in why ("" when it does not). */
static void uplink_diff(const struct nsteer_conf_uplink *w, const struct nsteer_cur_uplink *u,
			char *why, size_t size)
{
	const struct nsteer_attach_opts *o = &w->opts;
	const struct nsteer_config *cfg = &u->cfg;
	bool auto_now = cfg->flags & NSTEER_CFG_XDP_AUTO;
	char buf[320] = "";

	if (cfg->mode != (__u32)o->mode)
		WHY_ADD(buf, "mode %s, not %s", nsteer_name_of(nsteer_mode_names, o->mode),
			nsteer_name_of(nsteer_mode_names, cfg->mode));
	if (cfg->unknown != (__u32)o->unknown)
		WHY_ADD(buf, "unknown %s, not %s", nsteer_name_of(nsteer_unknown_names, o->unknown),
			nsteer_name_of(nsteer_unknown_names, cfg->unknown));
	if (o->xdp_mode == NSTEER_XDP_AUTO ? !auto_now
					   : auto_now || cfg->xdp_mode != (__u32)o->xdp_mode)
		WHY_ADD(buf, "xdp-mode %s, not %s",
			nsteer_name_of(nsteer_xdp_mode_names, o->xdp_mode),
			auto_now ? "auto" : nsteer_name_of(nsteer_xdp_mode_names, cfg->xdp_mode));
	if (o->tc_hook != tc_hook_asked(cfg))
		WHY_ADD(buf, "tc-hook %s, not %s", nsteer_name_of(nsteer_tc_hook_names, o->tc_hook),
			nsteer_name_of(nsteer_tc_hook_names, tc_hook_asked(cfg)));
	if (o->host_access != !!(cfg->flags & NSTEER_CFG_HOST_ACCESS))
		WHY_ADD(buf, "%s host access", o->host_access ? "with" : "without");
	snprintf(why, size, "%s", buf);
}

static bool cidr_same(const char *a, const char *b)
{
	unsigned char aa[16], ba[16];
	unsigned int ap, bp;
	int af = nl_cidr_parse(a, aa, &ap), bf = nl_cidr_parse(b, ba, &bp);

	return af > 0 && af == bf && ap == bp && !memcmp(aa, ba, af == AF_INET ? 4 : 16);
}

/* How p differs from w in what only a new port can change ("" when it does not). They are the
 * same port, (uplink, namespace, interface): another interface name is another port. */
static void port_diff(const struct nsteer_conf_port *w, const struct nsteer_cur_uplink *u,
		      const struct nsteer_cur_port *p, char *why, size_t size)
{
	unsigned int mtu = w->opts.mtu ? w->opts.mtu : u->mtu;
	char buf[320] = "", a[MAC_STR_LEN], b[MAC_STR_LEN];
	unsigned char mac[6];

	port_mac(w, u->attached_as[0] ? u->attached_as : w->dev, mac);
	if (!p->netns_found) {
		snprintf(why, size, "its namespace or interface is gone");
		return;
	}
	if (memcmp(mac, p->port.mac, 6))
		WHY_ADD(buf, "MAC %s, not %s", mac_format(mac, a), mac_format(p->port.mac, b));
	if (w->opts.vlan != p->port.vlan)
		WHY_ADD(buf, "VLAN %u, not %u", w->opts.vlan, p->port.vlan);
	if (mtu && p->mtu != mtu)
		WHY_ADD(buf, "MTU %u, not %u", mtu, p->mtu);
	snprintf(why, size, "%s", buf);
}

/* The addresses w gives that p lacks, in why ("" when none). */
static void addrs_missing(const struct nsteer_conf_port *w, const struct nsteer_cur_port *p,
			  char *why, size_t size)
{
	char buf[320] = "";

	for (int i = 0; i < w->opts.n_addrs; i++) {
		bool found = false;

		for (int j = 0; j < p->n_addrs && !found; j++)
			found = cidr_same(w->opts.addrs[i], p->addrs[j]);
		if (!found)
			WHY_ADD(buf, "%s", w->opts.addrs[i]);
	}
	snprintf(why, size, "%s", buf);
}

/* Runs in kind order, and in the configuration's order within a kind. */
static void plan_sort(struct nsteer_plan *plan)
{
	for (unsigned int i = 1; i < plan->n; i++) {
		struct nsteer_change c = plan->changes[i];
		unsigned int j = i;

		for (; j > 0 && plan->changes[j - 1].kind > c.kind; j--)
			plan->changes[j] = plan->changes[j - 1];
		plan->changes[j] = c;
	}
}

static int plan_removals(const struct nsteer_conf *want, const struct nsteer_current *have,
			 struct nsteer_plan *plan)
{
	const char *file = want->file ? want->file : "the configuration";

	for (unsigned int i = 0; i < have->n_uplinks; i++) {
		const struct nsteer_cur_uplink *u = &have->uplinks[i];
		bool dropped = !conf_uplink(want, u->dev) && (u->cfg.flags & NSTEER_CFG_APPLIED);
		char others[256] = "";
		struct nsteer_change *c;

		for (unsigned int j = 0; j < u->n_ports; j++) {
			const struct nsteer_port *p = &u->ports[j].port;
			bool declared = port_known_by_name(p) &&
					conf_port(want, u->dev, p->netns, p->ifname);

			if (p->flags & NSTEER_PORT_HOST)
				continue;
			if (!(p->flags & NSTEER_PORT_APPLIED)) {
				if (dropped)
					WHY_ADD(others, "%s %s", p->netns, p->ifname);
				continue;
			}
			if (declared)
				continue;
			/* That interface only: the namespace's other ports may be declared. */
			c = plan_add(plan, NSTEER_CHANGE_PORT_DEL, u->dev, p->netns, p->ifname);
			if (!c)
				return -ENOMEM;
			snprintf(c->why, sizeof(c->why), "not in %s", file);
		}
		if (!dropped)
			continue;
		c = plan_add(plan, others[0] ? NSTEER_CHANGE_KEEP_UPLINK : NSTEER_CHANGE_DETACH,
			     u->dev, NULL, NULL);
		if (!c)
			return -ENOMEM;
		if (others[0])
			snprintf(c->why, sizeof(c->why),
				 "not in %s, but ports apply did not make are on it (%s): delete "
				 "them (nsteer port del %s NETNS) or detach it yourself",
				 file, others, u->dev);
		else
			snprintf(c->why, sizeof(c->why), "not in %s", file);
	}
	return 0;
}

int nsteer_plan_make(const struct nsteer_conf *want, const struct nsteer_current *have,
		     struct nsteer_plan *plan)
{
	const char *file = want->file ? want->file : "the configuration";
	struct nsteer_change *c;
	char why[320];
	int err;

	memset(plan, 0, sizeof(*plan));
	err = plan_removals(want, have, plan);
	for (unsigned int i = 0; !err && i < want->n_uplinks; i++) {
		const struct nsteer_conf_uplink *w = &want->uplinks[i];
		const struct nsteer_cur_uplink *u = cur_uplink(have, w->dev);

		if (u && u->complete)
			uplink_diff(w, u, why, sizeof(why));
		else
			snprintf(why, sizeof(why), "%s", u ? "its attach is incomplete" : "");
		if (u && u->complete && !why[0])
			continue;
		if (!(c = plan_add(plan, NSTEER_CHANGE_ATTACH, w->dev, NULL, NULL))) {
			err = -ENOMEM;
			break;
		}
		c->uplink = w;
		c->fresh = !u || !u->complete;
		snprintf(c->why, sizeof(c->why), "%s", why);
	}
	for (unsigned int i = 0; !err && i < want->n_ports; i++) {
		const struct nsteer_conf_port *w = &want->ports[i];
		const struct nsteer_cur_uplink *u = cur_uplink(have, w->dev);
		const struct nsteer_cur_port *p = cur_port(u, w->opts.netns.name, conf_ifname(w));
		enum nsteer_change_kind kind = NSTEER_CHANGE_PORT_ADD;

		why[0] = '\0';
		if (p && p->interrupted) {
			/* port add again: it completes what the interrupted one left */
			snprintf(why, sizeof(why), "completing an interrupted port add");
		} else if (p) {
			port_diff(w, u, p, why, sizeof(why));
			kind = NSTEER_CHANGE_PORT_REPLACE;
			if (why[0] && !(p->port.flags & NSTEER_PORT_APPLIED)) {
				pr_warn("%s:%u: %s's port %s on %s was not made by apply and differs "
					"(%s): delete it (nsteer port del %s %s --ifname %s) or change "
					"the line\n",
					file, w->line, p->port.netns, p->port.ifname, w->dev, why,
					w->dev, p->port.netns, p->port.ifname);
				err = -EEXIST;
				break;
			}
			if (!why[0]) {
				addrs_missing(w, p, why, sizeof(why));
				kind = NSTEER_CHANGE_PORT_ADDRS;
			}
			if (!why[0])
				continue;
		}
		if (!(c = plan_add(plan, kind, w->dev, w->opts.netns.name, conf_ifname(w)))) {
			err = -ENOMEM;
			break;
		}
		c->port = w;
		snprintf(c->why, sizeof(c->why), "%s", why);
	}
	if (err) {
		nsteer_plan_free(plan);
		return err;
	}
	plan_sort(plan);
	return 0;
}

void nsteer_plan_free(struct nsteer_plan *plan)
{
	free(plan->changes);
	memset(plan, 0, sizeof(*plan));
}

void nsteer_change_format(const struct nsteer_change *c, char *buf, size_t size)
{
	const char *sep = c->why[0] ? ": " : "";
	char port[NSTEER_NETNS_LEN + sizeof(c->ifname)];

	/* As status names a port: namespace and interface (none: all of the namespace's). One case
	 * per kind of change, each a sentence of its own, alike by design. */
	snprintf(port, sizeof(port), "%s%s%s", c->netns, c->ifname[0] ? " " : "", c->ifname);
	switch (c->kind) {
	case NSTEER_CHANGE_PORT_DEL:
		snprintf(buf, size, "%s: port %s deleted%s%s", c->dev, port, sep, c->why);
		break;
	case NSTEER_CHANGE_DETACH:
		snprintf(buf, size, "%s: detached%s%s", c->dev, sep, c->why);
		break;
	case NSTEER_CHANGE_KEEP_UPLINK:
		snprintf(buf, size, "%s: left attached%s%s", c->dev, sep, c->why);
		break;
	case NSTEER_CHANGE_ATTACH:
		snprintf(buf, size, "%s: %s%s%s", c->dev, c->why[0] ? "re-attached" : "attached",
			 sep, c->why);
		break;
	case NSTEER_CHANGE_PORT_REPLACE:
		snprintf(buf, size, "%s: port %s replaced%s%s", c->dev, port, sep, c->why);
		break;
	case NSTEER_CHANGE_PORT_ADD:
		snprintf(buf, size, "%s: port %s added%s%s", c->dev, port, sep, c->why);
		break;
	case NSTEER_CHANGE_PORT_ADDRS:
		snprintf(buf, size, "%s: port %s given %s", c->dev, port, c->why);
		break;
	}
}

/* ---- running it ---- */

static nsteer_log_fn outer_log;

/* While apply runs the library's commands, their own narration ("port ... added") is detail
 * under apply's one line per change: it shows with -v. Warnings stay warnings. */
static void log_quieter(enum nsteer_log_level level, const char *fmt, va_list ap)
{
	outer_log(level == NSTEER_LOG_INFO ? NSTEER_LOG_DEBUG : level, fmt, ap);
}

/* Apply's own lines, past log_quieter. */
static void say(enum nsteer_log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	outer_log(level, fmt, ap);
	va_end(ap);
}

static int change_run(const struct nsteer_change *c)
{
	struct nsteer_netns_ref ref = { .kind = NSTEER_NETNS_NAME, .name = c->netns };
	struct nsteer_attach_opts ao;
	struct nsteer_port_opts po;
	int err;

	switch (c->kind) {
	case NSTEER_CHANGE_PORT_DEL:
		return nsteer_port_del(c->dev, &ref, c->ifname[0] ? c->ifname : NULL);
	case NSTEER_CHANGE_DETACH:
		return nsteer_detach(c->dev, false);
	case NSTEER_CHANGE_KEEP_UPLINK:
		return -EBUSY;
	case NSTEER_CHANGE_ATTACH:
		ao = c->uplink->opts;
		/* Only what apply attaches becomes its own: an uplink attached by hand and
		 * re-attached with the file's options stays the user's (and apply's mark, once
		 * set, stays: see nsteer_attach_opts). */
		ao.applied = c->fresh;
		return nsteer_attach(c->dev, &ao);
	case NSTEER_CHANGE_PORT_REPLACE:
		err = nsteer_port_del(c->dev, &ref, c->ifname[0] ? c->ifname : NULL);
		if (err)
			return err;
		/* fall through */
	case NSTEER_CHANGE_PORT_ADD:
	case NSTEER_CHANGE_PORT_ADDRS:
		/* For ADDRS, port add of an existing port with the same settings adds what is
		 * missing and changes nothing else. */
		po = c->port->opts;
		po.applied = true;
		return nsteer_port_add(c->dev, &po);
	}
	return -EINVAL;
}

int nsteer_plan_run(const struct nsteer_plan *plan)
{
	char line[512];
	int first = 0;

	outer_log = nsteer_set_log(log_quieter);
	for (unsigned int i = 0; i < plan->n; i++) {
		const struct nsteer_change *c = &plan->changes[i];
		int err = change_run(c);

		nsteer_change_format(c, line, sizeof(line));
		if (c->kind == NSTEER_CHANGE_KEEP_UPLINK)
			say(NSTEER_LOG_WARN, "%s\n", line);
		else if (err)
			say(NSTEER_LOG_WARN, "Couldn't make this change: %s (%s)\n", line,
			    strerror(-err));
		else
			say(NSTEER_LOG_INFO, "%s\n", line);
		if (err && !first)
			first = err;
	}
	nsteer_set_log(outer_log);
	return first;
}

int nsteer_apply(const struct nsteer_conf *conf, const char *note)
{
	struct nsteer_current have;
	struct nsteer_plan plan;
	int err;

	err = nsteer_conf_check(conf, true);
	if (err)
		return err;
	err = nsteer_lock();
	if (err)
		return err;
	err = nsteer_batch_begin(note);
	if (err) {
		nsteer_unlock();
		return err;
	}
	err = nsteer_current_get(&have);
	if (!err) {
		err = nsteer_plan_make(conf, &have, &plan);
		if (!err && plan.n == 0)
			pr_info("nothing to change\n");
		else if (!err)
			err = nsteer_plan_run(&plan);
		nsteer_plan_free(&plan);
		nsteer_current_free(&have);
	}
	nsteer_batch_end(); /* a failed change was reported: only a kill leaves the note */
	nsteer_unlock();
	return err;
}
