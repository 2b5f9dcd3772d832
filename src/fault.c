// SPDX-License-Identifier: GPL-2.0
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fault.h"

#define FAULT_STEPS_MAX 256

int fault_enabled = -1;

static bool trace;
static char kill_step[128];
static unsigned long kill_at = 1;

/* Each step's passes so far, by name: a name the code passes at two places is one step whose
 * passes count both, in the order the trace shows them. */
static struct {
	const char *step;
	unsigned long passes;
} counts[FAULT_STEPS_MAX];

static void fault_init(void)
{
	const char *spec = getenv("NSTEER_FAULT"), *trace_env = getenv("NSTEER_FAULT_TRACE");
	char *at;

	trace = trace_env && *trace_env && strcmp(trace_env, "0");
	if (spec && *spec) {
		snprintf(kill_step, sizeof(kill_step), "%s", spec);
		at = strrchr(kill_step, '@');
		if (at) {
			*at = '\0';
			kill_at = strtoul(at + 1, NULL, 10);
		}
	}
	fault_enabled = trace || kill_step[0];
}

static unsigned long count_pass(const char *step)
{
	int i;

	for (i = 0; i < FAULT_STEPS_MAX && counts[i].step; i++)
		if (!strcmp(counts[i].step, step))
			return ++counts[i].passes;
	if (i == FAULT_STEPS_MAX)
		return 0;
	counts[i].step = step;
	return counts[i].passes = 1;
}

void fault_point_hit(const char *step)
{
	unsigned long n;

	if (fault_enabled < 0)
		fault_init();
	if (!fault_enabled)
		return;
	n = count_pass(step);
	if (trace) {
		/* unbuffered, and written before a kill, so the trace shows where it died */
		fprintf(stderr, "nsteer-fault: %s@%lu\n", step, n);
	}
	if (kill_step[0] && n == kill_at && !strcmp(step, kill_step)) {
		fflush(NULL);
		kill(getpid(), SIGKILL);
	}
}
