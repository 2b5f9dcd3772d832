/* SPDX-License-Identifier: GPL-2.0 */
/* The AF_PACKET generator of bench_tool gen (packet_gen.c). */
#ifndef NSTEER_BENCH_PACKET_GEN_H
#define NSTEER_BENCH_PACKET_GEN_H

#include <stddef.h>

struct packet_gen_result {
	unsigned long long sent; /* frames the veth took */
	double seconds;
	unsigned int threads;
};

/* Sends frame (len bytes), its destination cycling through macs, out of ifindex (in this
 * namespace) for seconds, on threads threads (one socket each, on CPUs 0, 1, ...). */
int packet_gen_run(int ifindex, const unsigned char *frame, size_t len,
		   const unsigned char (*macs)[6], unsigned int n_macs, double seconds,
		   unsigned int threads, struct packet_gen_result *r);

#endif
