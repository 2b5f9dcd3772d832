// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "log.h"
#include "show.h"

int command_run(const struct cli *cli)
{
	int err;

	if (geteuid() != 0) {
		pr_warn("this command needs root (CAP_NET_ADMIN and CAP_BPF)\n");
		return EXIT_FAILURE;
	}
	switch (cli->cmd) {
	case CMD_ATTACH:
		err = nsteer_attach(cli->dev, &cli->attach);
		break;
	case CMD_DETACH:
		err = nsteer_detach(cli->dev, cli->detach_ports);
		break;
	case CMD_PORT_ADD:
		err = nsteer_port_add(cli->dev, &cli->port);
		break;
	case CMD_PORT_DEL:
		err = nsteer_port_del(cli->dev, &cli->port.netns);
		break;
	case CMD_PORT_LIST:
		err = show_port_list(cli->dev, cli->json);
		break;
	case CMD_STATUS:
		err = show_status(cli->dev, cli->json);
		break;
	case CMD_STATS:
		err = show_stats(cli->dev, cli->json, cli->interval, cli->count);
		break;
	case CMD_BATCH:
		return batch_run(cli->file);
	case CMD_DEMO:
		return demo_run();
	default:
		return EXIT_USAGE;
	}
	return err ? EXIT_FAILURE : EXIT_SUCCESS;
}
