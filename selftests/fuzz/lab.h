/* SPDX-License-Identifier: GPL-2.0 */
/* The fuzzer's lab: built once per process, in a network namespace of its own, as the progrun
 * tests build theirs and with the same helpers (selftests/lib): an "uplink" veth whose peer is
 * the "wire", and FUZZ_PORTS veth pairs for ports, with the nsteer skeleton loaded (unpinned). Each case only rewrites the maps, through the
 * loader's own functions (state.h): unpublish and release the last case's ports, write the
 * configuration, register and publish the new ones, reset counters and MLD state. */
#ifndef NSTEER_FUZZ_LAB_H
#define NSTEER_FUZZ_LAB_H

#include <linux/types.h>

#include "input.h"

struct fuzz_run {
	int err; /* of BPF_PROG_RUN: -EINVAL for a frame it will not take */
	__u32 retval;
	__u8 out[FUZZ_FRAME_MAX];
	__u32 out_len;
	struct nsteer_counters counters[FUZZ_SLOTS];
};

enum fuzz_prog { PROG_XDP, PROG_TC_UP, PROG_TC_PORT };

/* 0, or a negative errno with a message in err (err_len bytes) about what failed. */
int fuzz_lab_setup(char *err, size_t err_len);
/* Puts c's configuration and port table into the maps. */
int fuzz_lab_apply(const struct fuzz_case *c, char *err, size_t err_len);
/* Runs prog on frame (len bytes) from c's sender, after zeroing every counter; reads the counters
 * back into r. */
int fuzz_lab_run(enum fuzz_prog prog, const struct fuzz_case *c, const __u8 *frame, size_t len,
		 struct fuzz_run *r, char *err, size_t err_len);
/* The largest frame BPF_PROG_RUN runs through a tc program (a page, less the skb's room). */
size_t fuzz_lab_tc_max(void);

/* What MLD snooping left for slot: its state and whether it listens to group. */
int fuzz_lab_mld_state(__u32 slot, __u32 *state);
bool fuzz_lab_mld_listens(__u32 slot, const __u8 group[16]);
/* Listener entries of slot whose group is not in groups[n] (entries nobody asked for). */
int fuzz_lab_mld_others(__u32 slot, const __u8 (*groups)[16], int n);

#endif
