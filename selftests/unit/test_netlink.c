// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <criterion/criterion.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "ethtool.h"
#include "netlink.h"
#include "netns.h"

/* ---- nl_cidr_parse ---- */

static void check_cidr(const char *cidr, int family, const char *addr, unsigned int prefix)
{
	unsigned char got[16], want[16] = { 0 };
	unsigned int plen = 999;

	cr_assert_eq(nl_cidr_parse(cidr, got, &plen), family, "%s", cidr);
	cr_assert_eq(inet_pton(family, addr, want), 1);
	cr_assert_arr_eq(got, want, family == AF_INET ? 4 : 16, "%s", cidr);
	cr_assert_eq(plen, prefix, "%s: prefix %u", cidr, plen);
}

static const struct {
	const char *cidr;
	int family;
	const char *addr;
	unsigned int prefix;
} cidrs[] = {
	{ "192.0.2.1/24", AF_INET, "192.0.2.1", 24 },
	{ "192.0.2.1", AF_INET, "192.0.2.1", 32 },
	{ "0.0.0.0/0", AF_INET, "0.0.0.0", 0 },
	{ "255.255.255.255/32", AF_INET, "255.255.255.255", 32 },
	{ "10.0.0.1/8", AF_INET, "10.0.0.1", 8 },
	{ "2001:db8::1/64", AF_INET6, "2001:db8::1", 64 },
	{ "2001:db8::1", AF_INET6, "2001:db8::1", 128 },
	{ "::/0", AF_INET6, "::", 0 },
	{ "::1/128", AF_INET6, "::1", 128 },
	{ "fe80::1/10", AF_INET6, "fe80::1", 10 },
	{ "::ffff:192.0.2.1/96", AF_INET6, "::ffff:192.0.2.1", 96 },
	{ "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255/128", AF_INET6,
	  "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255", 128 },
};

/* Every case of cidrs in family; check_cidr names the failing one. */
static void check_cidrs(int family)
{
	for (size_t i = 0; i < sizeof(cidrs) / sizeof(cidrs[0]); i++)
		if (cidrs[i].family == family)
			check_cidr(cidrs[i].cidr, family, cidrs[i].addr, cidrs[i].prefix);
}

Test(cidr, ipv4)
{
	check_cidrs(AF_INET);
}

Test(cidr, ipv6)
{
	check_cidrs(AF_INET6);
}

Test(cidr, null_outputs)
{
	cr_assert_eq(nl_cidr_parse("192.0.2.1/24", NULL, NULL), AF_INET);
}

Test(cidr, rejects)
{
	static const char *const bad[] = {
		"",
		"/",
		"/24",
		"192.0.2.1/",
		"2001:db8::1/",
		"192.0.2.1/33",
		"2001:db8::1/129",
		"192.0.2.1/-1",
		"192.0.2.1/+8",
		"192.0.2.1/ 8",
		"192.0.2.1/8 ",
		"192.0.2.1/024",
		"192.0.2.1/00",
		"192.0.2.1/1a",
		"192.0.2.1/0x8",
		"192.0.2.1/4294967320",
		"192.0.2.1//24",
		"192.0.2.1/24/",
		"192.0.2.1x/24",
		" 192.0.2.1/24",
		"192.0.2.1 /24",
		"192.0.2/24",
		"192.0.2.256/24",
		"192.0.2.01/24",
		"1.2.3.4.5",
		"2001:db8:::1/64",
		"2001:db8::g/64",
		"fe80::1%lo/64",
		"localhost",
		"[::1]/128",
		"ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255:1/128",
	};
	unsigned char addr[16];
	unsigned int prefix = 7;

	memset(addr, 0xaa, sizeof(addr));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_expect_eq(nl_cidr_parse(bad[i], addr, &prefix), -EINVAL, "\"%s\" accepted",
			     bad[i]);
	cr_expect_eq(nl_cidr_parse(NULL, addr, &prefix), -EINVAL);
	cr_assert_eq(prefix, 7, "output written on failure");
	cr_assert_eq(addr[0], 0xaa, "output written on failure");
}

/* ---- netns, no privileges needed ---- */

Test(netns, name_valid)
{
	char longest[NAME_MAX + 2];

	cr_expect(netns_name_valid("a"));
	cr_expect(netns_name_valid("nsteer-1"));
	cr_expect(netns_name_valid("..."));
	cr_expect(netns_name_valid(".hidden"));
	cr_expect(netns_name_valid("with space"));
	cr_expect_not(netns_name_valid(NULL));
	cr_expect_not(netns_name_valid(""));
	cr_expect_not(netns_name_valid("."));
	cr_expect_not(netns_name_valid(".."));
	cr_expect_not(netns_name_valid("a/b"));
	cr_expect_not(netns_name_valid("/a"));
	cr_expect_not(netns_name_valid("../etc"));
	cr_expect_not(netns_name_valid("a\nb"));
	cr_expect_not(netns_name_valid("a\x7f"));
	/* The port table keeps NSTEER_NETNS_LEN - 1 bytes of it. */
	memset(longest, 'n', NSTEER_NETNS_LEN - 1);
	longest[NSTEER_NETNS_LEN - 1] = '\0';
	cr_expect(netns_name_valid(longest));
	longest[NSTEER_NETNS_LEN - 1] = 'n';
	longest[NSTEER_NETNS_LEN] = '\0';
	cr_expect_not(netns_name_valid(longest));
}

Test(netns, open_missing_name)
{
	char name[64];
	bool created = true;

	snprintf(name, sizeof(name), "nsteer-ut-missing-%d", (int)getpid());
	cr_assert_eq(netns_open_name(name, false, &created), -ENOENT);
	cr_assert_not(created);
	cr_assert_eq(netns_open_name("../x", false, NULL), -EINVAL);
	cr_assert_eq(netns_delete_name("a/b"), -EINVAL);
}

Test(netns, open_path)
{
	char tmp[] = "/tmp/nsteer-ut-XXXXXX";
	uint64_t self, ino;
	int fd;

	fd = mkstemp(tmp);
	cr_assert_geq(fd, 0);
	close(fd);
	fd = netns_open_path(tmp);
	unlink(tmp);
	cr_assert_eq(fd, -EINVAL, "regular file accepted: %d", fd);

	cr_assert_eq(netns_open_path("/proc/self/ns/mnt"), -EINVAL, "mount namespace accepted");
	cr_assert_eq(netns_open_path("/nonexistent/nsteer"), -ENOENT);
	cr_assert_eq(netns_open_pid(0), -EINVAL);

	cr_assert_eq(netns_self_inode(&self), 0);
	fd = netns_open_path("/proc/self/ns/net");
	cr_assert_geq(fd, 0);
	cr_assert(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	cr_assert_eq(netns_inode(fd, &ino), 0);
	cr_assert_eq(ino, self);
	close(fd);

	fd = netns_open_pid(getpid());
	cr_assert_geq(fd, 0);
	cr_assert_eq(netns_inode(fd, &ino), 0);
	cr_assert_eq(ino, self);
	close(fd);
}

/* ---- netlink argument checks, before any request is sent ---- */

Test(netlink, bad_arguments)
{
	struct nl_sock *sk = nl_sock_open();
	struct nl_veth_spec spec = { .name = "ut-x",
				     .peer_name = "ut-y-0123456789ab",
				     .peer_netns_fd = -1 };
	struct nl_link l;

	cr_assert_not_null(sk);
	cr_expect_eq(nl_link_get_by_name(sk, "0123456789abcdef", &l), -EINVAL);
	cr_expect_eq(nl_link_get_by_name(sk, "", &l), -EINVAL);
	cr_expect_eq(nl_link_get_by_name(sk, NULL, &l), -EINVAL);
	cr_expect_eq(nl_link_get_by_index(sk, 0, &l), -EINVAL);
	cr_expect_eq(nl_link_get_by_index(sk, -1, &l), -EINVAL);
	cr_expect_eq(nl_veth_create(sk, &spec), -EINVAL);
	cr_expect_eq(nl_veth_create(sk, NULL), -EINVAL);
	cr_expect_eq(nl_addr_add(sk, 1, "192.0.2.1/33"), -EINVAL);
	cr_expect_eq(nl_link_del(sk, 0), -EINVAL);
	cr_expect_eq(ethtool_set_gro(-1, "0123456789abcdef", true), -EINVAL);
	/* Unprivileged or not, a lookup of the loopback works. */
	cr_expect_eq(nl_link_get_by_name(sk, "lo", &l), 0);
	cr_expect_eq(l.ifindex, 1);
	cr_expect_str_eq(l.name, "lo");
	nl_sock_close(sk);
}

/* ---- root: everything happens in two namespaces made here, none in the caller's ---- */

struct ns {
	char name[32];
	int fd;
	bool created;
	struct nl_sock *sk;
};
static struct ns ns_a = { .fd = -1 }, ns_b = { .fd = -1 };

static void ns_make(struct ns *ns, char tag)
{
	snprintf(ns->name, sizeof(ns->name), "nsteer-ut-%d-%c", (int)getpid(), tag);
	ns->fd = netns_open_name(ns->name, true, &ns->created);
	if (ns->fd >= 0)
		ns->sk = nl_sock_open_in(ns->fd);
}

static void ns_drop(struct ns *ns)
{
	nl_sock_close(ns->sk);
	ns->sk = NULL;
	if (ns->fd >= 0)
		close(ns->fd);
	ns->fd = -1;
	if (ns->created)
		netns_delete_name(ns->name);
	ns->created = false;
}

static void root_setup(void)
{
	if (geteuid() != 0)
		return;
	ns_make(&ns_a, 'a');
	ns_make(&ns_b, 'b');
}

static void root_teardown(void)
{
	ns_drop(&ns_a);
	ns_drop(&ns_b);
}

TestSuite(root, .init = root_setup, .fini = root_teardown);

#define REQUIRE_ROOT()                                                                    \
	do {                                                                              \
		if (geteuid() != 0)                                                       \
			cr_skip_test("needs root");                                       \
		cr_assert(ns_a.created &&ns_b.created, "test namespaces not created");    \
		cr_assert(ns_a.sk &&ns_b.sk, "no netlink socket in the test namespaces"); \
	} while (0)

static const unsigned char peer_mac[6] = { 0x02, 0x5e, 0x00, 0xc0, 0xff, 0xee };

/* Reads a sysctl of the namespace behind netns_fd into buf. */
static void read_ns_file(int netns_fd, const char *path, char *buf, size_t size)
{
	int saved, fd;
	ssize_t n;

	cr_assert_eq(netns_enter(netns_fd, &saved), 0);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	cr_assert_eq(netns_leave(saved), 0);
	cr_assert_geq(fd, 0, "%s: %s", path, strerror(errno));
	n = read(fd, buf, size - 1);
	close(fd);
	cr_assert_gt(n, 0);
	buf[n] = '\0';
}

/* bind(2) on addr inside netns_fd: 0 or -errno. */
static int bind_in(int netns_fd, int family, const char *addr)
{
	struct sockaddr_storage ss = { .ss_family = family };
	int saved, fd, err;

	if (family == AF_INET)
		inet_pton(AF_INET, addr, &((struct sockaddr_in *)&ss)->sin_addr);
	else
		inet_pton(AF_INET6, addr, &((struct sockaddr_in6 *)&ss)->sin6_addr);
	cr_assert_eq(netns_enter(netns_fd, &saved), 0);
	fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	cr_assert_eq(netns_leave(saved), 0);
	cr_assert_geq(fd, 0);
	err = bind(fd, (struct sockaddr *)&ss, sizeof(ss)) < 0 ? -errno : 0;
	close(fd);
	return err;
}

static int gro_in(int netns_fd, const char *ifname)
{
	struct ethtool_value ev = { .cmd = ETHTOOL_GGRO };
	struct ifreq ifr = { .ifr_data = (void *)&ev };
	int saved, fd, err;

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	cr_assert_eq(netns_enter(netns_fd, &saved), 0);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	cr_assert_eq(netns_leave(saved), 0);
	cr_assert_geq(fd, 0);
	err = ioctl(fd, SIOCETHTOOL, &ifr);
	close(fd);
	cr_assert_eq(err, 0, "ETHTOOL_GGRO: %s", strerror(errno));
	return ev.data;
}

Test(root, veth_roundtrip)
{
	struct nl_veth_spec spec = {
		.name = "ut-a0",
		.peer_name = "ut-b0",
		.peer_netns_fd = -1,
		.peer_mac = peer_mac,
		.mtu = 9000,
		.no_ipv6_addr = true,
	};
	struct nl_link a, b, l;
	struct nl_sock *root;
	uint64_t self, ino;
	char mode[16];

	REQUIRE_ROOT();
	spec.peer_netns_fd = ns_b.fd;
	cr_assert_eq(netns_self_inode(&self), 0);
	cr_assert_eq(netns_inode(ns_a.fd, &ino), 0);
	cr_assert_neq(ino, self);

	cr_assert_eq(nl_veth_create(ns_a.sk, &spec), 0);

	cr_assert_eq(nl_link_get_by_name(ns_a.sk, "ut-a0", &a), 0);
	cr_expect_str_eq(a.name, "ut-a0");
	cr_expect_str_eq(a.kind, "veth");
	cr_expect_eq(a.mtu, 9000);
	cr_expect_not(a.up);
	cr_assert_eq(nl_link_get_by_name(ns_b.sk, "ut-b0", &b), 0);
	cr_expect_str_eq(b.kind, "veth");
	cr_expect_eq(b.mtu, 9000);
	cr_expect_arr_eq(b.mac, peer_mac, 6);
	cr_expect_eq(b.link_ifindex, a.ifindex);
	cr_expect_eq(a.link_ifindex, b.ifindex);
	cr_assert_eq(nl_link_get_by_index(ns_b.sk, b.ifindex, &l), 0);
	cr_expect_str_eq(l.name, "ut-b0");

	/* Each end in its own namespace, nothing in ours. */
	cr_expect_eq(nl_link_get_by_name(ns_a.sk, "ut-b0", &l), -ENODEV);
	cr_expect_eq(nl_link_get_by_name(ns_b.sk, "ut-a0", &l), -ENODEV);
	root = nl_sock_open();
	cr_assert_not_null(root);
	cr_expect_eq(nl_link_get_by_name(root, "ut-a0", &l), -ENODEV);
	cr_expect_eq(nl_link_get_by_name(root, "ut-b0", &l), -ENODEV);
	nl_sock_close(root);

	read_ns_file(ns_a.fd, "/proc/sys/net/ipv6/conf/ut-a0/addr_gen_mode", mode, sizeof(mode));
	cr_expect_eq(atoi(mode), 1, "addr_gen_mode %s", mode); /* IN6_ADDR_GEN_MODE_NONE */
	read_ns_file(ns_b.fd, "/proc/sys/net/ipv6/conf/ut-b0/addr_gen_mode", mode, sizeof(mode));
	cr_expect_eq(atoi(mode), 0, "addr_gen_mode %s", mode);

	cr_assert_eq(nl_link_set_up(ns_a.sk, a.ifindex, true), 0);
	cr_assert_eq(nl_link_set_up(ns_b.sk, b.ifindex, true), 0);
	cr_assert_eq(nl_link_get_by_index(ns_a.sk, a.ifindex, &l), 0);
	cr_expect(l.up);

	cr_assert_eq(nl_addr_add(ns_a.sk, a.ifindex, "192.0.2.1/24"), 0);
	cr_assert_eq(nl_addr_add(ns_a.sk, a.ifindex, "2001:db8::1/64"), 0);
	cr_expect_eq(nl_addr_add(ns_a.sk, a.ifindex, "192.0.2.1/24"), 0, "existing v4 address");
	cr_expect_eq(nl_addr_add(ns_a.sk, a.ifindex, "2001:db8::1/64"), 0, "existing v6 address");
	cr_expect_eq(nl_addr_add(ns_a.sk, 4242, "192.0.2.9/24"), -ENODEV);
	/* Bindable at once: present, and not held tentative by DAD. */
	cr_expect_eq(bind_in(ns_a.fd, AF_INET, "192.0.2.1"), 0);
	cr_expect_eq(bind_in(ns_a.fd, AF_INET6, "2001:db8::1"), 0);
	cr_expect_eq(bind_in(ns_a.fd, AF_INET6, "2001:db8::2"), -EADDRNOTAVAIL);
	cr_expect_eq(bind_in(ns_b.fd, AF_INET6, "2001:db8::1"), -EADDRNOTAVAIL);

	cr_assert_eq(ethtool_set_gro(ns_b.fd, "ut-b0", true), 0);
	cr_expect_eq(gro_in(ns_b.fd, "ut-b0"), 1);
	cr_assert_eq(ethtool_set_gro(ns_b.fd, "ut-b0", false), 0);
	cr_expect_eq(gro_in(ns_b.fd, "ut-b0"), 0);
	cr_expect_eq(ethtool_set_gro(ns_b.fd, "ut-a0", true), -ENODEV);

	cr_assert_eq(nl_link_set_mtu(ns_a.sk, a.ifindex, 1500), 0);
	cr_assert_eq(nl_link_get_by_index(ns_a.sk, a.ifindex, &l), 0);
	cr_expect_eq(l.mtu, 1500);
	cr_assert_eq(nl_link_set_up(ns_a.sk, a.ifindex, false), 0);
	cr_assert_eq(nl_link_get_by_index(ns_a.sk, a.ifindex, &l), 0);
	cr_expect_not(l.up);

	cr_assert_eq(nl_link_del(ns_a.sk, a.ifindex), 0);
	cr_expect_eq(nl_link_get_by_index(ns_a.sk, a.ifindex, &l), -ENODEV);
	cr_expect_eq(nl_link_get_by_name(ns_b.sk, "ut-b0", &l), -ENODEV, "peer outlived its veth");
}

Test(root, veth_same_namespace_random_mac)
{
	struct nl_veth_spec spec = { .name = "ut-a0", .peer_name = "ut-a1", .peer_netns_fd = -1 };
	struct nl_link a, b;

	REQUIRE_ROOT();
	cr_assert_eq(nl_veth_create(ns_a.sk, &spec), 0);
	cr_assert_eq(nl_link_get_by_name(ns_a.sk, "ut-a0", &a), 0);
	cr_assert_eq(nl_link_get_by_name(ns_a.sk, "ut-a1", &b), 0);
	cr_expect_eq(a.link_ifindex, b.ifindex);
	cr_expect_eq(b.link_ifindex, a.ifindex);
	cr_expect_eq(a.mtu, 1500);
	cr_expect(!(b.mac[0] & 1) && (b.mac[0] & 2), "not a random unicast MAC");
}

Test(root, veth_exists)
{
	struct nl_veth_spec spec = {
		.name = "ut-a0", .peer_name = "ut-b0", .mtu = 1400, .no_ipv6_addr = true
	};
	struct nl_link l;

	REQUIRE_ROOT();
	spec.peer_netns_fd = ns_b.fd;
	cr_assert_eq(nl_veth_create(ns_a.sk, &spec), 0);
	cr_expect_eq(nl_veth_create(ns_a.sk, &spec), -EEXIST);
	spec.name = "ut-a1"; /* only the peer's name is taken */
	cr_expect_eq(nl_veth_create(ns_a.sk, &spec), -EEXIST);
	cr_expect_eq(nl_link_get_by_name(ns_a.sk, "ut-a1", &l), -ENODEV, "half-built veth left");
	spec.name = "ut-a0"; /* only the first end's name is taken */
	spec.peer_name = "ut-b1";
	cr_expect_eq(nl_veth_create(ns_a.sk, &spec), -EEXIST);
	cr_expect_eq(nl_link_get_by_name(ns_b.sk, "ut-b1", &l), -ENODEV, "half-built veth left");
}

Test(root, missing_device)
{
	struct nl_link l;

	REQUIRE_ROOT();
	cr_expect_eq(nl_link_get_by_name(ns_a.sk, "ut-nosuch", &l), -ENODEV);
	cr_expect_eq(nl_link_get_by_index(ns_a.sk, 4242, &l), -ENODEV);
	cr_expect_eq(nl_link_set_up(ns_a.sk, 4242, true), -ENODEV);
	cr_expect_eq(nl_link_set_mtu(ns_a.sk, 4242, 1500), -ENODEV);
	cr_expect_eq(nl_link_del(ns_a.sk, 4242), -ENODEV);
	cr_expect_eq(ethtool_set_gro(ns_a.fd, "ut-nosuch", true), -ENODEV);
	/* The socket still pairs replies with requests after errors. */
	cr_expect_eq(nl_link_get_by_name(ns_a.sk, "lo", &l), 0);
	cr_expect_eq(l.ifindex, 1);
}

Test(root, netns_lifecycle)
{
	uint64_t self, ino, ino2, now;
	bool created;
	int fd, fd2, saved;

	REQUIRE_ROOT();
	/* ns_a was made by the fixture; a second open finds it. */
	fd = netns_open_name(ns_a.name, true, &created);
	cr_assert_geq(fd, 0);
	cr_expect_not(created);
	cr_expect(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	cr_assert_eq(netns_inode(fd, &ino), 0);
	cr_assert_eq(netns_inode(ns_a.fd, &ino2), 0);
	cr_expect_eq(ino, ino2);
	fd2 = netns_open_name(ns_a.name, false, NULL);
	cr_assert_geq(fd2, 0);
	close(fd2);

	cr_assert_eq(netns_self_inode(&self), 0);
	cr_expect_neq(ino, self);
	cr_assert_eq(netns_enter(fd, &saved), 0);
	cr_assert_eq(netns_self_inode(&now), 0);
	cr_assert_eq(netns_leave(saved), 0);
	cr_expect_eq(now, ino);
	cr_assert_eq(netns_self_inode(&now), 0);
	cr_expect_eq(now, self);
	close(fd);

	cr_assert_eq(netns_delete_name(ns_b.name), 0);
	ns_b.created = false;
	cr_expect_eq(netns_open_name(ns_b.name, false, NULL), -ENOENT);
	cr_expect_eq(netns_delete_name(ns_b.name), -ENOENT);
}

struct uc_seen {
	unsigned char macs[8][6];
	int n;
};

static int uc_note(const unsigned char mac[6], void *ctx)
{
	struct uc_seen *s = ctx;

	if (s->n < 8)
		memcpy(s->macs[s->n++], mac, 6);
	return 0;
}

static bool uc_has(struct nl_sock *sk, int ifindex, const unsigned char mac[6])
{
	struct uc_seen s = { .n = 0 };

	cr_assert_eq(nl_uc_dump(sk, ifindex, uc_note, &s), 0);
	for (int i = 0; i < s.n; i++)
		if (!memcmp(s.macs[i], mac, 6))
			return true;
	return false;
}

/* The device's own address lists and flags, as nsteer holds them on an uplink: an address added
 * twice is EEXIST (someone else's, as far as the second adder knows), and a multicast MAC is not
 * a unicast address. */
Test(root, unicast_list_allmulti_and_features)
{
	static const unsigned char mac[6] = { 0x02, 0x5e, 0x00, 0x00, 0x00, 0x01 };
	static const unsigned char group[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 };
	struct nl_veth_spec spec = {
		.name = "ut-u0",
		.peer_name = "ut-u1",
		.peer_netns_fd = -1,
	};
	struct nl_link l;
	int saved, filter, strip;

	REQUIRE_ROOT();
	cr_assert_eq(nl_veth_create(ns_a.sk, &spec), 0);
	cr_assert_eq(nl_link_get_by_name(ns_a.sk, "ut-u0", &l), 0);

	cr_expect_not(uc_has(ns_a.sk, l.ifindex, mac));
	cr_assert_eq(nl_uc_add(ns_a.sk, l.ifindex, mac), 0);
	cr_expect(uc_has(ns_a.sk, l.ifindex, mac));
	cr_expect_eq(nl_uc_add(ns_a.sk, l.ifindex, mac), -EEXIST);
	cr_expect_eq(nl_uc_add(ns_a.sk, l.ifindex, group), -EINVAL);
	cr_assert_eq(nl_uc_del(ns_a.sk, l.ifindex, mac), 0);
	cr_expect_not(uc_has(ns_a.sk, l.ifindex, mac));
	cr_expect_eq(nl_uc_del(ns_a.sk, l.ifindex, mac), -ENOENT);

	cr_expect_not(l.flags & IFF_ALLMULTI);
	cr_assert_eq(nl_link_set_allmulti(ns_a.sk, l.ifindex, true), 0);
	cr_assert_eq(nl_link_get_by_index(ns_a.sk, l.ifindex, &l), 0);
	cr_expect(l.flags & IFF_ALLMULTI);
	cr_assert_eq(nl_link_set_allmulti(ns_a.sk, l.ifindex, false), 0);
	cr_assert_eq(nl_link_get_by_index(ns_a.sk, l.ifindex, &l), 0);
	cr_expect_not(l.flags & IFF_ALLMULTI);

	/* A veth has no VLAN filter; and it is not an 802.1Q device. */
	cr_assert_eq(netns_enter(ns_a.fd, &saved), 0);
	filter = ethtool_feature_active("ut-u0", "rx-vlan-filter");
	strip = ethtool_feature_active("ut-u0", "no-such-feature");
	cr_assert_eq(netns_leave(saved), 0);
	cr_expect_eq(filter, 0, "rx-vlan-filter on a veth: %d", filter);
	cr_expect_eq(strip, -ENOENT);
	cr_expect_eq(l.vlan_id, 0, "a veth read as an 802.1Q device of VLAN %u", l.vlan_id);
	cr_expect_eq(nl_link_del(ns_a.sk, l.ifindex), 0);
}
