/* SPDX-License-Identifier: GPL-2.0 */
/* What `port list`, `status` and `stats` print, as text or JSON. dev NULL means every uplink. */
#ifndef NSTEER_RENDER_H
#define NSTEER_RENDER_H

#include <stdbool.h>

int render_port_list(const char *dev, bool json);
/* Returns 0 when all is consistent, 1 when problems were found (and printed), <0 on errors. */
int render_status(const char *dev, bool json);
enum stats_format {
	STATS_TEXT,
	STATS_JSON,
	/* Prometheus's text exposition format: counters only, Prometheus computes the rates. */
	STATS_PROMETHEUS,
};
int render_stats(const char *dev, enum stats_format format, unsigned int interval,
		 unsigned int count);

#endif
