// SPDX-License-Identifier: GPL-2.0
/* `nsteer batch`: many commands under one lock and in one process, which is what makes
 * thousands of ports cheap (no exec, no re-reading of pins per process). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "cli.h"

#define BATCH_MAX_ARGS 64

/* Splits line in place on blanks; "..." and '...' group words. Returns argc or -1. */
static int split_words(char *line, char **argv, int max)
{
	int argc = 0;
	char *in = line, *out;

	while (*in) {
		while (isspace((unsigned char)*in))
			in++;
		if (!*in)
			break;
		if (argc == max)
			return -1;
		argv[argc++] = out = in;
		while (*in && !isspace((unsigned char)*in)) {
			if (*in == '"' || *in == '\'') {
				char quote = *in++;

				while (*in && *in != quote)
					*out++ = *in++;
				if (!*in)
					return -1; /* unterminated quote */
				in++;
			} else {
				*out++ = *in++;
			}
		}
		if (*in)
			in++;
		*out = '\0';
	}
	return argc;
}

int batch_run(const char *file, batch_line_fn run)
{
	FILE *in = strcmp(file, "-") ? fopen(file, "r") : stdin;
	char *line = NULL, *argv[BATCH_MAX_ARGS + 1];
	size_t cap = 0;
	unsigned int lineno = 0;
	int status = EXIT_SUCCESS;

	if (!in) {
		pr_warn("Couldn't open %s: %s\n", file, strerror(errno));
		return EXIT_FAILURE;
	}
	if (nsteer_lock() || nsteer_batch_begin(file)) {
		nsteer_unlock();
		if (in != stdin)
			fclose(in);
		return EXIT_FAILURE;
	}
	while (status == EXIT_SUCCESS && getline(&line, &cap, in) > 0) {
		int argc;

		lineno++;
		argv[0] = "nsteer";
		argc = split_words(line, argv + 1, BATCH_MAX_ARGS - 1);
		if (argc == 0 || (argc > 0 && argv[1][0] == '#'))
			continue;
		if (argc < 0) {
			pr_warn("%s:%u: unbalanced quotes or too many words\n", file, lineno);
			status = EXIT_USAGE;
			break;
		}
		argv[argc + 1] = NULL;
		status = run(argc + 1, argv);
		if (status != EXIT_SUCCESS)
			pr_warn("%s:%u: failed, stopping here (earlier lines took effect)\n",
				strcmp(file, "-") ? file : "stdin", lineno);
	}
	nsteer_batch_end(); /* a failed line was reported: only a kill leaves the note */
	nsteer_unlock();
	free(line);
	if (in != stdin)
		fclose(in);
	return status;
}
