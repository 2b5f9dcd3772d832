// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/bpf.h>
#include <net/if.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bpflab.h"
#include "netlab.h"
#include "testlib.h"
#include "nsteer_shared.h"
#include "state.h"
#include "nsteer.skel.h"

#include "lab.h"

static struct {
	struct nsteer_bpf *skel;
	struct uplink up;
	struct nl_sock *nl;
	int uplink, wire;
	int host[FUZZ_PORTS], ns[FUZZ_PORTS];
	int ncpus;
	struct nsteer_port registered[FUZZ_PORTS]; /* the last case's ports, in publishing order */
	int nregistered;
	size_t tc_max;
	void *percpu; /* FUZZ_SLOTS counters per CPU, for batch reads and resets */
} lab;

static int wait_running(char *err, size_t err_len)
{
	int ifindexes[2 + 2 * FUZZ_PORTS] = { lab.uplink, lab.wire }, n = 2;

	for (int k = 0; k < FUZZ_PORTS; k++) {
		ifindexes[n++] = lab.host[k];
		ifindexes[n++] = lab.ns[k];
	}
	return lab_links_wait_running(lab.nl, ifindexes, n, err, err_len);
}

static int prog_run(enum fuzz_prog prog, int ifindex, const __u8 *frame, size_t len,
		    struct fuzz_run *r)
{
	struct bpf_program *progs[] = {
		[PROG_XDP] = lab.skel->progs.nsteer_xdp,
		[PROG_TC_UP] = lab.skel->progs.nsteer_tc_up,
		[PROG_TC_PORT] = lab.skel->progs.nsteer_tc_port,
	};
	/* tc runs as on the ingress of ifindex: skb->ifindex is that device, as when attached. */
	struct __sk_buff ctx = { .ifindex = ifindex };

	r->out_len = sizeof(r->out);
	r->err = lab_prog_run(progs[prog], prog == PROG_XDP ? NULL : &ctx, frame, len, r->out,
			      &r->out_len, &r->retval);
	return r->err;
}

/* The largest frame tc's BPF_PROG_RUN takes, found by trying; the configuration is still empty,
 * so the runs steer nothing. */
static size_t probe_tc_max(void)
{
	static struct fuzz_run r;
	static __u8 frame[FUZZ_FRAME_MAX];
	size_t lo = FUZZ_MIN_FRAME, hi = FUZZ_FRAME_MAX;

	memset(frame, 0x02, 12);
	while (lo < hi) {
		size_t mid = (lo + hi + 1) / 2;

		if (prog_run(PROG_TC_UP, lab.uplink, frame, mid, &r) == 0)
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

int fuzz_lab_setup(char *err, size_t err_len)
{
	char name[IF_NAMESIZE], peer[IF_NAMESIZE];
	int ret;

	ret = lab_netns_new(&lab.nl, err, err_len);
	if (ret)
		return ret;
	ret = lab_veth_make(lab.nl, "uplink", "wire", FUZZ_MTU, &lab.uplink, &lab.wire, err,
			    err_len);
	for (int k = 0; !ret && k < FUZZ_PORTS; k++) {
		snprintf(name, sizeof(name), "p%d-host", k);
		snprintf(peer, sizeof(peer), "p%d-ns", k);
		ret = lab_veth_make(lab.nl, name, peer, FUZZ_MTU, &lab.host[k], &lab.ns[k], err,
				    err_len);
	}
	if (!ret)
		ret = wait_running(err, err_len);
	if (ret)
		return ret;

	lab.ncpus = libbpf_num_possible_cpus();
	if (lab.ncpus <= 0)
		return lab_fail(err, err_len, lab.ncpus, "libbpf_num_possible_cpus: %d", lab.ncpus);
	lab.percpu = calloc((size_t)FUZZ_SLOTS * lab.ncpus, sizeof(struct nsteer_counters));
	if (!lab.percpu)
		return lab_fail(err, err_len, -ENOMEM, "out of memory");
	/* As attach does for native XDP: the frags flavour, which also takes jumbo frames. */
	ret = lab_nsteer_load(false, &lab.skel, &lab.up, err, err_len);
	if (ret)
		return ret;
	lab.tc_max = probe_tc_max();
	return 0;
}

size_t fuzz_lab_tc_max(void)
{
	return lab.tc_max;
}

static int counters_zero(void)
{
	__u32 keys[FUZZ_SLOTS], count = FUZZ_SLOTS;
	LIBBPF_OPTS(bpf_map_batch_opts, opts);

	for (__u32 i = 0; i < FUZZ_SLOTS; i++)
		keys[i] = i;
	memset(lab.percpu, 0, (size_t)FUZZ_SLOTS * lab.ncpus * sizeof(struct nsteer_counters));
	return bpf_map_update_batch(lab.up.fd_counters, keys, lab.percpu, &count, &opts);
}

static int counters_read(struct nsteer_counters *sum)
{
	__u32 keys[FUZZ_SLOTS], count = FUZZ_SLOTS, out_batch;
	const struct nsteer_counters *c = lab.percpu;
	LIBBPF_OPTS(bpf_map_batch_opts, opts);
	int err = bpf_map_lookup_batch(lab.up.fd_counters, NULL, &out_batch, keys, lab.percpu,
				       &count, &opts);

	if (err && err != -ENOENT)
		return err;
	if (count != FUZZ_SLOTS)
		return -EIO;
	memset(sum, 0, FUZZ_SLOTS * sizeof(*sum));
	for (__u32 i = 0; i < FUZZ_SLOTS; i++)
		lab_percpu_add(&sum[keys[i]], &c[i * lab.ncpus], sizeof(*sum), lab.ncpus);
	return 0;
}

/* Empties mld_listeners: snooping in earlier cases may have added to it. */
static int listeners_clear(void)
{
	struct nsteer_mld_key key;
	int err;

	while (!(err = bpf_map_get_next_key(lab.up.fd_mld_listeners, NULL, &key)))
		if ((err = bpf_map_delete_elem(lab.up.fd_mld_listeners, &key)))
			return err;
	return err == -ENOENT ? 0 : err;
}

/* As port add records it: the namespace and the interface the port is (a namespace of several
 * ports named after its number, one of its own after the lab port), the lab's veth behind it. */
static struct nsteer_port port_value(const struct fuzz_port *p, int k)
{
	struct nsteer_port v = {
		.vlan = p->vlan,
		.ifindex = lab.host[k],
		.peer_ifindex = lab.ns[k],
		.slot = p->slot,
		.flags = p->host ? NSTEER_PORT_HOST : 0,
		.netns_inode = p->netns == FUZZ_NETNS_OWN ? 0x1000 + k : 0x2000 + p->netns,
	};

	memcpy(v.mac, p->mac, 6);
	if (p->host)
		snprintf(v.netns, sizeof(v.netns), "(the uplink's)");
	else if (p->netns == FUZZ_NETNS_OWN)
		snprintf(v.netns, sizeof(v.netns), "fuzz-p%d", k);
	else
		snprintf(v.netns, sizeof(v.netns), "fuzz-ns%d", p->netns);
	snprintf(v.ifname, sizeof(v.ifname), "%s", p->ifname);
	snprintf(v.host_ifname, sizeof(v.host_ifname), "p%d-host", k);
	return v;
}

int fuzz_lab_apply(const struct fuzz_case *c, char *err, size_t err_len)
{
	struct nsteer_config cfg = {
		.uplink_ifindex = c->configured ? lab.uplink : 0,
		.mode = c->mode,
		.unknown = c->unknown,
		.xdp_mode = NSTEER_XDP_NATIVE,
		.flags = (c->host_access ? NSTEER_CFG_HOST_ACCESS : 0) |
			 (c->vlan_stripped ? NSTEER_CFG_RX_VLAN_STRIPPED : 0),
		.slots_used = 1,
	};
	struct nsteer_port_key key;
	int ret;

	/* As port del takes ports away, last first. */
	while (lab.nregistered > 0) {
		const struct nsteer_port *p = &lab.registered[--lab.nregistered];

		port_unpublish(&lab.up, p);
		ret = slot_release(&lab.up, p);
		if (ret)
			return lab_fail(err, err_len, ret, "releasing slot %u: %s", p->slot,
					strerror(-ret));
	}
	if (bpf_map_get_next_key(lab.up.fd_ports, NULL, &key) != -ENOENT)
		return lab_fail(err, err_len, -EIO,
				"the ports map is not empty with every port gone");
	ret = listeners_clear();
	if (ret)
		return lab_fail(err, err_len, ret, "emptying mld_listeners: %s", strerror(-ret));
	ret = uplink_config_write(&lab.up, &cfg);
	if (ret)
		return lab_fail(err, err_len, ret, "writing uplink_config: %s", strerror(-ret));

	for (int k = 0; k < FUZZ_PORTS; k++) {
		const struct fuzz_port *p = &c->ports[k];
		struct nsteer_port v;
		__u32 state = p->snooped ? NSTEER_MLD_SNOOPED : NSTEER_MLD_UNKNOWN;
		__u8 yes = 1;

		if (!p->present)
			continue;
		v = port_value(p, k);
		ret = slot_register(&lab.up, &v);
		if (!ret) {
			lab.registered[lab.nregistered++] = v;
			ret = port_publish(&lab.up, &v);
		}
		if (!ret)
			ret = bpf_map_update_elem(lab.up.fd_mld_snooped, &v.slot, &state, BPF_ANY);
		for (int g = 0; !ret && g < 6; g++) {
			struct nsteer_mld_key mk = { .slot = v.slot };

			if (!(p->groups & (1u << g)))
				continue;
			memcpy(mk.group, fuzz_group(g), 16);
			ret = bpf_map_update_elem(lab.up.fd_mld_listeners, &mk, &yes, BPF_ANY);
		}
		if (ret)
			return lab_fail(err, err_len, ret, "publishing lab port %d (slot %u): %s",
					k, v.slot, strerror(-ret));
	}
	return 0;
}

int fuzz_lab_run(enum fuzz_prog prog, const struct fuzz_case *c, const __u8 *frame, size_t len,
		 struct fuzz_run *r, char *err, size_t err_len)
{
	int ifindex = prog == PROG_TC_PORT ? lab.host[c->sender] : lab.uplink;
	int ret = counters_zero();

	if (ret)
		return lab_fail(err, err_len, ret, "zeroing the counters: %s", strerror(-ret));
	prog_run(prog, ifindex, frame, len, r);
	ret = counters_read(r->counters);
	if (ret)
		return lab_fail(err, err_len, ret, "reading the counters: %s", strerror(-ret));
	return 0;
}

int fuzz_lab_mld_state(__u32 slot, __u32 *state)
{
	return bpf_map_lookup_elem(lab.up.fd_mld_snooped, &slot, state);
}

bool fuzz_lab_mld_listens(__u32 slot, const __u8 group[16])
{
	struct nsteer_mld_key key = { .slot = slot };
	__u8 v;

	memcpy(key.group, group, 16);
	return bpf_map_lookup_elem(lab.up.fd_mld_listeners, &key, &v) == 0;
}

int fuzz_lab_mld_others(__u32 slot, const __u8 (*groups)[16], int n)
{
	struct nsteer_mld_key key, next;
	int others = 0, i;
	void *prev = NULL;

	while (bpf_map_get_next_key(lab.up.fd_mld_listeners, prev, &next) == 0) {
		key = next;
		prev = &key;
		if (key.slot != slot)
			continue;
		for (i = 0; i < n && memcmp(groups[i], key.group, 16); i++)
			;
		others += i == n;
	}
	return others;
}
