// SPDX-License-Identifier: GPL-2.0
/* nsteer: runs the command its table (cli.c) parsed, each through the library's API or the
 * command's own file. It sits above every other file of the command, so that apply and batch,
 * which read their lines with the table's parser, are called from here and call nothing back. */
#include <stdlib.h>
#include <unistd.h>

#include "apply_cmd.h"
#include "batch.h"
#include "cli.h"
#include "demo.h"
#include "monitor_cmd.h"
#include "render.h"

static int cli_main(int argc, char **argv, bool in_batch);

static int run_batch_line(int argc, char **argv)
{
	return cli_main(argc, argv, true);
}

static int exit_status(int err)
{
	return err ? EXIT_FAILURE : EXIT_SUCCESS;
}

static int cli_run(const struct cli *c)
{
	if (c->cmd == CMD_NONE)
		return EXIT_USAGE;
	if (geteuid() != 0) {
		nsteer_log(NSTEER_LOG_WARN,
			   "this command needs root (CAP_NET_ADMIN and CAP_BPF)\n");
		return EXIT_FAILURE;
	}
	switch (c->cmd) {
	case CMD_NONE:
		break;
	case CMD_ATTACH:
		return exit_status(nsteer_attach(c->dev, &c->attach));
	case CMD_DETACH:
		return exit_status(nsteer_detach(c->dev, c->detach_ports));
	case CMD_PORT_ADD:
		return exit_status(nsteer_port_add(c->dev, &c->port));
	case CMD_PORT_DEL:
		return exit_status(nsteer_port_del(c->dev, &c->port.netns, c->port.ifname));
	case CMD_PORT_LIST:
		return exit_status(render_port_list(c->dev, c->json));
	case CMD_STATUS:
		return exit_status(render_status(c->dev, c->json));
	case CMD_STATS:
		return exit_status(render_stats(c->dev, c->json ? STATS_JSON : c->format,
						c->interval, c->count));
	case CMD_MONITOR:
		return exit_status(monitor_run(c));
	case CMD_SAVE:
		return exit_status(save_run(c->file));
	/* These return an exit status of their own. */
	case CMD_BATCH:
		return batch_run(c->file, run_batch_line);
	case CMD_APPLY:
		return apply_run(c->file);
	case CMD_DEMO:
		return demo_run();
	}
	return EXIT_USAGE;
}

/* batch holds the lock: no command that takes it for many others (batch, apply, demo) is a line
 * of it, nor monitor, which, running until interrupted, would never give it back. */
static bool runs_in_batch(enum cli_cmd cmd)
{
	return cmd != CMD_BATCH && cmd != CMD_APPLY && cmd != CMD_DEMO && cmd != CMD_MONITOR;
}

/* Parses and runs; in_batch refuses the commands that cannot run inside batch. */
static int cli_main(int argc, char **argv, bool in_batch)
{
	struct cli cli;

	switch (cli_parse(argc, argv, &cli, stdout, stderr)) {
	case CMDLINE_DONE:
		return EXIT_SUCCESS;
	case CMDLINE_USAGE:
		return EXIT_USAGE;
	case CMDLINE_RUN:
		break;
	}
	if (in_batch && !runs_in_batch(cli.cmd)) {
		nsteer_log(NSTEER_LOG_WARN, "'%s' cannot run inside batch\n", argv[1]);
		return EXIT_USAGE;
	}
	if (!in_batch)
		nsteer_set_verbose(cli.verbose);
	return cli_run(&cli);
}

int main(int argc, char **argv)
{
	return cli_main(argc, argv, false);
}
