// SPDX-License-Identifier: GPL-2.0
/* Text and JSON renderings of what the library gathers. */
#include <errno.h>
#include <stddef.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "json.h"
#include "nsteer.h"
#include "render.h"

static int each_dev(const char *dev, nsteer_uplink_cb cb, void *ctx)
{
	return dev ? cb(dev, ctx) : nsteer_for_each_uplink(cb, ctx);
}

static void json_port(struct json *j, const struct nsteer_port *p)
{
	char mac[NSTEER_MAC_STR_LEN];

	json_kv_string(j, "netns", p->netns);
	json_kv_string(j, "mac", nsteer_mac_format(p->mac, mac));
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
	for (const struct nsteer_name *d = nsteer_drop_names; d->name; d++)
		json_kv_u64(j, d->name, c->drops[d->value]);
	json_object_end(j);
	json_object_end(j);
}

/* The drops that happened, "malformed 3, vlan 1" (sep ", ", eq " ") after first; whether any. */
static bool print_drops(const struct nsteer_counters *c, const char *first, const char *sep,
			const char *eq)
{
	bool any = false;

	for (const struct nsteer_name *d = nsteer_drop_names; d->name; d++) {
		if (!c->drops[d->value])
			continue;
		printf("%s%s%s%llu", any ? sep : first, d->name, eq,
		       (unsigned long long)c->drops[d->value]);
		any = true;
	}
	return any;
}

/* ---- port list ---- */

struct list_ctx {
	struct json *j;
	bool header_done;
};

static int list_port(const char *dev, const struct nsteer_port *p, void *arg)
{
	struct list_ctx *l = arg;
	char mac[NSTEER_MAC_STR_LEN], vlan[8] = "-";

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
	printf("%-15s %-20s %-17s %-4s %-15s %s\n", dev, p->netns, nsteer_mac_format(p->mac, mac),
	       vlan, p->ifname, p->host_ifname);
	return 0;
}

static int list_uplink(const char *dev, void *arg)
{
	return nsteer_for_each_port(dev, list_port, arg);
}

int render_port_list(const char *dev, bool json)
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

static void json_nic(struct json *j, const struct nsteer_uplink_status *st)
{
	char mac[NSTEER_MAC_STR_LEN];

	json_key(j, "nic_holds");
	json_array_begin(j);
	for (unsigned int i = 0; i < st->n_nic_holds; i++) {
		const struct nsteer_nic_hold_status *h = &st->nic_holds[i];

		json_object_begin(j);
		json_kv_string(j, "kind", nsteer_name_of(nsteer_nic_hold_names, h->hold.kind));
		if (h->hold.kind == NSTEER_NIC_UNICAST)
			json_kv_string(j, "mac", nsteer_mac_format(h->hold.mac, mac));
		if (h->hold.kind == NSTEER_NIC_VLAN)
			json_kv_u64(j, "vlan", h->hold.vlan);
		json_kv_bool(j, "wanted", h->wanted);
		json_kv_bool(j, "present", h->present);
		json_kv_bool(j, "added_by_nsteer", h->ours);
		json_object_end(j);
	}
	json_array_end(j);
}

static void json_problems(struct json *j, const struct nsteer_uplink_status *st)
{
	json_key(j, "problems");
	json_array_begin(j);
	for (unsigned int i = 0; i < st->n_problems; i++) {
		json_object_begin(j);
		json_kv_string(j, "problem", st->problems[i].what);
		json_kv_string(j, "repair", st->problems[i].repair);
		json_object_end(j);
	}
	json_array_end(j);
}

static void json_status(struct json *j, const struct nsteer_uplink_status *st)
{
	const struct nsteer_config *cfg = &st->cfg;

	json_object_begin(j);
	json_kv_string(j, "uplink", st->dev);
	json_kv_string(j, "attached_as", st->attached_as);
	json_kv_string(j, "pin_dir", st->pin_dir);
	if (st->complete) {
		json_kv_bool(j, "device_present", st->dev_present);
		json_kv_u64(j, "ifindex", cfg->uplink_ifindex);
		json_kv_string(j, "mode", nsteer_name_of(nsteer_mode_names, cfg->mode));
		json_kv_string(j, "unknown", nsteer_name_of(nsteer_unknown_names, cfg->unknown));
		json_kv_string(j, "xdp_mode", nsteer_name_of(nsteer_xdp_mode_names, cfg->xdp_mode));
		json_kv_string(j, "xdp_mode_reason", st->xdp_mode_reason);
		json_kv_bool(j, "xdp_defers_to_tc", cfg->flags & NSTEER_CFG_RX_VLAN_STRIPPED);
		json_key(j, "xdp_prog_id");
		st->has_xdp ? json_u64(j, st->xdp_prog_id) : json_null(j);
		json_kv_bool(j, "xdp_dispatcher", st->xdp_dispatcher);
		json_kv_string(j, "tc_hook", nsteer_name_of(nsteer_tc_hook_names, st->tc_hook));
		json_key(j, "tc_prog_id");
		st->has_tc ? json_u64(j, st->tc_prog_id) : json_null(j);
		json_kv_bool(j, "programs_current", st->programs_current);
		json_counters(j, &st->counters);
		json_nic(j, st);
		json_key(j, "ports");
		json_array_begin(j);
		for (unsigned int i = 0; i < st->n_ports; i++) {
			const struct nsteer_port_status *ps = &st->ports[i];

			json_object_begin(j);
			json_port(j, &ps->port);
			json_counters(j, &ps->counters);
			json_kv_bool(j, "mld_snooped", ps->mld.snooped);
			if (ps->mld.snooped)
				json_kv_u64(j, "mld_groups", ps->mld.groups);
			json_object_end(j);
		}
		json_array_end(j);
	}
	json_problems(j, st);
	json_object_end(j);
}

static void print_nic(const struct nsteer_uplink_status *st)
{
	unsigned int macs = 0, theirs = 0;
	bool allmulti = false, allmulti_ours = false, first = true;

	for (unsigned int i = 0; i < st->n_nic_holds; i++) {
		const struct nsteer_nic_hold_status *h = &st->nic_holds[i];

		if (h->hold.kind == NSTEER_NIC_UNICAST && h->present) {
			macs++;
			theirs += !h->ours;
		} else if (h->hold.kind == NSTEER_NIC_ALLMULTI) {
			allmulti = h->present;
			allmulti_ours = h->ours;
		}
	}
	printf("  nic %s: %u port MAC%s in the unicast list", st->dev, macs, macs == 1 ? "" : "s");
	if (theirs)
		printf(" (%u of them there before nsteer)", theirs);
	printf(", allmulticast %s", !allmulti       ? "off"
				    : allmulti_ours ? "on (nsteer's)"
						    : "on (not nsteer's)");
	for (unsigned int i = 0; i < st->n_nic_holds; i++) {
		const struct nsteer_nic_hold_status *h = &st->nic_holds[i];

		if (h->hold.kind != NSTEER_NIC_VLAN || !h->present)
			continue;
		printf("%s%u", first ? ", VLAN filter: " : " ", h->hold.vlan);
		if (h->ours)
			printf(" (%s)", h->vlan_dev);
		first = false;
	}
	printf("\n");
}

static void print_port(const struct nsteer_port_status *ps)
{
	const struct nsteer_port *p = &ps->port;
	const struct nsteer_counters *c = &ps->counters;
	char mac[NSTEER_MAC_STR_LEN];

	printf("  port %s %s: %s", p->netns, p->ifname, nsteer_mac_format(p->mac, mac));
	if (p->vlan)
		printf(" vlan %u", p->vlan);
	printf(", %s (ifindex %u in the namespace) <-> %s (ifindex %u)\n", p->ifname,
	       p->peer_ifindex, p->host_ifname, p->ifindex);
	printf("    rx %llu packets %llu bytes, tx %llu packets %llu bytes\n",
	       (unsigned long long)c->rx_packets, (unsigned long long)c->rx_bytes,
	       (unsigned long long)c->tx_packets, (unsigned long long)c->tx_bytes);
	if (print_drops(c, "    drops: ", ", ", " "))
		putchar('\n');
	if (ps->mld.snooped)
		printf("    ipv6 multicast: the %u group%s it reported (MLD snooping)\n",
		       ps->mld.groups, ps->mld.groups == 1 ? "" : "s");
	else
		printf("    ipv6 multicast: every group (its listening is not known)\n");
}

static void print_status(const struct nsteer_uplink_status *st)
{
	const struct nsteer_config *cfg = &st->cfg;
	const char *xdp_mode = nsteer_name_of(nsteer_xdp_mode_names, cfg->xdp_mode);
	const struct nsteer_counters *c = &st->counters;

	if (!st->complete) {
		printf("%s: not attached\n", st->dev);
	} else {
		printf("%s (ifindex %u", st->dev, cfg->uplink_ifindex);
		if (strcmp(st->attached_as, st->dev))
			printf(", attached as %s", st->attached_as);
		printf("): mode %s, unknown %s, xdp %s",
		       nsteer_name_of(nsteer_mode_names, cfg->mode),
		       nsteer_name_of(nsteer_unknown_names, cfg->unknown), xdp_mode);
		if (st->has_xdp)
			printf(" (prog id %u%s)", st->xdp_prog_id,
			       st->xdp_dispatcher ? ", behind libxdp's dispatcher" : "");
		printf(", tc %s", nsteer_name_of(nsteer_tc_hook_names, st->tc_hook));
		if (st->has_tc)
			printf(" (prog id %u)", st->tc_prog_id);
		if (!st->programs_current)
			printf("\n  programs: another nsteer's build; nsteer attach %s (with its "
			       "options) replaces them with this one's",
			       st->dev);
		printf("\n  xdp %s: %s%s\n", xdp_mode, st->xdp_mode_reason,
		       cfg->flags & NSTEER_CFG_RX_VLAN_STRIPPED
			       ? "; the NIC strips VLAN tags, so XDP hands every frame to tc"
			       : "");
		printf("  pins: %s\n", st->pin_dir);
		if (st->dev_present)
			print_nic(st);
		printf("  to the uplink's stack: %llu packets %llu bytes; to the wire: %llu packets "
		       "%llu bytes\n",
		       (unsigned long long)c->rx_packets, (unsigned long long)c->rx_bytes,
		       (unsigned long long)c->tx_packets, (unsigned long long)c->tx_bytes);
		if (print_drops(c, "  drops: ", ", ", " "))
			putchar('\n');
		for (unsigned int i = 0; i < st->n_ports; i++)
			print_port(&st->ports[i]);
	}
	for (unsigned int i = 0; i < st->n_problems; i++)
		printf("  PROBLEM: %s\n    repair: %s\n", st->problems[i].what,
		       st->problems[i].repair);
}

/* Everything is gathered before anything is printed, so an error leaves no half a report. */
int render_status(const char *dev, bool json)
{
	struct nsteer_status_set set;
	unsigned int problems = 0;
	struct json j;
	int err = nsteer_status_gather(dev, &set);

	if (err == -ENOENT && dev) {
		nsteer_status_set_free(&set);
		nsteer_log(NSTEER_LOG_WARN, "%s is not attached\n", dev);
		return err;
	}
	if (json) {
		json_init(&j, stdout);
		json_array_begin(&j);
	}
	for (unsigned int i = 0; i < set.n; i++) {
		if (json)
			json_status(&j, &set.v[i]);
		else
			print_status(&set.v[i]);
		problems += set.v[i].n_problems;
	}
	if (json)
		json_array_end(&j);
	nsteer_status_set_free(&set);
	return err ? err : problems ? 1 : 0;
}

/* ---- stats ---- */

struct sample {
	char dev[IF_NAMESIZE];
	char name[NSTEER_NETNS_LEN];
	__u32 slot;
	struct nsteer_port port; /* zero for the uplink's own counters */
	struct nsteer_counters c;
};

struct sample_set {
	struct sample *v;
	size_t n, cap;
};

static int sample_add(struct sample_set *s, const char *dev, const char *name,
		      const struct nsteer_port *port, const struct nsteer_counters *c)
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
	x->slot = port ? port->slot : NSTEER_SLOT_UPLINK;
	if (port)
		x->port = *port;
	x->c = *c;
	return 0;
}

static double rate(__u64 now, __u64 then, double seconds)
{
	return now >= then ? (now - then) / seconds : 0;
}

static void print_stats(const struct sample_set *now, const struct sample_set *then, double seconds,
			struct json *j)
{
	if (j)
		json_array_begin(j);
	else
		printf("%-15s %-20s %-15s %14s %14s %14s %14s %s\n", "UPLINK", "PORT", "IFNAME",
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
			json_key(j, "ifname");
			if (now->v[i].slot == NSTEER_SLOT_UPLINK)
				json_null(j);
			else
				json_string(j, now->v[i].port.ifname);
			json_kv_u64(j, "slot", now->v[i].slot);
			json_counters(j, c);
			if (o) {
				json_key(j, "rates");
				json_object_begin(j);
				json_kv_u64(j, "rx_pps",
					    rate(c->rx_packets, o->rx_packets, seconds));
				json_kv_u64(j, "rx_bps",
					    8 * rate(c->rx_bytes, o->rx_bytes, seconds));
				json_kv_u64(j, "tx_pps",
					    rate(c->tx_packets, o->tx_packets, seconds));
				json_kv_u64(j, "tx_bps",
					    8 * rate(c->tx_bytes, o->tx_bytes, seconds));
				json_object_end(j);
			}
			json_object_end(j);
			continue;
		}
		printf("%-15s %-20s %-15s", now->v[i].dev, now->v[i].name,
		       now->v[i].slot == NSTEER_SLOT_UPLINK ? "-" : now->v[i].port.ifname);
		if (o)
			printf(" %14.0f %14.0f %14.0f %14.0f",
			       rate(c->rx_packets, o->rx_packets, seconds),
			       8 * rate(c->rx_bytes, o->rx_bytes, seconds),
			       rate(c->tx_packets, o->tx_packets, seconds),
			       8 * rate(c->tx_bytes, o->tx_bytes, seconds));
		else
			printf(" %14llu %14llu %14llu %14llu", (unsigned long long)c->rx_packets,
			       (unsigned long long)c->rx_bytes, (unsigned long long)c->tx_packets,
			       (unsigned long long)c->tx_bytes);
		print_drops(c, "  ", " ", "=");
		putchar('\n');
	}
	if (j)
		json_array_end(j);
	fflush(stdout);
}

/* A label value in the exposition format: backslash, double quote and newline escaped. */
static void prom_label(const char *name, const char *value, bool last)
{
	printf("%s=\"", name);
	for (const char *p = value; *p; p++) {
		if (*p == '\\' || *p == '"')
			putchar('\\');
		if (*p == '\n')
			fputs("\\n", stdout);
		else
			putchar(*p);
	}
	printf("\"%s", last ? "" : ",");
}

/* The uplink's own series has empty port labels, which Prometheus treats as absent. */
static void prom_labels(const struct sample *s)
{
	const struct nsteer_port *p = &s->port;
	bool is_port = s->slot != NSTEER_SLOT_UPLINK;
	char mac[NSTEER_MAC_STR_LEN] = "", vlan[8] = "";

	if (is_port) {
		nsteer_mac_format(p->mac, mac);
		if (p->vlan)
			snprintf(vlan, sizeof(vlan), "%u", p->vlan);
	}
	prom_label("uplink", s->dev, false);
	prom_label("port", is_port ? p->host_ifname : "", false);
	prom_label("namespace", is_port ? p->netns : "", false);
	prom_label("interface", is_port ? p->ifname : "", false);
	prom_label("mac", mac, false);
	prom_label("vlan", vlan, true);
}

struct prom_counter {
	const char *name, *help;
	size_t field; /* offsetof(struct nsteer_counters, ...) */
};

static const struct prom_counter prom_counters[] = {
	{ "nsteer_rx_packets_total",
	  "Frames nsteer delivered to the port (port=\"\": to the uplink's own stack).",
	  offsetof(struct nsteer_counters, rx_packets) },
	{ "nsteer_rx_bytes_total", "Bytes of those frames.",
	  offsetof(struct nsteer_counters, rx_bytes) },
	{ "nsteer_tx_packets_total",
	  "Frames the port sent that nsteer passed on (port=\"\": to the wire).",
	  offsetof(struct nsteer_counters, tx_packets) },
	{ "nsteer_tx_bytes_total", "Bytes of those frames.",
	  offsetof(struct nsteer_counters, tx_bytes) },
};

/* Each family's HELP and TYPE once, then its series: the format wants a family's lines together. */
static void print_prometheus(const struct sample_set *s)
{
	for (size_t k = 0; k < sizeof(prom_counters) / sizeof(prom_counters[0]); k++) {
		const struct prom_counter *pc = &prom_counters[k];

		printf("# HELP %s %s\n# TYPE %s counter\n", pc->name, pc->help, pc->name);
		for (size_t i = 0; i < s->n; i++) {
			printf("%s{", pc->name);
			prom_labels(&s->v[i]);
			printf("} %llu\n",
			       *(const unsigned long long *)((const char *)&s->v[i].c + pc->field));
		}
	}
	printf("# HELP nsteer_drops_total Frames nsteer dropped, by reason (see nsteer(8)).\n"
	       "# TYPE nsteer_drops_total counter\n");
	for (size_t i = 0; i < s->n; i++) {
		for (const struct nsteer_name *d = nsteer_drop_names; d->name; d++) {
			printf("nsteer_drops_total{");
			prom_labels(&s->v[i]);
			printf(",reason=\"%s\"} %llu\n", d->name,
			       (unsigned long long)s->v[i].c.drops[d->value]);
		}
	}
	fflush(stdout);
}

/* Every uplink's row, then its ports' in the order listings use. */
static int sample_all(const char *dev, struct sample_set *s)
{
	struct nsteer_status_set set;
	int err = nsteer_counters_gather(dev, &set);

	s->n = 0;
	for (unsigned int i = 0; !err && i < set.n; i++) {
		const struct nsteer_uplink_status *st = &set.v[i];

		err = sample_add(s, st->dev, "(uplink)", NULL, &st->counters);
		for (unsigned int k = 0; !err && k < st->n_ports; k++)
			err = sample_add(s, st->dev, st->ports[k].port.netns, &st->ports[k].port,
					 &st->ports[k].counters);
	}
	nsteer_status_set_free(&set);
	return err;
}

int render_stats(const char *dev, enum stats_format format, unsigned int interval,
		 unsigned int count)
{
	bool json = format == STATS_JSON;
	struct sample_set a = { 0 }, b = { 0 }, tmp;
	struct timespec pause = { .tv_sec = interval };
	struct json j;
	int err;

	json_init(&j, stdout);
	err = sample_all(dev, &a);
	if (!err && !interval && format == STATS_PROMETHEUS)
		print_prometheus(&a);
	else if (!err && !interval)
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
