/* SPDX-License-Identifier: GPL-2.0 */
/* The nsteer command: one table of commands and their options (cli.c), from which parsing, usage
 * text and dispatch all come. Parsing is kept apart from running so that it can be unit tested,
 * and `batch` parses every line with it. */
#ifndef NSTEER_CLI_H
#define NSTEER_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "nsteer.h"

#define EXIT_USAGE 2

enum cli_cmd {
	CMD_NONE,
	CMD_ATTACH,
	CMD_DETACH,
	CMD_PORT_ADD,
	CMD_PORT_DEL,
	CMD_PORT_LIST,
	CMD_STATUS,
	CMD_STATS,
	CMD_BATCH,
	CMD_DEMO,
	CMD_MONITOR,
	CMD_APPLY,
	CMD_SAVE,
};

struct cli {
	enum cli_cmd cmd;
	bool verbose;
	bool json;
	const char *dev;
	const char *file; /* batch, apply, save */
	struct nsteer_attach_opts attach;
	bool detach_ports;
	struct nsteer_port_opts port;
	unsigned int interval;    /* stats: seconds between samples, 0 for totals */
	unsigned int count;       /* stats: samples with --interval, 0 for until interrupted */
	int format;               /* stats: enum stats_format (render.h) */
	const char *monitor_port; /* monitor: only this port's drops */
	int monitor_reason;       /* monitor: only drops for this enum nsteer_drop_reason; -1 all */
	const char *pcap; /* monitor: also write the frames' heads here as pcap ("-": stdout) */
};

enum cli_result {
	CLI_RUN = 0,    /* cli is filled in: run it */
	CLI_DONE = 1,   /* help was printed: exit 0 */
	CLI_USAGE = -1, /* a message went to err: exit 2 */
};

/* argv[0] is the program name. Output (help) goes to out, mistakes to err. */
enum cli_result cli_parse(int argc, char **argv, struct cli *cli, FILE *out, FILE *err);
/* Runs a parsed command; returns the exit status (0, 1 or 2). */
int cli_run(const struct cli *cli);
/* Parses and runs; in_batch refuses the commands that cannot run inside batch. */
int cli_main(int argc, char **argv, bool in_batch);

#endif
