/* SPDX-License-Identifier: GPL-2.0 */
/* The loader's side of MLD snooping (bpf/mld.h): a port starts with a clean slate. */
#ifndef NSTEER_MLD_H
#define NSTEER_MLD_H

#include "state.h"

/* Forgets the groups slot listened to and sets its state: NSTEER_MLD_SNOOPED for a port about to
 * come up (before its link does), NSTEER_MLD_UNKNOWN for a slot given up. */
int mld_port_reset(const struct uplink *u, __u32 slot, enum nsteer_mld_state state);

/* Fills by_slot[slot] for every slot of u (NSTEER_SLOTS entries): one read of the listeners. */
int mld_get(const struct uplink *u, struct nsteer_port_mld *by_slot);

#endif
