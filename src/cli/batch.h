/* SPDX-License-Identifier: GPL-2.0 */
#ifndef NSTEER_BATCH_H
#define NSTEER_BATCH_H

#include <stdbool.h>
#include <stddef.h>

#define BATCH_MAX_ARGS 64
#define BATCH_LINE_MAX 4096

/* Splits line in place on blanks; "..." and '...' group words. Returns argc, -E2BIG for too
 * many words or -EINVAL for an unbalanced quote. */
int batch_split_words(char *line, char **argv, int max);
/* Why line (len bytes, as read) cannot be a command (a NUL, control characters, too long), in
 * why; NULL when it can. */
const char *batch_line_refused(const char *line, size_t len, char *why, size_t size);
/* A blank line or a comment (# first). */
bool batch_line_skipped(const char *line);

/* Runs one line's words (argv[0] is "nsteer", argv[argc] NULL); returns an exit status. */
typedef int (*batch_line_fn)(int argc, char **argv);
/* Calls run for every line of file ("-": stdin) under one lock, skipping blank lines and
 * comments, and stops at the first line whose status is not 0, naming it. */
int batch_run(const char *file, batch_line_fn run);

#endif
