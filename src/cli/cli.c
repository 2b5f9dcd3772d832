// SPDX-License-Identifier: GPL-2.0
/* nsteer's command table. Every option is declared once (name, value, field, help) and every
 * command once (words, arguments, options, help); the engine (cmdline.c) makes getopt's table, the
 * usage text and the errors from these, and nsteer-doc the man page and the bash completion
 * (doc.h), so a new option is one declaration plus its place in a command's list. What the values
 * mean to nsteer (a port MAC, a namespace) is checked here. main.c runs what was parsed. */
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "render.h"

/* ---- the values of options, as nsteer checks them ---- */

static const char **string_field(const struct cmdline_option *o, void *cfg)
{
	return (const char **)((char *)cfg + o->field);
}

static bool take_mac(const struct cmdline_option *o, const char *arg, void *cfg,
		     const struct cmdline_ctx *ctx)
{
	struct cli *cli = cfg;

	(void)o;
	if (nsteer_mac_parse(arg, cli->port.mac) < 0)
		return cmdline_refuse(
			ctx, "invalid MAC '%s': expected six hex bytes like 02:00:00:00:00:01",
			arg);
	if (!nsteer_mac_port_valid(cli->port.mac))
		return cmdline_refuse(
			ctx, "invalid MAC '%s': a port MAC must be unicast and not all zeros", arg);
	cli->port.has_mac = true;
	return true;
}

/* As the kernel's dev_valid_name, and no '%' (the kernel would number the name itself, and the
 * port would not find its interface) nor control characters (unreadable in every listing). */
static bool ifname_valid(const char *name)
{
	size_t len = strlen(name);

	if (!len || len >= 16 || !strcmp(name, ".") || !strcmp(name, ".."))
		return false;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		if (*p < 0x20 || *p == 0x7f || strchr("/:% ", *p))
			return false;
	return true;
}

static bool take_ifname(const struct cmdline_option *o, const char *arg, void *cfg,
			const struct cmdline_ctx *ctx)
{
	if (!ifname_valid(arg))
		return cmdline_refuse(
			ctx,
			"invalid --%s '%s': 1-15 bytes, not '.' or '..', no '/', ':', "
			"'%%', spaces or control characters",
			o->name, arg);
	*string_field(o, cfg) = arg;
	return true;
}

static bool take_addr(const struct cmdline_option *o, const char *arg, void *cfg,
		      const struct cmdline_ctx *ctx)
{
	struct nsteer_port_opts *port = &((struct cli *)cfg)->port;

	(void)o;
	if (port->n_addrs == NSTEER_ADDRS_MAX)
		return cmdline_refuse(ctx, "at most %d --addr", NSTEER_ADDRS_MAX);
	if (!nsteer_cidr_valid(arg))
		return cmdline_refuse(
			ctx, "invalid --addr '%s': expected ADDR[/PREFIX], IPv4 or IPv6", arg);
	if (!nsteer_cidr_host(arg))
		return cmdline_refuse(ctx,
				      "invalid --addr '%s': a multicast, broadcast or unspecified "
				      "address cannot be a port's own",
				      arg);
	port->addrs[port->n_addrs++] = arg;
	return true;
}

static bool take_port(const struct cmdline_option *o, const char *arg, void *cfg,
		      const struct cmdline_ctx *ctx)
{
	if (!*arg || strlen(arg) >= NSTEER_NETNS_LEN)
		return cmdline_refuse(ctx, "invalid --%s '%s': a port's namespace or host veth",
				      o->name, arg);
	*string_field(o, cfg) = arg;
	return true;
}

static bool take_file(const struct cmdline_option *o, const char *arg, void *cfg,
		      const struct cmdline_ctx *ctx)
{
	if (!*arg)
		return cmdline_refuse(ctx, "empty --%s", o->name);
	*string_field(o, cfg) = arg;
	return true;
}

#define ONE_NAMESPACE "give one namespace: NETNS, --netns-path or --pid"

static bool take_netns_path(const struct cmdline_option *o, const char *arg, void *cfg,
			    const struct cmdline_ctx *ctx)
{
	struct nsteer_netns_ref *ns = &((struct cli *)cfg)->port.netns;

	(void)o;
	if (ns->name || ns->pid)
		return cmdline_refuse(ctx, ONE_NAMESPACE);
	if (!*arg)
		return cmdline_refuse(ctx, "empty --netns-path");
	if (strlen(arg) >= NSTEER_NETNS_LEN)
		return cmdline_refuse(ctx, "--netns-path too long: at most %d bytes",
				      NSTEER_NETNS_LEN - 1);
	ns->kind = NSTEER_NETNS_PATH;
	ns->name = arg;
	return true;
}

static bool take_pid(const struct cmdline_option *o, const char *arg, void *cfg,
		     const struct cmdline_ctx *ctx)
{
	struct nsteer_netns_ref *ns = &((struct cli *)cfg)->port.netns;
	unsigned long pid;

	if (ns->name || ns->pid)
		return cmdline_refuse(ctx, ONE_NAMESPACE);
	if (!cmdline_parse_uint(arg, o->min, o->max, &pid))
		return cmdline_refuse(ctx, "invalid --pid '%s'", arg);
	ns->kind = NSTEER_NETNS_PID;
	ns->pid = pid;
	return true;
}

/* ---- the options ---- */

/* One option: its name, the value it takes (NULL: a flag), its kind and the field of struct cli
 * it sets, then anything else of struct cmdline_option by name. */
#define DEFINE_OPTION(var, opt_name, value, opt_kind, cli_field, ...)                        \
	static const struct cmdline_option var = { .name = opt_name,                         \
						   .metavar = value,                         \
						   .kind = opt_kind,                         \
						   .field = offsetof(struct cli, cli_field), \
						   __VA_ARGS__ }

DEFINE_OPTION(opt_mode, "mode", "M", CMDLINE_ENUM, attach.mode, .choices = nsteer_mode_names,
	      .help = "how ports reach each other: bridge (default, inside the host),\n"
		      "private (never), vepa (through the external switch)");
DEFINE_OPTION(opt_xdp_mode, "xdp-mode", "M", CMDLINE_ENUM, attach.xdp_mode,
	      .choices = nsteer_xdp_mode_names,
	      .help = "auto (default: native where the driver's XDP sees whole frames, as on\n"
		      "NIC drivers and virtio_net; off on veth, tun and unknown devices, and on\n"
		      "NICs that strip VLAN tags), native, skb (generic XDP), off (tc only)");
DEFINE_OPTION(opt_tc_hook, "tc-hook", "H", CMDLINE_ENUM, attach.tc_hook,
	      .choices = nsteer_tc_hook_names,
	      .help = "where DEV's tc program hangs: auto (default: tcx where the kernel has it,\n"
		      "Linux 6.6 and later, else clsact), tcx (a pinned link, behind the TCX\n"
		      "programs already there), clsact (a filter on the clsact qdisc)");
DEFINE_OPTION(opt_unknown, "unknown", "P", CMDLINE_ENUM, attach.unknown,
	      .choices = nsteer_unknown_names,
	      .help = "frames for a MAC no port owns: pass to DEV's stack (default) or drop");
DEFINE_OPTION(opt_host_access, "host-access", NULL, CMDLINE_FLAG, attach.host_access,
	      .help = "create nsh-DEV here: an interface through which this namespace reaches\n"
		      "every port (give it an address with ip addr add); macvlan cannot do this");
DEFINE_OPTION(opt_ports, "ports", NULL, CMDLINE_FLAG, detach_ports,
	      .help = "delete every port of DEV too (and the namespaces port add created)");
DEFINE_OPTION(opt_mac, "mac", "MAC", CMDLINE_VALUE, port.mac, .take = take_mac,
	      .help = "the port's MAC (default: a stable one derived from DEV, NETNS, the\n"
		      "interface and VLAN)");
DEFINE_OPTION(opt_vlan, "vlan", "ID", CMDLINE_UINT, port.vlan, .min = 1, .max = 4094,
	      .range = "1-4094", .help = "802.1Q VLAN of the port, 1-4094");
DEFINE_OPTION(opt_ifname, "ifname", "NAME", CMDLINE_VALUE, port.ifname, .take = take_ifname,
	      .help = "the port's interface inside the namespace (port add: default eth0;\n"
		      "port del: only that port, default every port of NETNS on DEV)");
DEFINE_OPTION(opt_addr, "addr", "CIDR", CMDLINE_VALUE, port.addrs, .take = take_addr,
	      .repeatable = true, .help = "an IPv4 or IPv6 address for it; repeatable");
DEFINE_OPTION(opt_mtu, "mtu", "BYTES", CMDLINE_UINT, port.mtu, .min = 68, .max = 65535,
	      .range = "68-65535", .help = "the port's MTU (default: the uplink's)");
/* The namespace's other names: take_netns_path and take_pid refuse a second one. */
DEFINE_OPTION(opt_netns_path, "netns-path", "PATH", CMDLINE_VALUE, port.netns,
	      .take = take_netns_path, .repeatable = true, .in_args = true, .complete = "file",
	      .help = "the namespace by path (a bind mount, /proc/PID/ns/net)");
DEFINE_OPTION(opt_pid, "pid", "PID", CMDLINE_VALUE, port.netns, .min = 1, .max = INT_MAX,
	      .take = take_pid, .repeatable = true, .in_args = true, .complete = "pid",
	      .help = "the namespace of a running process, e.g. a container");
DEFINE_OPTION(opt_json, "json", NULL, CMDLINE_FLAG, json, .help = "print JSON, one line");
static const struct nsteer_name stats_format_names[] = {
	{ STATS_TEXT, "text", NULL },
	{ STATS_JSON, "json", NULL },
	{ STATS_PROMETHEUS, "prometheus", NULL },
	{ 0, NULL, NULL },
};
DEFINE_OPTION(opt_format, "format", "F", CMDLINE_ENUM, format, .choices = stats_format_names,
	      .help = "text (default), json (as --json), or prometheus: the counters in\n"
		      "Prometheus's text format, for node_exporter's textfile collector");
DEFINE_OPTION(opt_port, "port", "P", CMDLINE_VALUE, monitor_port, .take = take_port,
	      .complete = "port",
	      .help = "only the drops of frames port P sent: P is its namespace (every port of\n"
		      "it), NETNS:IFNAME (one of them), or its host veth");
DEFINE_OPTION(opt_reason, "reason", "R", CMDLINE_ENUM, monitor_reason, .choices = nsteer_drop_names,
	      .help = "only drops for reason R: a reason stats counts (nsteer(8) lists them),\n"
		      "but port_rejected");
DEFINE_OPTION(opt_pcap, "pcap", "FILE", CMDLINE_VALUE, pcap, .take = take_file, .complete = "file",
	      .help = "also write the first 128 bytes of each frame to FILE as pcap (- for\n"
		      "stdout, instead of the text: nsteer monitor --pcap - | wireshark -k -i -)");
DEFINE_OPTION(opt_interval, "interval", "SEC", CMDLINE_UINT, interval, .min = 1, .max = 3600,
	      .range = "1-3600 seconds", .help = "print rates every SEC seconds");
DEFINE_OPTION(opt_count, "count", "N", CMDLINE_UINT, count, .min = 1, .max = UINT_MAX,
	      .help = "stop after N samples (default: until interrupted)");

/* ---- the commands ---- */

static const struct cmdline_args args_file = { "FILE|-", 1, 1, "FILE" };
static const struct cmdline_args args_file_opt = { "[FILE]", 0, 1, NULL };
static const struct cmdline_args args_dev = { "DEV", 1, 1, "DEV" };
static const struct cmdline_args args_dev_opt = { "[DEV]", 0, 1, NULL };
/* A port's uplink and namespace: NETNS, --netns-path or --pid. */
static const struct cmdline_args args_dev_netns = { "DEV NETNS|--netns-path PATH|--pid PID", 1, 2,
						    "DEV" };

#define OPTS(...) ((const struct cmdline_option *const[]){ __VA_ARGS__, NULL })
#define NO_OPTS ((const struct cmdline_option *const[]){ NULL })

/* One entry per command: they look alike as the rows of any table do, deliberately.
 * The words after the arguments say what each is, for the completion: attach takes any
 * interface, the others an attached uplink; port add takes any namespace (it creates a missing
 * one), port del only one with a port on DEV. */
static const struct cmdline_command commands[] = {
	{ "attach", NULL, CMD_ATTACH, &args_dev, "interface",
	  OPTS(&opt_mode, &opt_xdp_mode, &opt_tc_hook, &opt_unknown, &opt_host_access),
	  "Load the datapath on DEV and pin its state under /sys/fs/bpf/nsteer/netns-COOKIE/\n"
	  "IFINDEX-NAME/ (DEV's network namespace and device; status prints it).\n"
	  "Re-running with the same options changes nothing; other options or a newer nsteer\n"
	  "replace the programs without a moment in which frames go unsteered.\n"
	  "As macvlan does, nsteer keeps each port's MAC in DEV's unicast address list (and each\n"
	  "port VLAN in its VLAN filter) and DEV allmulticast; detach gives DEV back as it was." },
	{ "detach", NULL, CMD_DETACH, &args_dev, "uplink", OPTS(&opt_ports),
	  "Remove nsteer's programs from DEV and its pins. Ports keep their veths unless --ports\n"
	  "is given, which deletes every port of DEV too." },
	{ "port", "add", CMD_PORT_ADD, &args_dev_netns, "uplink netns",
	  OPTS(&opt_mac, &opt_vlan, &opt_ifname, &opt_addr, &opt_mtu, &opt_netns_path, &opt_pid),
	  "Give a network namespace a port on DEV: a veth whose namespace end carries the port's\n"
	  "MAC and receives the frames addressed to it. NETNS is an iproute2 name (created when\n"
	  "missing); --netns-path and --pid name an existing namespace." },
	{ "port", "del", CMD_PORT_DEL, &args_dev_netns, "uplink port",
	  OPTS(&opt_ifname, &opt_netns_path, &opt_pid),
	  "Remove the namespace's ports from DEV, or with --ifname the port of that interface\n"
	  "only (and the namespace, once no port is left in it, if port add created it)." },
	{ "port", "list", CMD_PORT_LIST, &args_dev_opt, "uplink", OPTS(&opt_json),
	  "List the ports of DEV, or of every attached uplink." },
	{ "status", NULL, CMD_STATUS, &args_dev_opt, "uplink", OPTS(&opt_json),
	  "Show uplinks, their programs and ports, counters, and any inconsistency found, with the\n"
	  "command that repairs it." },
	{ "stats", NULL, CMD_STATS, &args_dev_opt, "uplink",
	  OPTS(&opt_interval, &opt_count, &opt_json, &opt_format),
	  "Per-port counters summed over CPUs: packets and bytes each way, drops by reason.\n"
	  "With --interval, print rates every SEC seconds (N times, or until interrupted)." },
	{ "monitor", NULL, CMD_MONITOR, &args_dev_opt, "uplink",
	  OPTS(&opt_port, &opt_reason, &opt_json, &opt_pcap),
	  "Show frames as the datapath drops them, until interrupted: time, uplink, where the frame\n"
	  "came from (the wire, or the port that sent it), reason, MACs, VLAN, ethertype, length.\n"
	  "The datapath describes drops only while a monitor runs, one per uplink at a time.\n"
	  "port_rejected drops, frames a port's veth refused, are counted by stats, not shown\n"
	  "here." },
	{ "batch", NULL, CMD_BATCH, &args_file, "file-or-stdin", NO_OPTS,
	  "Run one nsteer command per line (without the word nsteer) under one lock, in one\n"
	  "process; blank lines and lines starting with # are skipped. Stops at the first failing\n"
	  "line and names it." },
	{ "apply", NULL, CMD_APPLY, &args_file, "file-or-stdin", NO_OPTS,
	  "Make the host match a configuration (" APPLY_CONF_DEFAULT " at boot, by\n"
	  "nsteer.service): one attach or port add per line, written as those commands are, without\n"
	  "the word nsteer; blank lines and lines starting with # are skipped. The whole file is\n"
	  "checked before anything changes. Adds what is missing, replaces ports whose settings\n"
	  "differ, and removes the ports and uplinks an earlier apply made that the file no longer\n"
	  "has; ports made by hand or by the CNI plugin are left alone. Prints one line per change,\n"
	  "or nothing to change." },
	{ "save", NULL, CMD_SAVE, &args_file_opt, "file", NO_OPTS,
	  "Write the uplinks and ports there are now as a configuration for apply, to FILE or to\n"
	  "standard output: nsteer save " APPLY_CONF_DEFAULT " makes them come back at boot.\n"
	  "Ports of the CNI plugin, and ports whose namespace was given by path or pid, are written\n"
	  "as comments that say why they are not restored." },
	{ "demo", NULL, CMD_DEMO, NULL, "", NO_OPTS,
	  "Build a self-contained lab (a veth \"NIC\" whose far end sits in a \"wire\" namespace,\n"
	  "three port namespaces), attach, send frames both ways, print who received what, and\n"
	  "remove everything. Touches no interface it did not create." },
};

static const struct cmdline_exit_status exit_statuses[] = {
	{ EXIT_SUCCESS, "success" },
	{ EXIT_FAILURE, "runtime failure" },
	{ EXIT_USAGE, "usage error" },
	{ 0, NULL },
};

/* ---- the arguments, and what the options say together ---- */

static bool check(const struct cmdline_command *c, int nargs, char **args, void *cfg,
		  const struct cmdline_ctx *ctx)
{
	struct cli *cli = cfg;
	bool ns_option = cli->port.netns.name || cli->port.netns.pid;

	if (c->args == &args_file || (c->args == &args_file_opt && nargs > 0))
		cli->file = args[0];
	else if (nargs > 0)
		cli->dev = args[0];
	if (cli->dev && !nsteer_dev_name_valid(cli->dev))
		return cmdline_refuse(ctx, "invalid device name '%s'", cli->dev);
	if (c->args == &args_dev_netns) {
		if (nargs == 2 && ns_option)
			return cmdline_refuse(ctx, ONE_NAMESPACE);
		if (nargs == 1 && !ns_option)
			return cmdline_refuse(ctx,
					      "missing NETNS (or --netns-path PATH, or --pid PID)");
		if (nargs == 2 && !nsteer_netns_name_valid(args[1]))
			return cmdline_refuse(ctx,
					      "invalid namespace name '%s': 1-%d bytes, not '.' or "
					      "'..', no '/' or control characters",
					      args[1], NSTEER_NETNS_LEN - 1);
		if (nargs == 2) {
			cli->port.netns.kind = NSTEER_NETNS_NAME;
			cli->port.netns.name = args[1];
		}
	}
	if (cli->monitor_reason == NSTEER_DROP_PORT_REJECTED)
		return cmdline_refuse(ctx, "port_rejected drops, frames a port's veth refused, are "
					   "counted by stats, not shown by monitor");
	if (cli->json && cli->pcap && !strcmp(cli->pcap, "-"))
		return cmdline_refuse(ctx, "give one of --json and --pcap -: both write to stdout");
	if (cli->count && !cli->interval)
		return cmdline_refuse(ctx, "--count needs --interval");
	if (cli->json && cli->format != STATS_TEXT && cli->format != STATS_JSON)
		return cmdline_refuse(ctx, "give one of --json and --format prometheus");
	if (cli->format == STATS_PROMETHEUS && cli->interval)
		return cmdline_refuse(ctx,
				      "--format prometheus prints counters; Prometheus computes "
				      "rates from them (rate()), so it takes no --interval");
	return true;
}

const struct cmdline_program cli_program = {
	.name = "nsteer",
	.summary = "Steer frames arriving on a NIC into network namespaces by destination MAC "
		   "(XDP + tc).",
	.usage_note = "State lives in /sys/fs/bpf/nsteer/netns-COOKIE/IFINDEX-NAME/.",
	.verbose_help = "say more, including libbpf's and libxdp's messages",
	.verbose_field = offsetof(struct cli, verbose),
	.commands = commands,
	.n_commands = sizeof(commands) / sizeof(commands[0]),
	.exit_statuses = exit_statuses,
	.check = check,
};

enum cmdline_result cli_parse(int argc, char **argv, struct cli *cli, FILE *out, FILE *err)
{
	const struct cmdline_command *c = NULL;
	enum cmdline_result r;

	memset(cli, 0, sizeof(*cli));
	cli->attach.xdp_mode = NSTEER_XDP_AUTO;
	cli->monitor_reason = -1;
	r = cmdline_parse(&cli_program, argc, argv, cli, &c, out, err);
	if (c)
		cli->cmd = c->id;
	return r;
}
