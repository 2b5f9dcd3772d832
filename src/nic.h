/* SPDX-License-Identifier: GPL-2.0 */
/* What nsteer holds on an uplink's NIC so that frames for its ports pass the NIC's own filters:
 * each port's MAC in the unicast address list, each port VLAN in the VLAN filter, and
 * allmulticast. The "nic_holds" map records each holding, whether nsteer made it (and so undoes
 * it) and how many ports need it; see struct nsteer_nic_hold. */
#ifndef NSTEER_NIC_H
#define NSTEER_NIC_H

#include "state.h"

/* A port comes (or is repaired): its MAC and VLAN are held, and put back if they went missing. */
int nic_hold_port(const struct uplink *u, const struct nsteer_port *port);
/* A port goes: what nsteer added for it and no other port needs is taken back. */
int nic_release_port(const struct uplink *u, const struct nsteer_port *port);
/* attach: holds allmulticast and everything t's ports need, with users counted afresh, puts
 * back what went missing, and takes back what no port needs. */
int nic_sync(const struct uplink *u, const struct port_table *t);
/* detach: undoes every change nsteer made to the NIC and forgets every holding. */
int nic_release_all(const struct uplink *u);

/* The 802.1Q device through which nsteer puts vid in the NIC's VLAN filter. */
void nic_vlan_dev_name(int uplink_ifindex, unsigned int vid, char buf[IF_NAMESIZE]);
/* h in words, as messages name it: "MAC ... in the unicast address list", "allmulticast". */
void nic_hold_describe(const struct nsteer_nic_hold *h, int uplink_ifindex, char *buf, size_t size);

struct nic_survey_item {
	struct nsteer_nic_hold hold;
	struct nsteer_nic_hold_state state; /* zero when not recorded */
	bool recorded;                      /* in nic_holds */
	bool wanted;  /* a port (or, for allmulticast, the attachment) needs it */
	bool present; /* on the NIC now, whoever put it there */
	__u32 users;  /* how many ports want it (1 for allmulticast), when wanted */
};
typedef int (*nic_survey_cb)(const struct nic_survey_item *item, void *ctx);
/* Calls cb for every holding that t's ports want or nic_holds records, as the NIC has it now. */
int nic_survey(const struct uplink *u, const struct port_table *t, nic_survey_cb cb, void *ctx);

#endif
