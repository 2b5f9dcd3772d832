// SPDX-License-Identifier: GPL-2.0
#include <criterion/criterion.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "mac.h"

static void expect_mac(const char *s, const unsigned char want[6])
{
	unsigned char got[6];

	cr_assert_eq(mac_parse(s, got), 0, "parse \"%s\"", s);
	cr_assert_arr_eq(got, want, 6, "parse \"%s\"", s);
}

Test(mac_parse, valid)
{
	expect_mac("aa:bb:cc:dd:ee:ff", (unsigned char[]){ 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff });
	expect_mac("AA:BB:CC:DD:EE:FF", (unsigned char[]){ 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff });
	expect_mac("aA:Bb:0c:D0:e1:F2", (unsigned char[]){ 0xaa, 0xbb, 0x0c, 0xd0, 0xe1, 0xf2 });
	expect_mac("0:1:a:B:f:9", (unsigned char[]){ 0x00, 0x01, 0x0a, 0x0b, 0x0f, 0x09 });
	expect_mac("02:0:00:f:ff:1", (unsigned char[]){ 0x02, 0x00, 0x00, 0x0f, 0xff, 0x01 });
	expect_mac("00:00:00:00:00:00", (unsigned char[6]){ 0 });
}

Test(mac_parse, invalid)
{
	static const char *const bad[] = {
		"",
		":",
		"aa:bb:cc:dd:ee",
		"aa:bb:cc:dd:ee:ff:00",
		"aa-bb-cc-dd-ee-ff",
		"aa:bb:cc-dd:ee:ff",
		"aa.bb.cc.dd.ee.ff",
		"aaa:bb:cc:dd:ee:ff",
		"aa:bb:cc:dd:ee:fff",
		"0aa:bb:cc:dd:ee:ff",
		"gg:bb:cc:dd:ee:ff",
		"aa:bb:cc:dd:ee:fg",
		"aa:bb:cc:dd:ee:ff:",
		":aa:bb:cc:dd:ee:ff",
		"aa::bb:cc:dd:ee",
		"aa:bb:cc:dd:ee:",
		" aa:bb:cc:dd:ee:ff",
		"aa:bb:cc:dd:ee:ff ",
		"aa: bb:cc:dd:ee:ff",
		"aa :bb:cc:dd:ee:ff",
		"aa:bb:cc:dd:ee:ff\n",
		"+a:bb:cc:dd:ee:ff",
		"0xaa:bb:cc:dd:ee:ff",
		"aabbccddeeff",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		unsigned char out[6] = { 1, 2, 3, 4, 5, 6 };

		cr_expect_eq(mac_parse(bad[i], out), -EINVAL, "accepted \"%s\"", bad[i]);
		cr_expect_arr_eq(out, ((unsigned char[]){ 1, 2, 3, 4, 5, 6 }), 6,
				 "out touched by \"%s\"", bad[i]);
	}
}

Test(mac_format, round_trip)
{
	static const char *const in[] = { "02:00:0a:ff:10:01", "0:1:a:B:f:9", "FF:FF:FF:FF:FF:FF" };
	static const char *const want[] = { "02:00:0a:ff:10:01", "00:01:0a:0b:0f:09",
					    "ff:ff:ff:ff:ff:ff" };
	char buf[MAC_STR_LEN];

	for (size_t i = 0; i < 3; i++) {
		unsigned char a[6], b[6];

		cr_assert_eq(mac_parse(in[i], a), 0);
		cr_assert_eq(mac_format(a, buf), buf);
		cr_expect_str_eq(buf, want[i]);
		cr_assert_eq(strlen(buf), MAC_STR_LEN - 1);
		cr_assert_eq(mac_parse(buf, b), 0);
		cr_expect_arr_eq(a, b, 6);
	}
}

Test(mac_predicates, all)
{
	static const struct {
		const char *name;
		unsigned char mac[6];
		bool zero, multicast, valid_port;
	} cases[] = {
		{ "zero", { 0 }, true, false, false },
		{ "broadcast", { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, false, true, false },
		{ "IPv4 multicast", { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 }, false, true, false },
		{ "IPv6 multicast", { 0x33, 0x33, 0x00, 0x00, 0x00, 0x01 }, false, true, false },
		{ "unicast", { 0x00, 0x16, 0x3e, 0x12, 0x34, 0x56 }, false, false, true },
		{ "locally administered",
		  { 0x02, 0x00, 0x00, 0x00, 0x00, 0x00 },
		  false,
		  false,
		  true },
		/* Only the last byte set: not zero, and the group bit lives in byte 0, not here. */
		{ "low byte only", { 0, 0, 0, 0, 0, 1 }, false, false, true },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const unsigned char *m = cases[i].mac;

		cr_expect_eq(mac_is_zero(m), cases[i].zero, "mac_is_zero(%s)", cases[i].name);
		cr_expect_eq(mac_is_multicast(m), cases[i].multicast, "mac_is_multicast(%s)",
			     cases[i].name);
		cr_expect_eq(mac_is_valid_port(m), cases[i].valid_port, "mac_is_valid_port(%s)",
			     cases[i].name);
	}
}

/* Independent reference: FNV-1a 64 over uplink, NUL, netns, NUL, vlan (2 bytes BE). */
static void ref_derive(const char *uplink, const char *netns, unsigned int vlan,
		       unsigned char out[6])
{
	uint64_t h = 0xcbf29ce484222325ULL;
	unsigned char buf[256];
	size_t n = 0;

	memcpy(buf + n, uplink, strlen(uplink) + 1);
	n += strlen(uplink) + 1;
	memcpy(buf + n, netns, strlen(netns) + 1);
	n += strlen(netns) + 1;
	buf[n++] = (vlan >> 8) & 0xff;
	buf[n++] = vlan & 0xff;
	for (size_t i = 0; i < n; i++) {
		h ^= buf[i];
		h *= 0x100000001b3ULL;
	}
	out[0] = 0x02;
	out[1] = h >> 32;
	out[2] = h >> 24;
	out[3] = h >> 16;
	out[4] = h >> 8;
	out[5] = h;
}

Test(mac_derive, known_value)
{
	unsigned char got[6], want[6];
	char buf[MAC_STR_LEN];

	/* Literal computed outside C (Python), so a shared mistake with ref_derive is caught. */
	mac_derive("eth0", "ns-red", NULL, 100, got);
	cr_expect_str_eq(mac_format(got, buf), "02:7b:ce:71:29:03");

	static const struct {
		const char *up, *ns;
		unsigned int vlan;
	} cases[] = {
		{ "eth0", "ns-red", 100 }, { "", "", 0 },         { "ens1f0", "tenant-42", 4095 },
		{ "eth0", "", 1 },         { "bond0", "x", 256 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		mac_derive(cases[i].up, cases[i].ns, NULL, cases[i].vlan, got);
		ref_derive(cases[i].up, cases[i].ns, cases[i].vlan, want);
		cr_expect_arr_eq(got, want, 6, "case %zu", i);
	}
}

Test(mac_derive, stable)
{
	unsigned char a[6], b[6];

	mac_derive("eth0", "ns-red", NULL, 100, a);
	mac_derive("eth0", "ns-red", NULL, 100, b);
	cr_expect_arr_eq(a, b, 6);
}

Test(mac_derive, differs)
{
	unsigned char base[6], o[6];

	mac_derive("eth0", "ns-red", NULL, 100, base);

	mac_derive("eth0", "ns-blue", NULL, 100, o);
	cr_expect_arr_neq(base, o, 6, "netns");
	mac_derive("eth0", "ns-red", NULL, 101, o);
	cr_expect_arr_neq(base, o, 6, "vlan");
	mac_derive("eth0", "ns-red", NULL, 100 + 256, o); /* high vlan byte counts too */
	cr_expect_arr_neq(base, o, 6, "vlan high byte");
	mac_derive("eth1", "ns-red", NULL, 100, o);
	cr_expect_arr_neq(base, o, 6, "uplink");

	mac_derive("eth0", "ns-red", "net1", 100, o);
	cr_expect_arr_neq(base, o, 6, "interface");

	/* Separators: moving a byte across the uplink/netns boundary must change the MAC. */
	mac_derive("ab", "c", NULL, 1, base);
	mac_derive("a", "bc", NULL, 1, o);
	cr_expect_arr_neq(base, o, 6, "boundary");
}

Test(mac_derive, locally_administered_unicast)
{
	static const char *const ups[] = { "eth0", "eth1", "ens1f0", "" };
	static const char *const nss[] = { "a", "b", "ns-red", "" };

	for (size_t u = 0; u < 4; u++)
		for (size_t n = 0; n < 4; n++)
			for (unsigned int v = 0; v < 4096; v += 97) {
				unsigned char m[6];

				mac_derive(ups[u], nss[n], NULL, v, m);
				cr_assert_eq(m[0], 0x02);
				cr_assert(m[0] & 0x02, "not locally administered");
				cr_assert(!mac_is_multicast(m));
				cr_assert(mac_is_valid_port(m));
			}
}

/* Ports made before a namespace could hold several (all on eth0) keep their MACs: re-running
 * their port add, and apply's comparison, derive the same MAC as nsteer 0.1 did. */
Test(mac_derive, default_interface_as_before)
{
	unsigned char none[6], eth0[6], net1[6], net2[6];
	char buf[MAC_STR_LEN];

	mac_derive("eth0", "ns-red", NULL, 100, none);
	mac_derive("eth0", "ns-red", "eth0", 100, eth0);
	cr_expect_arr_eq(none, eth0, 6);
	cr_expect_str_eq(mac_format(eth0, buf), "02:7b:ce:71:29:03");
	mac_derive("eth0", "ns-red", "net1", 100, net1);
	mac_derive("eth0", "ns-red", "net2", 100, net2);
	cr_expect_arr_neq(net1, eth0, 6);
	cr_expect_arr_neq(net1, net2, 6);
	cr_expect(mac_is_valid_port(net1) && net1[0] == 0x02);
}
