// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <string.h>

#include "input.h"

#define CFG_UNCONFIGURED 0xe0

/* Groups frames go to: two site-scope ones, a solicited-node one, then the ones with rules of
 * their own (all nodes, all MLDv2 routers, interface-local, global scope, all routers). */
static const uint8_t groups[FUZZ_GROUPS][16] = {
	{ 0xff, 0x05, [14] = 0x12, [15] = 0x01 },
	{ 0xff, 0x05, [14] = 0x12, [15] = 0x02 },
	{ 0xff, 0x02, [11] = 0x01, [12] = 0xff, [15] = 0x01 },
	{ 0xff, 0x0e, [14] = 0x12, [15] = 0x03 },
	{ 0xff, 0x02, [15] = 0x01 },
	{ 0xff, 0x02, [15] = 0x16 },
	{ 0xff, 0x01, [15] = 0x01 },
	{ 0xff, 0x02, [15] = 0x02 },
};

const uint8_t *fuzz_group(unsigned int g)
{
	return groups[g % FUZZ_GROUPS];
}

uint16_t fuzz_vlan_of(uint8_t sel)
{
	static const uint16_t vlans[4] = { NSTEER_VLAN_NONE, 100, 200, 4094 };

	return vlans[sel & 3];
}

/* Twins are found by search, once per (k, vlan) a case asks for. */
void fuzz_pool_mac(unsigned int k, bool twin, uint16_t vlan, uint8_t mac[6])
{
	static struct {
		uint16_t vlan;
		bool found;
		uint8_t mac[6];
	} cache[FUZZ_PORTS][4];
	const uint8_t base[6] = { 0x02, 0x6e, 0x73, 0x00, 0x00, 0x10 + (k & 7) };
	unsigned int v;

	memcpy(mac, base, 6);
	if (!twin)
		return;
	for (v = 0; v < 4 && cache[k & 7][v].found && cache[k & 7][v].vlan != vlan; v++)
		;
	if (v < 4 && cache[k & 7][v].found) {
		memcpy(mac, cache[k & 7][v].mac, 6);
		return;
	}
	uint32_t want = nsteer_index_of(base, vlan);

	for (uint32_t x = 1; x < (1u << 24); x++) {
		mac[3] = x >> 16;
		mac[4] = x >> 8;
		mac[5] = x;
		if (memcmp(mac, base, 6) && nsteer_index_of(mac, vlan) == want)
			break;
	}
	for (v = 0; v < 4; v++)
		if (!cache[k & 7][v].found) {
			cache[k & 7][v].found = true;
			cache[k & 7][v].vlan = vlan;
			memcpy(cache[k & 7][v].mac, mac, 6);
			break;
		}
}

static void mac_of(uint8_t sel, const struct fuzz_case *c, uint8_t mac[6])
{
	static const uint8_t broadcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t ipv4_mcast[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb };
	static const uint8_t unknown[6] = { 0x02, 0x77, 0x00, 0x00, 0x00, 0x99 };

	if (sel == FUZZ_MAC_SENDER) {
		if (c->sender != FUZZ_SENDER_WIRE && c->ports[c->sender].present)
			memcpy(mac, c->ports[c->sender].mac, 6);
	} else if (sel >= FUZZ_MAC_POOL && sel < FUZZ_MAC_TWIN) {
		fuzz_pool_mac(sel - FUZZ_MAC_POOL, false, NSTEER_VLAN_NONE, mac);
	} else if (sel >= FUZZ_MAC_TWIN && sel < FUZZ_MAC_BROADCAST) {
		fuzz_pool_mac(sel - FUZZ_MAC_TWIN, true, NSTEER_VLAN_NONE, mac);
	} else if (sel == FUZZ_MAC_BROADCAST) {
		memcpy(mac, broadcast, 6);
	} else if (sel == FUZZ_MAC_IPV4_MCAST) {
		memcpy(mac, ipv4_mcast, 6);
	} else if (sel >= FUZZ_MAC_GROUP && sel < FUZZ_MAC_UNKNOWN) {
		mac[0] = mac[1] = 0x33;
		memcpy(mac + 2, fuzz_group(sel - FUZZ_MAC_GROUP) + 12, 4);
	} else if (sel == FUZZ_MAC_UNKNOWN) {
		memcpy(mac, unknown, 6);
	}
}

struct reader {
	const uint8_t *p;
	size_t left;
};

static uint8_t next(struct reader *r)
{
	if (!r->left)
		return 0;
	r->left--;
	return *r->p++;
}

static bool slot_taken(const struct fuzz_case *c, uint32_t slot)
{
	for (int i = 0; i < FUZZ_PORTS; i++)
		if (c->ports[i].present && c->ports[i].slot == slot)
			return true;
	return false;
}

static bool key_taken(const struct fuzz_case *c, const uint8_t mac[6], uint16_t vlan)
{
	for (int i = 0; i < FUZZ_PORTS; i++)
		if (c->ports[i].present && c->ports[i].vlan == vlan &&
		    !memcmp(c->ports[i].mac, mac, 6))
			return true;
	return false;
}

/* The interfaces of a shared namespace are numbered in table order. */
static int netns_ports(const struct fuzz_case *c, int netns)
{
	int n = 0;

	for (int i = 0; i < FUZZ_PORTS; i++)
		n += c->ports[i].present && c->ports[i].netns == netns;
	return n;
}

static void port_decode(struct fuzz_case *c, int k, const uint8_t b[FUZZ_HEAD_PORT])
{
	struct fuzz_port *p = &c->ports[k];
	uint32_t slot = 1 + b[2] % (FUZZ_SLOTS - 1);

	p->host = k == 0 && c->host_access;
	/* As attach --host-access makes it: untagged. */
	p->vlan = p->host ? NSTEER_VLAN_NONE : fuzz_vlan_of(b[1]);
	fuzz_pool_mac(b[0] & 7, b[0] & 8, p->vlan, p->mac);
	if (key_taken(c, p->mac, p->vlan))
		return;
	while (slot_taken(c, slot))
		slot = slot % (FUZZ_SLOTS - 1) + 1;
	p->slot = slot;
	/* The host-access port lives in the uplink's own namespace, as nsh-UPLINK. */
	p->netns = p->host ? FUZZ_NETNS_OWN : (b[0] >> 4) & 3;
	if (p->host)
		snprintf(p->ifname, sizeof(p->ifname), "nsh-uplink");
	else
		snprintf(p->ifname, sizeof(p->ifname), "eth%d",
			 p->netns == FUZZ_NETNS_OWN ? 0 : netns_ports(c, p->netns));
	p->snooped = b[3] & 0x80;
	p->groups = b[3] & 0x3f;
	p->present = true;
}

void fuzz_decode(const uint8_t *data, size_t size, struct fuzz_case *c)
{
	struct reader r = { data, size };
	uint8_t cfg = next(&r), table = next(&r), dst_sel, src_sel;
	int nports = table & 0x0f;
	size_t pad;

	memset(c, 0, offsetof(struct fuzz_case, frame));
	c->configured = (cfg & CFG_UNCONFIGURED) != CFG_UNCONFIGURED;
	c->mode = (cfg & 3) == 3 ? NSTEER_MODE_BRIDGE : (enum nsteer_mode)(cfg & 3);
	c->unknown = cfg & 4 ? NSTEER_UNKNOWN_DROP : NSTEER_UNKNOWN_PASS;
	c->host_access = cfg & 8;
	c->vlan_stripped = cfg & 16;
	c->sender = table >> 4 >= FUZZ_PORTS ? FUZZ_SENDER_WIRE : table >> 4;
	if (nports > FUZZ_PORTS)
		nports = FUZZ_PORTS;
	for (int k = 0; k < nports; k++) {
		uint8_t b[FUZZ_HEAD_PORT];

		for (int i = 0; i < FUZZ_HEAD_PORT; i++)
			b[i] = next(&r);
		port_decode(c, k, b);
	}
	dst_sel = next(&r);
	src_sel = next(&r);
	pad = (size_t)next(&r) << 8;
	pad |= next(&r);
	/* Mostly frames tc's BPF_PROG_RUN takes (a page at most), from 0xe000 on jumbo ones. */
	pad = pad < FUZZ_PAD_JUMBO ? pad % 1600 : 1600 + pad - FUZZ_PAD_JUMBO;

	c->len = r.left < FUZZ_LEN_MAX ? r.left : FUZZ_LEN_MAX;
	memcpy(c->frame, r.p, c->len);
	if (pad > FUZZ_LEN_MAX)
		pad = FUZZ_LEN_MAX;
	if (pad < FUZZ_MIN_FRAME)
		pad = FUZZ_MIN_FRAME;
	for (; c->len < pad; c->len++)
		c->frame[c->len] = c->len < 12 ? 0 : c->len & 0xff;
	mac_of(dst_sel, c, c->frame);
	mac_of(src_sel, c, c->frame + 6);
}

size_t fuzz_encode_head(uint8_t *out, uint8_t config, int sender,
			const struct fuzz_port_spec *ports, int nports, uint8_t dst_sel,
			uint8_t src_sel, uint16_t pad_len)
{
	size_t n = 0;

	out[n++] = config;
	out[n++] = (sender == FUZZ_SENDER_WIRE ? 0x80 : sender << 4) | nports;
	for (int k = 0; k < nports; k++) {
		out[n++] = ports[k].mac;
		out[n++] = ports[k].vlan;
		out[n++] = ports[k].slot;
		out[n++] = ports[k].mld;
	}
	out[n++] = dst_sel;
	out[n++] = src_sel;
	out[n++] = pad_len >> 8;
	out[n++] = pad_len & 0xff;
	return n;
}
