// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>

#include <bpf/libbpf.h>
#include <xdp/libxdp.h>

#include "fault.h"
#include "hooks.h"
#include "log.h"

#define TC_HOOK(name, idx) \
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, name, .ifindex = (idx), .attach_point = BPF_TC_INGRESS)
#define TC_OPTS(name)                                                      \
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, name, .handle = NSTEER_TC_HANDLE, \
			    .priority = NSTEER_TC_PRIORITY)

int tc_ingress_attach(int ifindex, int prog_fd, bool *created_qdisc)
{
	TC_HOOK(hook, ifindex);
	TC_OPTS(opts);
	int err;

	err = bpf_tc_hook_create(&hook);
	if (err && err != -EEXIST)
		return err;
	if (!err)
		fault_point("tc:clsact-created");
	if (created_qdisc)
		*created_qdisc = !err;
	opts.prog_fd = prog_fd;
	opts.flags = BPF_TC_F_REPLACE;
	err = bpf_tc_attach(&hook, &opts);
	if (!err)
		fault_point("tc:attached");
	return err;
}

int tc_ingress_detach(int ifindex)
{
	TC_HOOK(hook, ifindex);
	TC_OPTS(opts);
	int err = bpf_tc_detach(&hook, &opts);

	if (!err)
		fault_point("tc:detached");
	return err == -ENOENT || err == -EINVAL || err == -ENODEV ? 0 : err;
}

int tc_ingress_prog_id(int ifindex, __u32 *id)
{
	TC_HOOK(hook, ifindex);
	TC_OPTS(opts);
	int err = bpf_tc_query(&hook, &opts);

	if (err)
		return err == -EINVAL ? -ENOENT : err; /* no clsact at all */
	*id = opts.prog_id;
	return 0;
}

bool tc_clsact_present(int ifindex)
{
	TC_HOOK(hook, ifindex);
	TC_OPTS(opts);

	/* The kernel refuses a filter query without the qdisc (EINVAL), not without the filter. */
	return bpf_tc_query(&hook, &opts) != -EINVAL;
}

int tc_clsact_destroy(int ifindex)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex,
			    .attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS);
	int err = bpf_tc_hook_destroy(&hook);

	if (!err)
		fault_point("tc:clsact-destroyed");
	return err == -ENOENT || err == -EINVAL ? 0 : err;
}

static enum nsteer_xdp_mode from_libxdp_mode(enum xdp_attach_mode mode)
{
	return mode == XDP_MODE_SKB ? NSTEER_XDP_SKB : NSTEER_XDP_NATIVE;
}

static bool is_ours(const struct xdp_program *prog)
{
	const char *name = xdp_program__name(prog);

	return !strcmp(name, NSTEER_XDP_PROG_NAME) || !strcmp(name, NSTEER_XDP_SKB_PROG_NAME);
}

/* Calls fn on nsteer's program in ifindex's XDP set; returns fn's result or -ENOENT. */
static int with_our_xdp(int ifindex,
			int (*fn)(struct xdp_multiprog *, struct xdp_program *, int, void *),
			void *arg)
{
	struct xdp_multiprog *mp = xdp_multiprog__get_from_ifindex(ifindex);
	struct xdp_program *prog = NULL;
	int err = -ENOENT;

	if (libxdp_get_error(mp))
		return -ENOENT;
	if (xdp_multiprog__is_legacy(mp)) {
		prog = xdp_multiprog__main_prog(mp);
		if (prog && !is_ours(prog))
			prog = NULL;
	} else {
		while ((prog = xdp_multiprog__next_prog(prog, mp)))
			if (is_ours(prog))
				break;
	}
	if (prog)
		err = fn(mp, prog, ifindex, arg);
	xdp_multiprog__close(mp);
	return err;
}

static int describe(struct xdp_multiprog *mp, struct xdp_program *prog, int ifindex, void *arg)
{
	struct xdp_found *found = arg;

	(void)ifindex;
	if (!found)
		return 0;
	found->prog_id = xdp_program__id(prog);
	found->mode = from_libxdp_mode(xdp_multiprog__attach_mode(mp));
	found->dispatcher = !xdp_multiprog__is_legacy(mp);
	return 0;
}

int xdp_find_ours(int ifindex, struct xdp_found *found)
{
	return with_our_xdp(ifindex, describe, found);
}

static int detach(struct xdp_multiprog *mp, struct xdp_program *prog, int ifindex, void *arg)
{
	(void)arg;
	if (xdp_multiprog__is_legacy(mp))
		return xdp_multiprog__detach(mp);
	return xdp_program__detach(prog, ifindex, xdp_multiprog__attach_mode(mp), 0);
}

int xdp_detach_ours(int ifindex)
{
	int err = with_our_xdp(ifindex, detach, NULL);

	if (!err)
		fault_point("xdp:detached");
	return err == -ENOENT ? 0 : err;
}
