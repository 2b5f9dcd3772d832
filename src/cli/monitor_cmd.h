/* SPDX-License-Identifier: GPL-2.0 */
#ifndef NSTEER_CLI_MONITOR_CMD_H
#define NSTEER_CLI_MONITOR_CMD_H

#include "cli.h"

/* `nsteer monitor`: until a signal, a closed output, or the uplink's detach ends it. */
int monitor_run(const struct cli *c);

#endif
