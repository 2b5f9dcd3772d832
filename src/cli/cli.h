/* SPDX-License-Identifier: GPL-2.0 */
/* nsteer's command line: one table of its commands and their options (cli.c), which the engine
 * (cmdline.h) parses with and writes the usage text from, and the documents are written from
 * (doc.h). Parsing is kept apart from running (main.c) so that it can be unit tested, and so that
 * `batch` and `apply` read their lines with it. */
#ifndef NSTEER_CLI_H
#define NSTEER_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "cmdline.h"
#include "nsteer.h"

#define EXIT_USAGE 2

/* The configuration nsteer.service applies at boot. */
#define APPLY_CONF_DEFAULT "/etc/nsteer/nsteer.conf"

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

/* The table: commands, options, summary, exit statuses. */
extern const struct cmdline_program cli_program;

/* argv[0] is the program name. Output (help) goes to out, mistakes to err. */
enum cmdline_result cli_parse(int argc, char **argv, struct cli *cli, FILE *out, FILE *err);

#endif
