// SPDX-License-Identifier: GPL-2.0
/* Unit tests of the loader's bottom module that need no BPF: fd bookkeeping and slot choice. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

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
