/* SPDX-License-Identifier: GPL-2.0 */
/* `nsteer apply` and `nsteer save`: the configuration file is attach and port add lines, read
 * with batch's tokenizer and the command table's own parser, so it reads like the commands; a
 * port is (uplink, namespace, --ifname), so a namespace may have several port add lines. */
#ifndef NSTEER_CLI_APPLY_CMD_H
#define NSTEER_CLI_APPLY_CMD_H

#include <stdio.h>

#include "nsteer.h"

/* A parsed file: conf, and the lines its strings point into. */
struct conf_file {
	struct nsteer_conf conf;
	char **lines;
	unsigned int n_lines;
};

/* Reads every line of in (called name in messages) into cf: 0, or -EINVAL after saying which
 * lines are wrong (FILE:LINE: why), or another negative errno. Free cf with conf_file_free. */
int conf_parse(FILE *in, const char *name, struct conf_file *cf);
void conf_file_free(struct conf_file *cf);
/* Writes cur as a configuration apply reads back into the same uplinks and ports (each port with
 * its interface name, unless eth0). */
int save_write(FILE *out, const struct nsteer_current *cur);

/* The commands: an exit status for apply, 0 or a negative errno for save. */
int apply_run(const char *file);
int save_run(const char *file);

#endif
