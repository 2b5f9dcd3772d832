// SPDX-License-Identifier: GPL-2.0
/* Unit tests for the man page writer's troff escaping, and for its examples, which must be
 * command lines nsteer accepts. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "doc.h"

static char *roff(const char *text)
{
	static char *buf;
	size_t len;
	FILE *f;

	free(buf);
	buf = NULL;
	f = open_memstream(&buf, &len);
	cr_assert_not_null(f);
	doc_roff_text(f, text);
	cr_assert_eq(fclose(f), 0);
	return buf;
}

/* The text, then the troff that must come out of it. */
static const struct {
	const char *text, *want;
} roff_cases[] = {
	/* Control characters at line starts are neutralised... */
	{ ".SH not a heading", "\\&.SH not a heading\n" },
	{ "'br not a request", "\\&'br not a request\n" },
	{ "a\n.b\n'c", "a\n\\&.b\n\\&'c\n" },
	/* ...and only there are they control characters. */
	{ "port's end. Next", "port's end. Next\n" },
	/* Backslashes print as themselves. */
	{ "C:\\dir \\fB", "C:\\edir \\efB\n" },
	/* Option hyphens are minus signs, prose hyphens stay. */
	{ "--netns-path and --pid", "\\-\\-netns\\-path and \\-\\-pid\n" },
	{ "a self-contained lab (-v)", "a self-contained lab (\\-v)\n" },
	{ "1-4094, nsh-DEV", "1-4094, nsh-DEV\n" },
	{ "line\n-v at a line start", "line\n\\-v at a line start\n" },
	/* Text ends with one newline. */
	{ "a\n", "a\n" },
	{ "a", "a\n" },
};

Test(doc, roff_escaping)
{
	for (size_t i = 0; i < sizeof(roff_cases) / sizeof(roff_cases[0]); i++)
		cr_expect_str_eq(roff(roff_cases[i].text), roff_cases[i].want, "roff(\"%s\")",
				 roff_cases[i].text);
}

/* The examples split at spaces, as the shell would split them (they hold no quotes). */
Test(doc, examples_parse)
{
	for (const struct doc_example *e = doc_examples; e->args; e++) {
		char *copy = strdup(e->args), *argv[32], *save = NULL, *out_buf = NULL,
		     *err_buf = NULL;
		size_t out_len, err_len;
		FILE *out = open_memstream(&out_buf, &out_len),
		     *err = open_memstream(&err_buf, &err_len);
		struct cli cli;
		int argc = 0;

		cr_assert_not_null(copy);
		cr_assert_null(strpbrk(e->args, "'\"\\|<>$"), "example '%s' needs a shell",
			       e->args);
		argv[argc++] = "nsteer";
		for (char *w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
			cr_assert_lt(argc, 31);
			argv[argc++] = w;
		}
		argv[argc] = NULL;
		cr_expect_eq(cli_parse(argc, argv, &cli, out, err), CMDLINE_RUN, "nsteer %s: %s",
			     e->args, (fflush(err), err_buf ? err_buf : ""));
		fclose(out);
		fclose(err);
		free(out_buf);
		free(err_buf);
		free(copy);
	}
}
