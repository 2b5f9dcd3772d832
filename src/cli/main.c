// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>

#include "cli.h"

int main(int argc, char **argv)
{
	struct cli cli;

	switch (cli_parse(argc, argv, &cli, stdout, stderr)) {
	case CLI_DONE:
		return EXIT_SUCCESS;
	case CLI_USAGE:
		return EXIT_USAGE;
	case CLI_RUN:
		break;
	}
	nsteer_set_verbose(cli.verbose);
	return cli_run(&cli);
}
