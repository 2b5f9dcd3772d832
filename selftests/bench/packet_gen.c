// SPDX-License-Identifier: GPL-2.0
/* bench_tool's generator for kernels that refuse live frames: AF_PACKET sockets with a TX ring
 * and PACKET_QDISC_BYPASS, one per thread, each thread on a CPU of its own. A frame handed to a
 * veth is received by its peer on the sending CPU (the peer's NAPI runs in the sender's softirq),
 * so each thread's time per frame is the generator's own cost plus the receiving path's: bench.sh
 * takes the first out by comparing each path with one that drops every frame on arrival. */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "packet_gen.h"

#define RING_BLOCK (1u << 16)
#define RING_BLOCKS 16
/* Frames queued before the kernel is asked to send them: one syscall sends this many. */
#define SEND_BATCH 64

struct worker {
	int fd;
	int cpu;
	unsigned char *ring;
	unsigned int frame_size, frames, next;
	bool *queued; /* a frame of ours went into the slot and has not been counted yet */
	const unsigned char (*macs)[6];
	unsigned int n_macs, mac_next;
	size_t len;
	unsigned long long sent;
	int err;
	pthread_t thread;
};

static atomic_bool stop;

/* Where a TPACKET_V2 TX frame's data goes: after the header, without the sockaddr_ll the kernel
 * reserves for receiving (tpacket_fill_skb). */
static unsigned char *frame_data(struct tpacket2_hdr *h)
{
	return (unsigned char *)h + TPACKET2_HDRLEN - sizeof(struct sockaddr_ll);
}

static int ring_open(struct worker *w, int ifindex, const unsigned char *frame, size_t len)
{
	struct tpacket_req req = { .tp_block_size = RING_BLOCK, .tp_block_nr = RING_BLOCKS };
	struct sockaddr_ll addr = { .sll_family = AF_PACKET, .sll_ifindex = ifindex };
	int version = TPACKET_V2, bypass = 1;
	unsigned int need = TPACKET2_HDRLEN + len;

	w->frame_size = 2048;
	while (w->frame_size < need)
		w->frame_size *= 2;
	if (w->frame_size > RING_BLOCK)
		return -EMSGSIZE;
	req.tp_frame_size = w->frame_size;
	req.tp_frame_nr = RING_BLOCK / w->frame_size * RING_BLOCKS;
	w->frames = req.tp_frame_nr;
	w->len = len;
	/* Protocol 0: a socket that only sends, so no frame of the run is copied back to it. */
	w->fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (w->fd < 0)
		return -errno;
	if (setsockopt(w->fd, SOL_PACKET, PACKET_VERSION, &version, sizeof(version)) ||
	    setsockopt(w->fd, SOL_PACKET, PACKET_QDISC_BYPASS, &bypass, sizeof(bypass)) ||
	    setsockopt(w->fd, SOL_PACKET, PACKET_TX_RING, &req, sizeof(req)) ||
	    bind(w->fd, (struct sockaddr *)&addr, sizeof(addr)))
		return -errno;
	w->ring = mmap(NULL, (size_t)RING_BLOCK * RING_BLOCKS, PROT_READ | PROT_WRITE, MAP_SHARED,
		       w->fd, 0);
	if (w->ring == MAP_FAILED) {
		w->ring = NULL;
		return -errno;
	}
	w->queued = calloc(w->frames, sizeof(*w->queued));
	if (!w->queued)
		return -ENOMEM;
	for (unsigned int i = 0; i < w->frames; i++)
		memcpy(frame_data((struct tpacket2_hdr *)(w->ring + i * w->frame_size)), frame,
		       len);
	return 0;
}

/* A slot of ours is free again only once the veth took its frame: one it refused (its receive
 * ring full) the kernel puts back to be sent again (tpacket_snd), and sendto's count of bytes is
 * lost with that error. So frames are counted here, as their slots come back. */
static void count_if_sent(struct worker *w, unsigned int slot)
{
	if (w->queued[slot]) {
		w->queued[slot] = false;
		w->sent++;
	}
}

/* Queues up to SEND_BATCH frames in free slots, each to the next MAC; returns how many. */
static unsigned int queue_frames(struct worker *w)
{
	unsigned int queued = 0;

	while (queued < SEND_BATCH) {
		struct tpacket2_hdr *h = (void *)(w->ring + w->next * w->frame_size);
		__u32 status = __atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE);

		if (status == TP_STATUS_WRONG_FORMAT) {
			w->err = -EINVAL;
			break;
		}
		if (status != TP_STATUS_AVAILABLE)
			break; /* still being sent: the ring is full */
		count_if_sent(w, w->next);
		memcpy(frame_data(h), w->macs[w->mac_next], 6);
		w->mac_next = (w->mac_next + 1) % w->n_macs;
		h->tp_len = w->len;
		w->queued[w->next] = true;
		__atomic_store_n(&h->tp_status, TP_STATUS_SEND_REQUEST, __ATOMIC_RELEASE);
		w->next = (w->next + 1) % w->frames;
		queued++;
	}
	return queued;
}

static void *work(void *arg)
{
	struct worker *w = arg;
	cpu_set_t cpus;
	ssize_t n;

	CPU_ZERO(&cpus);
	CPU_SET(w->cpu, &cpus);
	sched_setaffinity(0, sizeof(cpus), &cpus);
	while (!atomic_load(&stop) && !w->err) {
		queue_frames(w);
		n = sendto(w->fd, NULL, 0, MSG_DONTWAIT, NULL, 0);
		if (n < 0 && errno != EAGAIN && errno != ENOBUFS && errno != EINTR)
			w->err = -errno;
	}
	/* What is still queued is not sent: only the slots already back count. */
	for (unsigned int i = 0; i < w->frames; i++) {
		struct tpacket2_hdr *h = (void *)(w->ring + i * w->frame_size);

		if (__atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE) == TP_STATUS_AVAILABLE)
			count_if_sent(w, i);
	}
	return NULL;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int packet_gen_run(int ifindex, const unsigned char *frame, size_t len,
		   const unsigned char (*macs)[6], unsigned int n_macs, double seconds,
		   unsigned int threads, struct packet_gen_result *r)
{
	struct worker *w = calloc(threads, sizeof(*w));
	struct timespec pause = { .tv_nsec = 10 * 1000 * 1000 };
	unsigned int started = 0;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	double start;
	int err = w ? 0 : -ENOMEM;

	memset(r, 0, sizeof(*r));
	for (unsigned int i = 0; !err && i < threads; i++) {
		w[i].fd = -1;
		w[i].cpu = i % (cpus > 0 ? cpus : 1);
		w[i].macs = macs;
		w[i].n_macs = n_macs;
		w[i].mac_next = i * n_macs / threads; /* each thread starts elsewhere in the MACs */
		err = ring_open(&w[i], ifindex, frame, len);
	}
	atomic_store(&stop, false);
	start = now();
	for (; !err && started < threads; started++)
		err = -pthread_create(&w[started].thread, NULL, work, &w[started]);
	while (!err && now() - start < seconds)
		nanosleep(&pause, NULL);
	atomic_store(&stop, true);
	for (unsigned int i = 0; i < started; i++)
		pthread_join(w[i].thread, NULL);
	r->seconds = now() - start;
	r->threads = threads;
	for (unsigned int i = 0; w && i < threads; i++) {
		r->sent += w[i].sent;
		if (!err)
			err = w[i].err;
		if (w[i].ring)
			munmap(w[i].ring, (size_t)RING_BLOCK * RING_BLOCKS);
		if (w[i].fd >= 0)
			close(w[i].fd);
		free(w[i].queued);
	}
	free(w);
	return err;
}
