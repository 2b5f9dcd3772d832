// SPDX-License-Identifier: GPL-2.0
/* libFuzzer entry points (clang -fsanitize=fuzzer): the lab is built once per process, then each
 * input is checked by fuzz_check, and any disagreement with the model aborts, so that libFuzzer
 * saves the input (make fuzz saves it under selftests/fuzz/reproducers/, where make test replays
 * it).
 *
 * libFuzzer instruments this code, not the BPF programs. What the datapath did is fed back through
 * its extra counters: each outcome (program, verdict, drop reason, which counters moved, MLD) is
 * one counter, so an input that makes the datapath do something new is kept. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "check.h"

#define EXTRA_BITS 14

/* libFuzzer reads this section as coverage counters, one feature per counter and hit bucket. */
__attribute__((section("__libfuzzer_extra_counters"),
	       used)) static uint8_t extra_counters[1u << EXTRA_BITS];

static struct {
	unsigned long long inputs, tc_skipped;
	uint8_t seen[1u << EXTRA_BITS];
	unsigned int outcomes;
} stats;

static struct fuzz_result res;

static void stats_print(void)
{
	fprintf(stderr,
		"nsteer fuzz: %llu inputs, %u distinct datapath outcomes (extra-counter features), "
		"%llu frames tc's BPF_PROG_RUN refuses (XDP checked alone)\n",
		stats.inputs, stats.outcomes, stats.tc_skipped);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char err[512] = "";

	(void)argc;
	(void)argv;
	if (fuzz_check_init(err, sizeof(err))) {
		fprintf(stderr, "nsteer fuzz: setting up the lab: %s\n", err);
		exit(1);
	}
	atexit(stats_print);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int ret = fuzz_check(data, size, &res);

	if (ret) {
		fprintf(stderr, "nsteer fuzz: the lab failed: %s\n", res.msg);
		abort();
	}
	if (!res.ok) {
		fprintf(stderr, "nsteer fuzz: DISAGREEMENT: %s\n", res.msg);
		abort();
	}
	stats.inputs++;
	stats.tc_skipped += res.tc_skipped;
	for (int i = 0; i < res.nfeatures; i++) {
		uint32_t at = (res.features[i] * 2654435761u) >> (32 - EXTRA_BITS);

		extra_counters[at]++;
		if (!stats.seen[at]) {
			stats.seen[at] = 1;
			stats.outcomes++;
		}
	}
	return 0;
}
