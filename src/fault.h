/* SPDX-License-Identifier: GPL-2.0 */
/* Fault injection, for testing only: the loader names each state-changing step it has just
 * completed, and the environment can make it die there. SPEC §4 promises that a loader killed
 * at any point leaves a state `nsteer status` explains and re-running the command completes;
 * selftests/integration/test_kill_points.sh kills at every step to hold the code to it.
 *
 *   NSTEER_FAULT=STEP      SIGKILL right after the first pass of STEP
 *   NSTEER_FAULT=STEP@N    ... after its N-th pass (batch repeats every step)
 *   NSTEER_FAULT_TRACE=1   print "nsteer-fault: STEP@N" on stderr at each pass
 *
 * With neither set, a step costs a test of one flag. */
#ifndef NSTEER_FAULT_H
#define NSTEER_FAULT_H

void fault_point_hit(const char *step);

extern int fault_enabled; /* -1: environment not read yet, 0: off, 1: on */

static inline void fault_point(const char *step)
{
	if (fault_enabled)
		fault_point_hit(step);
}

#endif
