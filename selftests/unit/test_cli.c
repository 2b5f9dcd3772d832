// SPDX-License-Identifier: GPL-2.0
/* Unit tests for cli_parse(): every command, its options and the usage errors. */
#include <criterion/criterion.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "render.h"

#define MAX_ARGS 64

static char *out_buf, *err_buf;
static size_t out_len, err_len;
static FILE *out_f, *err_f;
static struct cli cli;

static void streams_open(void)
{
	out_f = open_memstream(&out_buf, &out_len);
	err_f = open_memstream(&err_buf, &err_len);
	cr_assert_not_null(out_f);
	cr_assert_not_null(err_f);
}

static void streams_close(void)
{
	if (out_f)
		fclose(out_f);
	if (err_f)
		fclose(err_f);
	free(out_buf);
	free(err_buf);
	out_f = err_f = NULL;
	out_buf = err_buf = NULL;
	out_len = err_len = 0;
}

/* Forgets what earlier parses printed: for tests that parse several times. */
static void streams_reset(void)
{
	streams_close();
	streams_open();
}

static const char *out_text(void)
{
	cr_assert_eq(fflush(out_f), 0);
	return out_buf ? out_buf : "";
}

static const char *err_text(void)
{
	cr_assert_eq(fflush(err_f), 0);
	return err_buf ? err_buf : "";
}

TestSuite(cli, .init = streams_open, .fini = streams_close);

/* args is NULL-terminated and starts with argv[0]. The strings are literals, so what cli points
 * at stays valid; the pointer array is copied because getopt permutes it. */
static enum cmdline_result parse_argv(const char *const *args)
{
	static char *argv[MAX_ARGS + 1];
	int argc = 0;

	/* What a test reads is what this parse printed: a test may parse many times. */
	streams_reset();
	while (args[argc]) {
		cr_assert_lt(argc, MAX_ARGS);
		argv[argc] = (char *)args[argc];
		argc++;
	}
	argv[argc] = NULL;
	/* Garbage in, so that a field cli_parse forgets to reset shows up. */
	memset(&cli, 0xa5, sizeof(cli));
	return cli_parse(argc, argv, &cli, out_f, err_f);
}

#define ARGV(...) ((const char *const[]){ "nsteer", __VA_ARGS__, NULL })
#define PARSE(...) parse_argv(ARGV(__VA_ARGS__))

/* A successful parse prints nothing. */
#define EXPECT_RUN(...)                                                                         \
	do {                                                                                    \
		enum cmdline_result r_ = PARSE(__VA_ARGS__);                                    \
		cr_assert_eq(r_, CMDLINE_RUN, "expected RUN, got %d; err: %s", r_, err_text()); \
		cr_assert_str_empty(out_text());                                                \
		cr_assert_str_empty(err_text());                                                \
	} while (0)

/* A usage error prints a message containing msg to err, prefixed with "nsteer: ", and nothing
 * to out. */
#define EXPECT_USAGE(msg, ...)                                                                     \
	do {                                                                                       \
		enum cmdline_result r_ = PARSE(__VA_ARGS__);                                       \
		cr_assert_eq(r_, CMDLINE_USAGE, "expected USAGE for \"%s\", got %d", msg, r_);     \
		cr_assert_not_null(strstr(err_text(), msg), "err should contain \"%s\", got:\n%s", \
				   msg, err_text());                                               \
		cr_assert_eq(strncmp(err_text(), "nsteer: ", 8), 0,                                \
			     "err should start with \"nsteer: \", got:\n%s", err_text());          \
		cr_assert_str_empty(out_text());                                                   \
	} while (0)

/* --help: usage on out, nothing on err. */
#define EXPECT_HELP(usage, ...)                                                                   \
	do {                                                                                      \
		enum cmdline_result r_ = PARSE(__VA_ARGS__);                                      \
		cr_assert_eq(r_, CMDLINE_DONE, "expected DONE, got %d; err: %s", r_, err_text()); \
		cr_assert_not_null(strstr(out_text(), usage),                                     \
				   "out should contain \"%s\", got:\n%s", usage, out_text());     \
		cr_assert_str_empty(err_text());                                                  \
	} while (0)

/* The parse ran cmd on dev (NULL: on no device). */
static void expect_cmd(enum cli_cmd cmd, const char *dev)
{
	cr_expect_eq(cli.cmd, cmd);
	if (dev)
		cr_expect_str_eq(cli.dev, dev);
	else
		cr_expect_null(cli.dev);
}

/* A port command on eth0, for the namespace kind and name (a name or a path) say. */
static void expect_port_netns(enum cli_cmd cmd, enum nsteer_netns_kind kind, const char *name)
{
	expect_cmd(cmd, "eth0");
	cr_expect_eq(cli.port.netns.kind, kind);
	cr_expect_str_eq(cli.port.netns.name, name);
}

/* A port given --mac mac, --vlan vlan and --ifname ifname. */
static void expect_port_options(const unsigned char mac[6], unsigned int vlan, const char *ifname)
{
	cr_expect(cli.port.has_mac);
	cr_expect_arr_eq(cli.port.mac, mac, 6);
	cr_expect_eq(cli.port.vlan, vlan);
	cr_expect_str_eq(cli.port.ifname, ifname);
}

static void expect_default_port(void)
{
	cr_expect_not(cli.port.has_mac);
	cr_expect_eq(cli.port.vlan, 0);
	cr_expect_null(cli.port.ifname);
	cr_expect_eq(cli.port.n_addrs, 0);
}

/* ---- global options ---------------------------------------------------------------------- */

Test(cli, global_help)
{
	EXPECT_HELP("Usage: nsteer [-v] COMMAND", "--help");
	cr_expect_not_null(strstr(out_text(), "port add DEV"));
	EXPECT_HELP("Usage: nsteer [-v] COMMAND", "-h");
	/* Help wins over whatever follows. */
	EXPECT_HELP("Usage: nsteer [-v] COMMAND", "-v", "--help", "frobnicate");
}

Test(cli, global_verbose)
{
	EXPECT_RUN("status");
	cr_expect_not(cli.verbose);
	EXPECT_RUN("-v", "status");
	cr_expect(cli.verbose);
	cr_expect_eq(cli.cmd, CMD_STATUS);
	EXPECT_RUN("--verbose", "port", "list");
	cr_expect(cli.verbose);
	cr_expect_eq(cli.cmd, CMD_PORT_LIST);
	EXPECT_RUN("-v", "-v", "demo");
	cr_expect(cli.verbose);
	cr_expect_eq(cli.cmd, CMD_DEMO);
}

Test(cli, no_command)
{
	cr_assert_eq(parse_argv((const char *const[]){ "nsteer", NULL }), CMDLINE_USAGE);
	cr_expect_not_null(strstr(err_text(), "Usage: nsteer"));
	cr_expect_str_empty(out_text());
	cr_assert_eq(PARSE("-v"), CMDLINE_USAGE);
	cr_expect_not_null(strstr(err_text(), "Usage: nsteer"));
	cr_expect_str_empty(out_text());
}

Test(cli, global_unknown_option)
{
	EXPECT_USAGE("unknown option '--bogus'", "--bogus", "status");
	EXPECT_USAGE("unknown option '-x'", "-x", "status");
}

Test(cli, unknown_command)
{
	EXPECT_USAGE("unknown command 'frobnicate'", "frobnicate", "eth0");
	EXPECT_USAGE("unknown command 'attachx'", "-v", "attachx", "eth0");
	/* A subcommand word is not a command by itself. */
	EXPECT_USAGE("unknown command 'add'", "add", "eth0", "ns1");
}

/* ---- attach ------------------------------------------------------------------------------ */

Test(cli, attach_defaults)
{
	EXPECT_RUN("attach", "eth0");
	cr_expect_eq(cli.cmd, CMD_ATTACH);
	cr_expect_str_eq(cli.dev, "eth0");
	cr_expect_eq(cli.attach.mode, NSTEER_MODE_BRIDGE);
	cr_expect_eq(cli.attach.xdp_mode, NSTEER_XDP_AUTO);
	cr_expect_eq(cli.attach.unknown, NSTEER_UNKNOWN_PASS);
	cr_expect_not(cli.verbose);
	cr_expect_not(cli.json);
	cr_expect_null(cli.file);
}

/* attach with one option: that option's value lands, the others keep their defaults. */
static void expect_attach(const char *option, const char *arg, enum nsteer_mode mode,
			  enum nsteer_xdp_mode xdp_mode, enum nsteer_unknown unknown)
{
	EXPECT_RUN("attach", "eth0", option, arg);
	cr_expect_eq(cli.attach.mode, mode, "%s %s: mode", option, arg);
	cr_expect_eq(cli.attach.xdp_mode, xdp_mode, "%s %s: xdp_mode", option, arg);
	cr_expect_eq(cli.attach.unknown, unknown, "%s %s: unknown", option, arg);
}

Test(cli, attach_mode)
{
	expect_attach("--mode", "bridge", NSTEER_MODE_BRIDGE, NSTEER_XDP_AUTO, NSTEER_UNKNOWN_PASS);
	expect_attach("--mode", "private", NSTEER_MODE_PRIVATE, NSTEER_XDP_AUTO,
		      NSTEER_UNKNOWN_PASS);
	expect_attach("--mode", "vepa", NSTEER_MODE_VEPA, NSTEER_XDP_AUTO, NSTEER_UNKNOWN_PASS);
}

Test(cli, attach_xdp_mode)
{
	expect_attach("--xdp-mode", "native", NSTEER_MODE_BRIDGE, NSTEER_XDP_NATIVE,
		      NSTEER_UNKNOWN_PASS);
	expect_attach("--xdp-mode", "skb", NSTEER_MODE_BRIDGE, NSTEER_XDP_SKB, NSTEER_UNKNOWN_PASS);
	expect_attach("--xdp-mode", "off", NSTEER_MODE_BRIDGE, NSTEER_XDP_OFF, NSTEER_UNKNOWN_PASS);
	expect_attach("--xdp-mode", "auto", NSTEER_MODE_BRIDGE, NSTEER_XDP_AUTO,
		      NSTEER_UNKNOWN_PASS);
}

Test(cli, attach_unknown)
{
	expect_attach("--unknown", "pass", NSTEER_MODE_BRIDGE, NSTEER_XDP_AUTO,
		      NSTEER_UNKNOWN_PASS);
	expect_attach("--unknown", "drop", NSTEER_MODE_BRIDGE, NSTEER_XDP_AUTO,
		      NSTEER_UNKNOWN_DROP);
}

Test(cli, attach_options_before_and_after_dev)
{
	EXPECT_RUN("attach", "--mode", "vepa", "--xdp-mode", "skb", "--unknown", "drop", "eth0");
	cr_expect_eq(cli.cmd, CMD_ATTACH);
	cr_expect_str_eq(cli.dev, "eth0");
	cr_expect_eq(cli.attach.mode, NSTEER_MODE_VEPA);
	cr_expect_eq(cli.attach.xdp_mode, NSTEER_XDP_SKB);
	cr_expect_eq(cli.attach.unknown, NSTEER_UNKNOWN_DROP);

	EXPECT_RUN("-v", "attach", "--mode=private", "eth1", "--xdp-mode=off");
	cr_expect(cli.verbose);
	cr_expect_str_eq(cli.dev, "eth1");
	cr_expect_eq(cli.attach.mode, NSTEER_MODE_PRIVATE);
	cr_expect_eq(cli.attach.xdp_mode, NSTEER_XDP_OFF);
	cr_expect_eq(cli.attach.unknown, NSTEER_UNKNOWN_PASS);

	/* A repeated option is a mistake, not the last one silently winning. */
	EXPECT_USAGE("--mode given twice", "attach", "eth0", "--mode", "private", "--mode", "vepa");
	EXPECT_USAGE("--mac given twice", "port", "add", "eth0", "x", "--mac", "02:00:00:00:00:01",
		     "--mac", "02:00:00:00:00:02");
}

Test(cli, attach_bad_values)
{
	EXPECT_USAGE("invalid --mode 'hub'", "attach", "eth0", "--mode", "hub");
	cr_expect_not_null(strstr(err_text(), "Usage: nsteer attach"));
	EXPECT_USAGE("invalid --mode 'Bridge'", "attach", "eth0", "--mode=Bridge");
	EXPECT_USAGE("invalid --xdp-mode 'generic'", "attach", "eth0", "--xdp-mode", "generic");
	EXPECT_USAGE("invalid --unknown 'reject'", "attach", "eth0", "--unknown", "reject");
	EXPECT_USAGE("option '--mode' needs a value", "attach", "eth0", "--mode");
}

Test(cli, attach_missing_dev)
{
	EXPECT_USAGE("missing DEV", "attach");
	cr_expect_not_null(strstr(err_text(), "Usage: nsteer attach"));
	EXPECT_USAGE("missing DEV", "attach", "--mode", "vepa");
}

Test(cli, attach_extra_argument)
{
	EXPECT_USAGE("unexpected argument 'eth1'", "attach", "eth0", "eth1");
	EXPECT_USAGE("unexpected argument 'eth1'", "attach", "--mode", "vepa", "eth0", "eth1");
}

Test(cli, attach_host_access)
{
	EXPECT_RUN("attach", "eth0", "--host-access");
	cr_expect(cli.attach.host_access, "--host-access after DEV");
	EXPECT_RUN("attach", "--host-access", "eth0");
	cr_expect(cli.attach.host_access, "--host-access before DEV");
	EXPECT_RUN("attach", "eth0");
	cr_expect_not(cli.attach.host_access, "off unless asked");
}

/* ---- detach ------------------------------------------------------------------------------ */

Test(cli, detach)
{
	EXPECT_RUN("detach", "eth0");
	expect_cmd(CMD_DETACH, "eth0");
	cr_expect_not(cli.detach_ports);

	EXPECT_RUN("detach", "eth0", "--ports");
	expect_cmd(CMD_DETACH, "eth0");
	cr_expect(cli.detach_ports);

	EXPECT_RUN("detach", "--ports", "eth0");
	cr_expect_str_eq(cli.dev, "eth0");
	cr_expect(cli.detach_ports);
}

Test(cli, detach_errors)
{
	EXPECT_USAGE("missing DEV", "detach", "--ports");
	cr_expect_not_null(strstr(err_text(), "Usage: nsteer detach"));
	EXPECT_USAGE("unexpected argument 'eth1'", "detach", "eth0", "eth1");
	EXPECT_USAGE("unknown option '--mode", "detach", "eth0", "--mode=vepa");
}

/* ---- port add ---------------------------------------------------------------------------- */

Test(cli, port_add_netns_name)
{
	EXPECT_RUN("port", "add", "eth0", "ns1");
	expect_port_netns(CMD_PORT_ADD, NSTEER_NETNS_NAME, "ns1");
	cr_expect_eq(cli.port.netns.pid, 0);
	expect_default_port();
}

Test(cli, port_add_netns_path)
{
	EXPECT_RUN("port", "add", "eth0", "--netns-path", "/run/netns/blue");
	expect_port_netns(CMD_PORT_ADD, NSTEER_NETNS_PATH, "/run/netns/blue");
	cr_expect_eq(cli.port.netns.pid, 0);
	expect_default_port();

	EXPECT_RUN("port", "add", "--netns-path=/proc/42/ns/net", "eth0");
	cr_expect_eq(cli.port.netns.kind, NSTEER_NETNS_PATH);
	cr_expect_str_eq(cli.port.netns.name, "/proc/42/ns/net");
	cr_expect_str_eq(cli.dev, "eth0");
}

Test(cli, port_add_pid)
{
	EXPECT_RUN("port", "add", "eth0", "--pid", "1234");
	cr_expect_eq(cli.cmd, CMD_PORT_ADD);
	cr_expect_str_eq(cli.dev, "eth0");
	cr_expect_eq(cli.port.netns.kind, NSTEER_NETNS_PID);
	cr_expect_eq(cli.port.netns.pid, 1234);
	cr_expect_null(cli.port.netns.name);
	expect_default_port();

	EXPECT_RUN("port", "add", "--pid=1", "eth0");
	cr_expect_eq(cli.port.netns.kind, NSTEER_NETNS_PID);
	cr_expect_eq(cli.port.netns.pid, 1);

	EXPECT_RUN("port", "add", "eth0", "--pid", "2147483647");
	cr_expect_eq(cli.port.netns.pid, INT_MAX);
}

Test(cli, port_add_all_options)
{
	static const unsigned char mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };

	EXPECT_RUN("port", "add", "eth0", "ns1", "--mac", "02:00:00:00:00:01", "--vlan", "100",
		   "--ifname", "lan0", "--addr", "10.0.0.2/24", "--addr", "fd00::2/64");
	expect_port_netns(CMD_PORT_ADD, NSTEER_NETNS_NAME, "ns1");
	expect_port_options(mac, 100, "lan0");
	cr_assert_eq(cli.port.n_addrs, 2);
	cr_expect_str_eq(cli.port.addrs[0], "10.0.0.2/24");
	cr_expect_str_eq(cli.port.addrs[1], "fd00::2/64");
}

Test(cli, port_add_options_before_and_between_positionals)
{
	static const unsigned char mac[6] = { 0x0a, 0xbb, 0xcc, 0xdd, 0xee, 0xff };

	EXPECT_RUN("port", "add", "--mac=0A:BB:CC:DD:EE:FF", "--vlan=4094", "eth0", "--addr",
		   "192.0.2.1/24", "ns-red", "--ifname=eth7");
	expect_port_netns(CMD_PORT_ADD, NSTEER_NETNS_NAME, "ns-red");
	expect_port_options(mac, 4094, "eth7");
	cr_assert_eq(cli.port.n_addrs, 1);
	cr_expect_str_eq(cli.port.addrs[0], "192.0.2.1/24");

	EXPECT_RUN("port", "add", "--pid", "77", "--vlan", "1", "eth0");
	cr_expect_str_eq(cli.dev, "eth0");
	cr_expect_eq(cli.port.netns.kind, NSTEER_NETNS_PID);
	cr_expect_eq(cli.port.netns.pid, 77);
	cr_expect_eq(cli.port.vlan, 1);
}

Test(cli, port_add_addr_limit)
{
	static const char *const addrs[] = {
		"10.0.0.1/24",  "10.0.0.2/24",  "10.0.0.3/24",  "10.0.0.4/24",  "10.0.0.5/24",
		"10.0.0.6/24",  "10.0.0.7/24",  "10.0.0.8/24",  "10.0.0.9/24",  "10.0.0.10/24",
		"10.0.0.11/24", "10.0.0.12/24", "10.0.0.13/24", "10.0.0.14/24", "10.0.0.15/24",
		"10.0.0.16/24", "10.0.0.17/24",
	};
	const char *args[MAX_ARGS];
	int n = 0;

	cr_assert_eq(sizeof(addrs) / sizeof(addrs[0]), NSTEER_ADDRS_MAX + 1);
	args[n++] = "nsteer";
	args[n++] = "port";
	args[n++] = "add";
	args[n++] = "eth0";
	args[n++] = "ns1";
	for (int i = 0; i < NSTEER_ADDRS_MAX; i++) {
		args[n++] = "--addr";
		args[n++] = addrs[i];
	}
	args[n] = NULL;

	/* 16 is fine, in order. */
	cr_assert_eq(parse_argv(args), CMDLINE_RUN, "err: %s", err_text());
	cr_assert_eq(cli.port.n_addrs, NSTEER_ADDRS_MAX);
	for (int i = 0; i < NSTEER_ADDRS_MAX; i++)
		cr_expect_str_eq(cli.port.addrs[i], addrs[i]);
	cr_expect_str_empty(err_text());

	/* 17 is one too many. */
	args[n++] = "--addr";
	args[n++] = addrs[NSTEER_ADDRS_MAX];
	args[n] = NULL;
	cr_assert_eq(parse_argv(args), CMDLINE_USAGE);
	cr_expect_not_null(strstr(err_text(), "at most 16 --addr"), "got: %s", err_text());
	cr_expect_str_empty(out_text());
}

Test(cli, port_add_mac_bad)
{
	EXPECT_USAGE("invalid MAC '01:00:5e:00:00:01'", "port", "add", "eth0", "ns1", "--mac",
		     "01:00:5e:00:00:01");
	cr_expect_not_null(strstr(err_text(), "unicast"));
	cr_expect_not_null(strstr(err_text(), "Usage: nsteer port add"));
	EXPECT_USAGE("invalid MAC 'ff:ff:ff:ff:ff:ff'", "port", "add", "eth0", "ns1", "--mac",
		     "ff:ff:ff:ff:ff:ff");
	EXPECT_USAGE("invalid MAC '03:00:00:00:00:01'", "port", "add", "eth0", "ns1",
		     "--mac=03:00:00:00:00:01");
	EXPECT_USAGE("invalid MAC '00:00:00:00:00:00'", "port", "add", "eth0", "ns1", "--mac",
		     "00:00:00:00:00:00");
	cr_expect_not_null(strstr(err_text(), "all zeros"));
	EXPECT_USAGE("invalid MAC '02:00:00:00:00'", "port", "add", "eth0", "ns1", "--mac",
		     "02:00:00:00:00");
	cr_expect_not_null(strstr(err_text(), "six hex bytes"));
	EXPECT_USAGE("invalid MAC '02-00-00-00-00-01'", "port", "add", "eth0", "ns1", "--mac",
		     "02-00-00-00-00-01");
	EXPECT_USAGE("invalid MAC 'zz:00:00:00:00:01'", "port", "add", "eth0", "ns1", "--mac",
		     "zz:00:00:00:00:01");
	EXPECT_USAGE("invalid MAC ''", "port", "add", "eth0", "ns1", "--mac", "");
}

Test(cli, port_add_mac_missing_value)
{
	EXPECT_USAGE("option '--mac' needs a value", "port", "add", "eth0", "ns1", "--mac");
	cr_expect_not_null(strstr(err_text(), "Usage: nsteer port add"));
	EXPECT_USAGE("option '--vlan' needs a value", "port", "add", "eth0", "ns1", "--vlan");
	EXPECT_USAGE("option '--addr' needs a value", "port", "add", "eth0", "ns1", "--addr");
}

Test(cli, port_add_vlan)
{
	EXPECT_RUN("port", "add", "eth0", "ns1", "--vlan", "1");
	cr_expect_eq(cli.port.vlan, 1);
	EXPECT_RUN("port", "add", "eth0", "ns1", "--vlan", "4094");
	cr_expect_eq(cli.port.vlan, 4094);

	static const char *const bad[] = { "0",   "4095", "65536",
					   "abc", "-1",   "+5",
					   "10x", "",     "99999999999999999999999" };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char msg[64];

		snprintf(msg, sizeof(msg), "invalid --vlan '%s'", bad[i]);
		EXPECT_USAGE(msg, "port", "add", "eth0", "ns1", "--vlan", bad[i]);
		cr_expect_not_null(strstr(err_text(), "1-4094"));
	}
}

Test(cli, port_add_ifname)
{
	EXPECT_RUN("port", "add", "eth0", "ns1", "--ifname", "abcdefghijklmno"); /* 15 */
	cr_expect_str_eq(cli.port.ifname, "abcdefghijklmno");

	static const char *const bad[] = {
		"abcdefghijklmnop", /* 16 */
		"a-very-long-interface-name", "eth/0", "/", "eth:0", "eth 0", "",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char msg[64];

		snprintf(msg, sizeof(msg), "invalid --ifname '%s'", bad[i]);
		EXPECT_USAGE(msg, "port", "add", "eth0", "ns1", "--ifname", bad[i]);
	}
}

Test(cli, port_add_two_namespaces)
{
	EXPECT_USAGE("give one namespace", "port", "add", "eth0", "ns1", "--netns-path",
		     "/run/netns/x");
	cr_expect_not_null(strstr(err_text(), "Usage: nsteer port add"));
	EXPECT_USAGE("give one namespace", "port", "add", "--netns-path", "/run/netns/x", "eth0",
		     "ns1");
	EXPECT_USAGE("give one namespace", "port", "add", "eth0", "ns1", "--pid", "42");
	EXPECT_USAGE("give one namespace", "port", "add", "eth0", "--pid", "42", "--netns-path",
		     "/run/netns/x");
	EXPECT_USAGE("give one namespace", "port", "add", "eth0", "--netns-path", "/a",
		     "--netns-path", "/b");
	EXPECT_USAGE("give one namespace", "port", "add", "eth0", "--pid", "1", "--pid", "2");
}

Test(cli, port_add_no_namespace)
{
	EXPECT_USAGE("missing NETNS", "port", "add", "eth0");
	cr_expect_not_null(strstr(err_text(), "Usage: nsteer port add"));
	EXPECT_USAGE("missing NETNS", "port", "add", "eth0", "--mac", "02:00:00:00:00:01");
	EXPECT_USAGE("missing DEV", "port", "add");
	EXPECT_USAGE("empty --netns-path", "port", "add", "eth0", "--netns-path", "");
}

Test(cli, port_add_bad_pid)
{
	static const char *const bad[] = { "0",     "-5", "abc",        "",
					   "12abc", "+3", "2147483648", "99999999999999999999999" };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char msg[64];

		snprintf(msg, sizeof(msg), "invalid --pid '%s'", bad[i]);
		EXPECT_USAGE(msg, "port", "add", "eth0", "--pid", bad[i]);
	}
	EXPECT_USAGE("invalid --pid '-5'", "port", "add", "eth0", "--pid=-5");
}

Test(cli, port_add_extra_argument)
{
	EXPECT_USAGE("unexpected argument 'extra'", "port", "add", "eth0", "ns1", "extra");
	EXPECT_USAGE("unexpected argument 'extra'", "port", "add", "--vlan", "3", "eth0", "ns1",
		     "extra", "more");
}

Test(cli, port_add_options_of_other_commands)
{
	EXPECT_USAGE("unknown option '--json'", "port", "add", "eth0", "ns1", "--json");
	EXPECT_USAGE("unknown option '--ports'", "port", "add", "eth0", "ns1", "--ports");
	EXPECT_USAGE("unknown option '--mode", "port", "add", "eth0", "ns1", "--mode=vepa");
}

/* ---- port del ---------------------------------------------------------------------------- */

Test(cli, port_del)
{
	EXPECT_RUN("port", "del", "eth0", "ns1");
	expect_port_netns(CMD_PORT_DEL, NSTEER_NETNS_NAME, "ns1");
	cr_expect_null(cli.port.ifname); /* every port of ns1 on eth0 */

	EXPECT_RUN("port", "del", "--netns-path", "/run/netns/ns1", "eth0");
	expect_port_netns(CMD_PORT_DEL, NSTEER_NETNS_PATH, "/run/netns/ns1");

	EXPECT_RUN("port", "del", "eth0", "--pid", "99");
	cr_expect_eq(cli.cmd, CMD_PORT_DEL);
	cr_expect_eq(cli.port.netns.kind, NSTEER_NETNS_PID);
	cr_expect_eq(cli.port.netns.pid, 99);
}

/* A namespace may hold several ports on one uplink: --ifname names one of them. */
Test(cli, port_del_ifname)
{
	EXPECT_RUN("port", "del", "eth0", "ns1", "--ifname", "lan0");
	cr_expect_eq(cli.cmd, CMD_PORT_DEL);
	cr_expect_str_eq(cli.port.netns.name, "ns1");
	cr_expect_str_eq(cli.port.ifname, "lan0");

	EXPECT_RUN("port", "del", "--ifname=eth7", "--netns-path", "/run/netns/ns1", "eth0");
	cr_expect_eq(cli.port.netns.kind, NSTEER_NETNS_PATH);
	cr_expect_str_eq(cli.port.ifname, "eth7");

	EXPECT_RUN("port", "del", "eth0", "--pid", "99", "--ifname", "abcdefghijklmno"); /* 15 */
	cr_expect_eq(cli.port.netns.pid, 99);
	cr_expect_str_eq(cli.port.ifname, "abcdefghijklmno");

	static const char *const bad[] = {
		"abcdefghijklmnop", /* 16 */
		"eth/0", ".", "..", "eth:0", "eth 0", "eth%d", "",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char msg[64];

		snprintf(msg, sizeof(msg), "invalid --ifname '%s'", bad[i]);
		EXPECT_USAGE(msg, "port", "del", "eth0", "ns1", "--ifname", bad[i]);
	}
	EXPECT_USAGE("--ifname given twice", "port", "del", "eth0", "ns1", "--ifname", "a",
		     "--ifname", "b");
	EXPECT_USAGE("option '--ifname' needs a value", "port", "del", "eth0", "ns1", "--ifname");
}

Test(cli, port_del_help_names_ifname)
{
	EXPECT_HELP("Usage: nsteer port del DEV NETNS|--netns-path PATH|--pid PID [--ifname NAME]",
		    "port", "del", "--help");
	cr_expect_not_null(strstr(out_text(), "--ifname NAME"));
	EXPECT_HELP("port del DEV NETNS|--netns-path PATH|--pid PID [--ifname NAME]", "--help");
}

Test(cli, port_del_errors)
{
	EXPECT_USAGE("missing NETNS", "port", "del", "eth0");
	cr_expect_not_null(strstr(err_text(), "Usage: nsteer port del"));
	EXPECT_USAGE("missing DEV", "port", "del");
	EXPECT_USAGE("give one namespace", "port", "del", "eth0", "ns1", "--pid", "5");
	EXPECT_USAGE("unexpected argument 'x'", "port", "del", "eth0", "ns1", "x");
	/* Only port add takes port settings. */
	EXPECT_USAGE("unknown option '--mac", "port", "del", "eth0", "ns1",
		     "--mac=02:00:00:00:00:01");
	EXPECT_USAGE("invalid --pid 'abc'", "port", "del", "eth0", "--pid", "abc");
}

/* ---- port list --------------------------------------------------------------------------- */

Test(cli, port_list)
{
	EXPECT_RUN("port", "list");
	cr_expect_eq(cli.cmd, CMD_PORT_LIST);
	cr_expect_null(cli.dev);
	cr_expect_not(cli.json);

	EXPECT_RUN("port", "list", "eth0");
	cr_expect_eq(cli.cmd, CMD_PORT_LIST);
	cr_expect_str_eq(cli.dev, "eth0");
	cr_expect_not(cli.json);

	EXPECT_RUN("port", "list", "eth0", "--json");
	cr_expect_str_eq(cli.dev, "eth0");
	cr_expect(cli.json);

	EXPECT_RUN("port", "list", "--json", "eth0");
	cr_expect_str_eq(cli.dev, "eth0");
	cr_expect(cli.json);

	EXPECT_RUN("port", "list", "--json");
	cr_expect_null(cli.dev);
	cr_expect(cli.json);
}

Test(cli, port_list_errors)
{
	EXPECT_USAGE("unexpected argument 'eth1'", "port", "list", "eth0", "eth1");
	cr_expect_not_null(strstr(err_text(), "Usage: nsteer port list"));
	EXPECT_USAGE("unknown option '--pid", "port", "list", "--pid=3");
}

Test(cli, port_without_subcommand)
{
	EXPECT_USAGE("'port' needs a subcommand", "port");
	cr_expect_not_null(strstr(err_text(), "add, del or list"));
	EXPECT_USAGE("'port' needs a subcommand", "port", "show", "eth0");
	EXPECT_USAGE("'port' needs a subcommand", "-v", "port", "eth0", "add");
}

/* ---- status ------------------------------------------------------------------------------ */

Test(cli, status)
{
	EXPECT_RUN("status");
	expect_cmd(CMD_STATUS, NULL);
	cr_expect_not(cli.json);

	EXPECT_RUN("status", "eth0");
	expect_cmd(CMD_STATUS, "eth0");
	cr_expect_not(cli.json);

	EXPECT_RUN("status", "--json", "eth0");
	cr_expect_str_eq(cli.dev, "eth0");
	cr_expect(cli.json);

	EXPECT_RUN("status", "--json");
	cr_expect_null(cli.dev);
	cr_expect(cli.json);
}

Test(cli, status_errors)
{
	EXPECT_USAGE("unexpected argument 'b'", "status", "a", "b");
	cr_expect_not_null(strstr(err_text(), "Usage: nsteer status"));
	EXPECT_USAGE("unknown option '--interval", "status", "--interval=1");
}

/* ---- stats ------------------------------------------------------------------------------- */

Test(cli, stats_defaults)
{
	EXPECT_RUN("stats");
	cr_expect_eq(cli.cmd, CMD_STATS);
	cr_expect_null(cli.dev);
	cr_expect_not(cli.json);
	cr_expect_eq(cli.interval, 0);
	cr_expect_eq(cli.count, 0);

	EXPECT_RUN("stats", "eth0");
	cr_expect_str_eq(cli.dev, "eth0");
	cr_expect_eq(cli.interval, 0);
	cr_expect_eq(cli.count, 0);
}

Test(cli, stats_options)
{
	EXPECT_RUN("stats", "eth0", "--interval", "2", "--count", "5", "--json");
	cr_expect_eq(cli.cmd, CMD_STATS);
	cr_expect_str_eq(cli.dev, "eth0");
	cr_expect_eq(cli.interval, 2);
	cr_expect_eq(cli.count, 5);
	cr_expect(cli.json);

	EXPECT_RUN("stats", "--count=3", "--json", "--interval=1", "eth1");
	cr_expect_str_eq(cli.dev, "eth1");
	cr_expect_eq(cli.interval, 1);
	cr_expect_eq(cli.count, 3);
	cr_expect(cli.json);

	EXPECT_RUN("stats", "--interval", "3600");
	cr_expect_null(cli.dev);
	cr_expect_eq(cli.interval, 3600);
	cr_expect_eq(cli.count, 0);
	cr_expect_not(cli.json);

	EXPECT_RUN("stats", "--json");
	cr_expect(cli.json);
	cr_expect_eq(cli.interval, 0);

	EXPECT_RUN("stats", "--interval", "1", "--count", "4294967295");
	cr_expect_eq(cli.count, UINT_MAX);
}

Test(cli, stats_formats)
{
	EXPECT_RUN("stats", "eth0", "--format", "prometheus");
	cr_expect_eq(cli.format, STATS_PROMETHEUS);
	cr_expect_not(cli.json);

	EXPECT_RUN("stats", "--format=json", "--interval", "2");
	cr_expect_eq(cli.format, STATS_JSON);

	EXPECT_RUN("stats", "--format", "text");
	cr_expect_eq(cli.format, STATS_TEXT);

	EXPECT_RUN("stats");
	cr_expect_eq(cli.format, STATS_TEXT, "text unless asked otherwise");
}

Test(cli, stats_format_errors)
{
	EXPECT_USAGE("invalid --format 'xml': text, json or prometheus", "stats", "--format",
		     "xml");
	EXPECT_USAGE("Prometheus computes rates", "stats", "--format", "prometheus", "--interval",
		     "1");
	EXPECT_USAGE("give one of --json and --format prometheus", "stats", "--json", "--format",
		     "prometheus");
	EXPECT_USAGE("option '--format' needs a value", "stats", "--format");
	EXPECT_USAGE("unknown option '--format' for this command", "port", "list", "--format",
		     "prometheus");
}

Test(cli, stats_errors)
{
	EXPECT_USAGE("--count needs --interval", "stats", "--count", "3");
	cr_expect_not_null(strstr(err_text(), "Usage: nsteer stats"));
	EXPECT_USAGE("--count needs --interval", "stats", "eth0", "--count", "3", "--json");
	EXPECT_USAGE("invalid --interval '0'", "stats", "--interval", "0");
	EXPECT_USAGE("invalid --interval '3601'", "stats", "--interval", "3601");
	EXPECT_USAGE("invalid --interval 'x'", "stats", "--interval", "x");
	EXPECT_USAGE("invalid --interval '-1'", "stats", "--interval", "-1");
	EXPECT_USAGE("invalid --count '0'", "stats", "--interval", "1", "--count", "0");
	EXPECT_USAGE("invalid --count 'many'", "stats", "--interval", "1", "--count", "many");
	EXPECT_USAGE("invalid --count '4294967296'", "stats", "--interval", "1", "--count",
		     "4294967296");
	EXPECT_USAGE("option '--interval' needs a value", "stats", "--interval");
	EXPECT_USAGE("unexpected argument 'eth1'", "stats", "eth0", "eth1");
}

/* ---- batch and demo ---------------------------------------------------------------------- */

Test(cli, batch)
{
	EXPECT_RUN("batch", "cmds.txt");
	cr_expect_eq(cli.cmd, CMD_BATCH);
	cr_expect_str_eq(cli.file, "cmds.txt");
	cr_expect_null(cli.dev);

	EXPECT_RUN("batch", "-");
	cr_expect_eq(cli.cmd, CMD_BATCH);
	cr_expect_str_eq(cli.file, "-");
	cr_expect_null(cli.dev);

	/* A file name is not a device name: no 15-character limit, '/' allowed. */
	EXPECT_RUN("batch", "/etc/nsteer/a-rather-long-batch-file.conf");
	cr_expect_str_eq(cli.file, "/etc/nsteer/a-rather-long-batch-file.conf");
	cr_expect_null(cli.dev);
}

Test(cli, batch_errors)
{
	EXPECT_USAGE("missing FILE", "batch");
	cr_expect_not_null(strstr(err_text(), "Usage: nsteer batch"));
	EXPECT_USAGE("unexpected argument 'b'", "batch", "a", "b");
	EXPECT_USAGE("unknown option '--json'", "batch", "a", "--json");
}

Test(cli, demo)
{
	EXPECT_RUN("demo");
	cr_expect_eq(cli.cmd, CMD_DEMO);
	cr_expect_null(cli.dev);
	cr_expect_null(cli.file);

	EXPECT_USAGE("unexpected argument 'eth0'", "demo", "eth0");
	cr_expect_not_null(strstr(err_text(), "Usage: nsteer demo"));
	EXPECT_USAGE("unknown option '--json'", "demo", "--json");
}

/* ---- help on every command --------------------------------------------------------------- */

Test(cli, command_help)
{
	static const struct {
		const char *words[3];
		const char *usage;
	} cmds[] = {
		{ { "attach" }, "Usage: nsteer attach DEV" },
		{ { "detach" }, "Usage: nsteer detach DEV" },
		{ { "port", "add" }, "Usage: nsteer port add DEV" },
		{ { "port", "del" }, "Usage: nsteer port del DEV" },
		{ { "port", "list" }, "Usage: nsteer port list" },
		{ { "status" }, "Usage: nsteer status" },
		{ { "stats" }, "Usage: nsteer stats" },
		{ { "batch" }, "Usage: nsteer batch" },
		{ { "demo" }, "Usage: nsteer demo" },
	};
	static const char *const helps[] = { "--help", "-h" };

	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		for (size_t h = 0; h < 2; h++) {
			const char *args[6];
			int n = 0;

			args[n++] = "nsteer";
			for (int w = 0; w < 3 && cmds[i].words[w]; w++)
				args[n++] = cmds[i].words[w];
			args[n++] = helps[h];
			args[n] = NULL;
			cr_assert_eq(parse_argv(args), CMDLINE_DONE, "%s %s: err: %s", cmds[i].usage,
				     helps[h], err_text());
			cr_expect_eq(strncmp(out_text(), cmds[i].usage, strlen(cmds[i].usage)), 0,
				     "out should start with \"%s\", got:\n%s", cmds[i].usage,
				     out_text());
			cr_expect_not_null(strstr(out_text(), "Exit status"));
			cr_expect_str_empty(err_text());
		}
	}
}

Test(cli, help_after_arguments)
{
	/* --help anywhere, and without the required positionals, still helps. */
	EXPECT_HELP("Usage: nsteer attach", "attach", "eth0", "--mode", "vepa", "--help");
	EXPECT_HELP("Usage: nsteer port add", "-v", "port", "add", "eth0", "--help", "ns1");
	EXPECT_HELP("Usage: nsteer stats", "stats", "--count", "3", "--help");
}

/* ---- unknown and misplaced options ------------------------------------------------------- */

Test(cli, unknown_option)
{
	EXPECT_USAGE("unknown option '--frobnicate'", "attach", "eth0", "--frobnicate");
	cr_expect_not_null(strstr(err_text(), "Usage: nsteer attach"));
	EXPECT_USAGE("unknown option '--frobnicate=1'", "status", "--frobnicate=1");
	EXPECT_USAGE("unknown option '-x'", "status", "-x");
	EXPECT_USAGE("unknown option '--frobnicate'", "port", "add", "--frobnicate", "eth0", "ns1");
}

/* An option that exists but belongs to another command is refused, and the message names the
 * option, whether its value is attached with '=' or given as the next word. (With '=', the
 * message may quote the option alone or the whole word.) */
Test(cli, option_not_allowed_for_command)
{
	EXPECT_USAGE("unknown option '--json'", "attach", "eth0", "--json");
	EXPECT_USAGE("unknown option '--mac", "attach", "eth0", "--mac=02:00:00:00:00:01");
	EXPECT_USAGE("unknown option '--mac'", "attach", "eth0", "--mac", "02:00:00:00:00:01");
	EXPECT_USAGE("unknown option '--interval'", "status", "--interval", "5");
	EXPECT_USAGE("unknown option '--vlan'", "detach", "eth0", "--vlan", "5");
}

/* ---- device names ------------------------------------------------------------------------ */

Test(cli, device_name_valid)
{
	EXPECT_RUN("attach", "abcdefghijklmno"); /* 15, the most IFNAMSIZ allows */
	cr_expect_str_eq(cli.dev, "abcdefghijklmno");
	EXPECT_RUN("status", "enp0s31f6.100");
	cr_expect_str_eq(cli.dev, "enp0s31f6.100");
}

Test(cli, device_name_invalid)
{
	static const char *const bad[] = { "abcdefghijklmnop", /* 16 */
					   "an-interface-name-far-too-long", "eth/0", "/", "" };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char msg[80];

		snprintf(msg, sizeof(msg), "invalid device name '%s'", bad[i]);
		EXPECT_USAGE(msg, "attach", bad[i]);
		EXPECT_USAGE(msg, "detach", bad[i], "--ports");
		EXPECT_USAGE(msg, "port", "add", bad[i], "ns1");
		EXPECT_USAGE(msg, "port", "del", bad[i], "--pid", "3");
		EXPECT_USAGE(msg, "port", "list", bad[i]);
		EXPECT_USAGE(msg, "status", bad[i]);
		EXPECT_USAGE(msg, "stats", bad[i]);
	}
}

/* "." and ".." can never name a network device (the kernel's dev_valid_name refuses them), and
 * DEV becomes a path component: a folder's whole name is looked up as DEV, and the layout before
 * netns-COOKIE/IFINDEX-NAME was /sys/fs/bpf/nsteer/DEV. "detach .." would then work on
 * /sys/fs/bpf itself, unlinking every pin there. */
Test(cli, device_name_dot_dotdot)
{
	EXPECT_USAGE("invalid device name '..'", "detach", "..");
	EXPECT_USAGE("invalid device name '.'", "detach", ".", "--ports");
	EXPECT_USAGE("invalid device name '..'", "attach", "..");
	EXPECT_USAGE("invalid device name '..'", "port", "add", "..", "ns1");
}

/* ---- repeated parsing (batch) ------------------------------------------------------------ */

Test(cli, repeated_parse_error_then_good)
{
	static const unsigned char mac[6] = { 0x02, 0, 0, 0, 0, 0x09 };

	/* An error in the middle of the options, with a positional not yet permuted. */
	EXPECT_USAGE("invalid --vlan '0'", "port", "add", "eth0", "ns1", "--vlan", "0", "--mac",
		     "02:00:00:00:00:01");
	EXPECT_RUN("port", "add", "eth1", "--mac", "02:00:00:00:00:09", "ns2", "--vlan", "7");
	cr_expect_eq(cli.cmd, CMD_PORT_ADD);
	cr_expect_str_eq(cli.dev, "eth1");
	cr_expect_str_eq(cli.port.netns.name, "ns2");
	cr_expect(cli.port.has_mac);
	cr_expect_arr_eq(cli.port.mac, mac, 6);
	cr_expect_eq(cli.port.vlan, 7);

	/* An error from getopt itself (missing value), then a line with fewer words. */
	EXPECT_USAGE("option '--ifname' needs a value", "port", "add", "eth0", "ns1", "--ifname");
	EXPECT_RUN("status", "--json");
	expect_cmd(CMD_STATUS, NULL);
	cr_expect(cli.json);

	/* Unknown option, then help, then a good line. */
	EXPECT_USAGE("unknown option '--bogus'", "stats", "--bogus", "eth0");
	EXPECT_HELP("Usage: nsteer detach", "detach", "--help", "eth0");
	EXPECT_RUN("detach", "eth0", "--ports");
	expect_cmd(CMD_DETACH, "eth0");
	cr_expect(cli.detach_ports);
}

Test(cli, repeated_parse_resets_state)
{
	EXPECT_RUN("-v", "port", "add", "eth0", "--pid", "5", "--mac", "02:00:00:00:00:01",
		   "--vlan", "9", "--ifname", "x0", "--addr", "10.1.1.1/24");
	cr_expect(cli.verbose);
	EXPECT_RUN("port", "add", "eth0", "ns1");
	cr_expect_not(cli.verbose);
	cr_expect_eq(cli.port.netns.kind, NSTEER_NETNS_NAME);
	cr_expect_str_eq(cli.port.netns.name, "ns1");
	cr_expect_eq(cli.port.netns.pid, 0);
	expect_default_port();

	EXPECT_RUN("stats", "--interval", "5", "--count", "2", "--json");
	EXPECT_RUN("stats");
	cr_expect_eq(cli.interval, 0);
	cr_expect_eq(cli.count, 0);
	cr_expect_not(cli.json);

	EXPECT_RUN("attach", "eth0", "--mode", "vepa", "--xdp-mode", "off", "--unknown", "drop");
	EXPECT_RUN("attach", "eth0");
	cr_expect_eq(cli.attach.mode, NSTEER_MODE_BRIDGE);
	cr_expect_eq(cli.attach.xdp_mode, NSTEER_XDP_AUTO);
	cr_expect_eq(cli.attach.unknown, NSTEER_UNKNOWN_PASS);
	cr_expect_not(cli.detach_ports);
	cr_expect_null(cli.file);
}

Test(cli, repeated_parse_many_times)
{
	for (int i = 0; i < 200; i++) {
		if (i % 2) {
			EXPECT_USAGE("give one namespace", "port", "del", "eth0", "ns1", "--pid",
				     "3");
		} else {
			EXPECT_RUN("port", "del", "--pid", "3", "eth0");
			cr_assert_eq(cli.port.netns.pid, 3);
			cr_assert_str_eq(cli.dev, "eth0");
		}
	}
}

Test(cli, monitor)
{
	EXPECT_RUN("monitor");
	cr_expect_eq(cli.cmd, CMD_MONITOR);
	cr_expect_null(cli.dev);
	cr_expect_eq(cli.monitor_reason, -1, "no --reason: every reason");
	cr_expect_null(cli.monitor_port);
	cr_expect_null(cli.pcap);
	EXPECT_RUN("monitor", "eth1", "--port", "web", "--reason", "spoofed_src", "--json",
		   "--pcap", "/tmp/d.pcap");
	cr_expect_str_eq(cli.dev, "eth1");
	cr_expect_str_eq(cli.monitor_port, "web");
	cr_expect_eq(cli.monitor_reason, NSTEER_DROP_SPOOFED_SRC);
	cr_expect(cli.json);
	cr_expect_str_eq(cli.pcap, "/tmp/d.pcap");
	EXPECT_RUN("monitor", "--pcap", "-");
	cr_expect_str_eq(cli.pcap, "-");
}

Test(cli, monitor_errors)
{
	EXPECT_USAGE("not shown by monitor", "monitor", "--reason", "port_rejected");
	EXPECT_USAGE("invalid --reason 'late'", "monitor", "--reason", "late");
	EXPECT_USAGE("give one of --json and --pcap -", "monitor", "--json", "--pcap", "-");
	EXPECT_USAGE("empty --pcap", "monitor", "--pcap", "");
	EXPECT_USAGE("invalid --port ''", "monitor", "--port", "");
	EXPECT_USAGE("unknown option '--port' for this command", "stats", "--port", "web");
}
