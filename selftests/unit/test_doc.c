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

Test(doc, control_characters_at_line_starts_are_neutralised)
{
	cr_expect_str_eq(roff(".SH not a heading"), "\\&.SH not a heading\n");
	cr_expect_str_eq(roff("'br not a request"), "\\&'br not a request\n");
	cr_expect_str_eq(roff("a\n.b\n'c"), "a\n\\&.b\n\\&'c\n");
	/* Only at the start of a line are they control characters. */
	cr_expect_str_eq(roff("port's end. Next"), "port's end. Next\n");
}

Test(doc, backslashes_print_as_themselves)
{
	cr_expect_str_eq(roff("C:\\dir \\fB"), "C:\\edir \\efB\n");
}

Test(doc, option_hyphens_are_minus_signs_prose_hyphens_stay)
{
	cr_expect_str_eq(roff("--netns-path and --pid"), "\\-\\-netns\\-path and \\-\\-pid\n");
	cr_expect_str_eq(roff("a self-contained lab (-v)"), "a self-contained lab (\\-v)\n");
	cr_expect_str_eq(roff("1-4094, nsh-DEV"), "1-4094, nsh-DEV\n");
	cr_expect_str_eq(roff("line\n-v at a line start"), "line\n\\-v at a line start\n");
}

Test(doc, text_ends_with_one_newline)
{
	cr_expect_str_eq(roff("a\n"), "a\n");
	cr_expect_str_eq(roff("a"), "a\n");
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
