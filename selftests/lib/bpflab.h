/* SPDX-License-Identifier: GPL-2.0 */
/* The BPF half of a C test lab: nsteer's programs loaded from the skeleton without pins, with
 * the maps reached as the loader reaches an uplink's (state.h), so that a test fills them with
 * the loader's own functions; BPF_PROG_RUN of one program on one frame; per-CPU values summed.
 * Used by progrun, the fuzzer and bench_tool. */
#ifndef NSTEER_TESTLIB_BPFLAB_H
#define NSTEER_TESTLIB_BPFLAB_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/bpf.h>
#include <linux/types.h>

struct bpf_program;
struct nsteer_bpf;
struct uplink;

/* Opens and loads the nsteer skeleton with one XDP flavour, as attach does (port_devs binds to
 * the first program that uses it): nsteer_xdp (frags, native), or nsteer_xdp_skb when
 * generic_xdp. up gets the skeleton's maps under the uplink name "uplink". From then on libbpf
 * prints only its warnings. 0, or a negative errno with a message in err. */
int lab_nsteer_load(bool generic_xdp, struct nsteer_bpf **skel, struct uplink *up, char *err,
		    size_t err_len);

/* One BPF_PROG_RUN of prog on in (len bytes), with ctx as the skb's context (tc; NULL for XDP).
 * The output frame goes to out (*out_len bytes of room; then its length), the verdict to
 * *retval. 0 or the negative errno of BPF_PROG_RUN (-EINVAL for a frame it will not take). */
int lab_prog_run(struct bpf_program *prog, const struct __sk_buff *ctx, const void *in, size_t len,
		 void *out, __u32 *out_len, __u32 *retval);

/* Adds each of ncpus per-CPU copies of a value (value_size bytes of __u64 counters, as a
 * per-CPU map lookup returns them, one after the other) into sum. */
void lab_percpu_add(void *sum, const void *percpu, size_t value_size, int ncpus);

#endif
