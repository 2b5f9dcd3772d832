// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>

#include "fault.h"
#include "mld.h"

struct listeners {
	struct nsteer_mld_key keys[NSTEER_MLD_GROUPS_MAX];
	__u8 values[NSTEER_MLD_GROUPS_MAX];
	__u32 n;
};

/* Every (group, slot) entry, in as few syscalls as the kernel allows; NULL with errno on failure. */
static struct listeners *listeners_read(const struct uplink *u)
{
	struct listeners *l = calloc(1, sizeof(*l));
	__u32 batch, count;
	void *in = NULL;
	int err = l ? 0 : -ENOMEM;

	while (!err && l->n < NSTEER_MLD_GROUPS_MAX) {
		count = NSTEER_MLD_GROUPS_MAX - l->n;
		err = bpf_map_lookup_batch(u->fd_mld_listeners, in, &batch, l->keys + l->n,
					   l->values + l->n, &count, NULL);
		if (!err || err == -ENOENT)
			l->n += count;
		in = &batch;
	}
	if (err && err != -ENOENT) {
		free(l);
		errno = -err;
		return NULL;
	}
	return l;
}

int mld_port_reset(const struct uplink *u, __u32 slot, enum nsteer_mld_state state)
{
	__u32 value = NSTEER_MLD_UNKNOWN;
	struct listeners *l = NULL;
	int err;

	/* Unknown first, so that no flood filters by a list while it is being emptied. */
	err = bpf_map_update_elem(u->fd_mld_snooped, &slot, &value, BPF_ANY);
	if (!err)
		fault_point("mld:unknown");
	if (!err && !(l = listeners_read(u)))
		err = -errno;
	for (__u32 i = 0; !err && i < l->n; i++) {
		if (l->keys[i].slot != slot)
			continue;
		err = bpf_map_delete_elem(u->fd_mld_listeners, &l->keys[i]);
		if (!err)
			fault_point("mld:listener-deleted");
		if (err == -ENOENT) /* the port's own leave report got there first */
			err = 0;
	}
	free(l);
	value = state;
	if (!err && state != NSTEER_MLD_UNKNOWN) {
		err = bpf_map_update_elem(u->fd_mld_snooped, &slot, &value, BPF_ANY);
		if (!err)
			fault_point("mld:snooped");
	}
	return err;
}

int mld_get(const struct uplink *u, struct nsteer_port_mld *by_slot)
{
	struct listeners *l = NULL;
	__u32 state;
	int err = 0;

	memset(by_slot, 0, NSTEER_SLOTS * sizeof(*by_slot));
	for (__u32 slot = 1; !err && slot < u->cfg.slots_used && slot < NSTEER_SLOTS; slot++) {
		err = bpf_map_lookup_elem(u->fd_mld_snooped, &slot, &state);
		by_slot[slot].snooped = !err && state == NSTEER_MLD_SNOOPED;
	}
	if (!err && !(l = listeners_read(u)))
		err = -errno;
	for (__u32 i = 0; !err && i < l->n; i++)
		if (l->keys[i].slot < NSTEER_SLOTS && by_slot[l->keys[i].slot].snooped)
			by_slot[l->keys[i].slot].groups++;
	free(l);
	return err;
}
