/* SPDX-License-Identifier: GPL-2.0 */
/* The documents written from the command table (cli_program, cli.h) at build time by nsteer-doc:
 * the man page and the bash completion. Nothing of this is linked into nsteer itself. */
#ifndef NSTEER_CLI_DOC_H
#define NSTEER_CLI_DOC_H

#include <stdio.h>

/* nsteer(8), troff with the man macros. */
void doc_man(FILE *out);
/* A bash completion script for nsteer. */
void doc_bash_completion(FILE *out);

/* text, lines separated by '\n', as troff input lines that print it as it is: no line starts
 * with a control character, backslashes are escaped, and the hyphens of options are minus signs
 * (so that they can be copied from the page). Ends with a newline. */
void doc_roff_text(FILE *out, const char *text);

/* The man page's examples, each a command line after "nsteer" that the unit tests parse. */
struct doc_example {
	const char *args;
	const char *what;
};
extern const struct doc_example doc_examples[]; /* ends with a NULL args */

#endif
