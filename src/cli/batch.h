/* SPDX-License-Identifier: GPL-2.0 */
#ifndef NSTEER_BATCH_H
#define NSTEER_BATCH_H

/* Runs one line's words (argv[0] is "nsteer", argv[argc] NULL); returns an exit status. */
typedef int (*batch_line_fn)(int argc, char **argv);
/* Calls run for every line of file ("-": stdin) under one lock, skipping blank lines and
 * comments, and stops at the first line whose status is not 0, naming it. */
int batch_run(const char *file, batch_line_fn run);

#endif
