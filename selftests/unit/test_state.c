// SPDX-License-Identifier: GPL-2.0
/* Unit tests of the loader's bottom module: fd bookkeeping, slot choice, and the port table a
 * command reads once (on one plain map, no BPF program). */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "state.h"

/* An uplink nothing was opened for must close nothing: a failed attach once closed stdin. */
Test(state, close_of_an_unopened_uplink_closes_nothing)
{
	struct uplink u;
	int probe = dup(STDIN_FILENO);

	cr_assert_geq(probe, 0);
	uplink_init(&u, "eth9");
	cr_expect_str_eq(u.dev, "eth9");
	uplink_close(&u);
	uplink_close(&u);
	cr_expect_neq(fcntl(STDIN_FILENO, F_GETFD), -1, "uplink_close closed fd 0");
	cr_expect_neq(fcntl(probe, F_GETFD), -1, "uplink_close closed another fd");
	close(probe);
}

static struct port_table *table_of(const __u32 *slots, __u32 n)
{
	struct port_table *t = calloc(1, sizeof(*t));

	cr_assert_not_null(t);
	for (__u32 i = 0; i < n; i++)
		t->ports[t->n++].slot = slots[i];
	return t;
}

Test(state, slot_free_takes_the_lowest_unused_and_never_zero)
{
	const __u32 gaps[] = { 3, 1, 4 };
	struct port_table *t = table_of(NULL, 0);

	cr_expect_eq(slot_free(t), 1, "an empty table starts at 1: slot 0 is the uplink's");
	free(t);
	t = table_of(gaps, 3);
	cr_expect_eq(slot_free(t), 2);
	free(t);
}

Test(state, slot_free_is_zero_when_every_slot_is_taken)
{
	struct port_table *t = calloc(1, sizeof(*t));

	cr_assert_not_null(t);
	for (__u32 s = 1; s < NSTEER_SLOTS; s++)
		t->ports[t->n++].slot = s;
	cr_expect_eq(slot_free(t), 0);
	free(t);
}

/* ---- the port table: read once per command, then kept in step with its changes ---- */

static struct nsteer_port port_named(__u32 ifindex, const char *netns, const char *ifname)
{
	struct nsteer_port p = { .ifindex = ifindex, .slot = ifindex };

	snprintf(p.netns, sizeof(p.netns), "%s", netns);
	snprintf(p.ifname, sizeof(p.ifname), "%s", ifname);
	return p;
}

static void map_put(int fd, const struct nsteer_port *p)
{
	__u32 key = p->ifindex;

	cr_assert_eq(bpf_map_update_elem(fd, &key, p, BPF_ANY), 0, "writing port_by_ifindex");
}

/* An uplink with only the map the table comes from: what uplink_table and its writers touch. */
static int table_lab(struct uplink *u)
{
	int fd = bpf_map_create(BPF_MAP_TYPE_HASH, "port_by_ifindex", sizeof(__u32),
				sizeof(struct nsteer_port), NSTEER_PORTS_MAX, NULL);

	if (fd < 0)
		cr_skip_test("creating a BPF map needs root: %s", strerror(-fd));
	uplink_init(u, "up0");
	u->fd_port_by_ifindex = fd;
	u->table = calloc(1, sizeof(*u->table));
	cr_assert_not_null(u->table);
	return fd;
}

Test(state, the_table_is_read_once_sorted_and_follows_the_commands_changes)
{
	const struct nsteer_port b1 = port_named(11, "b", "eth1"), a0 = port_named(12, "a", "eth0"),
				 b0 = port_named(13, "b", "eth0"),
				 late = port_named(14, "c", "eth0");
	struct nsteer_port changed = b1, read;
	const struct port_table *t;
	struct uplink u;
	int fd = table_lab(&u);
	__u32 key = b1.ifindex;

	map_put(fd, &b1);
	map_put(fd, &a0);
	map_put(fd, &b0);
	t = uplink_table(&u);
	cr_assert_not_null(t);
	cr_assert_eq(t->n, 3);
	cr_expect_str_eq(t->ports[0].netns, "a", "listing order: namespace, then interface");
	cr_expect_str_eq(t->ports[1].ifname, "eth0");
	cr_expect_str_eq(t->ports[2].ifname, "eth1");

	map_put(fd, &late); /* not by this command: its view stays as it was read */
	cr_expect_eq(uplink_table(&u), t);
	cr_expect_eq(t->n, 3, "the table was read a second time");

	changed.flags |= NSTEER_PORT_NETNS_CREATED;
	cr_assert_eq(port_record_update(&u, &changed), 0);
	cr_expect_eq(port_table_find(t, b1.ifindex)->flags, NSTEER_PORT_NETNS_CREATED,
		     "the table missed the command's own change");
	cr_assert_eq(bpf_map_lookup_elem(fd, &key, &read), 0);
	cr_expect_eq(read.flags, NSTEER_PORT_NETNS_CREATED, "the map missed it");

	cr_assert_eq(slot_release(&u, &a0), 0);
	cr_expect_eq(t->n, 2);
	cr_expect_null(port_table_find(t, a0.ifindex));
	cr_expect_str_eq(t->ports[0].ifname, "eth0", "a removal keeps the order");
	cr_expect_eq(t->ports[1].flags, NSTEER_PORT_NETNS_CREATED);
	uplink_close(&u);
}

Test(state, an_unreadable_table_says_why)
{
	struct uplink u;

	uplink_init(&u, "up0");
	cr_expect_null(uplink_table(&u), "an uplink opened for nothing has no table");
	uplink_close(&u);
}
