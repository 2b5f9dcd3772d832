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

/* Splits line in place on blanks; "..." and '...' group words. Returns argc, -E2BIG for too
 * many words or -EINVAL for an unbalanced quote. */
int batch_split_words(char *line, char **argv, int max)
{
	int argc = 0;
	char *in = line, *out;

	while (*in) {
		while (isspace((unsigned char)*in))
			in++;
		if (!*in)
			break;
		if (argc == max)
			return -E2BIG;
		argv[argc++] = out = in;
		while (*in && !isspace((unsigned char)*in)) {
			if (*in == '"' || *in == '\'') {
				char quote = *in++;

				while (*in && *in != quote)
					*out++ = *in++;
				if (!*in)
					return -EINVAL; /* unterminated quote */
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

/* Why line (len bytes, as read) cannot be run, or NULL. A NUL would silently cut the line short
 * (the words after it dropped, an option lost); other control characters are binary junk whose
 * echo in a message would garble the terminal; an endless line is not a command. */
const char *batch_line_refused(const char *line, size_t len, char *why, size_t size)
{
	if (len > BATCH_LINE_MAX) {
		snprintf(why, size, "longer than %d bytes", BATCH_LINE_MAX);
		return why;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = line[i];

		if (ch == '\t' || ch == '\n' || (ch == '\r' && i + 2 >= len))
			continue;
		if (ch == 0) {
			snprintf(why, size, "a NUL byte at column %zu", i + 1);
			return why;
		}
		if (ch < 0x20 || ch == 0x7f) {
			snprintf(why, size, "control character 0x%02x at column %zu (binary data?)",
				 ch, i + 1);
			return why;
		}
	}
	return NULL;
}

bool batch_line_skipped(const char *line)
{
	while (isspace((unsigned char)*line))
		line++;
	return !*line || *line == '#';
}

int batch_run(const char *file, batch_line_fn run)
{
	FILE *in = strcmp(file, "-") ? fopen(file, "r") : stdin;
	const char *name = strcmp(file, "-") ? file : "stdin", *refused;
	char *line = NULL, *argv[BATCH_MAX_ARGS + 1], why[80];
	size_t cap = 0;
	ssize_t len;
	unsigned int lineno = 0;
	int status = EXIT_SUCCESS;

	if (!in) {
		nsteer_log(NSTEER_LOG_WARN, "Couldn't open %s: %s\n", file, strerror(errno));
		return EXIT_FAILURE;
	}
	if (nsteer_lock() || nsteer_batch_begin(file)) {
		nsteer_unlock();
		if (in != stdin)
			fclose(in);
		return EXIT_FAILURE;
	}
	errno = 0;
	while (status == EXIT_SUCCESS && (len = getline(&line, &cap, in)) > 0) {
		int argc;

		lineno++;
		refused = batch_line_refused(line, (size_t)len, why, sizeof(why));
		if (refused) {
			nsteer_log(NSTEER_LOG_WARN,
				   "%s:%u: %s, stopping here (earlier lines took effect)\n", name,
				   lineno, refused);
			status = EXIT_USAGE;
			break;
		}
		if (batch_line_skipped(line))
			continue;
		argv[0] = "nsteer";
		argc = batch_split_words(line, argv + 1, BATCH_MAX_ARGS - 1);
		if (argc < 0) {
			nsteer_log(NSTEER_LOG_WARN,
				   "%s:%u: %s, stopping here (earlier lines took effect)\n", name,
				   lineno, argc == -E2BIG ? "too many words" : "unbalanced quote");
			status = EXIT_USAGE;
			break;
		}
		argv[argc + 1] = NULL;
		status = run(argc + 1, argv);
		if (status != EXIT_SUCCESS)
			nsteer_log(NSTEER_LOG_WARN,
				   "%s:%u: failed, stopping here (earlier lines took effect)\n",
				   name, lineno);
		errno = 0;
	}
	/* getline ends on errors as on the end of the file: a directory, say, reads as EISDIR. */
	if (status == EXIT_SUCCESS && ferror(in)) {
		nsteer_log(NSTEER_LOG_WARN, "Couldn't read %s: %s\n", name,
			   strerror(errno ? errno : EIO));
		status = EXIT_FAILURE;
	}
	nsteer_batch_end(); /* a failed line was reported: only a kill leaves the note */
	nsteer_unlock();
	free(line);
	if (in != stdin)
		fclose(in);
	return status;
}
