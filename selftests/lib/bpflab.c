// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "state.h"
#include "nsteer.skel.h"

#include "bpflab.h"
#include "testlib.h"

static int libbpf_quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return level == LIBBPF_WARN ? vfprintf(stderr, fmt, ap) : 0;
}

int lab_nsteer_load(bool generic_xdp, struct nsteer_bpf **skel, struct uplink *up, char *err,
		    size_t err_len)
{
	struct nsteer_bpf *s;
	int ret;

	libbpf_set_print(libbpf_quiet);
	s = nsteer_bpf__open();
	if (!s)
		return lab_fail(err, err_len, -errno, "opening the nsteer skeleton: %s",
				strerror(errno));
	bpf_program__set_autoload(generic_xdp ? s->progs.nsteer_xdp : s->progs.nsteer_xdp_skb,
				  false);
	ret = nsteer_bpf__load(s);
	if (ret) {
		nsteer_bpf__destroy(s);
		return lab_fail(err, err_len, ret, "loading the nsteer skeleton: %s",
				strerror(-ret));
	}
	ret = uplink_from_object("uplink", s->obj, up);
	if (ret) {
		nsteer_bpf__destroy(s);
		return lab_fail(err, err_len, ret, "the skeleton lacks a map the loader uses");
	}
	*skel = s;
	return 0;
}

int lab_prog_run(struct bpf_program *prog, const struct __sk_buff *ctx, const void *in, size_t len,
		 void *out, __u32 *out_len, __u32 *retval)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = in, .data_size_in = len, .data_out = out,
		    .data_size_out = *out_len, .repeat = 1);
	int ret;

	if (ctx) {
		opts.ctx_in = ctx;
		opts.ctx_size_in = sizeof(*ctx);
	}
	ret = bpf_prog_test_run_opts(bpf_program__fd(prog), &opts);
	*retval = opts.retval;
	*out_len = opts.data_size_out;
	return ret;
}

void lab_percpu_add(void *sum, const void *percpu, size_t value_size, int ncpus)
{
	__u64 *to = sum;

	for (int cpu = 0; cpu < ncpus; cpu++) {
		const __u64 *from = (const __u64 *)((const char *)percpu + cpu * value_size);

		for (size_t w = 0; w < value_size / sizeof(__u64); w++)
			to[w] += from[w];
	}
}
