// SPDX-License-Identifier: GPL-2.0
/* nsteer(8). The synopses, the commands, their options and choices, the exit statuses and the
 * drop reasons come from the tables --help and the datapath use; the prose here says only what
 * no table holds (files, environment, examples). */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "doc.h"

const struct doc_example doc_examples[] = {
	{ "attach eth1",
	  "Steer the frames arriving on eth1, with the XDP mode chosen for its driver." },
	{ "port add eth1 red --addr 192.0.2.11/24",
	  "Give the namespace red (created if missing) a port on eth1, with a MAC derived from eth1 "
	  "and red, and an address." },
	{ "port add eth1 blue --mac 02:00:00:00:00:0b --vlan 10 --addr 2001:db8::b/64",
	  "A port with a MAC of its own, on VLAN 10." },
	{ "port add eth1 --pid 4242 --ifname eth1",
	  "A port for the namespace of process 4242, e.g. a container, as its eth1." },
	{ "attach eth1 --mode private --unknown drop",
	  "Change the attached uplink in place: ports no longer reach each other, and frames for "
	  "MACs no port owns are dropped." },
	{ "status eth1",
	  "Show the programs, ports and counters of eth1, and anything inconsistent." },
	{ "stats --interval 1 --count 5",
	  "Print the rates of every port five times, a second apart." },
	{ "port list --json", "List the ports of every uplink as JSON." },
	{ "monitor eth1 --reason spoofed_src",
	  "Show each frame a port of eth1 sends with a source MAC not its own, as it is dropped." },
	{ "monitor eth1 --pcap drops.pcap",
	  "Show every drop on eth1, and keep the frames' first bytes for Wireshark." },
	{ "batch ports.txt", "Run the commands in ports.txt (one per line, e.g. port add eth1 red) "
			     "under one lock." },
	{ "port add eth1 red --ifname net1 --vlan 20",
	  "Give red a second port on eth1, on VLAN 20: a namespace may have any number." },
	{ "port del eth1 red --ifname net1", "Remove red's port net1 only." },
	{ "port del eth1 red",
	  "Remove every port of red on eth1, and red itself if port add created it." },
	{ "detach eth1 --ports", "Remove nsteer from eth1, and every port of it." },
	{ "save " APPLY_CONF_DEFAULT,
	  "Write the uplinks and ports there are now where nsteer.service applies them at boot." },
	{ "apply " APPLY_CONF_DEFAULT,
	  "Make the host match the file: add what is missing, replace what differs, remove what an "
	  "earlier apply made and the file no longer has." },
	{ NULL, NULL },
};

/* minus: every hyphen is a minus (code); otherwise only those of options (words starting with
 * '-'), so that prose keeps its hyphens. Returns whether the text ended a line. */
static bool roff_escape(FILE *out, const char *text, bool minus)
{
	bool line_start = true, option = false;
	char prev = ' ';

	for (const char *p = text; *p; prev = *p++) {
		if (line_start && (*p == '.' || *p == '\''))
			fputs("\\&", out);
		line_start = *p == '\n';
		if (isspace((unsigned char)*p))
			option = false;
		else if (*p == '-' && strchr(" \n([|\"'", prev))
			option = true;
		if (*p == '\\')
			fputs("\\e", out);
		else if (*p == '-' && (minus || option))
			fputs("\\-", out);
		else
			fputc(*p, out);
	}
	return line_start;
}

void doc_roff_text(FILE *out, const char *text)
{
	if (!roff_escape(out, text, false))
		fputc('\n', out);
}

/* A word of usage syntax on a line of its own: the words typed as they are (commands, options,
 * choices) in bold, the placeholders (DEV, NETNS) in italics, punctuation ([, |, ...) in roman,
 * and no break inside it. */
static void roff_syntax(FILE *out, const char *word)
{
	static const char token_chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
					  "abcdefghijklmnopqrstuvwxyz0123456789_-";
	const char *p = word;

	if (*p == '.' || *p == '\'')
		fputs("\\&", out);
	while (*p) {
		size_t n = strspn(p, token_chars);
		bool placeholder = true;

		if (!n) {
			if (*p == ' ')
				fputs("\\~", out);
			else if (*p == '\\')
				fputs("\\e", out);
			else
				fputc(*p, out);
			p++;
			continue;
		}
		for (size_t i = 0; i < n; i++)
			if (islower((unsigned char)p[i]) || p[i] == '-')
				placeholder = false;
		fputs(placeholder ? "\\fI" : "\\fB", out);
		for (; n; n--, p++) {
			if (*p == '-')
				fputs("\\-", out);
			else
				fputc(*p, out);
		}
		fputs("\\fR", out);
	}
	fputc('\n', out);
}

static void syntax_word(void *out, const char *word)
{
	roff_syntax(out, word);
}

static void synopsis(FILE *out, const struct cmdline_command *c)
{
	fputs(".SY nsteer\n", out);
	cmdline_synopsis_words(c, syntax_word, out);
	fputs(".YS\n", out);
}

/* NAME's line is --help's summary, "nsteer \- steer frames ..." without its full stop. */
static void name_section(FILE *out)
{
	char line[256];
	size_t len;

	snprintf(line, sizeof(line), "%s", cli_program.summary);
	len = strlen(line);
	if (len && line[len - 1] == '.')
		line[len - 1] = '\0';
	line[0] = tolower((unsigned char)line[0]);
	fputs(".SH NAME\nnsteer \\- ", out);
	doc_roff_text(out, line);
}

static void synopsis_section(FILE *out)
{
	fputs(".SH SYNOPSIS\n", out);
	fputs(".SY nsteer\n", out);
	roff_syntax(out, "[-v]");
	roff_syntax(out, "COMMAND");
	roff_syntax(out, "[ARGS]");
	fputs(".YS\n.SY nsteer\n", out);
	roff_syntax(out, "[COMMAND]");
	roff_syntax(out, "--help");
	fputs(".YS\n", out);
	for (size_t i = 0; i < cli_program.n_commands; i++)
		synopsis(out, &cli_program.commands[i]);
}

static void para(FILE *out, const char *text)
{
	fputs(".PP\n", out);
	doc_roff_text(out, text);
}

/* A tagged paragraph: tag in usage syntax, or bold as a whole (names of files, variables). */
static void item(FILE *out, const char *tag, bool syntax, const char *text)
{
	fputs(".TP\n", out);
	if (syntax) {
		roff_syntax(out, tag);
	} else {
		fputs(".B \"", out);
		roff_escape(out, tag, true);
		fputs("\"\n", out);
	}
	doc_roff_text(out, text);
}

static void description_section(FILE *out)
{
	fputs(".SH DESCRIPTION\n", out);
	doc_roff_text(
		out,
		"nsteer steers the Ethernet frames that arrive on a network device, the uplink DEV, "
		"into network namespaces by destination MAC address: one device, many namespaces, "
		"and the MAC picks the namespace, as macvlan does. Each namespace gets a port: a "
		"veth pair whose namespace end carries the port's MAC. An XDP program on the uplink "
		"redirects unicast frames into the ports' veths; tc programs do the rest (broadcast "
		"and multicast floods, VLAN tags, and every frame a port sends, whose source MAC must "
		"be the port's own).");
	para(out,
	     "nsteer has no daemon. attach loads the programs and pins them, with the maps "
	     "that hold the ports and the counters, in a folder of its own under " NSTEER_PIN_ROOT
	     " (see FILES); the datapath "
	     "keeps running after the command exits, and every later command reads its state from "
	     "there. Every command is idempotent: run again, it changes nothing, or completes what "
	     "an interrupted run left. Every change takes a lock on " NSTEER_PIN_ROOT ", so that "
	     "two nsteer processes never interfere.");
	para(out, "Every command needs root (CAP_NET_ADMIN and CAP_BPF); --help does not.");
	fputs(".SS Drop reasons\n", out);
	doc_roff_text(out, "status and stats count the frames dropped, per port, by reason, and "
			   "monitor shows each as it happens:");
	for (const struct nsteer_name *d = nsteer_drop_names; d->name; d++)
		item(out, d->name, true, d->doc);
}

static void options_section(FILE *out)
{
	fputs(".SH OPTIONS\n", out);
	doc_roff_text(out, "These come before the command.");
	fputs(".TP\n", out);
	roff_syntax(out, "-v, --verbose");
	doc_roff_text(out, cli_program.verbose_help);
	fputs(".TP\n", out);
	roff_syntax(out, "-h, --help");
	doc_roff_text(out, "print the usage of every command; after a command, its own usage");
}

static void option_item(FILE *out, const struct cmdline_option *o)
{
	char tag[160], value[96];

	cmdline_option_value(o, value, sizeof(value));
	snprintf(tag, sizeof(tag), "--%s%s%s", o->name, value[0] ? " " : "", value);
	item(out, tag, true, o->help);
}

static void commands_section(FILE *out)
{
	fputs(".SH COMMANDS\n", out);
	for (size_t i = 0; i < cli_program.n_commands; i++) {
		const struct cmdline_command *c = &cli_program.commands[i];

		fprintf(out, ".SS %s%s%s\n", c->name, c->sub ? " " : "", c->sub ? c->sub : "");
		doc_roff_text(out, c->help);
		for (const struct cmdline_option *const *o = c->opts; *o; o++)
			option_item(out, *o);
	}
}

static void exit_status_section(FILE *out)
{
	fputs(".SH EXIT STATUS\n", out);
	for (const struct cmdline_exit_status *e = cli_program.exit_statuses; e->meaning; e++) {
		char tag[16];

		snprintf(tag, sizeof(tag), "%d", e->status);
		item(out, tag, false, e->meaning);
	}
	para(out, "status exits 1 when it finds something inconsistent, which it prints with the "
		  "command that repairs it. batch exits with the status of the first line that "
		  "failed. apply exits 2, having changed nothing, when a line of its file is wrong "
		  "(it names each such line), and 1 when a change failed (it goes on with the "
		  "others).");
}

/* A tagged paragraph of the ENVIRONMENT or FILES section: a name, what it is. */
struct doc_term {
	const char *tag;
	const char *text;
};

/* ENVIRONMENT: the variables, bold as a whole. */
static const struct doc_term environment[] = {
	{ "NSTEER_LOCK_WAIT",
	  "How many seconds a command waits for the lock another nsteer holds before it gives "
	  "up and says so (default 10)." },
	{ "NSTEER_FAULT",
	  "For tests only: STEP or STEP@N makes nsteer kill itself with SIGKILL right after "
	  "the first (or N-th) time it passes the state-changing step STEP." },
	{ "NSTEER_FAULT_TRACE",
	  "For tests only: when set and not 0, nsteer prints nsteer-fault: STEP@N on stderr "
	  "each time it passes a step." },
	{ NULL, NULL },
};

/* FILES: the paths, in usage syntax (placeholders in italics). */
static const struct doc_term files[] = {
	{ NSTEER_PIN_ROOT "/netns-COOKIE/IFINDEX-NAME/",
	  "The pinned programs and maps of one uplink (mode 0600), its whole state: COOKIE is "
	  "its network namespace's cookie (SO_NETNS_COOKIE; the host's is a small number), "
	  "IFINDEX the device's ifindex, NAME the name it had when attached. An uplink is its "
	  "namespace and device, not its name: nsteer run in another network namespace (ip netns "
	  "exec, a container sharing /sys/fs/bpf) sees that namespace's uplinks only, a renamed "
	  "uplink is found by its new name, and one whose device was deleted or moved away by "
	  "the name it was attached as, for nsteer detach DEV --ports to clean up. nsteer status "
	  "DEV prints the folder (pins:, and pin_dir in --json). The maps carry BTF: bpftool map "
	  "dump pinned FOLDER/ports prints the ports with field names." },
	{ NSTEER_PIN_ROOT,
	  "Holds one folder per network namespace with attached uplinks; nsteer locks it (flock) "
	  "while it changes anything. bpffs is mounted on /sys/fs/bpf if it is not; under ip "
	  "netns exec, which mounts a fresh /sys, nsteer uses the bpffs of the namespace it was "
	  "started from. nsteer 0.1 kept one folder per uplink name here (DEV/): the first "
	  "command of a newer nsteer moves each to its new place, and nsteer attach DEV then "
	  "replaces its programs, without a frame lost." },
	{ "/var/run/netns/NETNS",
	  "The namespaces named by iproute2 (ip netns); port add creates NETNS there when it "
	  "is missing, as ip netns add would." },
	{ "/run/nsteer/created-netns/NETNS",
	  "Notes, while port add runs, that it is creating NETNS (the note holds the uplink's "
	  "folder), so that "
	  "a port add killed in between adopts the namespace and port del removes it." },
	{ "/run/nsteer/batch-netns-COOKIE",
	  "The file a running batch reads, or the apply command running, so that status can "
	  "name a batch or apply that was killed." },
	{ APPLY_CONF_DEFAULT,
	  "The configuration nsteer.service applies at boot: attach and port add lines as the "
	  "commands take them, without the word nsteer (nsteer save writes one)." },
	{ "/lib/systemd/system/nsteer.service",
	  "The systemd unit (under PREFIX/lib/systemd/system when built from source) that runs "
	  "nsteer apply " APPLY_CONF_DEFAULT " at boot, after network-online.target, when the "
	  "file exists; systemctl reload nsteer applies it again." },
	{ "/proc/PID/ns/net", "The namespace --pid PID names." },
	{ NULL, NULL },
};

static void terms_section(FILE *out, const char *heading, const struct doc_term *terms, bool syntax)
{
	fprintf(out, ".SH %s\n", heading);
	for (const struct doc_term *t = terms; t->tag; t++)
		item(out, t->tag, syntax, t->text);
}

static void examples_section(FILE *out)
{
	fputs(".SH EXAMPLES\n", out);
	for (const struct doc_example *e = doc_examples; e->args; e++) {
		para(out, e->what);
		fputs(".RS\n.EX\n", out);
		fputs("nsteer ", out);
		roff_escape(out, e->args, true);
		fputs("\n.EE\n.RE\n", out);
	}
}

void doc_man(FILE *out)
{
	fputs(".\\\" Generated by nsteer-doc from the command table (src/cli/cli.c); do not edit.\n"
	      ".TH NSTEER 8 \"\" nsteer \"System Administration\"\n",
	      out);
	name_section(out);
	synopsis_section(out);
	description_section(out);
	options_section(out);
	commands_section(out);
	exit_status_section(out);
	terms_section(out, "ENVIRONMENT", environment, false);
	terms_section(out, "FILES", files, true);
	examples_section(out);
	fputs(".SH SEE ALSO\n"
	      ".BR ip\\-netns (8),\n"
	      ".BR bpftool (8),\n"
	      ".BR xdp\\-loader (8),\n"
	      ".BR tc (8)\n",
	      out);
}
