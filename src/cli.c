// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "mac.h"
#include "netlink.h"
#include "pins.h"

#define EXIT_STATUS_HELP                                                                   \
	"\nExit status: 0 success, 1 runtime failure, 2 usage error.\n"

static const char usage_main[] =
	"Usage: nsteer [-v] COMMAND [ARGS]\n"
	"Steer frames arriving on a NIC into network namespaces by destination MAC (XDP + tc).\n\n"
	"Commands:\n"
	"  attach DEV [--mode bridge|private|vepa] [--xdp-mode auto|native|skb|off]\n"
	"             [--unknown pass|drop] [--host-access]\n"
	"  detach DEV [--ports]\n"
	"  port add DEV NETNS|--netns-path PATH|--pid PID [--mac MAC] [--vlan ID] [--ifname NAME]\n"
	"           [--addr CIDR]...\n"
	"  port del DEV NETNS|--netns-path PATH|--pid PID\n"
	"  port list [DEV] [--json]\n"
	"  status [DEV] [--json]\n"
	"  stats [DEV] [--interval SEC [--count N]] [--json]\n"
	"  batch FILE|-\n"
	"  demo\n\n"
	"Run 'nsteer COMMAND --help' for details. State lives in /sys/fs/bpf/nsteer/DEV/.\n"
	"  -v, --verbose   say more, including libbpf's and libxdp's messages\n" EXIT_STATUS_HELP;

static const char usage_attach[] =
	"Usage: nsteer attach DEV [--mode bridge|private|vepa] [--xdp-mode auto|native|skb|off]\n"
	"                         [--unknown pass|drop] [--host-access]\n"
	"Load the datapath on DEV and pin its state under /sys/fs/bpf/nsteer/DEV/.\n"
	"Re-running with the same options changes nothing; other options or a newer nsteer\n"
	"replace the programs without a moment in which frames go unsteered.\n"
	"As macvlan does, nsteer keeps each port's MAC in DEV's unicast address list (and each\n"
	"port VLAN in its VLAN filter) and DEV allmulticast; detach gives DEV back as it was.\n"
	"  --mode M       how ports reach each other: bridge (default, inside the host),\n"
	"                 private (never), vepa (through the external switch)\n"
	"  --xdp-mode M   auto (default: native where the driver's XDP sees whole frames, as on\n"
	"                 NIC drivers and virtio_net; off on veth, tun and unknown devices, and on\n"
	"                 NICs that strip VLAN tags), native, skb (generic XDP), off (tc only)\n"
	"  --unknown P    frames for a MAC no port owns: pass to DEV's stack (default) or drop\n"
	"  --host-access  create nsh-DEV here: an interface through which this namespace reaches\n"
	"                 every port (give it an address with ip addr add); macvlan cannot do this\n"
	EXIT_STATUS_HELP;

static const char usage_detach[] =
	"Usage: nsteer detach DEV [--ports]\n"
	"Remove nsteer's programs from DEV and its pins. Ports keep their veths unless --ports\n"
	"is given, which deletes every port of DEV too.\n" EXIT_STATUS_HELP;

static const char usage_port_add[] =
	"Usage: nsteer port add DEV NETNS|--netns-path PATH|--pid PID [--mac MAC] [--vlan ID]\n"
	"                       [--ifname NAME] [--addr CIDR]...\n"
	"Give a network namespace a port on DEV: a veth whose namespace end carries the port's\n"
	"MAC and receives the frames addressed to it. NETNS is an iproute2 name (created when\n"
	"missing); --netns-path and --pid name an existing namespace.\n"
	"  --mac MAC      the port's MAC (default: a stable one derived from DEV, NETNS, VLAN)\n"
	"  --vlan ID      802.1Q VLAN of the port, 1-4094\n"
	"  --ifname NAME  the interface inside the namespace (default eth0)\n"
	"  --addr CIDR    an IPv4 or IPv6 address for it; repeatable\n" EXIT_STATUS_HELP;

static const char usage_port_del[] =
	"Usage: nsteer port del DEV NETNS|--netns-path PATH|--pid PID\n"
	"Remove the namespace's port from DEV (and the namespace, if port add created it).\n"
	EXIT_STATUS_HELP;

static const char usage_port_list[] =
	"Usage: nsteer port list [DEV] [--json]\n"
	"List the ports of DEV, or of every attached uplink.\n" EXIT_STATUS_HELP;

static const char usage_status[] =
	"Usage: nsteer status [DEV] [--json]\n"
	"Show uplinks, their programs and ports, counters, and any inconsistency found, with the\n"
	"command that repairs it.\n" EXIT_STATUS_HELP;

static const char usage_stats[] =
	"Usage: nsteer stats [DEV] [--interval SEC [--count N]] [--json]\n"
	"Per-port counters summed over CPUs: packets and bytes each way, drops by reason.\n"
	"With --interval, print rates every SEC seconds (N times, or until interrupted).\n"
	EXIT_STATUS_HELP;

static const char usage_batch[] =
	"Usage: nsteer batch FILE|-\n"
	"Run one nsteer command per line (without the word nsteer) under one lock, in one\n"
	"process; blank lines and lines starting with # are skipped. Stops at the first failing\n"
	"line and names it.\n" EXIT_STATUS_HELP;

static const char usage_demo[] =
	"Usage: nsteer demo\n"
	"Build a self-contained lab (a veth \"NIC\" whose far end sits in a \"wire\" namespace,\n"
	"three port namespaces), attach, send frames both ways, print who received what, and\n"
	"remove everything. Touches no interface it did not create.\n" EXIT_STATUS_HELP;

enum opt_id {
	OPT_HELP = 'h',
	OPT_MODE = 256,
	OPT_XDP_MODE,
	OPT_UNKNOWN,
	OPT_HOST_ACCESS,
	OPT_PORTS,
	OPT_MAC,
	OPT_VLAN,
	OPT_IFNAME,
	OPT_ADDR,
	OPT_NETNS_PATH,
	OPT_PID,
	OPT_JSON,
	OPT_INTERVAL,
	OPT_COUNT,
};

static const struct option all_options[] = {
	{ "help", no_argument, NULL, OPT_HELP },
	{ "mode", required_argument, NULL, OPT_MODE },
	{ "xdp-mode", required_argument, NULL, OPT_XDP_MODE },
	{ "unknown", required_argument, NULL, OPT_UNKNOWN },
	{ "host-access", no_argument, NULL, OPT_HOST_ACCESS },
	{ "ports", no_argument, NULL, OPT_PORTS },
	{ "mac", required_argument, NULL, OPT_MAC },
	{ "vlan", required_argument, NULL, OPT_VLAN },
	{ "ifname", required_argument, NULL, OPT_IFNAME },
	{ "addr", required_argument, NULL, OPT_ADDR },
	{ "netns-path", required_argument, NULL, OPT_NETNS_PATH },
	{ "pid", required_argument, NULL, OPT_PID },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "interval", required_argument, NULL, OPT_INTERVAL },
	{ "count", required_argument, NULL, OPT_COUNT },
	{ NULL, 0, NULL, 0 },
};

struct command {
	const char *name;
	const char *sub; /* "add" for "port add" */
	enum cli_cmd cmd;
	const char *usage;
	const int *opts; /* allowed option ids, 0-terminated */
	int min_args, max_args; /* positional arguments after the command words */
};

static const int opts_attach[] = { OPT_MODE, OPT_XDP_MODE, OPT_UNKNOWN, OPT_HOST_ACCESS, 0 };
static const int opts_detach[] = { OPT_PORTS, 0 };
static const int opts_port_add[] = { OPT_MAC, OPT_VLAN, OPT_IFNAME, OPT_ADDR, OPT_NETNS_PATH,
				     OPT_PID, 0 };
static const int opts_port_del[] = { OPT_NETNS_PATH, OPT_PID, 0 };
static const int opts_json[] = { OPT_JSON, 0 };
static const int opts_stats[] = { OPT_JSON, OPT_INTERVAL, OPT_COUNT, 0 };
static const int opts_none[] = { 0 };

static const struct command commands[] = {
	{ "attach", NULL, CMD_ATTACH, usage_attach, opts_attach, 1, 1 },
	{ "detach", NULL, CMD_DETACH, usage_detach, opts_detach, 1, 1 },
	{ "port", "add", CMD_PORT_ADD, usage_port_add, opts_port_add, 1, 2 },
	{ "port", "del", CMD_PORT_DEL, usage_port_del, opts_port_del, 1, 2 },
	{ "port", "list", CMD_PORT_LIST, usage_port_list, opts_json, 0, 1 },
	{ "status", NULL, CMD_STATUS, usage_status, opts_json, 0, 1 },
	{ "stats", NULL, CMD_STATS, usage_stats, opts_stats, 0, 1 },
	{ "batch", NULL, CMD_BATCH, usage_batch, opts_none, 1, 1 },
	{ "demo", NULL, CMD_DEMO, usage_demo, opts_none, 0, 0 },
};

static int option_index(int id)
{
	int i = 0;

	while (all_options[i].name && all_options[i].val != id)
		i++;
	return i;
}

static bool allowed(const struct command *c, int id)
{
	for (const int *o = c->opts; *o; o++)
		if (*o == id)
			return true;
	return false;
}

static int parse_choice(const char *arg, const char *const *names, int n)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(arg, names[i]))
			return i;
	return -1;
}

static bool parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	char *end;

	if (!*s || *s == '-' || *s == '+')
		return false;
	errno = 0;
	*out = strtoul(s, &end, 10);
	return !errno && !*end && *out <= max;
}

/* NULL with *words -1: help was printed. */
static const struct command *find_command(int argc, char **argv, int *words, FILE *out, FILE *err)
{
	const char *name = argc > 1 ? argv[1] : NULL;
	bool known = false;

	for (size_t i = 0; name && i < sizeof(commands) / sizeof(commands[0]); i++) {
		const struct command *c = &commands[i];

		if (strcmp(c->name, name))
			continue;
		known = true;
		if (!c->sub) {
			*words = 1;
			return c;
		}
		if (argc > 2 && !strcmp(argv[2], c->sub)) {
			*words = 2;
			return c;
		}
	}
	if (known && argc > 2 && (!strcmp(argv[2], "--help") || !strcmp(argv[2], "-h"))) {
		fprintf(out, "%s\n%s\n%s", usage_port_add, usage_port_del, usage_port_list);
		*words = -1;
	} else if (known)
		fprintf(err, "nsteer: '%s' needs a subcommand: add, del or list\n", name);
	else if (name)
		fprintf(err, "nsteer: unknown command '%s'; see 'nsteer --help'\n", name);
	else
		fputs(usage_main, err);
	return NULL;
}

#define USAGE_ERR(...)                                                                     \
	do {                                                                               \
		fprintf(err, "nsteer: " __VA_ARGS__);                                      \
		fprintf(err, "\n%s", c->usage);                                             \
		return CLI_USAGE;                                                          \
	} while (0)

static enum cli_result apply_option(const struct command *c, int id, const char *arg,
				    struct cli *cli, FILE *err)
{
	static const char *const modes[] = { "bridge", "private", "vepa" };
	static const char *const xdp_modes[] = { "native", "skb", "off", "auto" };
	static const char *const unknowns[] = { "pass", "drop" };
	unsigned char addr[16];
	unsigned int prefix;
	unsigned long n;
	int v;

	switch (id) {
	case OPT_MODE:
		if ((v = parse_choice(arg, modes, 3)) < 0)
			USAGE_ERR("invalid --mode '%s': bridge, private or vepa", arg);
		cli->attach.mode = v;
		break;
	case OPT_XDP_MODE:
		if ((v = parse_choice(arg, xdp_modes, 4)) < 0)
			USAGE_ERR("invalid --xdp-mode '%s': auto, native, skb or off", arg);
		cli->attach.xdp_mode = v;
		break;
	case OPT_UNKNOWN:
		if ((v = parse_choice(arg, unknowns, 2)) < 0)
			USAGE_ERR("invalid --unknown '%s': pass or drop", arg);
		cli->attach.unknown = v;
		break;
	case OPT_HOST_ACCESS:
		cli->attach.host_access = true;
		break;
	case OPT_PORTS:
		cli->detach_ports = true;
		break;
	case OPT_MAC:
		if (mac_parse(arg, cli->port.mac) < 0)
			USAGE_ERR("invalid MAC '%s': expected six hex bytes like 02:00:00:00:00:01", arg);
		if (!mac_is_valid_port(cli->port.mac))
			USAGE_ERR("invalid MAC '%s': a port MAC must be unicast and not all zeros", arg);
		cli->port.has_mac = true;
		break;
	case OPT_VLAN:
		if (!parse_uint(arg, 4094, &n) || n == 0)
			USAGE_ERR("invalid --vlan '%s': 1-4094", arg);
		cli->port.vlan = n;
		break;
	case OPT_IFNAME:
		if (!*arg || strlen(arg) >= 16 || strpbrk(arg, "/ \t\n:"))
			USAGE_ERR("invalid --ifname '%s': 1-15 characters, no '/', ':' or spaces", arg);
		cli->port.ifname = arg;
		break;
	case OPT_ADDR:
		if (cli->port.n_addrs == NSTEER_ADDRS_MAX)
			USAGE_ERR("at most %d --addr", NSTEER_ADDRS_MAX);
		if (nl_cidr_parse(arg, addr, &prefix) < 0)
			USAGE_ERR("invalid --addr '%s': expected ADDR[/PREFIX], IPv4 or IPv6", arg);
		cli->port.addrs[cli->port.n_addrs++] = arg;
		break;
	case OPT_NETNS_PATH:
	case OPT_PID:
		if (cli->port.netns.name || cli->port.netns.pid)
			USAGE_ERR("give one namespace: NETNS, --netns-path or --pid");
		if (id == OPT_NETNS_PATH) {
			if (!*arg)
				USAGE_ERR("empty --netns-path");
			cli->port.netns.kind = NSTEER_NETNS_PATH;
			cli->port.netns.name = arg;
		} else {
			if (!parse_uint(arg, INT_MAX, &n) || n == 0)
				USAGE_ERR("invalid --pid '%s'", arg);
			cli->port.netns.kind = NSTEER_NETNS_PID;
			cli->port.netns.pid = n;
		}
		break;
	case OPT_JSON:
		cli->json = true;
		break;
	case OPT_INTERVAL:
		if (!parse_uint(arg, 3600, &n) || n == 0)
			USAGE_ERR("invalid --interval '%s': 1-3600 seconds", arg);
		cli->interval = n;
		break;
	case OPT_COUNT:
		if (!parse_uint(arg, UINT_MAX, &n) || n == 0)
			USAGE_ERR("invalid --count '%s'", arg);
		cli->count = n;
		break;
	}
	return CLI_RUN;
}

static enum cli_result check_positionals(const struct command *c, int nargs, char **args,
					 struct cli *cli, FILE *err)
{
	bool ns_option = cli->port.netns.name || cli->port.netns.pid;

	if (nargs < c->min_args)
		USAGE_ERR("missing %s", c->cmd == CMD_BATCH ? "FILE" : "DEV");
	if (nargs > c->max_args)
		USAGE_ERR("unexpected argument '%s'", args[c->max_args]);
	if (c->cmd == CMD_BATCH)
		cli->file = args[0];
	else if (nargs > 0)
		cli->dev = args[0];
	if (cli->dev && !dev_name_valid(cli->dev))
		USAGE_ERR("invalid device name '%s'", cli->dev);
	if (c->cmd == CMD_PORT_ADD || c->cmd == CMD_PORT_DEL) {
		if (nargs == 2 && ns_option)
			USAGE_ERR("give one namespace: NETNS, --netns-path or --pid");
		if (nargs == 1 && !ns_option)
			USAGE_ERR("missing NETNS (or --netns-path PATH, or --pid PID)");
		if (nargs == 2) {
			cli->port.netns.kind = NSTEER_NETNS_NAME;
			cli->port.netns.name = args[1];
		}
	}
	if (cli->count && !cli->interval)
		USAGE_ERR("--count needs --interval");
	return CLI_RUN;
}

enum cli_result cli_parse(int argc, char **argv, struct cli *cli, FILE *out, FILE *err)
{
	const struct command *c;
	int words = 0, id, longindex = 0;

	memset(cli, 0, sizeof(*cli));
	cli->attach.xdp_mode = NSTEER_XDP_AUTO;
	/* Global options come before the command. */
	while (argc > 1 && argv[1][0] == '-') {
		if (!strcmp(argv[1], "-v") || !strcmp(argv[1], "--verbose")) {
			cli->verbose = true;
		} else if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
			fputs(usage_main, out);
			return CLI_DONE;
		} else {
			fprintf(err, "nsteer: unknown option '%s'\n%s", argv[1], usage_main);
			return CLI_USAGE;
		}
		argv++;
		argc--;
	}
	c = find_command(argc, argv, &words, out, err);
	if (!c)
		return words < 0 ? CLI_DONE : CLI_USAGE;
	cli->cmd = c->cmd;
	argv += words;
	argc -= words;
	optind = 0; /* glibc: full re-initialisation, as batch parses many lines */
	opterr = 0;
	while ((id = getopt_long(argc, argv, ":h", all_options, &longindex)) != -1) {
		enum cli_result r;

		if (id == OPT_HELP) {
			fputs(c->usage, out);
			return CLI_DONE;
		}
		/* A known option of another command: name it, not the value getopt took for it. */
		if (id == ':' ? !allowed(c, optopt) : id != '?' && !allowed(c, id))
			USAGE_ERR("unknown option '--%s' for this command",
				  all_options[id == ':' ? option_index(optopt) : longindex].name);
		if (id == ':')
			USAGE_ERR("option '%s' needs a value", argv[optind - 1]);
		if (id == '?')
			USAGE_ERR("unknown option '%s'", argv[optind - 1]);
		r = apply_option(c, id, optarg, cli, err);
		if (r != CLI_RUN)
			return r;
	}
	return check_positionals(c, argc - optind, argv + optind, cli, err);
}
