// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
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

/* The kernel's numbers: Debian 12's UAPI headers and libbpf 1.1 predate TCX. */
#define TCX_INGRESS 46
#define LINK_TYPE_TCX 11
#define F_AFTER (1U << 4)

bool tcx_available(int ifindex)
{
	__u32 count = 0;

	/* A kernel without TCX refuses to query an attach type it does not know (EINVAL). */
	return bpf_prog_query(ifindex, TCX_INGRESS, 0, NULL, NULL, &count) == 0;
}

/* The link pinned at pin if it is a TCX link still on ifindex (a link whose device went is
 * defunct: its ifindex reads 0); -ENOENT otherwise. */
static int tcx_link_open(int ifindex, const char *pin, struct bpf_link_info *info)
{
	__u32 len = sizeof(*info);
	int fd = bpf_obj_get(pin);

	if (fd < 0)
		return fd == -ENOENT ? -ENOENT : -errno;
	memset(info, 0, sizeof(*info));
	/* TCX's ifindex is the first field of the union, where XDP's is. */
	if (bpf_obj_get_info_by_fd(fd, info, &len) || info->type != LINK_TYPE_TCX ||
	    info->xdp.ifindex != (__u32)ifindex) {
		close(fd);
		return -ENOENT;
	}
	return fd;
}

int tcx_attach(int ifindex, int prog_fd, const char *pin)
{
	/* Behind the others: nsteer's verdicts are final, so whoever wants to see the frames it
	 * steers must run first, and can (BPF_F_BEFORE). */
	LIBBPF_OPTS(bpf_link_create_opts, opts, .flags = F_AFTER);
	struct bpf_link_info info;
	int err, fd = tcx_link_open(ifindex, pin, &info);

	if (fd >= 0) {
		err = bpf_link_update(fd, prog_fd, NULL);
		close(fd);
		if (!err)
			fault_point("tcx:replaced");
		return err;
	}
	if (fd != -ENOENT)
		return fd;
	unlink(pin); /* a defunct link, or something else in its place */
	fd = bpf_link_create(prog_fd, ifindex, TCX_INGRESS, &opts);
	if (fd < 0)
		return fd;
	fault_point("tcx:attached"); /* a kill here closes the only reference: the link goes */
	err = bpf_obj_pin(fd, pin);
	close(fd);
	if (!err)
		fault_point("tcx:pinned");
	return err;
}

int tcx_detach(const char *pin)
{
	int fd = bpf_obj_get(pin);

	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	/* Explicitly: a reader holding the link open (bpftool) would otherwise keep it attached. */
	bpf_link_detach(fd);
	close(fd);
	if (unlink(pin))
		return -errno;
	fault_point("tcx:detached");
	return 0;
}

int tc_uplink_prog_id(int ifindex, const char *tcx_pin, __u32 *id)
{
	struct bpf_link_info info;
	int fd;

	if (!tcx_pin)
		return tc_ingress_prog_id(ifindex, id);
	fd = tcx_link_open(ifindex, tcx_pin, &info);
	if (fd < 0)
		return fd;
	close(fd);
	*id = info.prog_id;
	return 0;
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
