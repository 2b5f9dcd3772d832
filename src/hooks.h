/* SPDX-License-Identifier: GPL-2.0 */
/* Putting programs on devices and finding them again: tc ingress (a TCX link, or a clsact filter)
 * and XDP via libxdp. nsteer's TCX link is the one pinned in its folder, its tc filter is
 * recognised by NSTEER_TC_HANDLE/PRIORITY, its XDP program by name, so other users' programs on
 * the same device are never touched. */
#ifndef NSTEER_HOOKS_H
#define NSTEER_HOOKS_H

#include <stdbool.h>
#include <linux/types.h>

#include "nsteer_shared.h"

#define NSTEER_XDP_PROG_NAME "nsteer_xdp"
#define NSTEER_XDP_SKB_PROG_NAME "nsteer_xdp_skb"

/* Creates clsact when missing (*created_qdisc tells) and installs or atomically replaces nsteer's
 * ingress filter with prog_fd. */
int tc_ingress_attach(int ifindex, int prog_fd, bool *created_qdisc);
int tc_ingress_detach(int ifindex);             /* 0 when there was nothing to remove */
int tc_ingress_prog_id(int ifindex, __u32 *id); /* -ENOENT when nsteer's filter is absent */
int tc_clsact_destroy(int ifindex);
bool tc_clsact_present(int ifindex); /* a clsact qdisc, anyone's */

/* The kernel attaches tc programs through TCX links (6.6 and later). */
bool tcx_available(int ifindex);
/* Hangs prog_fd on ifindex's TCX ingress behind every program already there, and pins the link
 * at pin; when pin holds a live link of ifindex, swaps prog_fd into it atomically instead (the
 * link keeps its place among the others). */
int tcx_attach(int ifindex, int prog_fd, const char *pin);
int tcx_detach(const char *pin); /* detaches and unpins; 0 when there was no link */
/* The program on the uplink: behind the TCX link pinned at tcx_pin, or (tcx_pin NULL) nsteer's
 * clsact filter. -ENOENT when it is not attached to ifindex. */
int tc_uplink_prog_id(int ifindex, const char *tcx_pin, __u32 *id);

struct xdp_found {
	__u32 prog_id;
	enum nsteer_xdp_mode mode;
	bool dispatcher; /* libxdp's multi-program dispatcher sits in front of it */
};
/* -ENOENT when no nsteer XDP program is attached to ifindex; found may be NULL. */
int xdp_find_ours(int ifindex, struct xdp_found *found);
int xdp_detach_ours(int ifindex); /* 0 when there was nothing to remove */

#endif
