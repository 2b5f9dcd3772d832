// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "attach.h"
#include "json.h"
#include "log.h"
#include "mac.h"
#include "netlink.h"
#include "netns.h"
#include "nic.h"
#include "pins.h"
#include "port.h"
#include "show.h"
#include "uplink.h"

#define DROP_FIELDS(X)                                                                     \
	X(malformed, drop_malformed)                                                       \
	X(unknown_dst, drop_unknown_dst)                                                   \
	X(spoofed_src, drop_spoofed_src)                                                   \
	X(port_to_port, drop_port_to_port)                                                 \
	X(vlan, drop_vlan)

static int each_dev(const char *dev, nsteer_uplink_cb cb, void *ctx)
{
	return dev ? cb(dev, ctx) : nsteer_for_each_uplink(cb, ctx);
}

static void json_port(struct json *j, const struct nsteer_port *p)
{
	char mac[MAC_STR_LEN];

	json_kv_string(j, "netns", p->netns);
	json_kv_string(j, "mac", mac_format(p->mac, mac));
	json_kv_u64(j, "vlan", p->vlan);
	json_kv_string(j, "ifname", p->ifname);
	json_kv_u64(j, "peer_ifindex", p->peer_ifindex);
	json_kv_string(j, "host_ifname", p->host_ifname);
	json_kv_u64(j, "host_ifindex", p->ifindex);
	json_kv_bool(j, "netns_created", p->flags & NSTEER_PORT_NETNS_CREATED);
}

static void json_counters(struct json *j, const struct nsteer_counters *c)
{
	json_key(j, "counters");
	json_object_begin(j);
	json_kv_u64(j, "rx_packets", c->rx_packets);
	json_kv_u64(j, "rx_bytes", c->rx_bytes);
	json_kv_u64(j, "tx_packets", c->tx_packets);
	json_kv_u64(j, "tx_bytes", c->tx_bytes);
	json_key(j, "drops");
	json_object_begin(j);
#define X(name, field) json_kv_u64(j, #name, c->field);
	DROP_FIELDS(X)
#undef X
	json_object_end(j);
	json_object_end(j);
}

static void print_drops(const struct nsteer_counters *c)
{
	bool any = false;

#define X(name, field)                                                                     \
	if (c->field) {                                                                    \
		printf("%s%s %llu", any ? ", " : "  drops: ", #name,                        \
		       (unsigned long long)c->field);                                      \
		any = true;                                                                \
	}
	DROP_FIELDS(X)
#undef X
	if (any)
		putchar('\n');
}

/* ---- port list ---- */

struct list_ctx {
	struct json *j;
	bool header_done;
};

static int list_port(const char *dev, const struct nsteer_port *p, void *arg)
{
	struct list_ctx *l = arg;
	char mac[MAC_STR_LEN], vlan[8] = "-";

	if (l->j) {
		json_object_begin(l->j);
		json_kv_string(l->j, "uplink", dev);
		json_port(l->j, p);
		json_object_end(l->j);
		return 0;
	}
	if (!l->header_done) {
		printf("%-15s %-20s %-17s %-4s %-15s %s\n", "UPLINK", "NETNS", "MAC", "VLAN",
		       "IFNAME", "HOST-END");
		l->header_done = true;
	}
	if (p->vlan)
		snprintf(vlan, sizeof(vlan), "%u", p->vlan);
	printf("%-15s %-20s %-17s %-4s %-15s %s\n", dev, p->netns, mac_format(p->mac, mac), vlan,
	       p->ifname, p->host_ifname);
	return 0;
}

static int list_uplink(const char *dev, void *arg)
{
	return nsteer_for_each_port(dev, list_port, arg);
}

int show_port_list(const char *dev, bool json)
{
	struct json j;
	struct list_ctx l = { .j = json ? &j : NULL };
	int err;

	if (json) {
		json_init(&j, stdout);
		json_array_begin(&j);
	}
	err = each_dev(dev, list_uplink, &l);
	if (json)
		json_array_end(&j);
	return err;
}

/* ---- status ---- */

#define ORPHANS_MAX 64

struct status_ctx {
	struct json *j;
	int problems;
	const char *dev;
	char orphans[ORPHANS_MAX][IF_NAMESIZE];
	int n_orphans;
};

/* Host ends (nstXXXXXXXX veths) that no port of any uplink owns: what a port add killed between
 * creating the veth and registering the port leaves. */
struct orphan_scan {
	struct status_ctx *s;
	unsigned int known[NSTEER_PORTS_MAX * 4];
	unsigned int n_known;
};

static int note_known(const char *dev, const struct nsteer_port *p, void *arg)
{
	struct orphan_scan *o = arg;

	(void)dev;
	if (o->n_known < sizeof(o->known) / sizeof(o->known[0]))
		o->known[o->n_known++] = p->ifindex;
	return 0;
}

static int note_uplink(const char *dev, void *arg)
{
	nsteer_for_each_port(dev, note_known, arg);
	return 0;
}

static int note_orphan(const struct nl_link *l, void *arg)
{
	struct orphan_scan *o = arg;
	unsigned int hash;
	char end;

	if (strcmp(l->kind, "veth") || sscanf(l->name, "nst%8x%c", &hash, &end) != 1 ||
	    strlen(l->name) != 11)
		return 0;
	for (unsigned int i = 0; i < o->n_known; i++)
		if (o->known[i] == (unsigned int)l->ifindex)
			return 0;
	if (o->s->n_orphans < ORPHANS_MAX)
		snprintf(o->s->orphans[o->s->n_orphans++], IF_NAMESIZE, "%s", l->name);
	return 0;
}

static void find_orphans(struct status_ctx *s)
{
	static struct orphan_scan o;
	struct nl_sock *sk = nl_sock_open();

	memset(&o, 0, sizeof(o));
	o.s = s;
	nsteer_for_each_uplink(note_uplink, &o);
	if (sk)
		nl_link_dump(sk, note_orphan, &o);
	nl_sock_close(sk);
}

static void problem(struct status_ctx *s, const char *what, const char *repair)
{
	s->problems++;
	if (s->j) {
		json_object_begin(s->j);
		json_kv_string(s->j, "problem", what);
		json_kv_string(s->j, "repair", repair);
		json_object_end(s->j);
	} else {
		printf("  PROBLEM: %s\n    repair: %s\n", what, repair);
	}
}

static void port_add_command(const char *dev, const struct nsteer_port *p, char *buf, size_t size)
{
	char mac[MAC_STR_LEN];
	int n = snprintf(buf, size, "nsteer port del %s %s%s && nsteer port add %s %s%s --mac %s",
			 dev, p->netns[0] == '/' ? "--netns-path " : "", p->netns, dev,
			 p->netns[0] == '/' ? "--netns-path " : "", p->netns,
			 mac_format(p->mac, mac));

	if (p->vlan && n > 0 && (size_t)n < size)
		snprintf(buf + n, size - n, " --vlan %u", p->vlan);
}

/* A port is sound when its host end still carries its name and its namespace can be found. */
static int check_port(const char *dev, const struct nsteer_port *p, void *arg)
{
	struct status_ctx *s = arg;
	char name[IF_NAMESIZE], what[PATH_MAX + 256], repair[512], path[PATH_MAX];
	struct stat st;
	__u32 tc_id;

	port_add_command(dev, p, repair, sizeof(repair));
	if (!if_indextoname(p->ifindex, name) || strcmp(name, p->host_ifname)) {
		snprintf(what, sizeof(what), "port %s: its veth %s is gone", p->netns,
			 p->host_ifname);
		problem(s, what, repair);
	} else if (tc_ingress_prog_id(p->ifindex, &tc_id)) {
		snprintf(what, sizeof(what), "port %s: no nsteer program on %s", p->netns,
			 p->host_ifname);
		snprintf(repair, sizeof(repair), "nsteer attach %s (with its current options)", dev);
		problem(s, what, repair);
	}
	if (!(p->flags & NSTEER_PORT_HOST) && p->netns[0] != '/' && strncmp(p->netns, "pid:", 4)) {
		snprintf(path, sizeof(path), "%s/%s", NETNS_RUN_DIR, p->netns);
		if (stat(path, &st)) {
			snprintf(what, sizeof(what), "port %s: namespace %s is gone", p->netns, path);
			snprintf(repair, sizeof(repair), "nsteer port del %s %s", dev, p->netns);
			problem(s, what, repair);
		}
	}
	return 0;
}

/* Each slot's IPv6 multicast listening, read once per uplink before its ports are shown. */
static struct nsteer_port_mld mld_by_slot[NSTEER_SLOTS];

static int status_port(const char *dev, const struct nsteer_port *p, void *arg)
{
	struct status_ctx *s = arg;
	struct nsteer_counters c = { 0 };
	const struct nsteer_port_mld mld = p->slot < NSTEER_SLOTS ? mld_by_slot[p->slot]
								    : (struct nsteer_port_mld){ 0 };
	char mac[MAC_STR_LEN];

	nsteer_counters_get(dev, p->slot, &c);
	if (s->j) {
		json_object_begin(s->j);
		json_port(s->j, p);
		json_counters(s->j, &c);
		json_kv_bool(s->j, "mld_snooped", mld.snooped);
		if (mld.snooped)
			json_kv_u64(s->j, "mld_groups", mld.groups);
		json_object_end(s->j);
		return 0;
	}
	printf("  port %s: %s", p->netns, mac_format(p->mac, mac));
	if (p->vlan)
		printf(" vlan %u", p->vlan);
	printf(", %s (ifindex %u in the namespace) <-> %s (ifindex %u)\n", p->ifname,
	       p->peer_ifindex, p->host_ifname, p->ifindex);
	printf("    rx %llu packets %llu bytes, tx %llu packets %llu bytes\n",
	       (unsigned long long)c.rx_packets, (unsigned long long)c.rx_bytes,
	       (unsigned long long)c.tx_packets, (unsigned long long)c.tx_bytes);
	if (c.drop_malformed || c.drop_unknown_dst || c.drop_spoofed_src ||
	    c.drop_port_to_port || c.drop_vlan) {
		printf("  ");
		print_drops(&c);
	}
	if (mld.snooped)
		printf("    ipv6 multicast: the %u group%s it reported (MLD snooping)\n", mld.groups,
		       mld.groups == 1 ? "" : "s");
	else
		printf("    ipv6 multicast: every group (its listening is not known)\n");
	return 0;
}

/* ---- what nsteer holds on the uplink's NIC ---- */

struct nic_items {
	struct nic_survey_item *v;
	size_t n, cap;
};

static int nic_collect(const struct nic_survey_item *item, void *ctx)
{
	struct nic_items *l = ctx;

	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 16;
		void *v = realloc(l->v, cap * sizeof(*l->v));

		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = *item;
	return 0;
}

static int nic_items_get(const char *dev, struct nic_items *l)
{
	struct port_table *t = malloc(sizeof(*t));
	struct uplink u;
	int err = t ? uplink_open(dev, &u, true) : -ENOMEM;

	if (!err) {
		err = uplink_ports(&u, t);
		if (!err)
			err = nic_survey(&u, t, nic_collect, l);
		uplink_close(&u);
	}
	free(t);
	return err;
}

static const char *hold_kind_name(__u32 kind)
{
	return kind == NSTEER_NIC_UNICAST ? "unicast" : kind == NSTEER_NIC_VLAN ? "vlan" : "allmulticast";
}

static void json_nic(struct json *j, const struct nic_items *l)
{
	char mac[MAC_STR_LEN];

	json_key(j, "nic_holds");
	json_array_begin(j);
	for (size_t i = 0; i < l->n; i++) {
		const struct nic_survey_item *it = &l->v[i];

		json_object_begin(j);
		json_kv_string(j, "kind", hold_kind_name(it->hold.kind));
		if (it->hold.kind == NSTEER_NIC_UNICAST)
			json_kv_string(j, "mac", mac_format(it->hold.mac, mac));
		if (it->hold.kind == NSTEER_NIC_VLAN)
			json_kv_u64(j, "vlan", it->hold.vlan);
		json_kv_bool(j, "wanted", it->wanted);
		json_kv_bool(j, "present", it->present);
		json_kv_bool(j, "added_by_nsteer", it->recorded && it->state.ours);
		json_object_end(j);
	}
	json_array_end(j);
}

static void print_nic(const char *dev, int ifindex, const struct nic_items *l)
{
	unsigned int macs = 0, theirs = 0;
	bool allmulti = false, allmulti_ours = false, first = true;
	char name[IF_NAMESIZE];

	for (size_t i = 0; i < l->n; i++) {
		const struct nic_survey_item *it = &l->v[i];

		if (it->hold.kind == NSTEER_NIC_UNICAST && it->present) {
			macs++;
			theirs += it->recorded && !it->state.ours;
		} else if (it->hold.kind == NSTEER_NIC_ALLMULTI) {
			allmulti = it->present;
			allmulti_ours = it->recorded && it->state.ours;
		}
	}
	printf("  nic %s: %u port MAC%s in the unicast list", dev, macs, macs == 1 ? "" : "s");
	if (theirs)
		printf(" (%u of them there before nsteer)", theirs);
	printf(", allmulticast %s", !allmulti ? "off" : allmulti_ours ? "on (nsteer's)" : "on (not nsteer's)");
	for (size_t i = 0; i < l->n; i++) {
		const struct nic_survey_item *it = &l->v[i];

		if (it->hold.kind != NSTEER_NIC_VLAN || !it->present)
			continue;
		nic_vlan_dev_name(ifindex, it->hold.vlan, name);
		printf("%s%u", first ? ", VLAN filter: " : " ", it->hold.vlan);
		if (it->recorded && it->state.ours)
			printf(" (%s)", name);
		first = false;
	}
	printf("\n");
}

/* The MAC or the VLAN ID a holding is about, as text. */
static const char *hold_subject(const struct nsteer_nic_hold *h, char buf[MAC_STR_LEN])
{
	if (h->kind == NSTEER_NIC_UNICAST)
		return mac_format(h->mac, buf);
	snprintf(buf, MAC_STR_LEN, "%u", h->vlan);
	return buf;
}

static void nic_problems(struct status_ctx *s, const char *dev, const struct nic_items *l,
			 const char *attach_cmd)
{
	char what[256], subject[MAC_STR_LEN];

	for (size_t i = 0; i < l->n; i++) {
		const struct nic_survey_item *it = &l->v[i];
		const char *kind = it->hold.kind == NSTEER_NIC_UNICAST ? "the unicast address list"
				   : "the VLAN filter";

		if (it->wanted == it->present || (!it->wanted && !(it->recorded && it->state.ours)))
			continue;
		if (it->hold.kind == NSTEER_NIC_ALLMULTI)
			snprintf(what, sizeof(what), "%s: allmulticast is off, so the NIC may drop "
				 "multicast for the ports (IPv6 neighbour discovery)", dev);
		else if (it->wanted)
			snprintf(what, sizeof(what), "%s: %s %s is missing from %s, so the NIC may drop "
				 "the port's frames", dev,
				 it->hold.kind == NSTEER_NIC_UNICAST ? "port MAC" : "port VLAN",
				 hold_subject(&it->hold, subject), kind);
		else
			snprintf(what, sizeof(what), "%s: nsteer still holds %s %s in %s, which no port "
				 "needs", dev, it->hold.kind == NSTEER_NIC_UNICAST ? "MAC" : "VLAN",
				 hold_subject(&it->hold, subject), kind);
		problem(s, what, attach_cmd);
	}
}

static int status_uplink(const char *dev, void *arg)
{
	struct status_ctx *s = arg;
	struct nsteer_config cfg;
	struct nsteer_counters c = { 0 };
	struct xdp_found xdp = { 0 };
	char name[IF_NAMESIZE], what[256], repair[256], why[160];
	struct nic_items nic = { 0 };
	__u32 tc_id = 0;
	bool dev_ok, has_xdp, has_tc;
	int err = nsteer_config_get(dev, &cfg);

	if (err) {
		snprintf(what, sizeof(what), "%s: pins without a complete attach", dev);
		snprintf(repair, sizeof(repair), "nsteer attach %s (or nsteer detach %s)", dev, dev);
		if (s->j) {
			json_object_begin(s->j);
			json_kv_string(s->j, "uplink", dev);
			json_key(s->j, "problems");
			json_array_begin(s->j);
			problem(s, what, repair);
			json_array_end(s->j);
			json_object_end(s->j);
		} else {
			printf("%s: not attached\n", dev);
			problem(s, what, repair);
		}
		return 0;
	}
	dev_ok = if_indextoname(cfg.uplink_ifindex, name) && !strcmp(name, dev);
	has_xdp = dev_ok && xdp_find_ours(cfg.uplink_ifindex, &xdp) == 0;
	has_tc = dev_ok && tc_ingress_prog_id(cfg.uplink_ifindex, &tc_id) == 0;
	nsteer_counters_get(dev, NSTEER_SLOT_UPLINK, &c);
	nsteer_mld_get(dev, mld_by_slot);
	xdp_mode_reason(dev, &cfg, why, sizeof(why));
	if (dev_ok)
		nic_items_get(dev, &nic);
	if (s->j) {
		json_object_begin(s->j);
		json_kv_string(s->j, "uplink", dev);
		json_kv_u64(s->j, "ifindex", cfg.uplink_ifindex);
		json_kv_string(s->j, "mode", mode_name(cfg.mode));
		json_kv_string(s->j, "unknown", unknown_name(cfg.unknown));
		json_kv_string(s->j, "xdp_mode", xdp_mode_name(cfg.xdp_mode));
		json_kv_string(s->j, "xdp_mode_reason", why);
		json_kv_bool(s->j, "xdp_defers_to_tc", cfg.flags & NSTEER_CFG_RX_VLAN_STRIPPED);
		json_key(s->j, "xdp_prog_id");
		has_xdp ? json_u64(s->j, xdp.prog_id) : json_null(s->j);
		json_kv_bool(s->j, "xdp_dispatcher", xdp.dispatcher);
		json_key(s->j, "tc_prog_id");
		has_tc ? json_u64(s->j, tc_id) : json_null(s->j);
		json_counters(s->j, &c);
		json_nic(s->j, &nic);
		json_key(s->j, "ports");
		json_array_begin(s->j);
		nsteer_for_each_port(dev, status_port, s);
		json_array_end(s->j);
		json_key(s->j, "problems");
		json_array_begin(s->j);
	} else {
		printf("%s (ifindex %u): mode %s, unknown %s, xdp %s", dev, cfg.uplink_ifindex,
		       mode_name(cfg.mode), unknown_name(cfg.unknown), xdp_mode_name(cfg.xdp_mode));
		if (has_xdp)
			printf(" (prog id %u%s)", xdp.prog_id,
			       xdp.dispatcher ? ", behind libxdp's dispatcher" : "");
		if (has_tc)
			printf(", tc prog id %u", tc_id);
		printf("\n  xdp %s: %s%s\n", xdp_mode_name(cfg.xdp_mode), why,
		       cfg.flags & NSTEER_CFG_RX_VLAN_STRIPPED
			       ? "; the NIC strips VLAN tags, so XDP hands every frame to tc" : "");
		if (dev_ok)
			print_nic(dev, cfg.uplink_ifindex, &nic);
		printf("  to the uplink's stack: %llu packets %llu bytes; to the wire: %llu packets "
		       "%llu bytes\n", (unsigned long long)c.rx_packets,
		       (unsigned long long)c.rx_bytes, (unsigned long long)c.tx_packets,
		       (unsigned long long)c.tx_bytes);
		print_drops(&c);
		nsteer_for_each_port(dev, status_port, s);
	}
	snprintf(repair, sizeof(repair), "nsteer attach %s --mode %s --xdp-mode %s --unknown %s%s",
		 dev, mode_name(cfg.mode),
		 xdp_mode_name(cfg.flags & NSTEER_CFG_XDP_AUTO ? NSTEER_XDP_AUTO : cfg.xdp_mode),
		 unknown_name(cfg.unknown), cfg.flags & NSTEER_CFG_HOST_ACCESS ? " --host-access" : "");
	if (!dev_ok) {
		snprintf(what, sizeof(what), "%s: the device (ifindex %u) is gone", dev,
			 cfg.uplink_ifindex);
		snprintf(repair, sizeof(repair), "nsteer detach %s --ports", dev);
		problem(s, what, repair);
	} else {
		if (cfg.xdp_mode != NSTEER_XDP_OFF && !has_xdp) {
			snprintf(what, sizeof(what), "%s: the XDP program is not attached", dev);
			problem(s, what, repair);
		}
		if (!has_tc) {
			snprintf(what, sizeof(what), "%s: the tc program is not attached", dev);
			problem(s, what, repair);
		}
		nsteer_for_each_port(dev, check_port, s);
		nic_problems(s, dev, &nic, repair);
		if (cfg.xdp_mode != NSTEER_XDP_OFF &&
		    rx_vlan_stripped(dev) != !!(cfg.flags & NSTEER_CFG_RX_VLAN_STRIPPED)) {
			bool was = cfg.flags & NSTEER_CFG_RX_VLAN_STRIPPED;

			snprintf(what, sizeof(what), "%s: VLAN tag stripping on receive (ethtool "
				 "rxvlan) is %s now but was %s at attach: XDP %s", dev,
				 was ? "off" : "on", was ? "on" : "off",
				 cfg.flags & NSTEER_CFG_RX_VLAN_STRIPPED
					 ? "hands every frame to tc needlessly"
					 : "cannot see the tags and may deliver across VLANs");
			problem(s, what, repair);
		}
	}
	free(nic.v);
	for (int i = 0; i < s->n_orphans; i++) {
		snprintf(what, sizeof(what), "veth %s belongs to no port: left by an interrupted "
			 "port add", s->orphans[i]);
		snprintf(repair, sizeof(repair), "nsteer port add %s NETNS ... (re-run the interrupted "
			 "command: it removes %s first), or: ip link del %s", dev, s->orphans[i],
			 s->orphans[i]);
		problem(s, what, repair);
	}
	if (s->j) {
		json_array_end(s->j);
		json_object_end(s->j);
	}
	return 0;
}

int show_status(const char *dev, bool json)
{
	static struct status_ctx s;
	struct json j;
	int err;

	memset(&s, 0, sizeof(s));
	s.j = json ? &j : NULL;
	s.dev = dev;
	if (dev && !pin_dir_exists(dev)) {
		pr_warn("%s is not attached\n", dev);
		return -ENOENT;
	}
	/* Under the lock, a veth that a running port add has not registered yet is not an orphan. */
	if (nsteer_lock() == 0) {
		find_orphans(&s);
		nsteer_unlock();
	}
	if (json) {
		json_init(&j, stdout);
		json_array_begin(&j);
	}
	err = each_dev(dev, status_uplink, &s);
	if (json)
		json_array_end(&j);
	return err ? err : s.problems ? 1 : 0;
}

/* ---- stats ---- */

struct sample {
	char dev[IF_NAMESIZE];
	char name[NSTEER_NETNS_LEN];
	__u32 slot;
	struct nsteer_counters c;
};

struct sample_set {
	struct sample *v;
	size_t n, cap;
};

static int sample_add(struct sample_set *s, const char *dev, const char *name, __u32 slot)
{
	struct sample *x;

	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 16;

		x = realloc(s->v, cap * sizeof(*x));
		if (!x)
			return -ENOMEM;
		s->v = x;
		s->cap = cap;
	}
	x = &s->v[s->n++];
	memset(x, 0, sizeof(*x));
	snprintf(x->dev, sizeof(x->dev), "%s", dev);
	snprintf(x->name, sizeof(x->name), "%s", name);
	x->slot = slot;
	return nsteer_counters_get(dev, slot, &x->c);
}

static int sample_port(const char *dev, const struct nsteer_port *p, void *arg)
{
	return sample_add(arg, dev, p->netns, p->slot);
}

static int sample_uplink(const char *dev, void *arg)
{
	struct nsteer_config cfg;
	int err = nsteer_config_get(dev, &cfg);

	if (!err)
		err = sample_add(arg, dev, "(uplink)", NSTEER_SLOT_UPLINK);
	return err ? err : nsteer_for_each_port(dev, sample_port, arg);
}

static double rate(__u64 now, __u64 then, double seconds)
{
	return now >= then ? (now - then) / seconds : 0;
}

static void print_stats(const struct sample_set *now, const struct sample_set *then,
			double seconds, struct json *j)
{
	if (j)
		json_array_begin(j);
	else
		printf("%-15s %-20s %14s %14s %14s %14s %s\n", "UPLINK", "PORT",
		       then ? "RX-PPS" : "RX-PACKETS", then ? "RX-BPS" : "RX-BYTES",
		       then ? "TX-PPS" : "TX-PACKETS", then ? "TX-BPS" : "TX-BYTES", "DROPS");
	for (size_t i = 0; i < now->n; i++) {
		const struct nsteer_counters *c = &now->v[i].c, *o = NULL;

		for (size_t k = 0; then && k < then->n; k++)
			if (then->v[k].slot == now->v[i].slot &&
			    !strcmp(then->v[k].dev, now->v[i].dev))
				o = &then->v[k].c;
		if (j) {
			json_object_begin(j);
			json_kv_string(j, "uplink", now->v[i].dev);
			json_kv_string(j, "port", now->v[i].name);
			json_kv_u64(j, "slot", now->v[i].slot);
			json_counters(j, c);
			if (o) {
				json_key(j, "rates");
				json_object_begin(j);
				json_kv_u64(j, "rx_pps", rate(c->rx_packets, o->rx_packets, seconds));
				json_kv_u64(j, "rx_bps", 8 * rate(c->rx_bytes, o->rx_bytes, seconds));
				json_kv_u64(j, "tx_pps", rate(c->tx_packets, o->tx_packets, seconds));
				json_kv_u64(j, "tx_bps", 8 * rate(c->tx_bytes, o->tx_bytes, seconds));
				json_object_end(j);
			}
			json_object_end(j);
			continue;
		}
		if (o)
			printf("%-15s %-20s %14.0f %14.0f %14.0f %14.0f", now->v[i].dev, now->v[i].name,
			       rate(c->rx_packets, o->rx_packets, seconds),
			       8 * rate(c->rx_bytes, o->rx_bytes, seconds),
			       rate(c->tx_packets, o->tx_packets, seconds),
			       8 * rate(c->tx_bytes, o->tx_bytes, seconds));
		else
			printf("%-15s %-20s %14llu %14llu %14llu %14llu", now->v[i].dev, now->v[i].name,
			       (unsigned long long)c->rx_packets, (unsigned long long)c->rx_bytes,
			       (unsigned long long)c->tx_packets, (unsigned long long)c->tx_bytes);
		printf(" ");
#define X(name, field)                                                                     \
	if (c->field)                                                                      \
		printf(" %s=%llu", #name, (unsigned long long)c->field);
		DROP_FIELDS(X)
#undef X
		putchar('\n');
	}
	if (j)
		json_array_end(j);
	fflush(stdout);
}

static int sample_all(const char *dev, struct sample_set *s)
{
	s->n = 0;
	return each_dev(dev, sample_uplink, s);
}

int show_stats(const char *dev, bool json, unsigned int interval, unsigned int count)
{
	struct sample_set a = { 0 }, b = { 0 }, tmp;
	struct timespec pause = { .tv_sec = interval };
	struct json j;
	int err;

	json_init(&j, stdout);
	err = sample_all(dev, &a);
	if (!err && !interval)
		print_stats(&a, NULL, 0, json ? &j : NULL);
	for (unsigned int i = 0; !err && interval && (!count || i < count); i++) {
		nanosleep(&pause, NULL);
		err = sample_all(dev, &b);
		if (!err)
			print_stats(&b, &a, interval, json ? &j : NULL);
		tmp = a;
		a = b;
		b = tmp;
	}
	free(a.v);
	free(b.v);
	return err;
}
