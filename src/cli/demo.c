// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE /* setns, environ */
/* `nsteer demo`: a complete lab in a few hundred milliseconds. A veth pair stands in for the NIC
 * (its far end, "wire0", sits in a "wire" namespace), three namespaces get ports, and crafted
 * frames with their own ethertype go both ways, so what each party receives is exactly what
 * nsteer delivered, not background chatter. Everything is removed afterwards, also on failure. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <netpacket/packet.h>
#include <poll.h>
#include <sched.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "demo.h"
#include "nsteer.h"
#include "render.h"

#define NETNS_RUN_DIR "/var/run/netns" /* where ip netns keeps the namespaces it names */
#define DEMO_UPLINK "nsteer-demo0"
#define DEMO_WIRE_NS "nsteer-demo-wire"
#define DEMO_ETHERTYPE 0x88b5 /* IEEE "local experimental": nothing else on the lab sends it */
#define DEMO_PORTS 3
#define WIRE 0  /* party index of the wire */
#define STACK 1 /* the uplink's own network stack */
#define PARTIES (2 + DEMO_PORTS)

static const char *const port_names[DEMO_PORTS] = { "red", "green", "blue" };
static const char *const party_names[PARTIES] = { "wire", "uplink-stack", "red", "green", "blue" };

struct party {
	int sock;
	unsigned char mac[6];
	char netns[32];
	unsigned int received[16]; /* per frame id */
};

struct frame_plan {
	char what[40];
	int from; /* party index */
	unsigned char dst[6];
	bool forge_src;
	unsigned int expect_mask; /* bit per party that must receive it */
};

static const unsigned char broadcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const unsigned char nobody[6] = { 0x02, 0xde, 0xad, 0xbe, 0xef, 0x00 };

/* The lab's devices and namespaces are made and removed with ip (iproute2, which nsteer's package
 * depends on), as a user would make them; only nsteer itself is driven through its API.
 * Runs argv ("ip", its arguments, NULL); quiet sends what it says to /dev/null, for removing
 * what may not be there. Returns 0 when it succeeded, else -1. */
static int ip(bool quiet, const char *const *argv)
{
	posix_spawn_file_actions_t actions;
	int status = -1, err;
	pid_t pid;

	if (posix_spawn_file_actions_init(&actions))
		return -1;
	err = quiet ? posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null",
						       O_WRONLY, 0)
		    : 0;
	if (!err)
		err = posix_spawnp(&pid, "ip", &actions, NULL, (char *const *)argv, environ);
	posix_spawn_file_actions_destroy(&actions);
	if (err && !quiet)
		nsteer_log(NSTEER_LOG_WARN, "Couldn't run ip: %s\n", strerror(err));
	if (err || waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

#define IP(quiet, ...) ip(quiet, (const char *const[]){ "ip", __VA_ARGS__, NULL })

static bool netns_exists(const char *name)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", NETNS_RUN_DIR, name);
	return access(path, F_OK) == 0;
}

/* Moves this thread into the namespace ip netns add made, keeping the one it leaves in *saved. */
static int netns_enter(const char *name, int *saved)
{
	char path[PATH_MAX];
	int fd, err = 0;

	snprintf(path, sizeof(path), "%s/%s", NETNS_RUN_DIR, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	*saved = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (*saved < 0 || setns(fd, CLONE_NEWNET) < 0)
		err = -errno;
	close(fd);
	if (err && *saved >= 0)
		close(*saved);
	return err;
}

/* A packet socket for the demo's frames on ifname, in namespace netns (NULL: this one), and
 * ifname's MAC. */
static int packet_socket_in(const char *netns, const char *ifname, unsigned char mac[6])
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(DEMO_ETHERTYPE) };
	struct ifreq ifr = { 0 };
	int saved = -1, fd = -1, err;

	if (netns) {
		err = netns_enter(netns, &saved);
		if (err)
			return err;
	}
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, htons(DEMO_ETHERTYPE));
	err = fd < 0 || ioctl(fd, SIOCGIFINDEX, &ifr) < 0 ? -errno : 0;
	if (!err) {
		sll.sll_ifindex = ifr.ifr_ifindex;
		if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0 ||
		    bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0)
			err = -errno;
		memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	}
	if (saved >= 0 && (setns(saved, CLONE_NEWNET) < 0 || close(saved) < 0))
		abort(); /* continuing in the wrong namespace could touch real interfaces */
	if (err && fd >= 0)
		close(fd);
	return err ? err : fd;
}

static int send_frame(const struct party *from, const unsigned char dst[6], bool forge_src, int id)
{
	unsigned char frame[64] = { 0 };

	memcpy(frame, dst, 6);
	memcpy(frame + 6, forge_src ? nobody : from->mac, 6);
	frame[12] = DEMO_ETHERTYPE >> 8;
	frame[13] = DEMO_ETHERTYPE & 0xff;
	frame[14] = id;
	return send(from->sock, frame, sizeof(frame), 0) == sizeof(frame) ? 0 : -errno;
}

/* Reads what arrived within window_ms; frames a party sent itself show as PACKET_OUTGOING. */
static void collect(struct party *parties, int window_ms)
{
	struct pollfd pfd[PARTIES];
	unsigned char buf[128];
	struct timespec start, now;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (int i = 0; i < PARTIES; i++)
		pfd[i] = (struct pollfd){ .fd = parties[i].sock, .events = POLLIN };
	for (;;) {
		int elapsed;

		clock_gettime(CLOCK_MONOTONIC, &now);
		elapsed = (now.tv_sec - start.tv_sec) * 1000 +
			  (now.tv_nsec - start.tv_nsec) / 1000000;
		if (elapsed >= window_ms || poll(pfd, PARTIES, window_ms - elapsed) <= 0)
			return;
		for (int i = 0; i < PARTIES; i++) {
			struct sockaddr_ll from;
			socklen_t len = sizeof(from);
			ssize_t n;

			while ((n = recvfrom(pfd[i].fd, buf, sizeof(buf), 0,
					     (struct sockaddr *)&from, &len)) > 14) {
				if (from.sll_pkttype != PACKET_OUTGOING && buf[14] < 16)
					parties[i].received[buf[14]]++;
				len = sizeof(from);
			}
		}
	}
}

static int build_lab(struct party *parties)
{
	struct nsteer_attach_opts attach = { .xdp_mode = NSTEER_XDP_AUTO }; /* as a user gets it */
	int err;

	if (!netns_exists(DEMO_WIRE_NS) && IP(false, "netns", "add", DEMO_WIRE_NS)) {
		nsteer_log(NSTEER_LOG_WARN, "Couldn't create namespace %s: ip netns add failed\n",
			   DEMO_WIRE_NS);
		return -1;
	}
	if (IP(false, "link", "add", DEMO_UPLINK, "type", "veth", "peer", "name", "wire0", "netns",
	       DEMO_WIRE_NS) ||
	    IP(false, "link", "set", DEMO_UPLINK, "up") ||
	    IP(false, "-n", DEMO_WIRE_NS, "link", "set", "wire0", "up")) {
		nsteer_log(NSTEER_LOG_WARN, "Couldn't build the demo's NIC %s: ip link failed\n",
			   DEMO_UPLINK);
		return -1;
	}
	printf("lab: %s is the NIC; its far end wire0 lives in namespace %s\n", DEMO_UPLINK,
	       DEMO_WIRE_NS);
	err = nsteer_attach(DEMO_UPLINK, &attach);
	for (int i = 0; !err && i < DEMO_PORTS; i++) {
		struct nsteer_port_opts port = { .netns = { .kind = NSTEER_NETNS_NAME } };
		char addr[32];

		snprintf(parties[2 + i].netns, sizeof(parties[2 + i].netns), "nsteer-demo-%s",
			 port_names[i]);
		snprintf(addr, sizeof(addr), "10.99.0.%d/24", 11 + i);
		port.netns.name = parties[2 + i].netns;
		port.addrs[port.n_addrs++] = addr;
		err = nsteer_port_add(DEMO_UPLINK, &port);
	}
	if (err)
		return err;
	snprintf(parties[WIRE].netns, sizeof(parties[WIRE].netns), "%s", DEMO_WIRE_NS);
	for (int i = 0; i < PARTIES; i++) {
		parties[i].sock = packet_socket_in(i == STACK ? NULL : parties[i].netns,
						   i == WIRE    ? "wire0"
						   : i == STACK ? DEMO_UPLINK
								: "eth0",
						   parties[i].mac);
		if (parties[i].sock < 0) {
			nsteer_log(NSTEER_LOG_WARN, "Couldn't open a packet socket for %s: %s\n",
				   party_names[i], strerror(-parties[i].sock));
			return parties[i].sock;
		}
	}
	return 0;
}

static int is_demo_uplink(const char *dev, void *ctx)
{
	(void)ctx;
	return !strcmp(dev, DEMO_UPLINK);
}

static void destroy_lab(struct party *parties, bool announce)
{
	bool has_uplink = if_nametoindex(DEMO_UPLINK) != 0;

	for (int i = 0; i < PARTIES; i++)
		if (parties[i].sock >= 0)
			close(parties[i].sock);
	if (has_uplink || nsteer_for_each_uplink(is_demo_uplink, NULL) == 1)
		nsteer_detach(DEMO_UPLINK, true);
	if (has_uplink)
		IP(true, "link", "del", DEMO_UPLINK);
	for (int i = 0; i < DEMO_PORTS; i++) { /* port del removed these unless a step failed */
		char name[32];

		snprintf(name, sizeof(name), "nsteer-demo-%s", port_names[i]);
		if (netns_exists(name))
			IP(true, "netns", "del", name);
	}
	if (netns_exists(DEMO_WIRE_NS))
		IP(true, "netns", "del", DEMO_WIRE_NS);
	if (announce)
		printf("lab removed\n");
}

/* Frames and where SPEC section 3 says they must arrive. */
static int plan_frames(const struct party *p, struct frame_plan *plan)
{
	const unsigned int ports = 0x1c, all = 0x1f;
	int n = 0;

	for (int i = 0; i < DEMO_PORTS; i++) {
		plan[n] = (struct frame_plan){ "", WIRE, { 0 }, false, 1u << (2 + i) };
		snprintf(plan[n].what, sizeof(plan[n].what), "wire -> %s", port_names[i]);
		memcpy(plan[n++].dst, p[2 + i].mac, 6);
	}
	plan[n] = (struct frame_plan){ "wire -> unknown MAC", WIRE, { 0 }, false, 1u << STACK };
	memcpy(plan[n++].dst, nobody, 6);
	plan[n] = (struct frame_plan){ "wire -> broadcast", WIRE, { 0 }, false, all & ~1u };
	memcpy(plan[n++].dst, broadcast, 6);
	for (int i = 0; i < DEMO_PORTS; i++) {
		plan[n] = (struct frame_plan){ "", 2 + i, { 0 }, false, 1u << WIRE };
		snprintf(plan[n].what, sizeof(plan[n].what), "%s -> wire", port_names[i]);
		memcpy(plan[n++].dst, p[WIRE].mac, 6);
	}
	plan[n] = (struct frame_plan){ "red -> green (bridge mode)", 2, { 0 }, false, 1u << 3 };
	memcpy(plan[n++].dst, p[3].mac, 6);
	plan[n] = (struct frame_plan){
		"red -> broadcast", 2, { 0 }, false, (ports & ~(1u << 2)) | 1u
	};
	memcpy(plan[n++].dst, broadcast, 6);
	plan[n] = (struct frame_plan){ "red -> wire, forged source MAC", 2, { 0 }, true, 0 };
	memcpy(plan[n++].dst, p[WIRE].mac, 6);
	return n;
}

int demo_run(void)
{
	struct party parties[PARTIES] = { 0 };
	struct frame_plan plan[16];
	int n, wrong = 0, err;

	for (int i = 0; i < PARTIES; i++)
		parties[i].sock = -1;
	/* Leftovers of a demo that was killed: all of these names are the demo's own. */
	destroy_lab(parties, false);
	err = build_lab(parties);
	if (err)
		goto out;
	n = plan_frames(parties, plan);
	for (int f = 0; f < n && !err; f++)
		err = send_frame(&parties[plan[f].from], plan[f].dst, plan[f].forge_src, f);
	if (err) {
		nsteer_log(NSTEER_LOG_WARN, "Couldn't send a demo frame: %s\n", strerror(-err));
		goto out;
	}
	collect(parties, 300);

	printf("\n%-34s", "frame (one each)");
	for (int i = 0; i < PARTIES; i++)
		printf(" %-12s", party_names[i]);
	printf("\n");
	for (int f = 0; f < n; f++) {
		printf("%-34s", plan[f].what);
		for (int i = 0; i < PARTIES; i++) {
			unsigned int got = parties[i].received[f],
				     want = !!(plan[f].expect_mask & 1u << i);

			if (i == plan[f].from)
				printf(" %-12s", "(sender)");
			else
				printf(" %-12s", got == want ? (got ? "received" : ".")
						 : got       ? "UNEXPECTED"
							     : "MISSING");
			wrong += i != plan[f].from && got != want;
		}
		printf("\n");
	}
	printf("\nnsteer's counters:\n");
	render_status(DEMO_UPLINK, false);
	printf("\n%s\n", wrong ? "demo: some frames did NOT go where they should"
			       : "demo: every frame went exactly where it should");
	err = wrong ? -EIO : 0;
out:
	destroy_lab(parties, true);
	return err ? EXIT_FAILURE : EXIT_SUCCESS;
}
