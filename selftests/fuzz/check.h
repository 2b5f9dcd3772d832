/* SPDX-License-Identifier: GPL-2.0 */
/* One fuzz input, checked: decoded into a case, its state put into the maps, the frame run through
 * the real programs with BPF_PROG_RUN (XDP then tc on the uplink for a frame from the wire, tc on
 * the sender's host end for a port's) and every outcome compared with the model. Shared by the
 * libFuzzer binary and the Criterion test that replays reproducers and the seed corpus. */
#ifndef NSTEER_FUZZ_CHECK_H
#define NSTEER_FUZZ_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FUZZ_FEATURES_MAX 8

struct fuzz_result {
	bool ok;         /* the programs did what the model says */
	char msg[4096];  /* else, how they differ, and the case */
	bool tc_skipped; /* the frame is too long for tc's BPF_PROG_RUN: XDP alone was checked */
	/* What the datapath did, as numbers the fuzzer counts as coverage it cannot see in BPF:
	 * program x verdict x drop reason x which counters moved x MLD outcome. */
	uint32_t features[FUZZ_FEATURES_MAX];
	int nfeatures;
};

/* Once per process: moves it into a lab namespace of its own and loads the programs. 0, or a
 * negative errno with a message in err. */
int fuzz_check_init(char *err, size_t err_len);
/* 0 with res filled in, or a negative errno (with res->msg) when the lab itself failed. */
int fuzz_check(const uint8_t *data, size_t size, struct fuzz_result *res);

#endif
