/* SPDX-License-Identifier: GPL-2.0 */
/* Steps and checks the BPF_PROG_RUN tests share, on top of progrun.h: a frame sent and its verdict
 * checked in one step, one counter checked by name, the lab counting nothing, and a copy read
 * where it arrived. Kept apart from progrun.h, which holds the lab itself. */
#ifndef NSTEER_PROGRUN_EXPECT_H
#define NSTEER_PROGRUN_EXPECT_H

#include <stddef.h>

#include "progrun.h"

/* The frame a test sends and what the program run made of it. File-wide like pr: every test runs
 * in a process of its own, so each starts with it fresh, and the steps below need not pass it. */
static struct probe {
	struct frame f;
	struct run r;
} probe;

/* ---- a run and its verdict in one step ---- */

static inline void expect_xdp(__u32 verdict, const char *why)
{
	run_xdp(&probe.f, &probe.r);
	assert_xdp_verdict(&probe.r, verdict, why);
}

static inline void expect_tc_up(__u32 verdict, const char *why)
{
	run_tc_up(&probe.f, &probe.r);
	assert_tc_verdict(&probe.r, verdict, why);
}

static inline void expect_tc_port(enum port_id from, __u32 verdict, const char *why)
{
	run_tc_port(from, &probe.f, &probe.r);
	assert_tc_verdict(&probe.r, verdict, why);
}

/* From a host beyond the wire to dst (tagged when vid >= 0), len bytes, through nsteer_xdp. */
static inline void xdp_from_wire(const unsigned char *dst, int vid, size_t len, __u32 verdict,
				 const char *why)
{
	frame_make(&probe.f, dst, MAC_REMOTE, vid, len);
	expect_xdp(verdict, why);
}

/* The same through nsteer_tc_up. */
static inline void tc_up_from_wire(const unsigned char *dst, int vid, size_t len, __u32 verdict,
				   const char *why)
{
	frame_make(&probe.f, dst, MAC_REMOTE, vid, len);
	expect_tc_up(verdict, why);
}

/* A frame port from sends with its own MAC (tagged when vid >= 0), through nsteer_tc_port on its
 * host end. */
static inline void from_port(enum port_id from, const unsigned char *dst, int vid, size_t len,
			     __u32 verdict, const char *why)
{
	frame_make(&probe.f, dst, port(from)->mac, vid, len);
	expect_tc_port(from, verdict, why);
}

/* The output frame is the input frame. */
static inline void expect_unchanged(const char *what)
{
	assert_frame_eq(&probe.r, &probe.f, what);
}

/* ---- counters, one by name ---- */

static inline void expect_counter_at(__u32 slot, const char *who, size_t off, const char *field,
				     __u64 want, const char *why)
{
	struct nsteer_counters c = counters_read(slot);
	__u64 got;

	memcpy(&got, (const char *)&c + off, sizeof(got));
	cr_assert_eq(got, want, "%s counted %s %llu, want %llu: %s", who, field,
		     (unsigned long long)got, (unsigned long long)want, why);
}

/* A field of struct nsteer_counters, e.g. expect_port_count(PORT_A, drop_vlan, 1, why). */
#define expect_port_count(id, field, want, why)                \
	expect_counter_at(port(id)->slot, port(id)->host_name, \
			  offsetof(struct nsteer_counters, field), #field, want, why)

#define expect_uplink_count(field, want, why)                                                    \
	expect_counter_at(NSTEER_SLOT_UPLINK, "uplink", offsetof(struct nsteer_counters, field), \
			  #field, want, why)

/* Every port in [first, last] counted packets frames received and, unless bytes is -1, bytes. */
static inline void expect_rx_range(enum port_id first, enum port_id last, __u64 packets,
				   long long bytes, const char *why)
{
	for (enum port_id id = first; id <= last; id++) {
		expect_rx(id, packets, why);
		if (bytes >= 0)
			expect_port_count(id, rx_bytes, (__u64)bytes, why);
	}
}

/* Where a frame went: wire_tx frames the uplink counted to the wire, to_rx port to received. */
static inline void expect_went(__u64 wire_tx, enum port_id to, __u64 to_rx, const char *why)
{
	expect_wire_tx(wire_tx, why);
	expect_rx(to, to_rx, why);
}

static inline void expect_untouched(__u32 slot, const char *who, const char *why)
{
	struct nsteer_counters c = counters_read(slot);

	cr_assert(counters_zero(&c), "%s counted something: %s", who, why);
}

#define expect_port_untouched(id, why) expect_untouched(port(id)->slot, port(id)->host_name, why)
#define expect_uplink_untouched(why) expect_untouched(NSTEER_SLOT_UPLINK, "the uplink", why)

/* Neither the uplink nor any port counted anything. */
static inline void expect_nothing_counted(const char *why)
{
	expect_uplink_untouched(why);
	for (int i = 0; i < PORTS_N; i++)
		expect_port_untouched(i, why);
}

/* xdp_from_wire or tc_up_from_wire. */
typedef void from_wire_fn(const unsigned char *dst, int vid, size_t len, __u32 verdict,
			  const char *why);

/* Frames to port C's MAC on VLAN 100 whose ethertype says 802.1Q, cut at 14 bytes and each length
 * up to end - 1: every one gets verdict and is counted as malformed on the uplink. */
static inline void expect_cut_tags_malformed(from_wire_fn *send, size_t end, __u32 verdict)
{
	for (size_t len = ETH_HLEN; len < end; len++) {
		char why[64];

		snprintf(why, sizeof(why), "a %zu-byte 802.1Q frame is malformed", len);
		send(port(PORT_C)->mac, 100, len, verdict, why);
	}
	expect_uplink_count(drop_malformed, end - ETH_HLEN, "every cut frame is malformed");
}

/* ---- what arrived where ---- */

/* The next frame from src that fd (capture_open) receives is exactly want; who names the place. */
static inline void expect_received(int fd, const unsigned char *src, const struct frame *want,
				   const char *who)
{
	struct frame got;

	cr_assert(capture_next(fd, src, 1000, &got), "%s received no copy", who);
	cr_assert_eq(got.len, want->len, "%s received %zu bytes, want %zu", who, got.len,
		     want->len);
	/* Bytes 12-15 are the ethertype or the tag, what a mismatch is most often about. */
	cr_assert_arr_eq(got.data, want->data, want->len,
			 "%s received a different frame (bytes 12-15: %02x%02x %02x%02x)", who,
			 got.data[12], got.data[13], got.data[14], got.data[15]);
}

/* ---- drop events (nsteer monitor) ---- */

/* Turns the datapath's drop descriptions on (a reader's pid) or off (0), as a monitor does. */
static inline void monitor_switch(__u32 pid)
{
	__u32 zero = 0;

	cr_assert_eq(bpf_map_update_elem(bpf_map__fd(pr.skel->maps.monitor), &zero, &pid, BPF_ANY),
		     0, "writing the monitor switch: %s", strerror(errno));
}

struct drop_events {
	struct nsteer_drop_event ev[8];
	int n;
};

static inline int drop_event_copy(void *ctx, void *data, size_t size)
{
	struct drop_events *e = ctx;

	cr_assert_eq(size, sizeof(e->ev[0]), "a drop event of %zu bytes", size);
	cr_assert_lt(e->n, 8, "more drop events than the test made drops");
	memcpy(&e->ev[e->n++], data, size);
	return 0;
}

/* Every drop event in the ring, consumed. */
static inline void drop_events_take(struct drop_events *e)
{
	struct ring_buffer *rb =
		ring_buffer__new(bpf_map__fd(pr.skel->maps.drop_events), drop_event_copy, e, NULL);

	e->n = 0;
	cr_assert_not_null(rb, "reading drop_events: %s", strerror(errno));
	cr_assert_geq(ring_buffer__consume(rb), 0, "consuming drop_events");
	ring_buffer__free(rb);
}

/* The one event of the ring: the drop of probe.f, from slot, for reason. */
static inline void expect_drop_event(__u32 slot, enum nsteer_drop_reason reason)
{
	struct drop_events e;
	size_t cap = probe.f.len < NSTEER_MONITOR_SNAPLEN ? probe.f.len : NSTEER_MONITOR_SNAPLEN;

	drop_events_take(&e);
	cr_assert_eq(e.n, 1, "%d drop events for one drop", e.n);
	cr_expect_eq(e.ev[0].slot, slot, "the event's slot: %u, expected %u", e.ev[0].slot, slot);
	cr_expect_eq(e.ev[0].reason, reason, "the event's reason: %u, expected %u", e.ev[0].reason,
		     reason);
	cr_expect_eq(e.ev[0].len, probe.f.len, "the event's length: %u, expected %zu", e.ev[0].len,
		     probe.f.len);
	cr_expect_eq(e.ev[0].cap_len, cap, "bytes kept: %u, expected %zu", e.ev[0].cap_len, cap);
	cr_expect_eq(memcmp(e.ev[0].data, probe.f.data, cap), 0, "the kept bytes are the frame's");
	cr_expect_neq(e.ev[0].boot_ns, 0, "the event has a time");
}

#endif
