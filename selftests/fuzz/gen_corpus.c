// SPDX-License-Identifier: GPL-2.0
/* Writes the fuzzer's seed corpus (selftests/fuzz/corpus/, committed): one file per interesting
 * case, named after it, in the input format of input.h. `make fuzz-corpus` rewrites them, so a
 * change to the format or to the seeds is a change to this file. Usage: gen_corpus DIR */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "input.h"

enum {
	CFG_BRIDGE = 0,
	CFG_PRIVATE = 1,
	CFG_VEPA = 2,
	CFG_DROP = 4,
	CFG_HOST = 8,
	CFG_STRIPPED = 16,
	CFG_UNCONFIGURED = 0xe0,
};
enum { VLAN_NONE, VLAN_100, VLAN_200, VLAN_4094 };
#define SNOOPED 0x80
#define NETNS(n) ((n) << 4) /* with a port's MAC: the namespace it shares with others */
#define JUMBO(len) (FUZZ_PAD_JUMBO + (len)-1600)

/* Ports 0-1 untagged (1 snooped, listening to group 0), 2-3 on VLAN 100 (3 snooped, group 1),
 * 4 on VLAN 200, 5 untagged with port 0's mac_index entry (its twin MAC): it lives in the hash. */
static const struct fuzz_port_spec table[] = {
	{ 0, VLAN_NONE, 2, 0 }, { 1, VLAN_NONE, 0, SNOOPED | 0x01 },
	{ 2, VLAN_100, 1, 0 },  { 3, VLAN_100, 6, SNOOPED | 0x02 },
	{ 4, VLAN_200, 4, 0 },  { 0 | 8, VLAN_NONE, 8, SNOOPED },
};
#define TABLE_N 6

/* Namespaces of several ports (the "netns-" seeds). Namespace 1: eth0 untagged and eth1 on VLAN
 * 100 with one MAC (port add --mac lets them), eth2 untagged with another (snooped, group 0);
 * namespace 2: eth0 untagged, eth1 on VLAN 100; and one port in a namespace of its own. */
static const struct fuzz_port_spec netns_table[] = {
	{ 0 | NETNS(1), VLAN_NONE, 1, 0 },
	{ 0 | NETNS(1), VLAN_100, 2, 0 },
	{ 1 | NETNS(1), VLAN_NONE, 3, SNOOPED | 0x01 },
	{ 2 | NETNS(2), VLAN_NONE, 4, 0 },
	{ 3 | NETNS(2), VLAN_100, 5, 0 },
	{ 4, VLAN_NONE, 6, 0 },
};
#define NETNS_TABLE_N 6

static const struct fuzz_port_spec *ports = table;
static int nports = TABLE_N;
static const char *dir;
static int written, failed;

struct seed {
	uint8_t buf[FUZZ_FRAME_MAX + 64];
	size_t len;
	size_t head; /* where the frame starts */
};

static void put(struct seed *s, const void *p, size_t n)
{
	memcpy(s->buf + s->len, p, n);
	s->len += n;
}

static void put16(struct seed *s, uint16_t v)
{
	uint8_t b[2] = { v >> 8, v & 0xff };

	put(s, b, 2);
}

/* The header, then the frame's MACs as zeros (the selectors fill them in). */
static void head(struct seed *s, uint8_t cfg, int sender, uint8_t dst, uint8_t src, uint16_t len)
{
	static const uint8_t macs[12];

	s->len = fuzz_encode_head(s->buf, cfg, sender, ports, nports, dst, src, len);
	s->head = s->len;
	put(s, macs, sizeof(macs));
}

static void tag(struct seed *s, uint16_t tpid, uint16_t tci)
{
	put16(s, tpid);
	put16(s, tci);
}

/* An IPv6 header to group g (after ethertype 86dd) with next header nh and a hop-by-hop header
 * carrying a router alert when nh is 0. */
static void ipv6(struct seed *s, const uint8_t *group, uint8_t nh, uint16_t payload)
{
	uint8_t h[40] = { 0x60,    [4] = payload >> 8, [5] = payload & 0xff, [6] = nh,
			  [7] = 1, [8] = 0xfe,         [9] = 0x80,           [23] = 1 };
	static const uint8_t hop_by_hop[8] = { 58, 0, 5, 2, 0, 0, 1, 0 };

	memcpy(h + 24, group, 16);
	put16(s, 0x86dd);
	put(s, h, sizeof(h));
	if (nh == 0)
		put(s, hop_by_hop, sizeof(hop_by_hop));
}

static void mld2_head(struct seed *s, uint16_t records)
{
	uint8_t icmp[8] = { 143, 0, 0, 0, 0, 0, records >> 8, records & 0xff };

	put(s, icmp, sizeof(icmp));
}

static void mld2_record(struct seed *s, uint8_t type, uint8_t aux_words, uint16_t sources,
			const uint8_t *group)
{
	uint8_t r[4] = { type, aux_words, sources >> 8, sources & 0xff };
	static const uint8_t source[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };

	put(s, r, sizeof(r));
	put(s, group, 16);
	for (int i = 0; i < sources; i++)
		put(s, source, sizeof(source));
	for (int i = 0; i < aux_words; i++)
		put(s, "AUX!", 4);
}

static void save(const struct seed *s, const char *name)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(s->buf, 1, s->len, f) != s->len) {
		fprintf(stderr, "gen_corpus: writing %s: %s\n", path, strerror(errno));
		failed++;
	} else {
		written++;
	}
	if (f)
		fclose(f);
}

/* A frame of ethertype 0x88b5 (local experimental), padded to len by the decoder. */
static void plain(uint8_t cfg, int sender, uint8_t dst, uint8_t src, uint16_t len, const char *name)
{
	struct seed s;

	head(&s, cfg, sender, dst, src, len);
	put16(&s, 0x88b5);
	save(&s, name);
}

static void tagged(uint8_t cfg, uint8_t dst, uint16_t tpid, uint16_t tci, uint16_t len,
		   const char *name)
{
	struct seed s;

	head(&s, cfg, FUZZ_SENDER_WIRE, dst, FUZZ_MAC_UNKNOWN, len);
	tag(&s, tpid, tci);
	put16(&s, 0x88b5);
	if (len < s.len - s.head) /* a runt: the length cuts the frame, which padding cannot */
		s.len = s.head + len;
	save(&s, name);
}

static void wire_seeds(void)
{
	struct seed s;

	plain(CFG_BRIDGE, FUZZ_SENDER_WIRE, FUZZ_MAC_POOL + 0, FUZZ_MAC_UNKNOWN, 128,
	      "wire-unicast-to-port");
	plain(CFG_BRIDGE, FUZZ_SENDER_WIRE, FUZZ_MAC_TWIN + 0, FUZZ_MAC_UNKNOWN, 128,
	      "wire-unicast-to-port-in-hash");
	plain(CFG_BRIDGE, FUZZ_SENDER_WIRE, FUZZ_MAC_UNKNOWN, FUZZ_MAC_POOL + 3, 60,
	      "wire-unknown-pass");
	plain(CFG_DROP, FUZZ_SENDER_WIRE, FUZZ_MAC_UNKNOWN, FUZZ_MAC_POOL + 3, 60,
	      "wire-unknown-drop");
	plain(CFG_DROP, FUZZ_SENDER_WIRE, FUZZ_MAC_POOL + 2, FUZZ_MAC_UNKNOWN, 60,
	      "wire-untagged-to-vlan-port-is-unknown");
	plain(CFG_BRIDGE, FUZZ_SENDER_WIRE, FUZZ_MAC_BROADCAST, FUZZ_MAC_UNKNOWN, 60,
	      "wire-broadcast");
	plain(CFG_BRIDGE, FUZZ_SENDER_WIRE, FUZZ_MAC_BROADCAST, FUZZ_MAC_POOL + 1, 60,
	      "wire-broadcast-reflected-from-port");
	plain(CFG_DROP, FUZZ_SENDER_WIRE, FUZZ_MAC_IPV4_MCAST, FUZZ_MAC_UNKNOWN, 60,
	      "wire-ipv4-multicast");
	plain(CFG_HOST, FUZZ_SENDER_WIRE, FUZZ_MAC_POOL + 0, FUZZ_MAC_UNKNOWN, 60,
	      "wire-unicast-to-host-port");
	plain(CFG_BRIDGE, FUZZ_SENDER_WIRE, FUZZ_MAC_POOL + 0, FUZZ_MAC_UNKNOWN, 14,
	      "wire-runt-14");
	plain(CFG_UNCONFIGURED, FUZZ_SENDER_WIRE, FUZZ_MAC_POOL + 0, FUZZ_MAC_UNKNOWN, 60,
	      "wire-unconfigured");
	plain(CFG_BRIDGE, FUZZ_SENDER_WIRE, FUZZ_MAC_POOL + 0, FUZZ_MAC_UNKNOWN, JUMBO(9000),
	      "wire-jumbo-to-port");
	plain(CFG_BRIDGE, FUZZ_SENDER_WIRE, FUZZ_MAC_BROADCAST, FUZZ_MAC_UNKNOWN, JUMBO(9014),
	      "wire-jumbo-broadcast");
	plain(CFG_BRIDGE, FUZZ_SENDER_WIRE, FUZZ_MAC_POOL + 0, FUZZ_MAC_UNKNOWN, 1500,
	      "wire-1500-to-port");

	tagged(CFG_BRIDGE, FUZZ_MAC_POOL + 2, 0x8100, 100, 132, "wire-vlan-to-port");
	tagged(CFG_BRIDGE, FUZZ_MAC_POOL + 2, 0x8100, 0xa000 | 100, 132, "wire-vlan-pcp-to-port");
	tagged(CFG_DROP, FUZZ_MAC_POOL + 2, 0x8100, 200, 132, "wire-vlan-wrong-vlan");
	tagged(CFG_BRIDGE, FUZZ_MAC_POOL + 0, 0x8100, 100, 132, "wire-vlan-to-untagged-port-mac");
	tagged(CFG_BRIDGE, FUZZ_MAC_POOL + 0, 0x8100, 0, 132, "wire-priority-tag-to-port");
	tagged(CFG_BRIDGE, FUZZ_MAC_POOL + 2, 0x88a8, 100, 132, "wire-8021ad-to-port");
	tagged(CFG_BRIDGE, FUZZ_MAC_BROADCAST, 0x8100, 100, 64, "wire-vlan-broadcast");
	tagged(CFG_STRIPPED, FUZZ_MAC_POOL + 2, 0x8100, 100, 132, "wire-vlan-nic-strips");
	tagged(CFG_STRIPPED, FUZZ_MAC_POOL + 0, 0x8100, 100, 132,
	       "wire-vlan-nic-strips-untagged-mac");
	tagged(CFG_BRIDGE, FUZZ_MAC_POOL + 2, 0x8100, 100, JUMBO(9018), "wire-vlan-jumbo");
	for (uint16_t len = 16; len <= 18; len++) {
		char name[64];

		snprintf(name, sizeof(name), "wire-vlan-runt-%u", len);
		tagged(CFG_BRIDGE, FUZZ_MAC_POOL + 2, 0x8100, 100, len, name);
	}

	/* QinQ: S-tag 100, C-tag 5. */
	head(&s, CFG_BRIDGE, FUZZ_SENDER_WIRE, FUZZ_MAC_POOL + 2, FUZZ_MAC_UNKNOWN, 140);
	tag(&s, 0x88a8, 100);
	tag(&s, 0x8100, 5);
	put16(&s, 0x88b5);
	save(&s, "wire-qinq-to-port");
	head(&s, CFG_BRIDGE, FUZZ_SENDER_WIRE, FUZZ_MAC_BROADCAST, FUZZ_MAC_UNKNOWN, 140);
	tag(&s, 0x88a8, 100);
	tag(&s, 0x8100, 5);
	put16(&s, 0x88b5);
	save(&s, "wire-qinq-broadcast");
	head(&s, CFG_BRIDGE, FUZZ_SENDER_WIRE, FUZZ_MAC_BROADCAST, FUZZ_MAC_UNKNOWN, 0);
	tag(&s, 0x88a8, 100);
	tag(&s, 0x8100, 5);
	put(&s, "\x88", 1); /* the inner tag's ethertype cut in half */
	save(&s, "wire-qinq-broadcast-inner-tag-cut");

	/* IPv6 multicast: to a group port 1 listens to, one nobody does, all nodes, scope 1. */
	static const struct {
		int group;
		const char *name;
	} mcast[] = {
		{ 0, "wire-ipv6-mcast-listened" },
		{ 3, "wire-ipv6-mcast-unlistened" },
		{ 4, "wire-ipv6-mcast-all-nodes" },
		{ 6, "wire-ipv6-mcast-interface-local" },
	};
	for (size_t i = 0; i < sizeof(mcast) / sizeof(mcast[0]); i++) {
		head(&s, CFG_BRIDGE, FUZZ_SENDER_WIRE, FUZZ_MAC_GROUP + mcast[i].group,
		     FUZZ_MAC_UNKNOWN, 0);
		ipv6(&s, fuzz_group(mcast[i].group), 17, 8);
		put(&s, "\0\x09\0\x09\0\x08\0\0", 8);
		save(&s, mcast[i].name);
	}
	head(&s, CFG_BRIDGE, FUZZ_SENDER_WIRE, FUZZ_MAC_GROUP + 1, FUZZ_MAC_UNKNOWN, 0);
	tag(&s, 0x8100, 100);
	ipv6(&s, fuzz_group(1), 17, 8);
	put(&s, "\0\x09\0\x09\0\x08\0\0", 8);
	save(&s, "wire-ipv6-mcast-vlan");
	head(&s, CFG_BRIDGE, FUZZ_SENDER_WIRE, FUZZ_MAC_GROUP + 3, FUZZ_MAC_UNKNOWN, 0);
	tag(&s, 0x8100, 0x6000); /* VID 0: a priority tag, on the untagged ports' segment */
	ipv6(&s, fuzz_group(3), 17, 8);
	put(&s, "\0\x09\0\x09\0\x08\0\0", 8);
	save(&s, "wire-ipv6-mcast-priority-tag");
}

/* A frame a seed sends: the uplink's configuration, who sends, to and from which MAC. */
struct seed_frame {
	uint8_t cfg;
	int sender;
	uint8_t dst, src;
	const char *name;
};

static void port_seeds(void)
{
	static const struct seed_frame frames[] = {
		{ CFG_BRIDGE, 0, FUZZ_MAC_UNKNOWN, FUZZ_MAC_SENDER, "port-to-wire" },
		{ CFG_BRIDGE, 2, FUZZ_MAC_UNKNOWN, FUZZ_MAC_SENDER, "port-vlan-to-wire" },
		{ CFG_BRIDGE, 0, FUZZ_MAC_UNKNOWN, FUZZ_MAC_POOL + 1, "port-spoofed" },
		{ CFG_BRIDGE, 0, FUZZ_MAC_POOL + 1, FUZZ_MAC_SENDER, "port-to-port-bridge" },
		{ CFG_PRIVATE, 0, FUZZ_MAC_POOL + 1, FUZZ_MAC_SENDER, "port-to-port-private" },
		{ CFG_VEPA, 0, FUZZ_MAC_POOL + 1, FUZZ_MAC_SENDER, "port-to-port-vepa" },
		{ CFG_BRIDGE, 0, FUZZ_MAC_TWIN + 0, FUZZ_MAC_SENDER, "port-to-port-in-hash" },
		{ CFG_BRIDGE, 2, FUZZ_MAC_POOL + 3, FUZZ_MAC_SENDER, "port-to-port-vlan" },
		{ CFG_BRIDGE, 2, FUZZ_MAC_POOL + 4, FUZZ_MAC_SENDER, "port-to-port-other-vlan" },
		{ CFG_BRIDGE, 0, FUZZ_MAC_POOL + 0, FUZZ_MAC_SENDER, "port-to-itself" },
		{ CFG_PRIVATE | CFG_HOST, 0, FUZZ_MAC_POOL + 1, FUZZ_MAC_SENDER,
		  "host-port-private" },
		{ CFG_PRIVATE | CFG_HOST, 1, FUZZ_MAC_POOL + 0, FUZZ_MAC_SENDER,
		  "port-to-host-private" },
		{ CFG_BRIDGE, 0, FUZZ_MAC_BROADCAST, FUZZ_MAC_SENDER, "port-broadcast-bridge" },
		{ CFG_PRIVATE, 0, FUZZ_MAC_BROADCAST, FUZZ_MAC_SENDER, "port-broadcast-private" },
		{ CFG_VEPA | CFG_HOST, 1, FUZZ_MAC_BROADCAST, FUZZ_MAC_SENDER,
		  "port-broadcast-vepa-host" },
		{ CFG_BRIDGE, 2, FUZZ_MAC_BROADCAST, FUZZ_MAC_SENDER, "port-vlan-broadcast" },
		{ CFG_BRIDGE, 7, FUZZ_MAC_UNKNOWN, FUZZ_MAC_SENDER, "port-unregistered" },
		{ CFG_UNCONFIGURED, 0, FUZZ_MAC_UNKNOWN, FUZZ_MAC_SENDER, "port-unconfigured" },
	};
	struct seed s;

	for (size_t i = 0; i < sizeof(frames) / sizeof(frames[0]); i++)
		plain(frames[i].cfg, frames[i].sender, frames[i].dst, frames[i].src, 100,
		      frames[i].name);
	head(&s, CFG_BRIDGE, 0, FUZZ_MAC_UNKNOWN, FUZZ_MAC_SENDER, 100);
	tag(&s, 0x8100, 200);
	put16(&s, 0x88b5);
	save(&s, "port-tagged");
	head(&s, CFG_BRIDGE, 0, FUZZ_MAC_GROUP + 0, FUZZ_MAC_SENDER, 0);
	ipv6(&s, fuzz_group(0), 17, 8);
	put(&s, "\0\x09\0\x09\0\x08\0\0", 8);
	save(&s, "port-ipv6-mcast");
}

#define MLD_START(dst_group)                                                       \
	head(&s, CFG_BRIDGE, 1, FUZZ_MAC_GROUP + (dst_group), FUZZ_MAC_SENDER, 0); \
	ipv6(&s, fuzz_group(dst_group), 0, 0)

/* An MLDv1 message port 1 sends to group g about g, its ICMPv6 type 0x82 (a query), 0x83 (a
 * report) or 0x84 (done), the group address cut to len bytes. */
static void mld1(uint8_t type, int g, size_t len, const char *name)
{
	const uint8_t icmp[8] = { type };
	struct seed s;

	MLD_START(g);
	put(&s, icmp, sizeof(icmp));
	put(&s, fuzz_group(g), len);
	save(&s, name);
}

/* MLD reports port 1 (snooped, listening to group 0) sends. */
static void mld_seeds(void)
{
	static const uint8_t not_a_group[16] = { 0xfe, 0x80, [15] = 7 };
	struct seed s;

	mld1(0x83, 2, 16, "mld1-report");
	mld1(0x84, 0, 16, "mld1-done");
	mld1(0x83, 2, 10, "mld1-report-cut");
	mld1(0x82, 4, 16, "mld-query");

	MLD_START(5);
	mld2_head(&s, 2);
	mld2_record(&s, 4, 0, 0, fuzz_group(2)); /* to exclude nothing: joined */
	mld2_record(&s, 3, 0, 0, fuzz_group(0)); /* to include nothing: left */
	save(&s, "mld2-join-and-leave");
	MLD_START(5);
	mld2_head(&s, 3);
	mld2_record(&s, 1, 1, 2, fuzz_group(3)); /* include two sources, aux data */
	mld2_record(&s, 6, 0, 1, fuzz_group(0)); /* block one source: still a listener */
	mld2_record(&s, 5, 0, 1, fuzz_group(2));
	save(&s, "mld2-sources-and-aux");
	MLD_START(5);
	mld2_head(&s, 3);
	mld2_record(&s, 4, 0, 0, fuzz_group(2));
	save(&s, "mld2-claims-more-records");
	MLD_START(5);
	mld2_head(&s, 2);
	mld2_record(&s, 9, 0, 0, fuzz_group(2)); /* no such record type */
	mld2_record(&s, 4, 0, 0, fuzz_group(3));
	save(&s, "mld2-unknown-record-type");
	MLD_START(5);
	mld2_head(&s, 1);
	mld2_record(&s, 4, 0, 0, fuzz_group(7)); /* ff02::2: the port routes */
	save(&s, "mld2-router-join");
	MLD_START(5);
	mld2_head(&s, 2);
	mld2_record(&s, 4, 0, 0, not_a_group);
	mld2_record(&s, 3, 0, 0, fuzz_group(2));
	save(&s, "mld2-not-a-group");
	MLD_START(5);
	mld2_head(&s, 1);
	mld2_record(&s, 1, 0, 3, fuzz_group(3));
	s.len -= 40; /* the sources cut short */
	save(&s, "mld2-sources-cut");
	MLD_START(5);
	mld2_head(&s, 0);
	save(&s, "mld2-no-records");
	MLD_START(5);
	mld2_head(&s, 2);
	mld2_record(&s, 4, 0, 0, fuzz_group(3));
	mld2_record(&s, 3, 0, 0, fuzz_group(3)); /* the same group: the last word counts */
	save(&s, "mld2-join-then-leave-same-group");
}

/* Two ports of one namespace differ by MAC, or by VLAN alone: each frame is for one of them. */
static void netns_seeds(void)
{
	static const struct seed_frame frames[] = {
		{ CFG_BRIDGE, FUZZ_SENDER_WIRE, FUZZ_MAC_POOL + 0, FUZZ_MAC_UNKNOWN,
		  "netns-wire-to-eth0-whose-mac-eth1-has-on-a-vlan" },
		{ CFG_BRIDGE, FUZZ_SENDER_WIRE, FUZZ_MAC_POOL + 1, FUZZ_MAC_UNKNOWN,
		  "netns-wire-to-eth2" },
		{ CFG_BRIDGE, FUZZ_SENDER_WIRE, FUZZ_MAC_BROADCAST, FUZZ_MAC_UNKNOWN,
		  "netns-wire-broadcast" },
		{ CFG_BRIDGE, FUZZ_SENDER_WIRE, FUZZ_MAC_BROADCAST, FUZZ_MAC_POOL + 0,
		  "netns-wire-broadcast-reflected-from-eth0" },
		{ CFG_BRIDGE, 0, FUZZ_MAC_POOL + 1, FUZZ_MAC_SENDER, "netns-eth0-to-eth2-bridge" },
		{ CFG_PRIVATE, 0, FUZZ_MAC_POOL + 1, FUZZ_MAC_SENDER,
		  "netns-eth0-to-eth2-private" },
		{ CFG_VEPA, 0, FUZZ_MAC_POOL + 1, FUZZ_MAC_SENDER, "netns-eth0-to-eth2-vepa" },
		{ CFG_BRIDGE, 1, FUZZ_MAC_POOL + 0, FUZZ_MAC_SENDER,
		  "netns-eth1-to-its-own-mac-not-to-eth0" },
		{ CFG_BRIDGE, 4, FUZZ_MAC_POOL + 0, FUZZ_MAC_SENDER,
		  "netns-vlan-port-to-eth1-not-to-eth0-of-same-mac" },
		{ CFG_BRIDGE, 0, FUZZ_MAC_POOL + 3, FUZZ_MAC_SENDER,
		  "netns-eth0-to-a-mac-only-on-another-vlan" },
		{ CFG_BRIDGE, 0, FUZZ_MAC_BROADCAST, FUZZ_MAC_SENDER, "netns-eth0-broadcast" },
		{ CFG_PRIVATE, 0, FUZZ_MAC_BROADCAST, FUZZ_MAC_SENDER,
		  "netns-eth0-broadcast-private" },
		{ CFG_BRIDGE, 1, FUZZ_MAC_BROADCAST, FUZZ_MAC_SENDER, "netns-eth1-vlan-broadcast" },
		{ CFG_BRIDGE, 2, FUZZ_MAC_UNKNOWN, FUZZ_MAC_POOL + 0,
		  "netns-eth2-spoofs-its-sibling-eth0" },
	};

	ports = netns_table;
	nports = NETNS_TABLE_N;
	for (size_t i = 0; i < sizeof(frames) / sizeof(frames[0]); i++)
		plain(frames[i].cfg, frames[i].sender, frames[i].dst, frames[i].src, 100,
		      frames[i].name);
	tagged(CFG_BRIDGE, FUZZ_MAC_POOL + 0, 0x8100, 100, 132,
	       "netns-wire-vlan-to-eth1-whose-mac-eth0-has-untagged");
	tagged(CFG_STRIPPED, FUZZ_MAC_POOL + 0, 0x8100, 100, 132,
	       "netns-wire-vlan-to-eth1-nic-strips");
	tagged(CFG_DROP, FUZZ_MAC_POOL + 0, 0x8100, 200, 132,
	       "netns-wire-their-mac-on-a-vlan-of-neither");
	tagged(CFG_BRIDGE, FUZZ_MAC_BROADCAST, 0x8100, 100, 64, "netns-wire-vlan-broadcast");
	ports = table;
	nports = TABLE_N;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	dir = argv[1];
	wire_seeds();
	port_seeds();
	mld_seeds();
	netns_seeds();
	printf("gen_corpus: %d seeds written to %s\n", written, dir);
	return failed ? 1 : 0;
}
