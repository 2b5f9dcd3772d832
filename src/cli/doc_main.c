// SPDX-License-Identifier: GPL-2.0
/* nsteer-doc: the build's generator of nsteer(8) and the bash completion, so that both are
 * written from the command table the nsteer binary parses with. */
#include <stdio.h>
#include <string.h>

#include "doc.h"

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "man")) {
		doc_man(stdout);
	} else if (argc == 2 && !strcmp(argv[1], "bash-completion")) {
		doc_bash_completion(stdout);
	} else {
		fputs("Usage: nsteer-doc man|bash-completion\n", stderr);
		return 2;
	}
	/* A full disk must fail the build, not leave a truncated page behind. */
	if (fflush(stdout) || ferror(stdout)) {
		perror("nsteer-doc");
		return 1;
	}
	return 0;
}
