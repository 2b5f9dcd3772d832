// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>

#include <bpf/bpf.h>

#include "mld.h"

static struct nsteer_mld_key keys[NSTEER_MLD_GROUPS_MAX];
static __u8 values[NSTEER_MLD_GROUPS_MAX];

/* Every (group, slot) entry into keys, in as few syscalls as the kernel allows. */
static int listeners_read(const struct uplink *u, __u32 *n)
{
	__u32 batch, count;
	void *in = NULL;
	int err;

	*n = 0;
	do {
		count = NSTEER_MLD_GROUPS_MAX - *n;
		err = bpf_map_lookup_batch(u->fd_mld_listeners, in, &batch, keys + *n, values + *n,
					   &count, NULL);
		if (err && err != -ENOENT)
			return err;
		*n += count;
		in = &batch;
	} while (!err && *n < NSTEER_MLD_GROUPS_MAX);
	return 0;
}

int mld_port_reset(const struct uplink *u, __u32 slot, enum nsteer_mld_state state)
{
	__u32 value = NSTEER_MLD_UNKNOWN, n;
	int err;

	/* Unknown first, so that no flood filters by a list while it is being emptied. */
	err = bpf_map_update_elem(u->fd_mld_snooped, &slot, &value, BPF_ANY);
	if (!err)
		err = listeners_read(u, &n);
	for (__u32 i = 0; !err && i < n; i++) {
		if (keys[i].slot != slot)
			continue;
		err = bpf_map_delete_elem(u->fd_mld_listeners, &keys[i]);
		if (err == -ENOENT) /* the port's own leave report got there first */
			err = 0;
	}
	value = state;
	if (!err && state != NSTEER_MLD_UNKNOWN)
		err = bpf_map_update_elem(u->fd_mld_snooped, &slot, &value, BPF_ANY);
	return err;
}

int nsteer_mld_get(const char *dev, struct nsteer_port_mld *by_slot)
{
	struct uplink u;
	__u32 state, n;
	int err = uplink_open(dev, &u, false);

	memset(by_slot, 0, NSTEER_SLOTS * sizeof(*by_slot));
	if (err)
		return err;
	for (__u32 slot = 1; !err && slot < u.cfg.slots_used && slot < NSTEER_SLOTS; slot++) {
		err = bpf_map_lookup_elem(u.fd_mld_snooped, &slot, &state);
		by_slot[slot].snooped = !err && state == NSTEER_MLD_SNOOPED;
	}
	if (!err)
		err = listeners_read(&u, &n);
	for (__u32 i = 0; !err && i < n; i++)
		if (keys[i].slot < NSTEER_SLOTS && by_slot[keys[i].slot].snooped)
			by_slot[keys[i].slot].groups++;
	uplink_close(&u);
	return err;
}
