// SPDX-License-Identifier: GPL-2.0
/* The command table. Every option is declared once (name, value, field, help) and every command
 * once (words, arguments, options, help, handler); getopt's table, the usage text, the errors and
 * the dispatch are all made from these two, and so are the man page and the bash completion
 * (table.h), so a new option is one declaration plus its place in a command's list. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "apply_cmd.h"
#include "batch.h"
#include "cli.h"
#include "demo.h"
#include "monitor_cmd.h"
#include "render.h"
#include "table.h"

/* One option: its name, the value it takes (NULL: a flag), its kind and the field of struct cli
 * it sets, then anything else of struct opt_spec by name. */
#define DEFINE_OPTION(var, opt_name, value, opt_kind, cli_field, ...)                  \
	static const struct opt_spec var = { .name = opt_name,                         \
					     .metavar = value,                         \
					     .kind = opt_kind,                         \
					     .field = offsetof(struct cli, cli_field), \
					     __VA_ARGS__ }

DEFINE_OPTION(opt_mode, "mode", "M", OPT_ENUM, attach.mode, .choices = nsteer_mode_names,
	      .help = "how ports reach each other: bridge (default, inside the host),\n"
		      "private (never), vepa (through the external switch)");
DEFINE_OPTION(opt_xdp_mode, "xdp-mode", "M", OPT_ENUM, attach.xdp_mode,
	      .choices = nsteer_xdp_mode_names,
	      .help = "auto (default: native where the driver's XDP sees whole frames, as on\n"
		      "NIC drivers and virtio_net; off on veth, tun and unknown devices, and on\n"
		      "NICs that strip VLAN tags), native, skb (generic XDP), off (tc only)");
DEFINE_OPTION(opt_unknown, "unknown", "P", OPT_ENUM, attach.unknown,
	      .choices = nsteer_unknown_names,
	      .help = "frames for a MAC no port owns: pass to DEV's stack (default) or drop");
DEFINE_OPTION(opt_host_access, "host-access", NULL, OPT_FLAG, attach.host_access,
	      .help = "create nsh-DEV here: an interface through which this namespace reaches\n"
		      "every port (give it an address with ip addr add); macvlan cannot do this");
DEFINE_OPTION(opt_ports, "ports", NULL, OPT_FLAG, detach_ports,
	      .help = "delete every port of DEV too (and the namespaces port add created)");
DEFINE_OPTION(opt_mac, "mac", "MAC", OPT_MAC, port.mac,
	      .help = "the port's MAC (default: a stable one derived from DEV, NETNS, the\n"
		      "interface and VLAN)");
DEFINE_OPTION(opt_vlan, "vlan", "ID", OPT_UINT, port.vlan, .min = 1, .max = 4094, .range = "1-4094",
	      .help = "802.1Q VLAN of the port, 1-4094");
DEFINE_OPTION(opt_ifname, "ifname", "NAME", OPT_IFNAME, port.ifname,
	      .help = "the port's interface inside the namespace (port add: default eth0;\n"
		      "port del: only that port, default every port of NETNS on DEV)");
DEFINE_OPTION(opt_addr, "addr", "CIDR", OPT_ADDR, port.addrs,
	      .help = "an IPv4 or IPv6 address for it; repeatable");
DEFINE_OPTION(opt_mtu, "mtu", "BYTES", OPT_UINT, port.mtu, .min = 68, .max = 65535,
	      .range = "68-65535", .help = "the port's MTU (default: the uplink's)");
DEFINE_OPTION(opt_netns_path, "netns-path", "PATH", OPT_NETNS_PATH, port.netns,
	      .help = "the namespace by path (a bind mount, /proc/PID/ns/net)");
DEFINE_OPTION(opt_pid, "pid", "PID", OPT_PID, port.netns, .min = 1, .max = INT_MAX,
	      .help = "the namespace of a running process, e.g. a container");
DEFINE_OPTION(opt_json, "json", NULL, OPT_FLAG, json, .help = "print JSON, one line");
static const struct nsteer_name stats_format_names[] = {
	{ STATS_TEXT, "text", NULL },
	{ STATS_JSON, "json", NULL },
	{ STATS_PROMETHEUS, "prometheus", NULL },
	{ 0, NULL, NULL },
};
DEFINE_OPTION(opt_format, "format", "F", OPT_ENUM, format, .choices = stats_format_names,
	      .help = "text (default), json (as --json), or prometheus: the counters in\n"
		      "Prometheus's text format, for node_exporter's textfile collector");
DEFINE_OPTION(opt_port, "port", "P", OPT_PORT, monitor_port,
	      .help = "only the drops of frames port P sent: P is its namespace (every port of\n"
		      "it), NETNS:IFNAME (one of them), or its host veth");
DEFINE_OPTION(opt_reason, "reason", "R", OPT_ENUM, monitor_reason, .choices = nsteer_drop_names,
	      .help = "only drops for reason R: a reason stats counts (nsteer(8) lists them),\n"
		      "but port_rejected");
DEFINE_OPTION(opt_pcap, "pcap", "FILE", OPT_FILE, pcap,
	      .help = "also write the first 128 bytes of each frame to FILE as pcap (- for\n"
		      "stdout, instead of the text: nsteer monitor --pcap - | wireshark -k -i -)");
DEFINE_OPTION(opt_interval, "interval", "SEC", OPT_UINT, interval, .min = 1, .max = 3600,
	      .range = "1-3600 seconds", .help = "print rates every SEC seconds");
DEFINE_OPTION(opt_count, "count", "N", OPT_UINT, count, .min = 1, .max = UINT_MAX,
	      .help = "stop after N samples (default: until interrupted)");

static int run_attach(const struct cli *c)
{
	return nsteer_attach(c->dev, &c->attach);
}
static int run_detach(const struct cli *c)
{
	return nsteer_detach(c->dev, c->detach_ports);
}
static int run_port_add(const struct cli *c)
{
	return nsteer_port_add(c->dev, &c->port);
}
static int run_port_del(const struct cli *c)
{
	return nsteer_port_del(c->dev, &c->port.netns, c->port.ifname);
}
static int run_port_list(const struct cli *c)
{
	return render_port_list(c->dev, c->json);
}
static int run_status(const struct cli *c)
{
	return render_status(c->dev, c->json);
}
static int run_stats(const struct cli *c)
{
	return render_stats(c->dev, c->json ? STATS_JSON : c->format, c->interval, c->count);
}
static int run_monitor(const struct cli *c)
{
	return monitor_run(c);
}
static int run_batch(const struct cli *c);
static int run_apply(const struct cli *c)
{
	return apply_run(c->file);
}
static int run_save(const struct cli *c)
{
	return save_run(c->file);
}
static int run_demo(const struct cli *c)
{
	(void)c;
	return demo_run();
}

#define OPTS(...) ((const struct opt_spec *const[]){ __VA_ARGS__, NULL })
#define NO_OPTS ((const struct opt_spec *const[]){ NULL })

const struct command cli_commands[] = {
	{ "attach", NULL, CMD_ATTACH, ARGS_DEV,
	  OPTS(&opt_mode, &opt_xdp_mode, &opt_unknown, &opt_host_access),
	  "Load the datapath on DEV and pin its state under /sys/fs/bpf/nsteer/netns-COOKIE/\n"
	  "IFINDEX-NAME/ (DEV's network namespace and device; status prints it).\n"
	  "Re-running with the same options changes nothing; other options or a newer nsteer\n"
	  "replace the programs without a moment in which frames go unsteered.\n"
	  "As macvlan does, nsteer keeps each port's MAC in DEV's unicast address list (and each\n"
	  "port VLAN in its VLAN filter) and DEV allmulticast; detach gives DEV back as it was.",
	  run_attach },
	{ "detach", NULL, CMD_DETACH, ARGS_DEV, OPTS(&opt_ports),
	  "Remove nsteer's programs from DEV and its pins. Ports keep their veths unless --ports\n"
	  "is given, which deletes every port of DEV too.",
	  run_detach },
	{ "port", "add", CMD_PORT_ADD, ARGS_DEV_NETNS,
	  OPTS(&opt_mac, &opt_vlan, &opt_ifname, &opt_addr, &opt_mtu, &opt_netns_path, &opt_pid),
	  "Give a network namespace a port on DEV: a veth whose namespace end carries the port's\n"
	  "MAC and receives the frames addressed to it. NETNS is an iproute2 name (created when\n"
	  "missing); --netns-path and --pid name an existing namespace.",
	  run_port_add },
	{ "port", "del", CMD_PORT_DEL, ARGS_DEV_NETNS, OPTS(&opt_ifname, &opt_netns_path, &opt_pid),
	  "Remove the namespace's ports from DEV, or with --ifname the port of that interface\n"
	  "only (and the namespace, once no port is left in it, if port add created it).",
	  run_port_del },
	{ "port", "list", CMD_PORT_LIST, ARGS_DEV_OPT, OPTS(&opt_json),
	  "List the ports of DEV, or of every attached uplink.", run_port_list },
	{ "status", NULL, CMD_STATUS, ARGS_DEV_OPT, OPTS(&opt_json),
	  "Show uplinks, their programs and ports, counters, and any inconsistency found, with the\n"
	  "command that repairs it.",
	  run_status },
	{ "stats", NULL, CMD_STATS, ARGS_DEV_OPT,
	  OPTS(&opt_interval, &opt_count, &opt_json, &opt_format),
	  "Per-port counters summed over CPUs: packets and bytes each way, drops by reason.\n"
	  "With --interval, print rates every SEC seconds (N times, or until interrupted).",
	  run_stats },
	{ "monitor", NULL, CMD_MONITOR, ARGS_DEV_OPT,
	  OPTS(&opt_port, &opt_reason, &opt_json, &opt_pcap),
	  "Show frames as the datapath drops them, until interrupted: time, uplink, where the frame\n"
	  "came from (the wire, or the port that sent it), reason, MACs, VLAN, ethertype, length.\n"
	  "The datapath describes drops only while a monitor runs, one per uplink at a time.\n"
	  "port_rejected drops happen in the kernel's veth after XDP: stats counts them, monitor\n"
	  "cannot see them.",
	  run_monitor },
	{ "batch", NULL, CMD_BATCH, ARGS_FILE, NO_OPTS,
	  "Run one nsteer command per line (without the word nsteer) under one lock, in one\n"
	  "process; blank lines and lines starting with # are skipped. Stops at the first failing\n"
	  "line and names it.",
	  run_batch, true },
	{ "apply", NULL, CMD_APPLY, ARGS_FILE, NO_OPTS,
	  "Make the host match a configuration (" APPLY_CONF_DEFAULT " at boot, by\n"
	  "nsteer.service): one attach or port add per line, written as those commands are, without\n"
	  "the word nsteer; blank lines and lines starting with # are skipped. The whole file is\n"
	  "checked before anything changes. Adds what is missing, replaces ports whose settings\n"
	  "differ, and removes the ports and uplinks an earlier apply made that the file no longer\n"
	  "has; ports made by hand or by the CNI plugin are left alone. Prints one line per change,\n"
	  "or nothing to change.",
	  run_apply, true },
	{ "save", NULL, CMD_SAVE, ARGS_FILE_OPT, NO_OPTS,
	  "Write the uplinks and ports there are now as a configuration for apply, to FILE or to\n"
	  "standard output: nsteer save " APPLY_CONF_DEFAULT " makes them come back at boot.\n"
	  "Ports of the CNI plugin, and ports whose namespace was given by path or pid, are written\n"
	  "as comments that say why they are not restored.",
	  run_save },
	{ "demo", NULL, CMD_DEMO, ARGS_NONE, NO_OPTS,
	  "Build a self-contained lab (a veth \"NIC\" whose far end sits in a \"wire\" namespace,\n"
	  "three port namespaces), attach, send frames both ways, print who received what, and\n"
	  "remove everything. Touches no interface it did not create.",
	  run_demo, true },
};
#define N_COMMANDS (sizeof(cli_commands) / sizeof(cli_commands[0]))
const size_t cli_n_commands = N_COMMANDS;

const char cli_summary[] =
	"Steer frames arriving on a NIC into network namespaces by destination MAC (XDP + tc).";
const char cli_verbose_help[] = "say more, including libbpf's and libxdp's messages";

const struct cli_exit_status cli_exit_statuses[] = {
	{ EXIT_SUCCESS, "success" },
	{ EXIT_FAILURE, "runtime failure" },
	{ EXIT_USAGE, "usage error" },
	{ 0, NULL },
};

/* ---- usage text ---- */

static const char *args_text(enum arg_kind a)
{
	switch (a) {
	case ARGS_FILE:
		return "FILE|-";
	case ARGS_FILE_OPT:
		return "[FILE]";
	case ARGS_DEV:
		return "DEV";
	case ARGS_DEV_OPT:
		return "[DEV]";
	case ARGS_DEV_NETNS:
		return "DEV NETNS|--netns-path PATH|--pid PID";
	default:
		return "";
	}
}

bool cli_opt_in_args(const struct command *c, const struct opt_spec *o)
{
	return c->args == ARGS_DEV_NETNS && (o->kind == OPT_NETNS_PATH || o->kind == OPT_PID);
}

/* A line of words that wraps at 92 columns, continuing under indent. */
struct wrap {
	FILE *out;
	int col, indent;
	bool fresh; /* nothing on this line yet: no space before the next word */
};

static void word(struct wrap *w, const char *text)
{
	int len = (int)strlen(text);

	if (!w->fresh && w->col + 1 + len > 92) {
		w->col = fprintf(w->out, "\n%*s", w->indent, "") - 1;
		w->fresh = true;
	}
	w->col += fprintf(w->out, "%s%s", w->fresh ? "" : " ", text);
	w->fresh = false;
}

#define OPTION_CHOICES_SHOWN_MAX 40

void cli_option_value(const struct opt_spec *o, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	if (o->kind == OPT_ENUM) {
		for (const struct nsteer_name *v = o->choices; v->name && n < size; v++)
			n += snprintf(buf + n, size - n, "%s%s", v == o->choices ? "" : "|",
				      v->name);
	}
	/* A list too long for a synopsis (the drop reasons) shows as its metavar; the option's
	 * help says where the names are. */
	if (o->kind != OPT_ENUM || (n > OPTION_CHOICES_SHOWN_MAX && o->metavar))
		snprintf(buf, size, "%s", o->metavar ? o->metavar : "");
}

void cli_synopsis_words(const struct command *c, cli_word_fn fn, void *ctx)
{
	char text[160], value[96];

	fn(ctx, c->name);
	if (c->sub)
		fn(ctx, c->sub);
	if (c->args != ARGS_NONE)
		fn(ctx, args_text(c->args));
	for (const struct opt_spec *const *o = c->opts; *o; o++) {
		if (cli_opt_in_args(c, *o))
			continue;
		cli_option_value(*o, value, sizeof(value));
		snprintf(text, sizeof(text), "[--%s%s%s]%s", (*o)->name, value[0] ? " " : "", value,
			 (*o)->kind == OPT_ADDR ? "..." : "");
		fn(ctx, text);
	}
}

static void wrap_word(void *w, const char *text)
{
	word(w, text);
}

/* "attach DEV [--mode bridge|private|vepa] ...", continued under the first argument. */
static void synopsis(FILE *out, const struct command *c, int col, bool fresh)
{
	struct wrap w = { out, col, col + (fresh ? 0 : 1) + (int)strlen(c->name) + 1, fresh };

	if (c->sub)
		w.indent += (int)strlen(c->sub) + 1;
	cli_synopsis_words(c, wrap_word, &w);
	fputc('\n', out);
}

static void exit_status_help(FILE *out)
{
	fputs("\nExit status:", out);
	for (const struct cli_exit_status *e = cli_exit_statuses; e->meaning; e++)
		fprintf(out, "%s %d %s", e == cli_exit_statuses ? "" : ",", e->status, e->meaning);
	fputs(".\n", out);
}

static void command_usage(FILE *out, const struct command *c)
{
	int col = fprintf(out, "Usage: nsteer");

	synopsis(out, c, col, false);
	fprintf(out, "%s\n", c->help);
	for (const struct opt_spec *const *o = c->opts; *o; o++) {
		char head[32];
		const char *line = (*o)->help, *nl;

		if (cli_opt_in_args(c, *o))
			continue;
		snprintf(head, sizeof(head), "--%s%s%s", (*o)->name, (*o)->metavar ? " " : "",
			 (*o)->metavar ? (*o)->metavar : "");
		for (bool first = true; line; first = false, line = nl ? nl + 1 : NULL) {
			nl = strchr(line, '\n');
			fprintf(out, "  %-14s %.*s\n", first ? head : "",
				nl ? (int)(nl - line) : (int)strlen(line), line);
		}
	}
	exit_status_help(out);
}

static void main_usage(FILE *out)
{
	fprintf(out, "Usage: nsteer [-v] COMMAND [ARGS]\n%s\n\nCommands:\n", cli_summary);
	for (size_t i = 0; i < N_COMMANDS; i++) {
		fputs("  ", out);
		synopsis(out, &cli_commands[i], 2, true);
	}
	fputs("\nRun 'nsteer COMMAND --help' for details. State lives in "
	      "/sys/fs/bpf/nsteer/netns-COOKIE/IFINDEX-NAME/.\n",
	      out);
	fprintf(out, "  -v, --verbose   %s\n", cli_verbose_help);
	exit_status_help(out);
}

/* ---- parsing ---- */

#define USAGE_ERR(...)                                \
	do {                                          \
		fprintf(err, "nsteer: " __VA_ARGS__); \
		fputc('\n', err);                     \
		command_usage(err, c);                \
		return CLI_USAGE;                     \
	} while (0)

/* NULL with *words -1: help was printed. */
static const struct command *find_command(int argc, char **argv, int *words, FILE *out, FILE *err)
{
	const char *name = argc > 1 ? argv[1] : NULL;
	bool known = false,
	     help = argc > 2 && (!strcmp(argv[2], "--help") || !strcmp(argv[2], "-h"));

	for (size_t i = 0; name && i < N_COMMANDS; i++) {
		const struct command *c = &cli_commands[i];

		if (strcmp(c->name, name))
			continue;
		known = true;
		*words = c->sub ? 2 : 1;
		if (!c->sub || (argc > 2 && !strcmp(argv[2], c->sub)))
			return c;
	}
	*words = 0;
	if (known && help) {
		bool first = true;

		for (size_t i = 0; i < N_COMMANDS; i++) {
			if (strcmp(cli_commands[i].name, name))
				continue;
			if (!first)
				fputc('\n', out);
			command_usage(out, &cli_commands[i]);
			first = false;
		}
		*words = -1;
	} else if (known) {
		fprintf(err, "nsteer: '%s' needs a subcommand: add, del or list\n", name);
	} else if (name) {
		fprintf(err, "nsteer: unknown command '%s'; see 'nsteer --help'\n", name);
	} else {
		main_usage(err);
	}
	return NULL;
}

static bool parse_uint(const char *s, unsigned long min, unsigned long max, unsigned long *out)
{
	char *end;

	/* strtoul would also take blanks, a sign and, for huge values, wrap: digits only. */
	if (!*s || strspn(s, "0123456789") != strlen(s))
		return false;
	errno = 0;
	*out = strtoul(s, &end, 10);
	return !errno && !*end && *out >= min && *out <= max;
}

/* "a, b or c" */
static void choices_text(const struct nsteer_name *names, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	for (const struct nsteer_name *v = names; v->name && n < size; v++)
		n += snprintf(buf + n, size - n, "%s%s",
			      v == names   ? ""
			      : !v[1].name ? " or "
					   : ", ",
			      v->name);
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

static enum cli_result apply_option(const struct command *c, const struct opt_spec *o,
				    const char *arg, struct cli *cli, FILE *err)
{
	void *field = (char *)cli + o->field;
	struct nsteer_netns_ref *ns = &cli->port.netns;
	char choices[96];
	unsigned long n;
	int v;

	switch (o->kind) {
	case OPT_FLAG:
		*(bool *)field = true;
		break;
	case OPT_ENUM:
		if ((v = nsteer_value_of(o->choices, arg)) < 0) {
			choices_text(o->choices, choices, sizeof(choices));
			USAGE_ERR("invalid --%s '%s': %s", o->name, arg, choices);
		}
		*(int *)field = v;
		break;
	case OPT_UINT:
		if (!parse_uint(arg, o->min, o->max, &n))
			USAGE_ERR("invalid --%s '%s'%s%s", o->name, arg, o->range ? ": " : "",
				  o->range ? o->range : "");
		*(unsigned int *)field = n;
		break;
	case OPT_MAC:
		if (nsteer_mac_parse(arg, cli->port.mac) < 0)
			USAGE_ERR("invalid MAC '%s': expected six hex bytes like 02:00:00:00:00:01",
				  arg);
		if (!nsteer_mac_port_valid(cli->port.mac))
			USAGE_ERR("invalid MAC '%s': a port MAC must be unicast and not all zeros",
				  arg);
		cli->port.has_mac = true;
		break;
	case OPT_IFNAME:
		if (!ifname_valid(arg))
			USAGE_ERR("invalid --%s '%s': 1-15 bytes, not '.' or '..', no '/', ':', "
				  "'%%', spaces or control characters",
				  o->name, arg);
		*(const char **)field = arg;
		break;
	case OPT_ADDR:
		if (cli->port.n_addrs == NSTEER_ADDRS_MAX)
			USAGE_ERR("at most %d --addr", NSTEER_ADDRS_MAX);
		if (!nsteer_cidr_valid(arg))
			USAGE_ERR("invalid --addr '%s': expected ADDR[/PREFIX], IPv4 or IPv6", arg);
		if (!nsteer_cidr_host(arg))
			USAGE_ERR(
				"invalid --addr '%s': a multicast, broadcast or unspecified address "
				"cannot be a port's own",
				arg);
		cli->port.addrs[cli->port.n_addrs++] = arg;
		break;
	case OPT_PORT:
		if (!*arg || strlen(arg) >= NSTEER_NETNS_LEN)
			USAGE_ERR("invalid --%s '%s': a port's namespace or host veth", o->name,
				  arg);
		*(const char **)field = arg;
		break;
	case OPT_FILE:
		if (!*arg)
			USAGE_ERR("empty --%s", o->name);
		*(const char **)field = arg;
		break;
	case OPT_NETNS_PATH:
	case OPT_PID:
		if (ns->name || ns->pid)
			USAGE_ERR("give one namespace: NETNS, --netns-path or --pid");
		if (o->kind == OPT_NETNS_PATH) {
			if (!*arg)
				USAGE_ERR("empty --netns-path");
			if (strlen(arg) >= NSTEER_NETNS_LEN)
				USAGE_ERR("--netns-path too long: at most %d bytes",
					  NSTEER_NETNS_LEN - 1);
			ns->kind = NSTEER_NETNS_PATH;
			ns->name = arg;
		} else {
			if (!parse_uint(arg, o->min, o->max, &n))
				USAGE_ERR("invalid --pid '%s'", arg);
			ns->kind = NSTEER_NETNS_PID;
			ns->pid = n;
		}
		break;
	}
	return CLI_RUN;
}

static enum cli_result check_positionals(const struct command *c, int nargs, char **args,
					 struct cli *cli, FILE *err)
{
	bool ns_option = cli->port.netns.name || cli->port.netns.pid;
	int min = c->args == ARGS_FILE || c->args == ARGS_DEV || c->args == ARGS_DEV_NETNS;
	int max = c->args == ARGS_NONE ? 0 : c->args == ARGS_DEV_NETNS ? 2 : 1;

	if (nargs < min)
		USAGE_ERR("missing %s", c->args == ARGS_FILE ? "FILE" : "DEV");
	if (nargs > max)
		USAGE_ERR("unexpected argument '%s'", args[max]);
	if (c->args == ARGS_FILE || (c->args == ARGS_FILE_OPT && nargs > 0))
		cli->file = args[0];
	else if (nargs > 0)
		cli->dev = args[0];
	if (cli->dev && !nsteer_dev_name_valid(cli->dev))
		USAGE_ERR("invalid device name '%s'", cli->dev);
	if (c->args == ARGS_DEV_NETNS) {
		if (nargs == 2 && ns_option)
			USAGE_ERR("give one namespace: NETNS, --netns-path or --pid");
		if (nargs == 1 && !ns_option)
			USAGE_ERR("missing NETNS (or --netns-path PATH, or --pid PID)");
		if (nargs == 2 && !nsteer_netns_name_valid(args[1]))
			USAGE_ERR(
				"invalid namespace name '%s': 1-%d bytes, not '.' or '..', no '/' "
				"or control characters",
				args[1], NSTEER_NETNS_LEN - 1);
		if (nargs == 2) {
			cli->port.netns.kind = NSTEER_NETNS_NAME;
			cli->port.netns.name = args[1];
		}
	}
	if (cli->monitor_reason == NSTEER_DROP_PORT_REJECTED)
		USAGE_ERR(
			"port_rejected drops happen in the kernel's veth, after XDP: stats counts "
			"them, monitor cannot see them");
	if (cli->json && cli->pcap && !strcmp(cli->pcap, "-"))
		USAGE_ERR("give one of --json and --pcap -: both write to stdout");
	if (cli->count && !cli->interval)
		USAGE_ERR("--count needs --interval");
	if (cli->json && cli->format != STATS_TEXT && cli->format != STATS_JSON)
		USAGE_ERR("give one of --json and --format prometheus");
	if (cli->format == STATS_PROMETHEUS && cli->interval)
		USAGE_ERR("--format prometheus prints counters; Prometheus computes rates from "
			  "them (rate()), so it takes no --interval");
	return CLI_RUN;
}

/* getopt's view of every option of every command; the value is the option's index in it. */
#define LONGOPTS_MAX 32
_Static_assert(LONGOPTS_MAX <= 64, "cli_parse keeps the options given in a 64-bit mask");
static const struct opt_spec *all_specs[LONGOPTS_MAX];
static struct option longopts[LONGOPTS_MAX + 2];
#define OPT_HELP 'h'
#define OPT_BASE 256

static void longopts_build(void)
{
	int n = 0;

	if (longopts[0].name)
		return;
	longopts[n++] = (struct option){ "help", no_argument, NULL, OPT_HELP };
	for (size_t i = 0; i < N_COMMANDS; i++) {
		for (const struct opt_spec *const *o = cli_commands[i].opts; *o; o++) {
			int k = 0;

			while (k < n - 1 && all_specs[k] != *o)
				k++;
			if (k < n - 1 || n - 1 == LONGOPTS_MAX)
				continue;
			all_specs[n - 1] = *o;
			longopts[n] =
				(struct option){ (*o)->name,
						 (*o)->metavar ? required_argument : no_argument,
						 NULL, OPT_BASE + n - 1 };
			n++;
		}
	}
}

static const struct opt_spec *allowed(const struct command *c, int id)
{
	const struct opt_spec *spec = id >= OPT_BASE ? all_specs[id - OPT_BASE] : NULL;

	for (const struct opt_spec *const *o = c->opts; spec && *o; o++)
		if (*o == spec)
			return spec;
	return NULL;
}

enum cli_result cli_parse(int argc, char **argv, struct cli *cli, FILE *out, FILE *err)
{
	const struct command *c;
	int words = 0, id, longindex = 0;
	unsigned long long seen = 0; /* options given, by index in all_specs */

	longopts_build();
	memset(cli, 0, sizeof(*cli));
	cli->attach.xdp_mode = NSTEER_XDP_AUTO;
	cli->monitor_reason = -1;
	/* Global options come before the command. */
	while (argc > 1 && argv[1][0] == '-') {
		if (!strcmp(argv[1], "-v") || !strcmp(argv[1], "--verbose")) {
			cli->verbose = true;
		} else if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
			main_usage(out);
			return CLI_DONE;
		} else {
			fprintf(err, "nsteer: unknown option '%s'\n", argv[1]);
			main_usage(err);
			return CLI_USAGE;
		}
		argv++;
		argc--;
	}
	c = find_command(argc, argv, &words, out, err);
	if (!c)
		return words < 0 ? CLI_DONE : CLI_USAGE;
	cli->cmd = c->id;
	argv += words;
	argc -= words;
	optind = 0; /* glibc: full re-initialisation, as batch parses many lines */
	opterr = 0;
	while ((id = getopt_long(argc, argv, ":h", longopts, &longindex)) != -1) {
		const struct opt_spec *spec;
		enum cli_result r;

		if (id == OPT_HELP) {
			command_usage(out, c);
			return CLI_DONE;
		}
		/* A known option of another command: name it, not the value getopt took for it. */
		if (id == ':' ? optopt >= OPT_BASE && !allowed(c, optopt)
			      : id != '?' && !allowed(c, id))
			USAGE_ERR("unknown option '--%s' for this command",
				  all_specs[(id == ':' ? optopt : id) - OPT_BASE]->name);
		if (id == ':')
			USAGE_ERR("option '%s' needs a value", argv[optind - 1]);
		/* In a cluster of short options (-nst...) optind has not moved on: name the letter. */
		if (id == '?' && optopt > 0 && optopt < OPT_BASE)
			USAGE_ERR("unknown option '-%c'", optopt);
		if (id == '?')
			USAGE_ERR("unknown option '%s'", argv[optind - 1]);
		spec = allowed(c, id);
		/* A second value would silently replace the first: say so instead. */
		if (spec->kind != OPT_FLAG && spec->kind != OPT_ADDR &&
		    spec->kind != OPT_NETNS_PATH && spec->kind != OPT_PID) {
			if (seen & (1ULL << (id - OPT_BASE)))
				USAGE_ERR("--%s given twice", spec->name);
			seen |= 1ULL << (id - OPT_BASE);
		}
		r = apply_option(c, spec, optarg, cli, err);
		if (r != CLI_RUN)
			return r;
	}
	return check_positionals(c, argc - optind, argv + optind, cli, err);
}

/* ---- running ---- */

static const struct command *command_of(enum cli_cmd id)
{
	for (size_t i = 0; i < N_COMMANDS; i++)
		if (cli_commands[i].id == id)
			return &cli_commands[i];
	return NULL;
}

int cli_run(const struct cli *cli)
{
	const struct command *c = command_of(cli->cmd);
	int ret;

	if (!c)
		return EXIT_USAGE;
	if (geteuid() != 0) {
		nsteer_log(NSTEER_LOG_WARN,
			   "this command needs root (CAP_NET_ADMIN and CAP_BPF)\n");
		return EXIT_FAILURE;
	}
	ret = c->run(cli);
	if (c->returns_status)
		return ret;
	return ret ? EXIT_FAILURE : EXIT_SUCCESS;
}

int cli_main(int argc, char **argv, bool in_batch)
{
	struct cli cli;

	switch (cli_parse(argc, argv, &cli, stdout, stderr)) {
	case CLI_DONE:
		return EXIT_SUCCESS;
	case CLI_USAGE:
		return EXIT_USAGE;
	case CLI_RUN:
		break;
	}
	/* batch holds the lock, which a monitor, running until interrupted, would never give back */
	if (in_batch && (command_of(cli.cmd)->returns_status || cli.cmd == CMD_MONITOR)) {
		nsteer_log(NSTEER_LOG_WARN, "'%s' cannot run inside batch\n", argv[1]);
		return EXIT_USAGE;
	}
	if (!in_batch)
		nsteer_set_verbose(cli.verbose);
	return cli_run(&cli);
}

static int run_line(int argc, char **argv)
{
	return cli_main(argc, argv, true);
}

static int run_batch(const struct cli *c)
{
	return batch_run(c->file, run_line);
}
