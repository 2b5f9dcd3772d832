// SPDX-License-Identifier: GPL-2.0
/* Unit tests of identity: the names of host ends, and where an uplink's state is found (pins.h):
 * by the device's ifindex in this namespace's folder, by its label once the device is gone. The
 * latter make folders (no pins) in this namespace's folder under the real bpffs, as root. */
#include <criterion/criterion.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pins.h"
#include "port.h"

Test(host_ifname, unique_per_interface_and_stable)
{
	char a[IF_NAMESIZE], b[IF_NAMESIZE], c[IF_NAMESIZE], d[IF_NAMESIZE], e[IF_NAMESIZE];

	port_host_ifname(7, 4026532000ULL, "eth0", a);
	port_host_ifname(7, 4026532000ULL, "eth0", b);
	port_host_ifname(7, 4026532000ULL, "net1", c);
	port_host_ifname(7, 4026532001ULL, "eth0", d);
	port_host_ifname(8, 4026532000ULL, "eth0", e);
	cr_expect_str_eq(a, b);
	cr_expect_str_neq(a, c, "interface");
	cr_expect_str_neq(a, d, "namespace");
	cr_expect_str_neq(a, e, "uplink");
	cr_expect_eq(strlen(a), 15, "%s: the most a device name holds, for the most hash", a);
	cr_expect(!strncmp(a, "nst", 3));
}

Test(host_ifname, recognised_with_the_names_of_nsteer_0_1)
{
	char a[IF_NAMESIZE];

	port_host_ifname(7, 1, "net1", a);
	cr_expect(port_host_ifname_like(a));
	cr_expect(port_host_ifname_like("nst0123abcd"), "nsteer 0.1's 8 hex digits");
	cr_expect(!port_host_ifname_like("nst0123abc"));
	cr_expect(!port_host_ifname_like("nstr-0123abcd"));
	cr_expect(!port_host_ifname_like("nst0123ABCD"));
	cr_expect(!port_host_ifname_like("eth0"));
	cr_expect(!port_host_ifname_like("nst0123abcd0"));
}

/* This namespace's folder, from where lo's would be. */
static void ns_dir_of(char *buf, size_t size)
{
	struct uplink_place p;
	char *slash;

	cr_assert_eq(uplink_place_find("lo", true, &p), 0);
	snprintf(buf, size, "%s", p.dir);
	slash = strrchr(buf, '/');
	cr_assert(slash);
	*slash = '\0';
}

static void folder(const char *ns_dir, const char *name, bool make)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", ns_dir, name);
	if (make) {
		cr_assert(pin_root_ensure() == 0);
		mkdir(ns_dir, 0700);
		cr_assert(mkdir(path, 0700) == 0 || errno == EEXIST, "%s: %m", path);
	} else {
		rmdir(path);
		rmdir(ns_dir); /* only when empty */
	}
}

Test(uplink_place, a_present_device_is_found_by_its_ifindex_whatever_its_label)
{
	char ns_dir[PATH_MAX];
	struct uplink_place p;

	ns_dir_of(ns_dir, sizeof(ns_dir));
	cr_expect(strstr(ns_dir, "/netns-"), "%s", ns_dir);
	cr_expect(strstr(ns_dir, NSTEER_PIN_ROOT) || strstr(ns_dir, "/proc/self/fd/"));
	/* lo attached once under another name: a rename keeps the ifindex. */
	folder(ns_dir, "1-oldname", true);
	cr_expect_eq(uplink_place_find("lo", false, &p), 0);
	cr_expect(p.exists && p.dev_here && p.ifindex == 1);
	cr_expect_str_eq(p.label, "oldname");
	cr_expect_str_eq(p.dev_now, "lo");
	folder(ns_dir, "1-oldname", false);
}

Test(uplink_place, a_vanished_device_is_found_by_its_label_but_not_by_attach)
{
	char ns_dir[PATH_MAX];
	struct uplink_place p;

	ns_dir_of(ns_dir, sizeof(ns_dir));
	folder(ns_dir, "2147483000-lo", true); /* lo's name, a device that is gone */
	cr_expect_eq(uplink_place_find("lo", false, &p), 0);
	cr_expect(p.exists && !p.dev_here && p.ifindex == 2147483000U, "%s", p.dir);
	/* attach takes the device lo names now: the vanished one's state is not its. */
	cr_expect_eq(uplink_place_find("lo", true, &p), 0);
	cr_expect(!p.exists && p.dev_here && p.ifindex == 1, "%s", p.dir);
	/* Its folder's whole name finds it too, whatever lo names. */
	cr_expect_eq(uplink_place_find("2147483000-lo", false, &p), 0);
	cr_expect(p.exists && p.ifindex == 2147483000U);
	folder(ns_dir, "2147483000-lo", false);
}

Test(uplink_place, an_unknown_name_finds_nothing)
{
	struct uplink_place p;

	cr_expect_eq(uplink_place_find("nsteer-none0", false, &p), 0);
	cr_expect(!p.exists && !p.dev_here);
	cr_expect_eq(uplink_place_find("../x", false, &p), -EINVAL);
	cr_expect_eq(uplink_place_find("", false, &p), -EINVAL);
}
