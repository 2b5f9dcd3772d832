/* SPDX-License-Identifier: GPL-2.0 */
#ifndef NSTEER_LOG_H
#define NSTEER_LOG_H

#include "nsteer.h"

bool nsteer_verbose(void);

/* The library's own shorthands, defined here alone: the front ends (src/cli, src/cni) see only
 * nsteer.h and call nsteer_log themselves, and a program including nsteer.h gets no pr_warn. */
#define pr_warn(...) nsteer_log(NSTEER_LOG_WARN, __VA_ARGS__)
#define pr_info(...) nsteer_log(NSTEER_LOG_INFO, __VA_ARGS__)
#define pr_debug(...) nsteer_log(NSTEER_LOG_DEBUG, __VA_ARGS__)

#endif
