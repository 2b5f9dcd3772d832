/* SPDX-License-Identifier: GPL-2.0 */
#ifndef NSTEER_COMMANDS_H
#define NSTEER_COMMANDS_H

#include "cli.h"

/* Runs a parsed command; returns the exit status (0, 1 or 2). */
int command_run(const struct cli *cli);
int batch_run(const char *file);
int demo_run(void);

#endif
