// SPDX-License-Identifier: GPL-2.0
/* The C half of `make bench` (bench.sh is the other): a live-frames traffic generator and
 * XDP sinks that count what arrives, shared across namespaces through pins.
 *
 *   bench_tool gen NETNS IFNAME SECONDS DST_MAC[,DST_MAC...]|@FILE [SIZE]
 *       send SIZE-byte (default 64) UDP frames out of IFNAME (in NETNS) for SECONDS, cycling
 *       through the destination MACs; prints "sent N seconds S generator G". G is live-frames
 *       (BPF_PROG_RUN with BPF_F_TEST_XDP_LIVE_FRAMES, where the kernel allows it) or
 *       af_packet/T (packet_gen.c on T threads, one per CPU unless BENCH_GEN_THREADS says);
 *       BENCH_GEN=live or BENCH_GEN=af_packet picks one.
 *   bench_tool sink NETNS IFNAME...  attach the counting XDP sink (native) to IFNAME in NETNS
 *                                    (NETNS "-": this namespace)
 *   bench_tool bare DEV TARGET       on DEV (here), XDP redirect everything to TARGET via a devmap
 *   bench_tool bcast DEV TARGET...   on DEV, XDP broadcast everything to the TARGETs (a devmap)
 *   bench_tool spread DEV TARGET...  on DEV, XDP redirect frames to the Nth TARGET when their
 *                                    destination MAC ends in N (two bytes), without a lookup
 *   bench_tool count                 print what all sinks counted so far
 *   bench_tool udp-sinks NETNS...|@FILE  hold a UDP socket on port 9 in each namespace, never read,
 *                                    so frames into a port's stack end there (not in ICMP replies);
 *                                    prints "ready", then waits to be killed
 *   bench_tool delivers NETNS...|@FILE  print the sum of Ip InDelivers over the namespaces
 *   bench_tool rx-drops NETNS...|@FILE  print the frames their devices (but lo) dropped on receive:
 *                                    a port's veth ring that overflowed
 *   bench_tool clean                 remove the pins (programs stay while attached)
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <linux/if_link.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bench.skel.h"
#include "bpflab.h"
#include "mac.h"
#include "packet_gen.h"

#define PIN_DIR "/sys/fs/bpf/nsteer-bench"
#define PIN_SINK PIN_DIR "/bench_sink"
#define PIN_COUNT PIN_DIR "/sink_count"
#define MAX_MACS 4096

static int die(const char *what, int err)
{
	fprintf(stderr, "bench_tool: %s: %s\n", what, strerror(err < 0 ? -err : err));
	exit(1);
}

/* "-" is the namespace bench_tool was started in. */
static void enter_netns(const char *name)
{
	static int home = -1;
	char path[256];
	int fd;

	if (home < 0)
		home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (!strcmp(name, "-")) {
		if (setns(home, CLONE_NEWNET) < 0)
			die("back to the first namespace", errno);
		return;
	}

	snprintf(path, sizeof(path), "/var/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWNET) < 0)
		die(path, errno);
	close(fd);
}

static int ifindex_of(const char *ifname)
{
	int ifindex = if_nametoindex(ifname);

	if (!ifindex)
		die(ifname, errno);
	return ifindex;
}

static int load_macs(const char *spec, unsigned char (*macs)[6])
{
	char buf[64], *list, *tok, *save;
	FILE *f = NULL;
	int n = 0;

	if (spec[0] == '@') {
		f = fopen(spec + 1, "r");
		if (!f)
			die(spec + 1, errno);
		while (n < MAX_MACS && fgets(buf, sizeof(buf), f)) {
			buf[strcspn(buf, "\n")] = 0;
			if (buf[0] && mac_parse(buf, macs[n++]) < 0)
				die(buf, EINVAL);
		}
		fclose(f);
		return n;
	}
	list = strdup(spec);
	for (tok = strtok_r(list, ",", &save); tok && n < MAX_MACS;
	     tok = strtok_r(NULL, ",", &save))
		if (mac_parse(tok, macs[n++]) < 0)
			die(tok, EINVAL);
	free(list);
	return n;
}

/* A 64-byte Ethernet/IPv4/UDP frame; the checksum is left 0 (allowed for UDP over IPv4). */
static size_t build_frame(unsigned char *f, size_t size, const unsigned char dst[6],
			  const unsigned char src[6])
{
	unsigned char *ip = f + 14, *udp = ip + 20;
	unsigned int sum = 0;
	size_t ip_len = size - 14;

	memset(f, 0, size);
	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	f[12] = 0x08;
	ip[0] = 0x45;
	ip[2] = ip_len >> 8;
	ip[3] = ip_len & 0xff;
	ip[8] = 64;
	ip[9] = 17;
	memcpy(ip + 12, (unsigned char[]){ 10, 77, 0, 1 }, 4);
	memcpy(ip + 16, (unsigned char[]){ 10, 77, 0, 11 }, 4);
	for (int i = 0; i < 20; i += 2)
		sum += ip[i] << 8 | ip[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	sum = ~sum & 0xffff;
	ip[10] = sum >> 8;
	ip[11] = sum & 0xff;
	udp[0] = 0x30; /* ports 12345 -> 9 (discard) */
	udp[1] = 0x39;
	udp[3] = 9;
	udp[4] = (ip_len - 20) >> 8;
	udp[5] = (ip_len - 20) & 0xff;
	return size;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The bench object with only prog (a program of it, by name) to be loaded. */
static struct bench_bpf *open_only(const char *prog)
{
	struct bench_bpf *skel = bench_bpf__open();
	struct bpf_program *p;

	if (!skel)
		die("open", errno);
	bpf_object__for_each_program(p, skel->obj)
		bpf_program__set_autoload(p, !strcmp(bpf_program__name(p), prog));
	return skel;
}

/* Runs the live-frames generator until seconds have passed; -EPERM and the like, before any frame
 * was sent, where the kernel refuses live frames (as on some machines even for root). */
static int live_frames_run(struct bench_bpf *skel, int ifindex, unsigned char *frame, size_t size,
			   double seconds, unsigned long long *sent, double *elapsed)
{
	double start = now();
	int err = 0;

	*sent = 0;
	while (!err && (*elapsed = now() - start) < seconds) {
		struct xdp_md ctx = { .data_end = size, .ingress_ifindex = ifindex };
		DECLARE_LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame, .data_size_in = size,
				    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx), .repeat = 1 << 20,
				    .flags = BPF_F_TEST_XDP_LIVE_FRAMES, .batch_size = 64);

		err = bpf_prog_test_run_opts(bpf_program__fd(skel->progs.bench_tx), &opts);
		if (!err)
			*sent += opts.repeat;
	}
	return err;
}

static unsigned int gen_threads(void)
{
	const char *env = getenv("BENCH_GEN_THREADS");
	long n = env ? strtol(env, NULL, 10) : sysconf(_SC_NPROCESSORS_ONLN);

	return n > 0 && n <= 64 ? (unsigned int)n : 1;
}

static int cmd_gen(int argc, char **argv)
{
	static unsigned char macs[MAX_MACS][6], frame[9000];
	unsigned char src[6] = { 0x02, 0xbe, 0x4c, 0, 0, 1 };
	const char *want = getenv("BENCH_GEN");
	struct packet_gen_result pr;
	unsigned long long sent = 0;
	double seconds, elapsed = 0;
	struct bench_bpf *skel;
	size_t size = 64;
	int n, ifindex, err;

	if (argc < 4)
		die("usage: gen NETNS IFNAME SECONDS MACS [SIZE]", EINVAL);
	seconds = atof(argv[2]);
	n = load_macs(argv[3], macs);
	if (argc > 4)
		size = strtoul(argv[4], NULL, 10);
	if (n < 1 || size < 60 || size > sizeof(frame))
		die("gen arguments", EINVAL);
	enter_netns(argv[0]);
	ifindex = ifindex_of(argv[1]);
	build_frame(frame, size, macs[0], src);
	err = -EPERM;
	if (!want || !strcmp(want, "live")) {
		skel = open_only("bench_tx");
		skel->rodata->n_macs = n;
		err = bench_bpf__load(skel);
		if (err)
			die("load", err);
		for (__u32 i = 0; i < (__u32)n; i++) {
			__u64 v = 0;

			memcpy(&v, macs[i], 6);
			bpf_map_update_elem(bpf_map__fd(skel->maps.bench_macs), &i, &v, BPF_ANY);
		}
		err = live_frames_run(skel, ifindex, frame, size, seconds, &sent, &elapsed);
		bench_bpf__destroy(skel);
		if (err && (sent || want))
			die("BPF_PROG_RUN live frames", err);
	}
	if (!err) {
		printf("sent %llu seconds %.6f generator live-frames\n", sent, elapsed);
		return 0;
	}
	if (want && strcmp(want, "af_packet"))
		die("BENCH_GEN (live or af_packet)", EINVAL);
	err = packet_gen_run(ifindex, frame, size, (const unsigned char(*)[6])macs, n, seconds,
			     gen_threads(), &pr);
	if (err)
		die("AF_PACKET generator", err);
	printf("sent %llu seconds %.6f generator af_packet/%u\n", pr.sent, pr.seconds, pr.threads);
	return 0;
}

/* The sink program and its counter are pinned once and shared by every sink. */
static int sink_prog(void)
{
	struct bench_bpf *skel;
	int fd = bpf_obj_get(PIN_SINK), err;

	if (fd >= 0)
		return fd;
	mkdir(PIN_DIR, 0700);
	skel = open_only("bench_sink");
	err = bench_bpf__load(skel);
	if (!err)
		err = bpf_program__pin(skel->progs.bench_sink, PIN_SINK);
	if (!err)
		err = bpf_map__pin(skel->maps.sink_count, PIN_COUNT);
	if (err)
		die("sink load/pin", err);
	bench_bpf__destroy(skel);
	return bpf_obj_get(PIN_SINK);
}

static int cmd_sink(int argc, char **argv)
{
	int prog, err;

	if (argc < 2 || argc % 2)
		die("usage: sink NETNS IFNAME [NETNS IFNAME]...", EINVAL);
	prog = sink_prog();
	for (int i = 0; i < argc; i += 2) {
		enter_netns(argv[i]);
		err = bpf_xdp_attach(ifindex_of(argv[i + 1]), prog, XDP_FLAGS_DRV_MODE, NULL);
		if (err)
			die("attach sink", err);
		enter_netns("-");
	}
	return 0;
}

/* Where TARGET number i (from 1) goes in a redirect program's map. */
enum target_key {
	KEY_ZERO,     /* one target, at key 0 */
	KEY_IFINDEX,  /* the target's own ifindex (a devmap_hash) */
	KEY_POSITION, /* i */
};

/* Loads prog alone (open_only), fills its map with the ifindexes of TARGETs argv[1..argc-1] as key
 * says, and attaches prog natively to DEV argv[0]. The skeleton is freed: the attached program
 * keeps its map. */
static int attach_redirect(const char *prog, const char *map, enum target_key key, int argc,
			   char **argv, const char *what)
{
	struct bench_bpf *skel = open_only(prog);
	struct bpf_program *p = bpf_object__find_program_by_name(skel->obj, prog);
	struct bpf_map *m = bpf_object__find_map_by_name(skel->obj, map);
	int err = p && m ? bench_bpf__load(skel) : -ENOENT;

	for (__u32 i = 1; !err && i < (__u32)argc; i++) {
		__u32 ifindex = ifindex_of(argv[i]);
		__u32 k = key == KEY_ZERO ? 0 : key == KEY_IFINDEX ? ifindex : i;

		err = bpf_map_update_elem(bpf_map__fd(m), &k, &ifindex, 0);
	}
	if (!err)
		err = bpf_xdp_attach(ifindex_of(argv[0]), bpf_program__fd(p), XDP_FLAGS_DRV_MODE,
				     NULL);
	if (err)
		die(what, err);
	bench_bpf__destroy(skel);
	return 0;
}

static int cmd_bare(int argc, char **argv)
{
	if (argc < 2)
		die("usage: bare DEV TARGET", EINVAL);
	/* One target: any further words are ignored, as they always were. */
	return attach_redirect("bench_bare_redirect", "bare_target", KEY_ZERO, 2, argv,
			       "bare redirect");
}

static int cmd_bcast(int argc, char **argv)
{
	if (argc < 2)
		die("usage: bcast DEV TARGET...", EINVAL);
	return attach_redirect("bench_devmap_bcast", "bcast_targets", KEY_IFINDEX, argc, argv,
			       "devmap broadcast");
}

static int cmd_spread(int argc, char **argv)
{
	if (argc < 2 || argc > MAX_MACS)
		die("usage: spread DEV TARGET...", EINVAL);
	return attach_redirect("bench_spread_redirect", "spread_targets", KEY_POSITION, argc, argv,
			       "spread redirect");
}

static int cmd_count(int argc, char **argv)
{
	int fd = bpf_obj_get(PIN_COUNT), ncpus = libbpf_num_possible_cpus();
	__u64 values[ncpus > 0 ? ncpus : 1], sum = 0;
	__u32 zero = 0;

	(void)argc;
	(void)argv;
	if (fd < 0 || bpf_map_lookup_elem(fd, &zero, values))
		die("read " PIN_COUNT, errno);
	lab_percpu_add(&sum, values, sizeof(values[0]), ncpus);
	printf("%llu\n", (unsigned long long)sum);
	return 0;
}

/* Namespace names from argv, or one per line from @FILE; calls fn in each namespace. */
static void for_each_netns(int argc, char **argv, void (*fn)(void *), void *arg)
{
	char line[256];
	FILE *f;

	for (int i = 0; i < argc; i++) {
		if (argv[i][0] != '@') {
			enter_netns(argv[i]);
			fn(arg);
			continue;
		}
		f = fopen(argv[i] + 1, "r");
		if (!f)
			die(argv[i] + 1, errno);
		while (fgets(line, sizeof(line), f)) {
			line[strcspn(line, "\n")] = 0;
			if (!line[0])
				continue;
			enter_netns(line);
			fn(arg);
		}
		fclose(f);
	}
	enter_netns("-");
}

static void udp_sink_here(void *unused)
{
	struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons(9) };
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	(void)unused;
	if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		die("UDP sink socket", errno);
}

static int cmd_udp_sinks(int argc, char **argv)
{
	for_each_netns(argc, argv, udp_sink_here, NULL);
	printf("ready\n");
	fflush(stdout);
	pause(); /* until a signal ends the process */
	return 0;
}

/* /proc/net/snmp has an "Ip:" header line, then an "Ip:" value line; InDelivers is in both. */
static void add_in_delivers(void *sum)
{
	char names[1024], values[1024], *n, *v, *ns, *vs;
	FILE *f = fopen("/proc/self/net/snmp", "r");

	if (!f || !fgets(names, sizeof(names), f) || !fgets(values, sizeof(values), f))
		die("/proc/self/net/snmp", errno ? errno : EIO);
	fclose(f);
	for (n = strtok_r(names, " ", &ns), v = strtok_r(values, " ", &vs); n && v;
	     n = strtok_r(NULL, " ", &ns), v = strtok_r(NULL, " ", &vs))
		if (!strcmp(n, "InDelivers"))
			*(unsigned long long *)sum += strtoull(v, NULL, 10);
}

/* /proc/net/dev: "  eth0: rx_bytes rx_packets rx_errs rx_drop ...", two header lines first. */
static void add_rx_drops(void *sum)
{
	char line[512], name[64];
	unsigned long long bytes, packets, errs, drop;
	FILE *f = fopen("/proc/self/net/dev", "r");

	if (!f)
		die("/proc/self/net/dev", errno);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, " %63[^:]: %llu %llu %llu %llu", name, &bytes, &packets, &errs,
			   &drop) == 5 &&
		    strcmp(name, "lo"))
			*(unsigned long long *)sum += drop;
	fclose(f);
}

static int cmd_rx_drops(int argc, char **argv)
{
	unsigned long long sum = 0;

	for_each_netns(argc, argv, add_rx_drops, &sum);
	printf("%llu\n", sum);
	return 0;
}

static int cmd_delivers(int argc, char **argv)
{
	unsigned long long sum = 0;

	for_each_netns(argc, argv, add_in_delivers, &sum);
	printf("%llu\n", sum);
	return 0;
}

static int cmd_clean(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	unlink(PIN_SINK);
	unlink(PIN_COUNT);
	rmdir(PIN_DIR);
	return 0;
}

static const struct {
	const char *name;
	int (*run)(int argc, char **argv); /* the words after the command's name */
} commands[] = {
	{ "gen", cmd_gen },
	{ "sink", cmd_sink },
	{ "bare", cmd_bare },
	{ "bcast", cmd_bcast },
	{ "spread", cmd_spread },
	{ "count", cmd_count },
	{ "udp-sinks", cmd_udp_sinks },
	{ "delivers", cmd_delivers },
	{ "rx-drops", cmd_rx_drops },
	{ "clean", cmd_clean },
};

int main(int argc, char **argv)
{
	if (argc < 2)
		die("usage: bench_tool COMMAND ... (see bench_tool.c)", EINVAL);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 2, argv + 2);
	die(argv[1], EINVAL);
	return 1;
}
