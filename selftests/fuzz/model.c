// SPDX-License-Identifier: GPL-2.0
/* SPEC §3, as a function from a case to what must happen. Readings where the spec is silent:
 * - An 802.1Q or 802.1ad tag is a VLAN tag; a tagged frame too short for the tag and the
 *   ethertype after it (18 bytes) is malformed. VID 0 (a priority tag) means untagged.
 * - IPv6 multicast is a frame to 33:33:xx:xx:xx:xx whose payload (after its tags) is IPv6 to a
 *   multicast group of link scope or wider; ff02::1 goes to everyone. A port listens to a group
 *   when its snooped listening says so, or when its listening is not known (made before snooping,
 *   or a router, or after a report that could not be read whole).
 * - The host-access port (untagged, the uplink's own namespace) reaches and is reached by every
 *   port on its VLAN whatever the mode, floods included.
 * - A frame from the wire whose source is a port's (MAC, VLAN) is that port's own, reflected:
 *   floods skip it, as they skip the sender of a port's frame.
 * - A frame with two faults (tagged and spoofed) may be counted under either reason.
 * - A QinQ frame whose inner tag is cut short is malformed where nsteer must take its outer tag
 *   off (for a port, or a flood); one for an unknown MAC is the stack's to judge.
 * - Counters: a frame a port sent counts as sent (tx) once its VLAN and source are checked; a
 *   frame dropped after that (private mode) counts as sent and dropped. */
#include <string.h>

#include "model.h"

#define ETH_HLEN 14
#define VLAN_HLEN 4
#define IPV6_HLEN 40

static const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 0x01 };

bool fuzz_is_vlan_tpid(const uint8_t *p)
{
	return (p[0] == 0x81 && p[1] == 0x00) || (p[0] == 0x88 && p[1] == 0xa8);
}

static bool is_group_mac(const uint8_t *mac)
{
	return mac[0] & 1;
}

static const struct fuzz_port *port_at(const struct fuzz_case *c, int k)
{
	return k >= 0 && k < FUZZ_PORTS && c->ports[k].present ? &c->ports[k] : NULL;
}

static int port_owning(const struct fuzz_case *c, const uint8_t *mac, uint16_t vlan)
{
	for (int k = 0; k < FUZZ_PORTS; k++)
		if (c->ports[k].present && c->ports[k].vlan == vlan &&
		    !memcmp(c->ports[k].mac, mac, 6))
			return k;
	return -1;
}

/* The IPv6 multicast group a frame goes to, when it is one only listeners get. */
static bool filtered_group(const struct fuzz_case *c, uint8_t group[16])
{
	const uint8_t *f = c->frame;
	size_t off = 12;

	if (f[0] != 0x33 || f[1] != 0x33)
		return false;
	for (int tags = 0; tags < 2 && off + 2 <= c->len && fuzz_is_vlan_tpid(f + off); tags++)
		off += VLAN_HLEN;
	if (off + 2 > c->len || f[off] != 0x86 || f[off + 1] != 0xdd)
		return false;
	off += 2;
	if (off + 40 > c->len)
		return false;
	memcpy(group, f + off + 24, 16);
	if (group[0] != 0xff || (group[1] & 0x0f) < 2) /* scopes 0 and 1 never leave a node */
		return false;
	return memcmp(group, all_nodes, 16) != 0;
}

static bool listens(const struct fuzz_port *p, const uint8_t group[16])
{
	if (!p->snooped)
		return true;
	for (int g = 0; g < 6; g++)
		if ((p->groups & (1u << g)) && !memcmp(fuzz_group(g), group, 16))
			return true;
	return false;
}

/* The ports on vlan that get a copy of a flood (sender excluded); host_only: host-access only;
 * filter: only the listeners of an IPv6 multicast frame's group. */
static uint32_t flood(const struct fuzz_case *c, uint16_t vlan, int sender, bool host_only,
		      bool filter)
{
	uint8_t group[16];
	bool by_group = filter && filtered_group(c, group);
	uint32_t copies = 0;

	for (int k = 0; k < FUZZ_PORTS; k++) {
		const struct fuzz_port *p = port_at(c, k);

		if (!p || k == sender || p->vlan != vlan || (host_only && !p->host))
			continue;
		if (by_group && !listens(p, group))
			continue;
		copies |= 1u << k;
	}
	return copies;
}

static void drop(struct fuzz_expect *e, int at, uint32_t reasons)
{
	e->fate = FATE_DROP;
	e->drop_at = at;
	e->reasons = reasons;
}

/* A frame whose VLAN tag must come off for the ports (one to a port, or a flood) but whose next
 * tag, QinQ's inner one, is cut before its ethertype: no port could untag it, it is malformed. */
static bool inner_tag_cut(struct fuzz_expect *e)
{
	if (!e->tagged || e->prio_tag || !fuzz_is_vlan_tpid(e->out + 12) || e->out_len >= 18)
		return false;
	e->copies = e->copies_alt = 0;
	return true;
}

static void from_wire(const struct fuzz_case *c, struct fuzz_expect *e)
{
	const uint8_t *f = c->frame;
	size_t tag = 0;
	int owner;

	e->xdp_may_decide = !c->vlan_stripped;
	if (!c->configured) {
		/* Before attach has written the configuration, nothing is steered. */
		e->fate = FATE_STACK;
		e->xdp_may_decide = false;
		return;
	}
	if (e->tagged) {
		if (c->len < ETH_HLEN + VLAN_HLEN) {
			drop(e, FUZZ_SENDER_WIRE, 1u << NSTEER_DROP_MALFORMED);
			return;
		}
		e->vlan = (f[14] << 8 | f[15]) & 0x0fff;
		e->prio_tag = e->vlan == NSTEER_VLAN_NONE;
		tag = VLAN_HLEN;
	}
	/* What a port receives: the frame without the tag that put it on its VLAN. */
	memcpy(e->out, f, 12);
	memcpy(e->out + 12, f + 12 + tag, c->len - 12 - tag);
	e->out_len = c->len - tag;
	e->copy_bytes = e->out_len;

	if (is_group_mac(f)) {
		e->fate = FATE_STACK;
		e->xdp_may_decide = false;
		e->copies = flood(c, e->vlan, port_owning(c, f + 6, e->vlan), false, true);
		e->copies_alt = e->prio_tag ? flood(c, e->vlan, port_owning(c, f + 6, e->vlan),
						    false, false)
					    : e->copies;
		if (inner_tag_cut(e))
			drop(e, FUZZ_SENDER_WIRE, 1u << NSTEER_DROP_MALFORMED);
		return;
	}
	owner = port_owning(c, f, e->vlan);
	if (owner >= 0 && inner_tag_cut(e)) {
		drop(e, FUZZ_SENDER_WIRE, 1u << NSTEER_DROP_MALFORMED);
	} else if (owner >= 0) {
		e->fate = FATE_PORT;
		e->port = owner;
	} else if (c->unknown == NSTEER_UNKNOWN_DROP) {
		drop(e, FUZZ_SENDER_WIRE, 1u << NSTEER_DROP_UNKNOWN_DST);
	} else {
		e->fate = FATE_STACK;
		e->xdp_may_decide = false;
	}
}

/* ---- MLD (RFC 2710, RFC 3810), as seen in a frame a port sends ---- */

static bool is_router_group(const uint8_t g[16])
{
	static const uint8_t zero[13];

	/* ff02::2, ff05::2 (all routers), ff02::16 (all MLDv2 routers): a port that joins them
	 * routes, and a router gets every group. */
	if (memcmp(g + 2, zero, 13))
		return false;
	return ((g[1] == 0x02 || g[1] == 0x05) && g[15] == 0x02) || (g[1] == 0x02 && g[15] == 0x16);
}

static void mld_change(struct fuzz_expect *e, const uint8_t *group, bool joined)
{
	if (group[0] != 0xff) /* not a group: there is nothing to listen to */
		return;
	if (joined && is_router_group(group)) {
		e->mld_unknown = true;
		return;
	}
	for (int i = 0; i < e->mld_n; i++)
		if (!memcmp(e->mld_changes[i].group, group, 16)) {
			e->mld_changes[i].joined = joined;
			return;
		}
	if (e->mld_n == FUZZ_MLD_MAX) {
		e->mld_overflow = true;
		return;
	}
	memcpy(e->mld_changes[e->mld_n].group, group, 16);
	e->mld_changes[e->mld_n++].joined = joined;
}

/* MLDv2 report records from off: type, aux length (words), sources, group, sources, aux. */
static void mld2_records(const struct fuzz_case *c, struct fuzz_expect *e, size_t off,
			 unsigned int records)
{
	const uint8_t *f = c->frame;

	for (unsigned int i = 0; i < records; i++) {
		unsigned int type, sources;
		bool joined;

		if (off + 20 > c->len) {
			e->mld_unknown = true; /* more records claimed than carried */
			return;
		}
		type = f[off];
		sources = f[off + 2] << 8 | f[off + 3];
		switch (type) {
		case 1: /* MODE_IS_INCLUDE */
		case 3: /* CHANGE_TO_INCLUDE: listening to the sources named, none: left */
			joined = sources > 0;
			break;
		case 2: /* MODE_IS_EXCLUDE */
		case 4: /* CHANGE_TO_EXCLUDE */
		case 5: /* ALLOW_NEW_SOURCES */
		case 6: /* BLOCK_OLD_SOURCES: still listening to whatever else it allowed */
			joined = true;
			break;
		default:
			e->mld_unknown = true;
			return;
		}
		mld_change(e, f + off + 4, joined);
		off += 20 + (size_t)sources * 16 + (size_t)f[off + 1] * 4;
	}
}

static void mld(const struct fuzz_case *c, struct fuzz_expect *e)
{
	const uint8_t *f = c->frame;
	size_t off = ETH_HLEN + IPV6_HLEN;
	uint8_t next;

	if (!is_group_mac(f) || f[12] != 0x86 || f[13] != 0xdd || c->len < off)
		return;
	next = f[ETH_HLEN + 6];
	if (next == 0) { /* hop-by-hop options, where MLD's router alert sits */
		if (off + 2 > c->len)
			return;
		next = f[off];
		off += ((size_t)f[off + 1] + 1) * 8;
	}
	if (next != 58 || off + 1 > c->len)
		return;
	e->mld = true;
	switch (f[off]) {
	case 130: /* a query: the port is a querier, a router */
		e->mld_unknown = true;
		break;
	case 131: /* MLDv1 report */
	case 132: /* MLDv1 done */
		if (off + 24 > c->len)
			e->mld_unknown = true;
		else
			mld_change(e, f + off + 8, f[off] == 131);
		break;
	case 143: /* MLDv2 report */
		if (off + 8 > c->len)
			e->mld_unknown = true;
		else
			mld2_records(c, e, off + 8, f[off + 6] << 8 | f[off + 7]);
		break;
	default:
		e->mld = false;
	}
}

static void from_port(const struct fuzz_case *c, struct fuzz_expect *e)
{
	const struct fuzz_port *p = port_at(c, c->sender), *q;
	const uint8_t *f = c->frame;
	bool spoofed;
	int to;

	e->drop_at = c->sender;
	if (!c->configured || !p) {
		drop(e, c->sender, 0); /* no uplink, or not a port: its frames belong nowhere */
		return;
	}
	spoofed = memcmp(f + 6, p->mac, 6) != 0;
	/* A port's VLAN is nsteer's to add: a tag from the port could hop VLANs. */
	if (e->tagged) {
		drop(e, c->sender,
		     1u << NSTEER_DROP_VLAN | (spoofed ? 1u << NSTEER_DROP_SPOOFED_SRC : 0));
		return;
	}
	if (spoofed) {
		drop(e, c->sender, 1u << NSTEER_DROP_SPOOFED_SRC);
		return;
	}
	e->sender_tx = true;
	e->vlan = p->vlan;
	memcpy(e->out, f, c->len);
	e->out_len = c->len;
	e->copy_bytes = c->len;
	e->tag_to_wire = p->vlan != NSTEER_VLAN_NONE;

	if (is_group_mac(f)) {
		e->fate = FATE_WIRE;
		e->copies = flood(c, p->vlan, c->sender,
				  !(c->mode == NSTEER_MODE_BRIDGE || p->host), true);
		e->copies_alt = e->copies;
		mld(c, e);
		return;
	}
	to = port_owning(c, f, p->vlan);
	q = port_at(c, to);
	if (!q || to == c->sender) {
		e->fate = FATE_WIRE;
		return;
	}
	if (p->host || q->host || c->mode == NSTEER_MODE_BRIDGE) {
		e->fate = FATE_PORT;
		e->port = to;
	} else if (c->mode == NSTEER_MODE_PRIVATE) {
		drop(e, c->sender, 1u << NSTEER_DROP_PORT_TO_PORT);
	} else {
		e->fate = FATE_WIRE; /* vepa: the external switch sends it back */
	}
}

void fuzz_model(const struct fuzz_case *c, struct fuzz_expect *e)
{
	memset(e, 0, offsetof(struct fuzz_expect, mld_changes));
	e->port = -1;
	e->tagged = c->len >= 14 && fuzz_is_vlan_tpid(c->frame + 12);
	if (c->sender == FUZZ_SENDER_WIRE)
		from_wire(c, e);
	else
		from_port(c, e);
}
