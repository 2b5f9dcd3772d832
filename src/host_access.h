/* SPDX-License-Identifier: GPL-2.0 */
#ifndef NSTEER_HOST_ACCESS_H
#define NSTEER_HOST_ACCESS_H

#include "state.h"

#define NSTEER_HOST_PORT_LABEL "(host)"

/* Creates or removes u's host-access port (NSTEER_PORT_HOST), as attach --host-access asks. */
int host_access_set(const struct uplink *u, bool on);

#endif
