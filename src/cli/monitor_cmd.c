// SPDX-License-Identifier: GPL-2.0
/* `nsteer monitor`: drops as they happen, one line each (text or JSON), or as pcap. It runs until
 * a signal or a closed output ends it, and always ends through nsteer_monitor_close, which
 * switches the datapath's descriptions off again. */
#include <errno.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "json.h"
#include "monitor_cmd.h"

struct monitor_out {
	const struct cli *cli;
	FILE *pcap;
	struct json j;
};

static volatile sig_atomic_t stop_signal;

static void on_stop(int sig)
{
	stop_signal = sig;
}

/* Signals interrupt the wait (no SA_RESTART) instead of killing the reader, so that it switches
 * the datapath's descriptions off on the way out. */
static void signals_catch(void)
{
	struct sigaction sa = { .sa_handler = on_stop };
	const int sigs[] = { SIGINT, SIGTERM, SIGHUP };

	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
	signal(SIGPIPE, SIG_IGN); /* a closed pipe shows as a write error, and ends the loop */
}

/* What --port names a port by: its namespace (as given to port add: every port of it), the
 * namespace and an interface as NETNS:IFNAME, or its host end. */
static bool port_matches(const struct nsteer_port *port, const char *name)
{
	const char *colon = strrchr(name, ':');

	if (!port)
		return false;
	if (!strcmp(port->netns, name) || !strcmp(port->host_ifname, name))
		return true;
	return colon && !strcmp(port->ifname, colon + 1) &&
	       !strncmp(port->netns, name, colon - name) && !port->netns[colon - name];
}

/* The port as text shows it: NETNS:IFNAME, which --port takes back. */
static const char *port_label(const struct nsteer_drop *d, char *buf, size_t size)
{
	if (d->slot == NSTEER_SLOT_UPLINK)
		return "wire";
	if (!d->port)
		return "(port removed)";
	snprintf(buf, size, "%s:%s", d->port->netns, d->port->ifname);
	return buf;
}

static void time_text(const struct timespec *t, char *buf, size_t size, bool iso)
{
	struct tm tm;
	char sec[32];

	if (iso) {
		gmtime_r(&t->tv_sec, &tm);
		strftime(sec, sizeof(sec), "%Y-%m-%dT%H:%M:%S", &tm);
		snprintf(buf, size, "%s.%09ldZ", sec, t->tv_nsec);
	} else {
		localtime_r(&t->tv_sec, &tm);
		strftime(sec, sizeof(sec), "%H:%M:%S", &tm);
		snprintf(buf, size, "%s.%06ld", sec, t->tv_nsec / 1000);
	}
}

static void print_text(FILE *out, const struct nsteer_drop *d)
{
	char when[64], src[NSTEER_MAC_STR_LEN], dst[NSTEER_MAC_STR_LEN];
	char label[NSTEER_NETNS_LEN + IF_NAMESIZE + 1];

	time_text(&d->time, when, sizeof(when), false);
	fprintf(out, "%s %s %s %s", when, d->dev, port_label(d, label, sizeof(label)),
		nsteer_name_of(nsteer_drop_names, d->reason));
	if (d->has_macs)
		fprintf(out, " %s > %s", nsteer_mac_format(d->src, src),
			nsteer_mac_format(d->dst, dst));
	if (d->vlan >= 0)
		fprintf(out, " vlan %d", d->vlan);
	if (d->ethertype >= 0)
		fprintf(out, " ethertype 0x%04x", d->ethertype);
	fprintf(out, " length %u\n", d->len);
}

static void print_json(struct json *j, const struct nsteer_drop *d)
{
	char when[64], mac[NSTEER_MAC_STR_LEN], hex[2 * (NSTEER_MONITOR_SNAPLEN + 4) + 1];

	time_text(&d->time, when, sizeof(when), true);
	json_object_begin(j);
	json_kv_string(j, "time", when);
	json_kv_string(j, "uplink", d->dev);
	json_key(j, "port");
	json_string(j, d->slot == NSTEER_SLOT_UPLINK || !d->port ? NULL : d->port->netns);
	json_key(j, "ifname");
	json_string(j, d->slot == NSTEER_SLOT_UPLINK || !d->port ? NULL : d->port->ifname);
	json_key(j, "host_ifname");
	json_string(j, d->slot == NSTEER_SLOT_UPLINK || !d->port ? NULL : d->port->host_ifname);
	/* host_ifname's name before ports had several interfaces, for readers written then */
	json_key(j, "port_ifname");
	json_string(j, d->slot == NSTEER_SLOT_UPLINK || !d->port ? NULL : d->port->host_ifname);
	json_kv_string(j, "from", d->slot == NSTEER_SLOT_UPLINK ? "wire" : "port");
	json_kv_string(j, "reason", nsteer_name_of(nsteer_drop_names, d->reason));
	json_key(j, "src");
	json_string(j, d->has_macs ? nsteer_mac_format(d->src, mac) : NULL);
	json_key(j, "dst");
	json_string(j, d->has_macs ? nsteer_mac_format(d->dst, mac) : NULL);
	json_key(j, "vlan");
	if (d->vlan >= 0)
		json_i64(j, d->vlan);
	else
		json_null(j);
	json_key(j, "ethertype");
	if (d->ethertype >= 0)
		json_i64(j, d->ethertype);
	else
		json_null(j);
	json_kv_u64(j, "length", d->len);
	for (unsigned int i = 0; i < d->frame_len; i++)
		snprintf(hex + 2 * i, 3, "%02x", d->frame[i]);
	hex[2 * d->frame_len] = '\0';
	json_kv_string(j, "head", hex);
	json_object_end(j);
}

/* pcap (not pcapng): what tcpdump -r, Wireshark and scapy all read. Nanosecond timestamps. */
struct pcap_file_header {
	__u32 magic;
	__u16 version_major, version_minor;
	__s32 thiszone;
	__u32 sigfigs, snaplen, linktype;
};
struct pcap_record_header {
	__u32 ts_sec, ts_nsec, caplen, len;
};
#define PCAP_MAGIC_NS 0xa1b23c4d
#define PCAP_LINKTYPE_ETHERNET 1

static void pcap_header(FILE *f)
{
	struct pcap_file_header h = {
		.magic = PCAP_MAGIC_NS,
		.version_major = 2,
		.version_minor = 4,
		.snaplen = NSTEER_MONITOR_SNAPLEN + 4,
		.linktype = PCAP_LINKTYPE_ETHERNET,
	};

	fwrite(&h, sizeof(h), 1, f);
}

static void pcap_record(FILE *f, const struct nsteer_drop *d)
{
	struct pcap_record_header r = {
		.ts_sec = (__u32)d->time.tv_sec,
		.ts_nsec = (__u32)d->time.tv_nsec,
		.caplen = d->frame_len,
		.len = d->len,
	};

	fwrite(&r, sizeof(r), 1, f);
	fwrite(d->frame, 1, d->frame_len, f);
}

static int on_drop(const struct nsteer_drop *d, void *ctx)
{
	struct monitor_out *o = ctx;
	const struct cli *c = o->cli;
	FILE *text = o->pcap == stdout ? NULL : stdout;

	if (c->monitor_reason >= 0 && d->reason != (enum nsteer_drop_reason)c->monitor_reason)
		return 0;
	if (c->monitor_port && !port_matches(d->port, c->monitor_port))
		return 0;
	if (o->pcap) {
		pcap_record(o->pcap, d);
		if (fflush(o->pcap))
			return -errno;
	}
	if (text && c->json)
		print_json(&o->j, d);
	else if (text)
		print_text(text, d);
	if (text && fflush(text))
		return -errno;
	return 0;
}

struct port_search {
	const char *name;
	bool found;
};

static int port_seen(const char *dev, const struct nsteer_port *port, void *ctx)
{
	struct port_search *s = ctx;

	(void)dev;
	s->found |= port_matches(port, s->name);
	return 0;
}

static int uplink_port_seen(const char *dev, void *ctx)
{
	nsteer_for_each_port(dev, port_seen, ctx);
	return 0;
}

int monitor_run(const struct cli *c)
{
	struct monitor_out o = { .cli = c };
	struct port_search s = { .name = c->monitor_port };
	struct nsteer_monitor *m = NULL;
	int err;

	if (c->monitor_port) {
		err = c->dev ? nsteer_for_each_port(c->dev, port_seen, &s)
			     : nsteer_for_each_uplink(uplink_port_seen, &s);
		if (err)
			return err;
		if (!s.found) {
			nsteer_log(
				NSTEER_LOG_WARN,
				"No port '%s' on %s (--port takes a port's namespace or its host "
				"veth, as port list shows them)\n",
				c->monitor_port, c->dev ? c->dev : "any attached uplink");
			return -ENOENT;
		}
	}
	if (c->pcap) {
		o.pcap = strcmp(c->pcap, "-") ? fopen(c->pcap, "we") : stdout;
		if (!o.pcap) {
			err = -errno;
			nsteer_log(NSTEER_LOG_WARN, "Couldn't open %s: %s\n", c->pcap,
				   strerror(errno));
			return err;
		}
		pcap_header(o.pcap);
		fflush(o.pcap);
	}
	json_init(&o.j, stdout);
	signals_catch();
	err = nsteer_monitor_open(c->dev, &m);
	/* On stderr, as tcpdump says what it listens on: stdout is the events'. */
	if (!err)
		nsteer_log(NSTEER_LOG_WARN, "Monitoring drops on %s; Ctrl-C ends it\n",
			   c->dev ? c->dev : "every uplink");
	while (!err && !stop_signal) {
		err = nsteer_monitor_poll(m, 500, on_drop, &o);
		if (err == -EINTR || err > 0)
			err = 0;
	}
	nsteer_monitor_close(m);
	if (o.pcap && o.pcap != stdout)
		fclose(o.pcap);
	if (err == -EPIPE || err == -ENODEV)
		return 0; /* the reader went away, or the uplink did: an ordinary end */
	return err;
}
