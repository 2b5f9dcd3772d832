/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by the BPF_PROG_RUN test binaries (every test_*.c is a binary of its own, hence all of it
 * static inline).
 *
 * Each test gets a lab of its own: Criterion runs every test in a fresh process, and progrun_setup
 * moves that process into a new network namespace before it creates anything (the lab's helpers,
 * shared with the fuzzer, are selftests/lib's netlab.c and bpflab.c). The veth pairs that
 * stand in for the uplink and the ports, and the tc hooks a test attaches, live only there and
 * vanish with the process, whatever way it ends; the host's interfaces are never touched. The
 * skeleton is loaded without pins, and its maps are filled by the loader's own functions
 * (state.h), the ones `nsteer attach` and `port add` use: the tests exercise the real protocol
 * between the loader and the programs.
 *
 * Lab: "uplink" <-> "wire" stands for the NIC and the far side of its cable; five ports, each a
 * veth pair whose both ends stay in the lab namespace (BPF_PROG_RUN never carries out a redirect,
 * and a clone sent out of a host end is received by its namespace end, where a test can read it):
 *   A, B  untagged
 *   C, D  VLAN 100
 *   E     VLAN 200 */
#ifndef NSTEER_PROGRUN_H
#define NSTEER_PROGRUN_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <criterion/criterion.h>

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/pkt_cls.h>
#include <sys/socket.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bpflab.h"
#include "netlab.h"
#include "netlink.h"
#include "nsteer_shared.h"
#include "state.h"
#include "nsteer.skel.h"

#define ETH_P_TEST 0x88b5 /* IEEE 802 local experimental: no stack in the lab reacts to it */
#define FRAME_MAX 10240   /* room for a 9000-byte jumbo frame and a tag */
#define FRAME_MIN 60      /* shortest frame on a wire, without FCS */

enum port_id { PORT_A, PORT_B, PORT_C, PORT_D, PORT_E, PORTS_N };

struct test_port {
	const char *host_name; /* the host end, where nsteer_tc_port runs */
	const char *ns_name;   /* the namespace end: what the port's own stack would see */
	unsigned char mac[6];
	__u16 vlan;
	__u32 slot;     /* index into port_devs and counters */
	int ifindex;    /* host end */
	int ns_ifindex; /* namespace end */
};

#define PORT_MAC(last)                             \
	{                                          \
		0x02, 0x6e, 0x73, 0x00, 0x00, last \
	}

/* Slots out of order, as `port add` hands them out after ports came and went. */
static struct test_port test_ports[PORTS_N] = {
	[PORT_A] = { "pa-host", "pa-ns", PORT_MAC(0x0a), NSTEER_VLAN_NONE, 3 },
	[PORT_B] = { "pb-host", "pb-ns", PORT_MAC(0x0b), NSTEER_VLAN_NONE, 1 },
	[PORT_C] = { "pc-host", "pc-ns", PORT_MAC(0x0c), 100, 2 },
	[PORT_D] = { "pd-host", "pd-ns", PORT_MAC(0x0d), 100, 7 },
	[PORT_E] = { "pe-host", "pe-ns", PORT_MAC(0x0e), 200, 5 },
};

static const unsigned char MAC_BROADCAST[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const unsigned char MAC_IPV4_MCAST[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb };
static const unsigned char MAC_IPV6_MCAST[6] = { 0x33, 0x33, 0x00, 0x00, 0x00, 0x01 };
/* A host beyond the wire, and a MAC no port has. */
static const unsigned char MAC_REMOTE[6] = { 0x02, 0x77, 0x00, 0x00, 0x00, 0x01 };
static const unsigned char MAC_UNKNOWN[6] = { 0x02, 0x77, 0x00, 0x00, 0x00, 0x99 };

struct progrun {
	struct nsteer_bpf *skel;
	struct uplink up; /* the skeleton's maps, as the loader sees an uplink's */
	struct nl_sock *nl;
	int uplink; /* the "NIC" nsteer is attached to */
	int wire;   /* its peer: the far side of the cable */
	int ncpus;
};

static struct progrun pr;

struct frame {
	unsigned char data[FRAME_MAX];
	size_t len;
};

struct run {
	__u32 retval;
	unsigned char out[FRAME_MAX];
	__u32 out_len;
};

static inline const struct test_port *port(enum port_id id)
{
	return &test_ports[id];
}

/* ---- lab ---- */

static inline void config_write(const struct nsteer_config *cfg)
{
	int err = uplink_config_write(&pr.up, cfg);

	cr_assert_eq(err, 0, "writing uplink_config: %s", strerror(-err));
}

/* The uplink's configuration, as `nsteer attach --mode MODE --unknown UNKNOWN` writes it. */
static inline void configure(enum nsteer_mode mode, enum nsteer_unknown unknown)
{
	struct nsteer_config cfg = {
		.uplink_ifindex = pr.uplink,
		.mode = mode,
		.unknown = unknown,
		.slots_used = 1,
	};

	/* As port add raises it: floods walk the slots below slots_used. */
	for (int i = 0; i < PORTS_N; i++)
		if (test_ports[i].slot >= cfg.slots_used)
			cfg.slots_used = test_ports[i].slot + 1;
	config_write(&cfg);
}

static inline struct nsteer_port port_value(const struct test_port *p, __u32 flags)
{
	struct nsteer_port value = {
		.vlan = p->vlan,
		.ifindex = p->ifindex,
		.peer_ifindex = p->ns_ifindex,
		.slot = p->slot,
		.flags = flags,
	};

	memcpy(value.mac, p->mac, sizeof(value.mac));
	snprintf(value.netns, sizeof(value.netns), "progrun");
	snprintf(value.ifname, sizeof(value.ifname), "%s", p->ns_name);
	snprintf(value.host_ifname, sizeof(value.host_ifname), "%s", p->host_name);
	return value;
}

/* As port add does, minus the veth and the NIC: register the slot, then publish. */
static inline void port_register(struct test_port *p)
{
	struct nsteer_port value = port_value(p, 0);
	int err = slot_register(&pr.up, &value);

	cr_assert_eq(err, 0, "registering %s: %s", p->host_name, strerror(-err));
	err = port_publish(&pr.up, &value);
	cr_assert_eq(err, 0, "publishing %s: %s", p->host_name, strerror(-err));
}

/* Makes id the host-access port, as `attach --host-access` registers nsh-DEV's veth: the port
 * goes as port del takes it and comes back with NSTEER_PORT_HOST. */
static inline void port_make_host(enum port_id id)
{
	struct test_port *p = &test_ports[id];
	struct nsteer_port value = port_value(p, 0);
	struct nsteer_config cfg = pr.up.cfg;
	__u32 zero = 0;
	int err;

	/* Registering raises slots_used in the config the test wrote: keep the test's. */
	cr_assert_eq(bpf_map_lookup_elem(pr.up.fd_config, &zero, &cfg), 0, "reading uplink_config");
	port_unpublish(&pr.up, &value);
	err = slot_release(&pr.up, &value);
	cr_assert_eq(err, 0, "releasing %s: %s", p->host_name, strerror(-err));
	value = port_value(p, NSTEER_PORT_HOST);
	err = slot_register(&pr.up, &value);
	cr_assert_eq(err, 0, "registering %s: %s", p->host_name, strerror(-err));
	err = port_publish(&pr.up, &value);
	cr_assert_eq(err, 0, "publishing %s: %s", p->host_name, strerror(-err));
	config_write(&cfg);
}

/* Which XDP flavour a test process loads and runs: nsteer_xdp, or nsteer_xdp_skb (--xdp-mode skb). */
static bool progrun_generic_xdp;

static inline void progrun_setup(void)
{
	char err[256] = ""; /* what a lab helper says failed */
	int devs[2 + 2 * PORTS_N], ndevs = 0;

	cr_assert_eq(lab_netns_new(&pr.nl, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(
		lab_veth_make(pr.nl, "uplink", "wire", 0, &pr.uplink, &pr.wire, err, sizeof(err)),
		0, "%s", err);
	devs[ndevs++] = pr.uplink;
	devs[ndevs++] = pr.wire;
	for (int i = 0; i < PORTS_N; i++) {
		cr_assert_eq(lab_veth_make(pr.nl, test_ports[i].host_name, test_ports[i].ns_name, 0,
					   &test_ports[i].ifindex, &test_ports[i].ns_ifindex, err,
					   sizeof(err)),
			     0, "%s", err);
		devs[ndevs++] = test_ports[i].ifindex;
		devs[ndevs++] = test_ports[i].ns_ifindex;
	}
	cr_assert_eq(lab_links_wait_running(pr.nl, devs, ndevs, err, sizeof(err)), 0, "%s", err);

	pr.ncpus = libbpf_num_possible_cpus();
	cr_assert_gt(pr.ncpus, 0, "libbpf_num_possible_cpus: %d", pr.ncpus);
	/* The native XDP flavour (frags) is the one under test, unless a suite asks for the generic
	 * one (progrun_setup_generic). */
	cr_assert_eq(lab_nsteer_load(progrun_generic_xdp, &pr.skel, &pr.up, err, sizeof(err)), 0,
		     "%s", err);

	for (int i = 0; i < PORTS_N; i++)
		port_register(&test_ports[i]);
	configure(NSTEER_MODE_BRIDGE, NSTEER_UNKNOWN_PASS);
}

static inline void progrun_teardown(void)
{
	/* The namespace, and everything in it, goes with this process. */
	uplink_close(&pr.up);
	nsteer_bpf__destroy(pr.skel);
	pr.skel = NULL;
	nl_sock_close(pr.nl);
	pr.nl = NULL;
}

/* ---- frames ---- */

/* dst, src, an optional 802.1Q tag (vid < 0: none), ETH_P_TEST, then a counting payload up to len
 * bytes in all. len may cut into the header itself, for truncated frames. */
static inline void frame_make(struct frame *f, const unsigned char *dst, const unsigned char *src,
			      int vid, size_t len)
{
	size_t off = 12;

	cr_assert_leq(len, sizeof(f->data));
	memset(f->data, 0, sizeof(f->data));
	memcpy(f->data, dst, 6);
	memcpy(f->data + 6, src, 6);
	if (vid >= 0) {
		/* PCP 5 set too: only the low 12 bits may count as the VID. */
		__u16 tpid = htons(ETH_P_8021Q), tci = htons((5 << 13) | vid);

		memcpy(f->data + off, &tpid, 2);
		memcpy(f->data + off + 2, &tci, 2);
		off += 4;
	}
	f->data[off] = ETH_P_TEST >> 8;
	f->data[off + 1] = ETH_P_TEST & 0xff;
	for (size_t i = off + 2; i < sizeof(f->data); i++)
		f->data[i] = i & 0xff;
	f->len = len;
}

/* f without its 802.1Q tag: what a port must receive of a tagged frame. */
static inline void frame_untag(struct frame *out, const struct frame *f)
{
	memcpy(out->data, f->data, 12);
	memcpy(out->data + 12, f->data + 16, f->len - 16);
	out->len = f->len - 4;
}

/* f with an 802.1Q tag of exactly tci inserted: what the wire must carry of a VLAN port's frame. */
static inline void frame_tag(struct frame *out, const struct frame *f, __u16 tci)
{
	__u16 tpid = htons(ETH_P_8021Q), be_tci = htons(tci);

	memcpy(out->data, f->data, 12);
	memcpy(out->data + 12, &tpid, 2);
	memcpy(out->data + 14, &be_tci, 2);
	memcpy(out->data + 16, f->data + 12, f->len - 12);
	out->len = f->len + 4;
}

/* ---- running programs ---- */

static inline int prog_run(struct bpf_program *prog, const struct __sk_buff *ctx,
			   const struct frame *f, struct run *r)
{
	memset(r, 0, sizeof(*r));
	r->out_len = sizeof(r->out);
	return lab_prog_run(prog, ctx, f->data, f->len, r->out, &r->out_len, &r->retval);
}

static inline void run_xdp(const struct frame *f, struct run *r)
{
	int err = prog_run(progrun_generic_xdp ? pr.skel->progs.nsteer_xdp_skb
					       : pr.skel->progs.nsteer_xdp,
			   NULL, f, r);

	cr_assert_eq(err, 0, "BPF_PROG_RUN of nsteer_xdp on a %zu-byte frame: %s", f->len,
		     strerror(-err));
}

static inline void run_tc_up(const struct frame *f, struct run *r)
{
	/* Run as on the uplink's ingress, which is where nsteer attaches it. */
	struct __sk_buff ctx = { .ifindex = pr.uplink };
	int err = prog_run(pr.skel->progs.nsteer_tc_up, &ctx, f, r);

	cr_assert_eq(err, 0, "BPF_PROG_RUN of nsteer_tc_up on a %zu-byte frame: %s", f->len,
		     strerror(-err));
}

/* nsteer_tc_port as on the ingress of the host end ifindex. BPF_PROG_RUN takes the skb's device
 * from ctx.ifindex (the lab's loopback when it is 0 or 1), so skb->ifindex is the host end, as it
 * is when the program runs attached there. */
static inline void run_tc_port_on(int ifindex, const struct frame *f, struct run *r)
{
	struct __sk_buff ctx = { .ifindex = ifindex };
	int err = prog_run(pr.skel->progs.nsteer_tc_port, &ctx, f, r);

	cr_assert_eq(err, 0, "BPF_PROG_RUN of nsteer_tc_port on ifindex %d: %s", ifindex,
		     strerror(-err));
}

static inline void run_tc_port(enum port_id from, const struct frame *f, struct run *r)
{
	run_tc_port_on(port(from)->ifindex, f, r);
}

static inline const char *xdp_verdict(__u32 v)
{
	switch (v) {
	case XDP_ABORTED:
		return "XDP_ABORTED";
	case XDP_DROP:
		return "XDP_DROP";
	case XDP_PASS:
		return "XDP_PASS";
	case XDP_TX:
		return "XDP_TX";
	case XDP_REDIRECT:
		return "XDP_REDIRECT";
	default:
		return "XDP_?";
	}
}

static inline const char *tc_verdict(__u32 v)
{
	switch ((int)v) {
	case TC_ACT_OK:
		return "TC_ACT_OK";
	case TC_ACT_SHOT:
		return "TC_ACT_SHOT";
	case TC_ACT_REDIRECT:
		return "TC_ACT_REDIRECT";
	case TC_ACT_UNSPEC:
		return "TC_ACT_UNSPEC";
	default:
		return "TC_ACT_?";
	}
}

#define assert_xdp_verdict(r, want, why)                                    \
	cr_assert_eq((r)->retval, (__u32)(want), "verdict %s, want %s: %s", \
		     xdp_verdict((r)->retval), xdp_verdict(want), why)

#define assert_tc_verdict(r, want, why)                                     \
	cr_assert_eq((r)->retval, (__u32)(want), "verdict %s, want %s: %s", \
		     tc_verdict((r)->retval), tc_verdict(want), why)

/* The output frame must be exactly want. */
#define assert_frame_eq(r, want, what)                                                            \
	do {                                                                                      \
		cr_assert_eq((r)->out_len, (want)->len, "%s: output is %u bytes, want %zu", what, \
			     (r)->out_len, (want)->len);                                          \
		cr_assert_arr_eq((r)->out, (want)->data, (want)->len,                             \
				 "%s: output bytes differ from the expected frame", what);        \
	} while (0)

/* ---- counters ---- */

/* The sum over CPUs of a slot's counters. */
static inline struct nsteer_counters counters_read(__u32 slot)
{
	struct nsteer_counters sum = { 0 }, *percpu = calloc(pr.ncpus, sizeof(*percpu));
	int err;

	cr_assert_not_null(percpu);
	err = bpf_map_lookup_elem(bpf_map__fd(pr.skel->maps.counters), &slot, percpu);
	cr_assert_eq(err, 0, "reading the counters of slot %u: %s", slot, strerror(-err));
	lab_percpu_add(&sum, percpu, sizeof(*percpu), pr.ncpus);
	free(percpu);
	return sum;
}

static inline struct nsteer_counters port_counters(enum port_id id)
{
	return counters_read(port(id)->slot);
}

static inline struct nsteer_counters uplink_counters(void)
{
	return counters_read(NSTEER_SLOT_UPLINK);
}

/* What a port counted as received: one per copy a flood gave it, or a redirect to it. */
static inline void expect_rx(enum port_id id, __u64 packets, const char *why)
{
	struct nsteer_counters c = port_counters(id);

	cr_assert_eq(c.rx_packets, packets, "port %s counted %llu frames received, want %llu: %s",
		     port(id)->host_name, (unsigned long long)c.rx_packets,
		     (unsigned long long)packets, why);
}

/* What the uplink counted as sent to the wire. */
static inline void expect_wire_tx(__u64 packets, const char *why)
{
	struct nsteer_counters up = uplink_counters();

	cr_assert_eq(up.tx_packets, packets,
		     "uplink counted %llu frames sent to the wire, want %llu: %s",
		     (unsigned long long)up.tx_packets, (unsigned long long)packets, why);
}

/* Every counter of c is zero. */
static inline bool counters_zero(const struct nsteer_counters *c)
{
	static const struct nsteer_counters zero;

	return memcmp(c, &zero, sizeof(zero)) == 0;
}

/* ---- capture: what the namespace end of a port (or the wire) receives ---- */

static inline int capture_open(int ifindex)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_ALL),
		.sll_ifindex = ifindex,
	};
	int one = 1,
	    fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, htons(ETH_P_ALL));

	cr_assert_geq(fd, 0, "packet socket: %s", strerror(errno));
	cr_assert_eq(bind(fd, (struct sockaddr *)&sll, sizeof(sll)), 0, "bind to ifindex %d: %s",
		     ifindex, strerror(errno));
	/* An 802.1Q tag can travel in skb metadata instead of the data; auxdata reports it. */
	cr_assert_eq(setsockopt(fd, SOL_PACKET, PACKET_AUXDATA, &one, sizeof(one)), 0);
	return fd;
}

/* The next frame received (not sent) on fd whose source MAC is src, within timeout_ms, as it was
 * on the wire: a tag the stack moved into skb metadata is put back in place. */
static inline bool capture_next(int fd, const unsigned char *src, int timeout_ms, struct frame *f)
{
	char cbuf[CMSG_SPACE(sizeof(struct tpacket_auxdata))];
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	unsigned char *buf = f->data + 4; /* room to put a tag back */

	while (poll(&pfd, 1, timeout_ms) == 1) {
		struct iovec iov = { .iov_base = buf, .iov_len = sizeof(f->data) - 4 };
		struct sockaddr_ll from;
		struct msghdr msg = {
			.msg_name = &from,
			.msg_namelen = sizeof(from),
			.msg_iov = &iov,
			.msg_iovlen = 1,
			.msg_control = cbuf,
			.msg_controllen = sizeof(cbuf),
		};
		ssize_t n = recvmsg(fd, &msg, 0);
		const struct tpacket_auxdata *aux = NULL;

		if (n < 0)
			continue;
		if (from.sll_pkttype == PACKET_OUTGOING || n < ETH_HLEN || memcmp(buf + 6, src, 6))
			continue;
		for (struct cmsghdr *cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm))
			if (cm->cmsg_level == SOL_PACKET && cm->cmsg_type == PACKET_AUXDATA)
				aux = (const void *)CMSG_DATA(cm);
		if (aux && (aux->tp_status & TP_STATUS_VLAN_VALID)) {
			__u16 tpid =
				htons(aux->tp_status & TP_STATUS_VLAN_TPID_VALID ? aux->tp_vlan_tpid
										 : ETH_P_8021Q);
			__u16 tci = htons(aux->tp_vlan_tci);

			memmove(f->data, buf, 12);
			memcpy(f->data + 12, &tpid, 2);
			memcpy(f->data + 14, &tci, 2);
			f->len = n + 4;
		} else {
			memmove(f->data, buf, n);
			f->len = n;
		}
		return true;
	}
	return false;
}

/* Sends f out of ifindex, as a port's own stack would. */
static inline void frame_send(int ifindex, const struct frame *f)
{
	struct sockaddr_ll to = { .sll_family = AF_PACKET, .sll_ifindex = ifindex, .sll_halen = 6 };
	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);

	cr_assert_geq(fd, 0, "packet socket: %s", strerror(errno));
	memcpy(to.sll_addr, f->data, 6);
	cr_assert_eq(sendto(fd, f->data, f->len, 0, (struct sockaddr *)&to, sizeof(to)),
		     (ssize_t)f->len, "sending %zu bytes on ifindex %d: %s", f->len, ifindex,
		     strerror(errno));
	close(fd);
}

/* Attaches nsteer_tc_port to the ingress of port id's host end, as `port add` does. The clsact
 * qdisc goes with the lab namespace. */
static inline void tc_port_attach(enum port_id id)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = port(id)->ifindex,
		    .attach_point = BPF_TC_INGRESS);
	LIBBPF_OPTS(bpf_tc_opts, opts, .prog_fd = bpf_program__fd(pr.skel->progs.nsteer_tc_port),
		    .handle = NSTEER_TC_HANDLE, .priority = NSTEER_TC_PRIORITY);
	int err = bpf_tc_hook_create(&hook);

	cr_assert(err == 0 || err == -EEXIST, "clsact on %s: %s", port(id)->host_name,
		  strerror(-err));
	err = bpf_tc_attach(&hook, &opts);
	cr_assert_eq(err, 0, "attaching nsteer_tc_port to %s: %s", port(id)->host_name,
		     strerror(-err));
}

#endif
