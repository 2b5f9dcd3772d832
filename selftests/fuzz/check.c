// SPDX-License-Identifier: GPL-2.0
/* Observation and comparison. BPF_PROG_RUN carries out no redirect, so where a frame went is read
 * from the verdict and the counters (rx on the port it was steered to, tx on the uplink's entry
 * for the wire); a flood's copies are real transmissions, counted on each port that got one. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <linux/bpf.h>
#include <linux/pkt_cls.h>

#include "check.h"
#include "lab.h"
#include "model.h"

#define VLAN_HLEN 4

static struct fuzz_case c;
static struct fuzz_expect e;
static struct fuzz_run xdp, tc;
static struct nsteer_counters want[FUZZ_SLOTS];

int fuzz_check_init(char *err, size_t err_len)
{
	return fuzz_lab_setup(err, err_len);
}

/* ---- messages ---- */

static void say(struct fuzz_result *res, const char *fmt, ...)
{
	size_t used = strlen(res->msg);
	va_list ap;

	if (used >= sizeof(res->msg) - 1)
		return;
	va_start(ap, fmt);
	vsnprintf(res->msg + used, sizeof(res->msg) - used, fmt, ap);
	va_end(ap);
}

static const char *fate_name(enum fuzz_fate f)
{
	static const char *names[] = { "the uplink's stack", "a port", "the wire", "dropped" };

	return names[f];
}

static const char *drop_name(int r)
{
#define DROP_NAME(ID, name, what) #name,
	static const char *names[] = { NSTEER_DROP_REASONS(DROP_NAME) };

	return r >= 0 && r < NSTEER_DROP__MAX ? names[r] : "?";
}

static void describe_case(struct fuzz_result *res)
{
	static const char *modes[] = { "bridge", "private", "vepa" };

	say(res, "\n  case: %s, mode %s, unknown %s%s%s; ",
	    c.sender == FUZZ_SENDER_WIRE ? "from the wire" : "sent by lab port", modes[c.mode],
	    c.unknown == NSTEER_UNKNOWN_DROP ? "drop" : "pass",
	    c.configured ? "" : ", unconfigured", c.vlan_stripped ? ", NIC strips tags" : "");
	if (c.sender != FUZZ_SENDER_WIRE)
		say(res, "sender %d%s; ", c.sender,
		    c.ports[c.sender].present ? "" : " (not a port)");
	say(res, "%zu-byte frame", c.len);
	for (size_t i = 0; i < c.len && i < 24; i++)
		say(res, "%s%02x", i == 0 || i == 6 || i == 12 || i == 14 ? " " : "", c.frame[i]);
	say(res, "\n  ports:");
	for (int k = 0; k < FUZZ_PORTS; k++) {
		const struct fuzz_port *p = &c.ports[k];

		if (!p->present)
			continue;
		say(res, " %d=%02x:%02x:%02x:%02x:%02x:%02x/vlan %u/slot %u/", k, p->mac[0],
		    p->mac[1], p->mac[2], p->mac[3], p->mac[4], p->mac[5], p->vlan, p->slot);
		if (p->host)
			say(res, "host");
		else if (p->netns == FUZZ_NETNS_OWN)
			say(res, "own netns %s", p->ifname);
		else
			say(res, "netns %d %s", p->netns, p->ifname);
		say(res, "%s", p->snooped ? "/snooped" : "");
		if (p->snooped)
			say(res, "(groups %#x)", p->groups);
	}
	say(res, "\n  model: %s", fate_name(e.fate));
	if (e.fate == FATE_PORT)
		say(res, " %d", e.port);
	if (e.fate == FATE_DROP)
		say(res, " (reasons %#x at %d)", e.reasons, e.drop_at);
	say(res, ", copies to ports %#x", e.copies);
}

static void describe_counters(struct fuzz_result *res, const char *who,
			      const struct nsteer_counters *got)
{
	say(res, "\n  %s counted:", who);
	for (int s = 0; s < FUZZ_SLOTS; s++) {
		const struct nsteer_counters *g = &got[s], *w = &want[s];

		if (!memcmp(g, w, sizeof(*g)))
			continue;
		say(res, " [slot %d: rx %llu/%llu want %llu/%llu, tx %llu/%llu want %llu/%llu", s,
		    (unsigned long long)g->rx_packets, (unsigned long long)g->rx_bytes,
		    (unsigned long long)w->rx_packets, (unsigned long long)w->rx_bytes,
		    (unsigned long long)g->tx_packets, (unsigned long long)g->tx_bytes,
		    (unsigned long long)w->tx_packets, (unsigned long long)w->tx_bytes);
		for (int r = 0; r < NSTEER_DROP__MAX; r++)
			if (g->drops[r] != w->drops[r])
				say(res, ", drop_%s %llu want %llu", drop_name(r),
				    (unsigned long long)g->drops[r],
				    (unsigned long long)w->drops[r]);
		say(res, "]");
	}
}

static bool disagree(struct fuzz_result *res, const char *fmt, ...)
{
	va_list ap;
	size_t used = strlen(res->msg);

	res->ok = false;
	va_start(ap, fmt);
	vsnprintf(res->msg + used, sizeof(res->msg) - used, fmt, ap);
	va_end(ap);
	describe_case(res);
	return false;
}

/* ---- expected counters ---- */

static __u32 slot_of(int k)
{
	return k == FUZZ_SENDER_WIRE ? NSTEER_SLOT_UPLINK : c.ports[k].slot;
}

static void want_rx(int k, size_t bytes)
{
	want[slot_of(k)].rx_packets++;
	want[slot_of(k)].rx_bytes += bytes;
}

/* What a port gets of the frame still starts with a tag: QinQ's inner one. */
static bool inner_tag(void)
{
	return e.out_len >= 16 && fuzz_is_vlan_tpid(e.out + 12);
}

/* The counters the model's outcome implies, as the program run with the frame in data would leave
 * them. got settles what the model leaves open: which of the allowed reasons, a priority tag kept
 * or not, and the uplink's rx_bytes, which BPF_PROG_RUN cannot make meaningful (the stack moves a
 * tag out of the data before tc; here it stays in until a program moves it). */
static void want_counters(const struct nsteer_counters *got)
{
	uint32_t copies;

	memset(want, 0, sizeof(want));
	if (e.sender_tx) {
		want[slot_of(c.sender)].tx_packets = 1;
		want[slot_of(c.sender)].tx_bytes = c.len;
	}
	switch (e.fate) {
	case FATE_STACK:
		if (c.configured && c.sender == FUZZ_SENDER_WIRE)
			want[NSTEER_SLOT_UPLINK].rx_packets = 1;
		break;
	case FATE_PORT:
		want_rx(e.port, e.copy_bytes);
		break;
	case FATE_WIRE:
		want[NSTEER_SLOT_UPLINK].tx_packets = 1;
		want[NSTEER_SLOT_UPLINK].tx_bytes = c.len;
		break;
	case FATE_DROP:
		if (e.reasons) {
			__u32 s = slot_of(e.drop_at);
			int r = __builtin_ctz(e.reasons);

			for (int o = 0; o < NSTEER_DROP__MAX; o++)
				if ((e.reasons & (1u << o)) && got[s].drops[o] == 1)
					r = o;
			want[s].drops[r] = 1;
		}
		break;
	}
	copies = e.copies;
	if (e.copies_alt != e.copies) {
		uint32_t got_copies = 0;

		for (int k = 0; k < FUZZ_PORTS; k++)
			if (c.ports[k].present && got[slot_of(k)].rx_packets)
				got_copies |= 1u << k;
		if (got_copies == e.copies_alt)
			copies = e.copies_alt;
	}
	for (int k = 0; k < FUZZ_PORTS; k++)
		if (copies & (1u << k))
			want_rx(k, e.copy_bytes);
	want[NSTEER_SLOT_UPLINK].rx_bytes = got[NSTEER_SLOT_UPLINK].rx_bytes;
	/* A tag beside the data is not in skb->len: a priority tag may stay in the data, a QinQ
	 * frame's inner tag may move out of it (see port_frame_ok). */
	for (int s = 1; s < FUZZ_SLOTS; s++) {
		__u64 tags = VLAN_HLEN * want[s].rx_packets;

		if ((e.prio_tag && got[s].rx_bytes == want[s].rx_bytes + tags) ||
		    (inner_tag() && got[s].rx_bytes + tags == want[s].rx_bytes))
			want[s].rx_bytes = got[s].rx_bytes;
	}
}

static void say_port(struct fuzz_result *res, int k)
{
	const struct fuzz_port *p = &c.ports[k];

	if (p->host)
		say(res, "lab port %d (host access)", k);
	else if (p->netns == FUZZ_NETNS_OWN)
		say(res, "lab port %d (%s of a namespace of its own)", k, p->ifname);
	else
		say(res, "lab port %d (%s of namespace %d)", k, p->ifname, p->netns);
}

/* A frame for one port that reached another: which, by namespace and interface, since a
 * namespace's ports differ by no more than that to the eye. */
static void describe_misdelivery(struct fuzz_result *res, const struct nsteer_counters *got)
{
	if (e.fate != FATE_PORT || got[slot_of(e.port)].rx_packets)
		return;
	for (int k = 0; k < FUZZ_PORTS; k++) {
		if (!c.ports[k].present || k == e.port || !got[slot_of(k)].rx_packets ||
		    (e.copies & (1u << k)))
			continue;
		say(res, "\n  the frame for ");
		say_port(res, e.port);
		say(res, " reached ");
		say_port(res, k);
	}
}

static bool counters_as_wanted(struct fuzz_result *res, const char *prog,
			       const struct nsteer_counters *got)
{
	if (!memcmp(got, want, sizeof(want)))
		return true;
	disagree(res, "%s: the counters differ from the model's outcome", prog);
	describe_counters(res, prog, got);
	describe_misdelivery(res, got);
	return false;
}

static bool counted_nothing(const struct nsteer_counters *got)
{
	static const struct nsteer_counters zero[FUZZ_SLOTS];

	return !memcmp(got, zero, sizeof(zero));
}

/* ---- output frames ---- */

static bool same(const struct fuzz_run *r, const __u8 *f, size_t len)
{
	return r->out_len == len && !memcmp(r->out, f, len);
}

/* f (len bytes) with the tag at 12 taken out of the data. */
static bool same_untagged(const struct fuzz_run *r, const __u8 *f, size_t len)
{
	return len >= 12 + VLAN_HLEN && fuzz_is_vlan_tpid(f + 12) &&
	       r->out_len == len - VLAN_HLEN && !memcmp(r->out, f, 12) &&
	       !memcmp(r->out + 12, f + 12 + VLAN_HLEN, len - 12 - VLAN_HLEN);
}

/* The frame a port got, as the model says: without the outer tag (an inner one may have moved
 * out of the data too, into the skb's tag, which is where the stack keeps it), or with its
 * priority tag. */
static bool port_frame_ok(const struct fuzz_run *r)
{
	return same(r, e.out, e.out_len) || same_untagged(r, e.out, e.out_len) ||
	       (e.prio_tag && same(r, c.frame, c.len));
}

/* ---- the programs, one by one ---- */

static int xdp_check(struct fuzz_result *res, const __u8 *frame, size_t len)
{
	struct nsteer_counters *got = xdp.counters;

	switch (xdp.retval) {
	case XDP_PASS:
		if (!counted_nothing(got)) {
			memset(want, 0, sizeof(want));
			disagree(res, "nsteer_xdp: passed the frame on to tc but counted it");
			describe_counters(res, "nsteer_xdp", got);
			return 0;
		}
		if (!same(&xdp, frame, len))
			return disagree(res, "nsteer_xdp: passed on a changed frame");
		return 1;
	case XDP_DROP:
		if (e.fate != FATE_DROP || !e.xdp_may_decide)
			return disagree(res, "nsteer_xdp: dropped a frame the model sends to %s",
					fate_name(e.fate));
		break;
	case XDP_REDIRECT:
		if (e.fate != FATE_PORT || !e.xdp_may_decide)
			return disagree(res, "nsteer_xdp: redirected a frame the model sends to %s",
					fate_name(e.fate));
		if (!port_frame_ok(&xdp))
			return disagree(res,
					"nsteer_xdp: redirected a frame port %d must not get "
					"(%u bytes, model %zu)",
					e.port, xdp.out_len, e.out_len);
		break;
	default:
		return disagree(res, "nsteer_xdp: verdict %u", xdp.retval);
	}
	want_counters(got);
	return counters_as_wanted(res, "nsteer_xdp", got);
}

static bool tc_up_check(struct fuzz_result *res)
{
	static const int verdicts[] = {
		[FATE_STACK] = TC_ACT_OK, [FATE_PORT] = TC_ACT_REDIRECT, [FATE_DROP] = TC_ACT_SHOT
	};

	if ((int)tc.retval != verdicts[e.fate])
		return disagree(res, "nsteer_tc_up: verdict %d, the model's is %d", (int)tc.retval,
				verdicts[e.fate]);
	if (e.fate == FATE_STACK && !same(&tc, c.frame, c.len) &&
	    !(e.tagged && same_untagged(&tc, c.frame, c.len)))
		return disagree(res, "nsteer_tc_up: passed a changed frame to the stack");
	if (e.fate == FATE_PORT && !port_frame_ok(&tc))
		return disagree(res,
				"nsteer_tc_up: port %d gets a frame other than the model's "
				"(%u bytes, model %zu)",
				e.port, tc.out_len, e.out_len);
	want_counters(tc.counters);
	return counters_as_wanted(res, "nsteer_tc_up", tc.counters);
}

static bool tc_port_check(struct fuzz_result *res)
{
	int verdict = e.fate == FATE_DROP ? TC_ACT_SHOT : TC_ACT_REDIRECT;

	if ((int)tc.retval != verdict)
		return disagree(res, "nsteer_tc_port: verdict %d, the model's is %d",
				(int)tc.retval, verdict);
	/* A VLAN port's tag goes beside the data, for the uplink to insert: the data is as sent. */
	if (e.fate != FATE_DROP && !same(&tc, c.frame, c.len))
		return disagree(res, "nsteer_tc_port: changed the frame's data");
	want_counters(tc.counters);
	return counters_as_wanted(res, "nsteer_tc_port", tc.counters);
}

/* What the sender's MLD message must leave: listening known or not, and to which groups. */
static bool mld_check(struct fuzz_result *res)
{
	const struct fuzz_port *p = &c.ports[c.sender];
	__u8 listening[6 + FUZZ_MLD_MAX][16];
	int n = 0;
	__u32 state;

	if (fuzz_lab_mld_state(p->slot, &state))
		return disagree(res, "mld_snooped has no entry for slot %u", p->slot);
	if (e.mld_unknown || !p->snooped) {
		if (state != NSTEER_MLD_UNKNOWN)
			return disagree(res,
					"MLD: the sender's listening is known (%u), the model "
					"says it cannot be",
					state);
		return true;
	}
	if (state != NSTEER_MLD_SNOOPED)
		return disagree(res, "MLD: the sender's listening became unknown without cause");
	if (e.mld_overflow)
		return true;
	for (int g = 0; g < 6; g++) {
		bool left = false;

		if (!(p->groups & (1u << g)))
			continue;
		for (int i = 0; i < e.mld_n; i++)
			left |= !memcmp(e.mld_changes[i].group, fuzz_group(g), 16);
		if (!left)
			memcpy(listening[n++], fuzz_group(g), 16);
	}
	for (int i = 0; i < e.mld_n; i++)
		if (e.mld_changes[i].joined)
			memcpy(listening[n++], e.mld_changes[i].group, 16);
	for (int i = 0; i < n; i++)
		if (!fuzz_lab_mld_listens(p->slot, listening[i]))
			return disagree(res,
					"MLD: the sender no longer listens to group %d of "
					"those it must",
					i);
	if (fuzz_lab_mld_others(p->slot, (const __u8(*)[16])listening, n))
		return disagree(res, "MLD: the sender listens to a group it left or never joined");
	return true;
}

/* ---- features: what happened, for the fuzzer's guidance ---- */

static void feature(struct fuzz_result *res, uint32_t f)
{
	if (res->nfeatures < FUZZ_FEATURES_MAX)
		res->features[res->nfeatures++] = f;
}

static uint32_t moved(const struct nsteer_counters *got)
{
	uint32_t bits = 0, copies = 0;

	for (int s = 1; s < FUZZ_SLOTS; s++)
		copies += got[s].rx_packets;
	bits |= got[0].rx_packets ? 1 : 0;
	bits |= got[0].tx_packets ? 2 : 0;
	for (int s = 0; s < FUZZ_SLOTS; s++)
		for (int r = 0; r < NSTEER_DROP__MAX; r++)
			if (got[s].drops[r])
				bits |= (4u << r) | (s ? 0x100 : 0);
	for (int s = 1; s < FUZZ_SLOTS; s++)
		bits |= got[s].tx_packets ? 0x200 : 0;
	return bits | (copies > 3 ? 3 : copies) << 10;
}

static void features(struct fuzz_result *res, bool xdp_ran, bool tc_ran)
{
	uint32_t shape = (e.tagged ? 1 : 0) | (e.prio_tag ? 2 : 0) | (c.len > 4000 ? 4 : 0) |
			 (c.len > fuzz_lab_tc_max() ? 8 : 0);

	if (xdp_ran)
		feature(res, 1u << 28 | xdp.retval << 20 | moved(xdp.counters) << 4 | shape);
	if (tc_ran)
		feature(res, 2u << 28 | (tc.retval & 0xf) << 20 | moved(tc.counters) << 4 | shape);
	feature(res, 3u << 28 | c.mode << 12 | c.unknown << 11 | c.host_access << 10 |
			     (c.sender == FUZZ_SENDER_WIRE) << 9 | e.fate << 4 | e.reasons);
	if (e.mld)
		feature(res, 4u << 28 | e.mld_unknown << 8 | (e.mld_n > 3 ? 3 : e.mld_n) << 4 |
				     c.ports[c.sender].snooped);
	if (e.copies)
		feature(res, 5u << 28 | __builtin_popcount(e.copies) << 4 | c.mode);
}

/* ---- one input ---- */

/* Frames tc's BPF_PROG_RUN will not take (EINVAL): longer than a page less the skb's room, or
 * IPv4 and IPv6 ones too short for their IP header, which it reads. tc on a device sees them. */
static bool tc_refused(void)
{
	const __u8 *p = c.frame + 12;

	return tc.err == -EINVAL &&
	       (c.len > fuzz_lab_tc_max() || (p[0] == 0x08 && p[1] == 0x00 && c.len < 14 + 20) ||
		(p[0] == 0x86 && p[1] == 0xdd && c.len < 14 + 40));
}

static int lab_failed(struct fuzz_result *res, int ret)
{
	res->ok = false;
	return ret;
}

static int from_wire(struct fuzz_result *res)
{
	static __u8 stripped[FUZZ_FRAME_MAX];
	const __u8 *frame = c.frame;
	size_t len = c.len;
	int ret, xdp_ok;

	/* A NIC that strips tags shows XDP the frame without its tag. */
	if (c.vlan_stripped && e.tagged && c.len >= 18) {
		memcpy(stripped, c.frame, 12);
		memcpy(stripped + 12, c.frame + 16, c.len - 16);
		frame = stripped;
		len = c.len - VLAN_HLEN;
	}
	ret = fuzz_lab_run(PROG_XDP, &c, frame, len, &xdp, res->msg, sizeof(res->msg));
	if (ret)
		return lab_failed(res, ret);
	if (xdp.err)
		return disagree(res, "BPF_PROG_RUN of nsteer_xdp failed: %s", strerror(-xdp.err)),
		       0;
	xdp_ok = xdp_check(res, frame, len);
	if (xdp_ok == 0)
		return 0;
	ret = fuzz_lab_run(PROG_TC_UP, &c, c.frame, c.len, &tc, res->msg, sizeof(res->msg));
	if (ret)
		return lab_failed(res, ret);
	if (tc_refused()) {
		res->tc_skipped = true; /* XDP's verdict is all there is to check */
		features(res, true, false);
		return 0;
	}
	if (tc.err)
		return disagree(res, "BPF_PROG_RUN of nsteer_tc_up failed: %s", strerror(-tc.err)),
		       0;
	if (!tc_up_check(res))
		return 0;
	/* Both matched the model; where XDP decided, tc alone must have decided the same. */
	if (xdp.retval != XDP_PASS && memcmp(xdp.counters, tc.counters, sizeof(tc.counters))) {
		disagree(res, "XDP and tc alone counted differently");
		memcpy(want, xdp.counters, sizeof(want));
		describe_counters(res, "tc alone (against XDP's)", tc.counters);
		return 0;
	}
	features(res, true, true);
	return 0;
}

static int from_port(struct fuzz_result *res)
{
	int ret = fuzz_lab_run(PROG_TC_PORT, &c, c.frame, c.len, &tc, res->msg, sizeof(res->msg));

	if (ret)
		return lab_failed(res, ret);
	if (tc_refused()) {
		res->tc_skipped = true;
		return 0;
	}
	if (tc.err)
		return disagree(res, "BPF_PROG_RUN of nsteer_tc_port failed: %s",
				strerror(-tc.err)),
		       0;
	if (!tc_port_check(res))
		return 0;
	if (c.ports[c.sender].present && c.configured && !mld_check(res))
		return 0;
	features(res, false, true);
	return 0;
}

int fuzz_check(const uint8_t *data, size_t size, struct fuzz_result *res)
{
	int ret;

	memset(res, 0, sizeof(*res));
	res->ok = true;
	fuzz_decode(data, size, &c);
	fuzz_model(&c, &e);
	ret = fuzz_lab_apply(&c, res->msg, sizeof(res->msg));
	if (ret)
		return lab_failed(res, ret);
	return c.sender == FUZZ_SENDER_WIRE ? from_wire(res) : from_port(res);
}
