/* SPDX-License-Identifier: GPL-2.0 */
/* A reference model of the datapath's semantics (SPEC §3), written from the spec and
 * headers/nsteer_shared.h, not from bpf/: where one frame must go, which ports get a copy, what is
 * counted and under which drop reason, and what an MLD report a port sends must change. The
 * fuzzer checks every program run against it. */
#ifndef NSTEER_FUZZ_MODEL_H
#define NSTEER_FUZZ_MODEL_H

#include "input.h"

enum fuzz_fate {
	FATE_STACK, /* the uplink's own stack */
	FATE_PORT,  /* one port */
	FATE_WIRE,  /* out of the uplink */
	FATE_DROP,
};

#define FUZZ_MLD_MAX 64 /* groups one report may name that the model keeps track of */

struct fuzz_mld_change {
	uint8_t group[16];
	bool joined; /* the last word of the report on it: listening, or not */
};

struct fuzz_expect {
	enum fuzz_fate fate;
	int port;         /* FATE_PORT: the lab port */
	uint32_t reasons; /* FATE_DROP: bit r for each drop reason it may count (0: none counted) */
	int drop_at;      /* FATE_DROP: the lab port counting it, or FUZZ_SENDER_WIRE: the uplink */
	uint32_t copies;  /* bit k: lab port k gets a copy (a flood) */
	/* Also accepted for a priority-tagged frame: the copies without MLD filtering. BPF_PROG_RUN
	 * leaves the tag in the data, where the stack would have moved it beside it before tc, so
	 * the program cannot see the IPv6 header where it looks for it. */
	uint32_t copies_alt;
	bool sender_tx;    /* the sending port counts the frame as sent */
	bool tag_to_wire;  /* FATE_WIRE: with the sender's VLAN tag added */
	size_t copy_bytes; /* the length of what a port receives */
	bool prio_tag;     /* a priority tag (VID 0), which a port may get with or without it */

	/* What the port's frame looks like when delivered: the frame without its outer tag. A
	 * priority tag (VID 0) may stay, and a QinQ frame's inner tag may travel beside the data. */
	uint8_t out[FUZZ_FRAME_MAX];
	size_t out_len;
	bool tagged;   /* the frame carries a VLAN (or priority) tag in its data */
	uint16_t vlan; /* the VLAN it belongs to */

	/* XDP may decide it only when it is as sure as tc; else it must pass it on. */
	bool xdp_may_decide;

	/* An MLD message the sending port sent. */
	bool mld;
	bool mld_unknown; /* afterwards the port must get every IPv6 multicast frame */
	int mld_n;
	struct fuzz_mld_change mld_changes[FUZZ_MLD_MAX];
	bool mld_overflow; /* more groups than the model tracks: listeners are not checked */
};

void fuzz_model(const struct fuzz_case *c, struct fuzz_expect *e);

/* Whether the two bytes at p are an 802.1Q or 802.1ad tag protocol identifier. */
bool fuzz_is_vlan_tpid(const uint8_t *p);

#endif
