// SPDX-License-Identifier: GPL-2.0
/* Unit tests of nsteer apply and save without a host: a configuration parsed from text, checked,
 * planned against a host state made up here, and save's output read back. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply_cmd.h"
#include "cli.h"
#include "mac.h"

static char logged[8192];

static void log_keep(enum nsteer_log_level level, const char *fmt, va_list ap)
{
	size_t n = strlen(logged);

	(void)level;
	vsnprintf(logged + n, sizeof(logged) - n, fmt, ap);
}

static void setup(void)
{
	logged[0] = '\0';
	nsteer_set_log(log_keep);
}

/* Every test's conf file and plan: teardown frees them, whatever a test left in them. */
static struct conf_file cf;
static struct nsteer_plan plan;

static void teardown(void)
{
	nsteer_plan_free(&plan);
	conf_file_free(&cf);
	nsteer_set_log(NULL);
}

TestSuite(apply, .init = setup, .fini = teardown);

static int parse(const char *text, struct conf_file *cf)
{
	FILE *in = fmemopen((void *)text, strlen(text), "r");
	int err;

	cr_assert_not_null(in);
	err = conf_parse(in, "f.conf", cf);
	fclose(in);
	return err;
}

/* A host with one complete uplink, eth1, in bridge mode, auto XDP, MTU 1500. */
static struct nsteer_cur_uplink host_uplink(const char *dev, struct nsteer_cur_port *ports,
					    unsigned int n)
{
	struct nsteer_cur_uplink u = {
		.complete = true,
		.cfg = { .uplink_ifindex = 2,
			 .xdp_mode = NSTEER_XDP_OFF,
			 .flags = NSTEER_CFG_XDP_AUTO },
		.mtu = 1500,
		.ports = ports,
		.n_ports = n,
	};

	snprintf(u.dev, sizeof(u.dev), "%s", dev);
	snprintf(u.attached_as, sizeof(u.attached_as), "%s", dev);
	return u;
}

/* A port as port add made it: interface ifname, derived MAC unless mac is given, MTU 1500. */
static struct nsteer_cur_port host_port_if(const char *dev, const char *netns, const char *ifname,
					   unsigned int vlan, const char *mac, __u32 flags)
{
	struct nsteer_cur_port p = { .netns_found = true, .mtu = 1500 };

	snprintf(p.port.netns, sizeof(p.port.netns), "%s", netns);
	snprintf(p.port.ifname, sizeof(p.port.ifname), "%s", ifname);
	p.port.vlan = vlan;
	p.port.flags = flags;
	if (mac)
		cr_assert_eq(mac_parse(mac, p.port.mac), 0);
	else
		mac_derive(dev, netns, ifname, vlan, p.port.mac);
	return p;
}

/* The same, on eth0. */
static struct nsteer_cur_port host_port(const char *dev, const char *netns, unsigned int vlan,
					const char *mac, __u32 flags)
{
	return host_port_if(dev, netns, "eth0", vlan, mac, flags);
}

static void add_addr(struct nsteer_cur_port *p, const char *cidr)
{
	snprintf(p->addrs[p->n_addrs++], NSTEER_CIDR_LEN, "%s", cidr);
}

static struct nsteer_plan plan_of(const struct conf_file *cf, struct nsteer_cur_uplink *u,
				  unsigned int n)
{
	struct nsteer_current have = { .uplinks = u, .n_uplinks = n };
	struct nsteer_plan made;

	cr_assert_eq(nsteer_plan_make(&cf->conf, &have, &made), 0, "plan_make failed: %s", logged);
	return made;
}

/* Change i of the plan, as apply prints it. */
static const char *change_text(unsigned int i)
{
	static char line[512];

	cr_assert_lt(i, plan.n);
	nsteer_change_format(&plan.changes[i], line, sizeof(line));
	return line;
}

/* The plan is one change, of kind, to the port of netns and ifname (NULL: either, unchecked). */
static void expect_one_change(enum nsteer_change_kind kind, const char *netns, const char *ifname)
{
	cr_assert_eq(plan.n, 1, "first change: %s", plan.n ? plan.changes[0].why : "");
	cr_expect_eq(plan.changes[0].kind, kind);
	if (netns)
		cr_expect_str_eq(plan.changes[0].netns, netns);
	if (ifname)
		cr_expect_str_eq(plan.changes[0].ifname, ifname);
}

static const char *const conf3 = "# three ports\n"
				 "\n"
				 "attach eth1 --mode private --xdp-mode native\n"
				 "port add eth1 red --addr 192.0.2.11/24\n"
				 "  port add eth1 blue --mac 02:00:00:00:00:0b --vlan 10 --addr "
				 "2001:db8::b/64 --ifname net1\n"
				 "port add eth1 green --mtu 1400\n";

Test(apply, parse_reads_lines_as_the_commands_take_them)
{
	cr_assert_eq(parse(conf3, &cf), 0, "%s", logged);
	cr_assert_eq(cf.conf.n_uplinks, 1);
	cr_assert_eq(cf.conf.n_ports, 3);
	cr_expect_str_eq(cf.conf.uplinks[0].dev, "eth1");
	cr_expect_eq(cf.conf.uplinks[0].line, 3);
	cr_expect_eq(cf.conf.uplinks[0].opts.mode, NSTEER_MODE_PRIVATE);
	cr_expect_eq(cf.conf.uplinks[0].opts.xdp_mode, NSTEER_XDP_NATIVE);
	cr_expect_str_eq(cf.conf.ports[0].opts.netns.name, "red");
	cr_expect_str_eq(cf.conf.ports[0].opts.addrs[0], "192.0.2.11/24");
	cr_expect_eq(cf.conf.ports[1].line, 5);
	cr_expect_eq(cf.conf.ports[1].opts.vlan, 10);
	cr_expect(cf.conf.ports[1].opts.has_mac);
	cr_expect_str_eq(cf.conf.ports[1].opts.ifname, "net1");
	cr_expect_eq(cf.conf.ports[2].opts.mtu, 1400);
	cr_expect_eq(nsteer_conf_check(&cf.conf, false), 0, "%s", logged);
}

Test(apply, parse_names_every_bad_line)
{
	cr_expect_eq(parse("attach eth1\n"
			   "port add eth1 red --bogus\n"
			   "port add eth1 blue --mac zz:00:00:00:00:01\n"
			   "status\n"
			   "port add eth1 'open\n",
			   &cf),
		     -EINVAL);
	cr_expect(strstr(logged, "f.conf:2: unknown option '--bogus'"), "%s", logged);
	cr_expect(strstr(logged, "f.conf:3: invalid MAC 'zz:00:00:00:00:01'"), "%s", logged);
	cr_expect(strstr(logged, "f.conf:4: 'status' is not for a configuration"), "%s", logged);
	cr_expect(strstr(logged, "f.conf:5: unbalanced quote"), "%s", logged);
	cr_expect(!strstr(logged, "f.conf:1:"), "%s", logged);
}

Test(apply, check_refuses_what_cannot_be_applied)
{
	cr_assert_eq(parse("attach eth1\n"
			   "port add eth2 red\n"
			   "port add eth1 blue --mac 02:00:00:00:00:0b\n"
			   "port add eth1 blue\n"
			   "port add eth1 green --mac 02:00:00:00:00:0b\n"
			   "port add eth1 --pid 1\n"
			   "attach eth1 --mode vepa\n",
			   &cf),
		     0, "%s", logged);
	cr_expect_eq(nsteer_conf_check(&cf.conf, false), -EINVAL);
	cr_expect(strstr(logged, "f.conf:2: port on eth2, which no attach line"), "%s", logged);
	cr_expect(strstr(logged, "f.conf:4: blue has a port eth0 on eth1 already, at line 3"), "%s",
		  logged);
	cr_expect(strstr(logged, "f.conf:5: MAC 02:00:00:00:00:0b is port blue eth0's already"),
		  "%s", logged);
	cr_expect(strstr(logged, "f.conf:6: a namespace by path or pid"), "%s", logged);
	cr_expect(strstr(logged, "f.conf:7: eth1 is attached already, at line 1"), "%s", logged);
}

Test(apply, an_empty_host_gets_everything_uplinks_first)
{
	cr_assert_eq(parse(conf3, &cf), 0);
	plan = plan_of(&cf, NULL, 0);
	cr_assert_eq(plan.n, 4);
	cr_expect_eq(plan.changes[0].kind, NSTEER_CHANGE_ATTACH);
	cr_expect(plan.changes[0].fresh);
	cr_expect_eq(plan.changes[1].kind, NSTEER_CHANGE_PORT_ADD);
	cr_expect_str_eq(plan.changes[1].netns, "red");
	cr_expect_str_eq(plan.changes[3].netns, "green");
}

/* The host of conf3, exactly. */
static void host_of_conf3(struct nsteer_cur_port ports[4], struct nsteer_cur_uplink *u)
{
	ports[0] = host_port("eth1", "red", 0, NULL, NSTEER_PORT_APPLIED);
	add_addr(&ports[0], "192.0.2.11/24");
	ports[1] = host_port("eth1", "blue", 10, "02:00:00:00:00:0b", NSTEER_PORT_APPLIED);
	snprintf(ports[1].port.ifname, sizeof(ports[1].port.ifname), "net1");
	add_addr(&ports[1], "2001:0db8:0::b/64"); /* spelled otherwise, the same address */
	ports[2] = host_port("eth1", "green", 0, NULL, NSTEER_PORT_APPLIED);
	ports[2].mtu = 1400;
	*u = host_uplink("eth1", ports, 3);
	u->cfg.mode = NSTEER_MODE_PRIVATE;
	u->cfg.xdp_mode = NSTEER_XDP_NATIVE;
	u->cfg.flags = NSTEER_CFG_APPLIED;
}

Test(apply, a_host_that_matches_needs_nothing)
{
	struct nsteer_cur_port ports[4];
	struct nsteer_cur_uplink u;

	cr_assert_eq(parse(conf3, &cf), 0);
	host_of_conf3(ports, &u);
	/* Others' ports, the CNI plugin's and the host-access port are none of apply's business. */
	ports[3] = host_port("eth1", "hand", 0, NULL, 0);
	u.n_ports = 4;
	plan = plan_of(&cf, &u, 1);
	cr_expect_eq(plan.n, 0, "first change: %s", plan.n ? plan.changes[0].why : "");
}

Test(apply, a_port_whose_add_was_interrupted_is_added_again)
{
	struct nsteer_cur_port ports[4];
	struct nsteer_cur_uplink u;

	cr_assert_eq(parse(conf3, &cf), 0);
	host_of_conf3(ports, &u);
	/* Registered with all its addresses, but never published: matching is not enough. */
	ports[2].interrupted = true;
	plan = plan_of(&cf, &u, 1);
	expect_one_change(NSTEER_CHANGE_PORT_ADD, "green", NULL);
}

Test(apply, what_differs_is_changed_and_only_apply_s_own_removed)
{
	struct nsteer_cur_port ports[7];
	struct nsteer_cur_uplink u;

	cr_assert_eq(parse(conf3, &cf), 0);
	host_of_conf3(ports, &u);
	u.cfg.mode = NSTEER_MODE_BRIDGE; /* re-attach */
	ports[0].n_addrs = 0;            /* red: address missing */
	ports[1].port.mac[5] = 0x0c;     /* blue: other MAC: replace */
	ports[2].mtu = 1500;             /* green: other MTU: replace */
	ports[3] = host_port("eth1", "gone", 0, NULL, NSTEER_PORT_APPLIED); /* not in the file */
	ports[4] = host_port("eth1", "hand", 0, NULL, 0);                   /* by hand: stays */
	ports[5] = host_port("eth1", "cni-1", 0, NULL, NSTEER_PORT_LABELLED);
	ports[6] = host_port("eth1", "nsh-eth1", 0, NULL, NSTEER_PORT_HOST);
	u.n_ports = 7;
	plan = plan_of(&cf, &u, 1);
	cr_assert_eq(plan.n, 5);
	cr_expect_eq(plan.changes[0].kind, NSTEER_CHANGE_PORT_DEL);
	cr_expect_str_eq(plan.changes[0].netns, "gone");
	cr_expect_str_eq(plan.changes[0].ifname, "eth0");
	cr_expect_str_eq(plan.changes[0].why, "not in f.conf");
	cr_expect_eq(plan.changes[1].kind, NSTEER_CHANGE_ATTACH);
	cr_expect_not(plan.changes[1].fresh, "an attached uplink is re-attached, not taken over");
	cr_expect_str_eq(plan.changes[1].why, "mode private, not bridge");
	cr_expect_eq(plan.changes[2].kind, NSTEER_CHANGE_PORT_REPLACE);
	cr_expect_str_eq(plan.changes[2].why, "MAC 02:00:00:00:00:0b, not 02:00:00:00:00:0c");
	cr_expect_eq(plan.changes[3].kind, NSTEER_CHANGE_PORT_REPLACE);
	cr_expect_str_eq(plan.changes[3].why, "MTU 1400, not 1500");
	cr_expect_eq(plan.changes[4].kind, NSTEER_CHANGE_PORT_ADDRS);
	cr_expect_str_eq(plan.changes[4].why, "192.0.2.11/24");
	cr_expect_str_eq(change_text(4), "eth1: port red eth0 given 192.0.2.11/24");
}

Test(apply, xdp_mode_is_compared_as_asked)
{
	struct nsteer_cur_uplink u = host_uplink("eth1", NULL, 0);

	/* Asked auto, auto chose off: the same. */
	cr_assert_eq(parse("attach eth1\n", &cf), 0);
	plan = plan_of(&cf, &u, 1);
	cr_expect_eq(plan.n, 0);
	nsteer_plan_free(&plan);
	conf_file_free(&cf);
	/* Asked off by name where auto chose it: not the same request. */
	cr_assert_eq(parse("attach eth1 --xdp-mode off\n", &cf), 0);
	plan = plan_of(&cf, &u, 1);
	cr_assert_eq(plan.n, 1);
	cr_expect_str_eq(plan.changes[0].why, "xdp-mode off, not auto");
}

Test(apply, a_renamed_uplink_s_ports_keep_the_macs_port_add_gave_them)
{
	/* Attached as eth9, called eth1 since: port add derives from eth9, and so must the plan. */
	struct nsteer_cur_port port = host_port("eth9", "red", 0, NULL, NSTEER_PORT_APPLIED);
	struct nsteer_cur_uplink u = host_uplink("eth1", &port, 1);

	snprintf(u.attached_as, sizeof(u.attached_as), "eth9");
	cr_assert_eq(parse("attach eth1\nport add eth1 red\n", &cf), 0, "%s", logged);
	plan = plan_of(&cf, &u, 1);
	cr_expect_eq(plan.n, 0, "first change: %s", plan.n ? plan.changes[0].why : "");
}

Test(apply, a_port_apply_did_not_make_is_not_replaced)
{
	struct nsteer_cur_port port = host_port("eth1", "red", 0, "02:00:00:00:00:99", 0);
	struct nsteer_cur_uplink u = host_uplink("eth1", &port, 1);
	struct nsteer_current have = { .uplinks = &u, .n_uplinks = 1 };

	cr_assert_eq(parse("attach eth1\nport add eth1 red\n", &cf), 0);
	cr_expect_eq(nsteer_plan_make(&cf.conf, &have, &plan), -EEXIST);
	cr_expect(strstr(logged, "f.conf:2: red's port eth0 on eth1 was not made by apply"), "%s",
		  logged);
	cr_expect_eq(plan.n, 0);
}

Test(apply, a_dropped_uplink_goes_only_with_nothing_but_apply_s_ports)
{
	struct nsteer_cur_port ports[3] = {
		host_port("eth2", "red", 0, NULL, NSTEER_PORT_APPLIED),
		host_port("eth2", "nsh-eth2", 0, NULL, NSTEER_PORT_HOST),
		host_port("eth2", "hand", 0, NULL, 0),
	};
	struct nsteer_cur_uplink u[2] = { host_uplink("eth1", NULL, 0),
					  host_uplink("eth2", ports, 2) };

	u[1].cfg.flags |= NSTEER_CFG_APPLIED;
	cr_assert_eq(parse("attach eth1\n", &cf), 0);
	plan = plan_of(&cf, u, 2);
	cr_assert_eq(plan.n, 2);
	cr_expect_eq(plan.changes[0].kind, NSTEER_CHANGE_PORT_DEL);
	cr_expect_eq(plan.changes[1].kind, NSTEER_CHANGE_DETACH);
	cr_expect_str_eq(plan.changes[1].dev, "eth2");
	nsteer_plan_free(&plan);

	u[1].n_ports = 3; /* and a port made by hand */
	plan = plan_of(&cf, u, 2);
	cr_assert_eq(plan.n, 2);
	cr_expect_eq(plan.changes[0].kind, NSTEER_CHANGE_PORT_DEL);
	cr_expect_eq(plan.changes[1].kind, NSTEER_CHANGE_KEEP_UPLINK);
	cr_expect(strstr(plan.changes[1].why, "(hand eth0)"), "%s", plan.changes[1].why);
	nsteer_plan_free(&plan);

	u[1].cfg.flags &= ~NSTEER_CFG_APPLIED; /* attached by hand: none of apply's business */
	plan = plan_of(&cf, u, 2);
	cr_expect_eq(plan.n, 1);
	cr_expect_eq(plan.changes[0].kind, NSTEER_CHANGE_PORT_DEL, "apply's own port still goes");
}

Test(apply, save_output_applied_changes_nothing)
{
	struct nsteer_cur_port ports[6];
	struct nsteer_cur_uplink u[2];
	struct nsteer_current have = { .uplinks = u, .n_uplinks = 2 };
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	host_of_conf3(ports, &u[0]);
	ports[3] = host_port("eth1", "hand made", 0, NULL, 0);
	ports[4] = host_port("eth1", "cni-1", 0, NULL, NSTEER_PORT_LABELLED);
	ports[5] = host_port("eth1", "/proc/1/ns/net", 0, NULL, 0);
	u[0].n_ports = 6;
	u[1] = host_uplink("eth2", NULL, 0);
	u[1].cfg.unknown = NSTEER_UNKNOWN_DROP;
	u[1].cfg.flags |= NSTEER_CFG_HOST_ACCESS;
	cr_assert_not_null(out);
	cr_assert_eq(save_write(out, &have), 0);
	fclose(out);
	cr_expect(strstr(text, "attach eth1 --mode private --xdp-mode native\n"), "%s", text);
	cr_expect(strstr(text, "port add eth1 'hand made' --mac "), "%s", text);
	cr_expect(strstr(text, "--vlan 10 --ifname net1 --addr 2001:0db8:0::b/64"), "%s", text);
	cr_expect(strstr(text, " --mtu 1400\n"), "%s", text);
	cr_expect(strstr(text, "# eth1: port cni-1 eth0 is the CNI plugin's"), "%s", text);
	cr_expect(strstr(text, "# eth1: port eth0 in /proc/1/ns/net not saved: a namespace by "
			       "path"),
		  "%s", text);
	cr_expect(strstr(text, "attach eth2 --unknown drop --host-access\n"), "%s", text);
	cr_assert_eq(parse(text, &cf), 0, "%s\n%s", logged, text);
	cr_expect_eq(nsteer_conf_check(&cf.conf, false), 0, "%s", logged);
	plan = plan_of(&cf, u, 2);
	cr_expect_eq(plan.n, 0, "save's output changes %s", plan.n ? plan.changes[0].netns : "");
	nsteer_plan_free(&plan);
	conf_file_free(&cf);
	free(text);
}

/* ---- several ports of one namespace on one uplink, told apart by their interface ---- */

static const char *const conf_two =
	"attach eth1\n"
	"port add eth1 red --addr 192.0.2.11/24\n"
	"port add eth1 red --ifname net1 --vlan 10 --addr 192.0.3.11/24\n";

/* The host of conf_two, exactly: red's eth0 and net1, both apply's. */
static void host_of_conf_two(struct nsteer_cur_port ports[3], struct nsteer_cur_uplink *u)
{
	ports[0] = host_port("eth1", "red", 0, NULL, NSTEER_PORT_APPLIED);
	add_addr(&ports[0], "192.0.2.11/24");
	ports[1] = host_port_if("eth1", "red", "net1", 10, NULL, NSTEER_PORT_APPLIED);
	add_addr(&ports[1], "192.0.3.11/24");
	*u = host_uplink("eth1", ports, 2);
	u->cfg.flags |= NSTEER_CFG_APPLIED;
}

Test(apply, a_namespace_may_have_ports_of_distinct_interfaces)
{
	unsigned char eth0[6], net1[6];

	cr_assert_eq(parse(conf_two, &cf), 0, "%s", logged);
	cr_expect_eq(nsteer_conf_check(&cf.conf, false), 0, "%s", logged);
	/* Their derived MACs differ although namespace and uplink are the same. */
	mac_derive("eth1", "red", NULL, 0, eth0);
	mac_derive("eth1", "red", "net1", 0, net1);
	cr_expect_neq(memcmp(eth0, net1, 6), 0);
}

Test(apply, the_same_interface_of_a_namespace_twice_is_refused)
{
	cr_assert_eq(parse("attach eth1\n"
			   "port add eth1 red\n"
			   "port add eth1 red --ifname net1\n"
			   "port add eth1 red --ifname eth0 --vlan 5\n"
			   "port add eth1 red --ifname net1 --mac 02:00:00:00:00:01\n"
			   "port add eth1 blue --ifname net1 --mac 02:00:00:00:00:02\n"
			   "port add eth1 blue --ifname net2 --mac 02:00:00:00:00:02\n",
			   &cf),
		     0, "%s", logged);
	cr_expect_eq(nsteer_conf_check(&cf.conf, false), -EINVAL);
	/* --ifname eth0 is the default's name: the same port as line 2's. */
	cr_expect(strstr(logged, "f.conf:4: red has a port eth0 on eth1 already, at line 2\n"),
		  "%s", logged);
	cr_expect(strstr(logged, "f.conf:5: red has a port net1 on eth1 already, at line 3\n"),
		  "%s", logged);
	cr_expect(strstr(logged, "f.conf:7: MAC 02:00:00:00:00:02 is port blue net1's already, at "
				 "line 6\n"),
		  "%s", logged);
	cr_expect(!strstr(logged, "f.conf:2:") && !strstr(logged, "f.conf:3:") &&
			  !strstr(logged, "f.conf:6:"),
		  "%s", logged);
}

Test(apply, an_empty_host_gets_each_interface_of_a_namespace)
{
	cr_assert_eq(parse(conf_two, &cf), 0, "%s", logged);
	plan = plan_of(&cf, NULL, 0);
	cr_assert_eq(plan.n, 3);
	cr_expect_eq(plan.changes[1].kind, NSTEER_CHANGE_PORT_ADD);
	cr_expect_str_eq(plan.changes[1].ifname, "eth0");
	cr_expect_eq(plan.changes[2].kind, NSTEER_CHANGE_PORT_ADD);
	cr_expect_str_eq(plan.changes[2].netns, "red");
	cr_expect_str_eq(plan.changes[2].ifname, "net1");
	cr_expect_eq(plan.changes[2].port, &cf.conf.ports[1]);
	cr_expect_str_eq(change_text(2), "eth1: port red net1 added");
}

Test(apply, two_ports_of_a_namespace_that_match_need_nothing)
{
	struct nsteer_cur_port ports[3];
	struct nsteer_cur_uplink u;

	cr_assert_eq(parse(conf_two, &cf), 0, "%s", logged);
	host_of_conf_two(ports, &u);
	plan = plan_of(&cf, &u, 1);
	cr_expect_eq(plan.n, 0, "first change: %s", plan.n ? plan.changes[0].why : "");
	nsteer_plan_free(&plan);
	/* In the other order on the host, as a port table may list them. */
	ports[2] = ports[0];
	u.ports = &ports[1];
	plan = plan_of(&cf, &u, 1);
	cr_expect_eq(plan.n, 0, "first change: %s", plan.n ? plan.changes[0].why : "");
}

Test(apply, removing_one_interface_of_a_namespace_keeps_the_other)
{
	struct nsteer_cur_port ports[3];
	struct nsteer_cur_uplink u;

	host_of_conf_two(ports, &u);
	cr_assert_eq(parse("attach eth1\nport add eth1 red --addr 192.0.2.11/24\n", &cf), 0, "%s",
		     logged);
	plan = plan_of(&cf, &u, 1);
	expect_one_change(NSTEER_CHANGE_PORT_DEL, "red", NULL);
	cr_expect_str_eq(plan.changes[0].ifname, "net1",
			 "a deletion names its interface, or it would take every port of red");
	cr_expect_str_eq(change_text(0), "eth1: port red net1 deleted: not in f.conf");
	nsteer_plan_free(&plan);
	conf_file_free(&cf);

	/* And the other way round: eth0 goes, net1 stays. */
	cr_assert_eq(parse("attach eth1\n"
			   "port add eth1 red --ifname net1 --vlan 10 --addr 192.0.3.11/24\n",
			   &cf),
		     0, "%s", logged);
	plan = plan_of(&cf, &u, 1);
	expect_one_change(NSTEER_CHANGE_PORT_DEL, NULL, "eth0");
}

Test(apply, replacing_one_interface_of_a_namespace_leaves_the_other)
{
	struct nsteer_cur_port ports[3];
	struct nsteer_cur_uplink u;

	host_of_conf_two(ports, &u);
	ports[1] = host_port_if("eth1", "red", "net1", 11, NULL, NSTEER_PORT_APPLIED);
	add_addr(&ports[1], "192.0.3.11/24");
	ports[0].n_addrs = 0; /* eth0: only an address missing */
	cr_assert_eq(parse(conf_two, &cf), 0, "%s", logged);
	plan = plan_of(&cf, &u, 1);
	cr_assert_eq(plan.n, 2);
	cr_expect_eq(plan.changes[0].kind, NSTEER_CHANGE_PORT_REPLACE);
	cr_expect_str_eq(plan.changes[0].ifname, "net1");
	cr_expect_eq(plan.changes[0].port, &cf.conf.ports[1]);
	/* The VLAN enters the derived MAC: that differs too. */
	cr_expect(strstr(plan.changes[0].why, "VLAN 10, not 11"), "%s", plan.changes[0].why);
	cr_expect(!strncmp(change_text(0), "eth1: port red net1 replaced: ", 30), "%s",
		  change_text(0));
	cr_expect_eq(plan.changes[1].kind, NSTEER_CHANGE_PORT_ADDRS);
	cr_expect_str_eq(plan.changes[1].ifname, "eth0");
}

Test(apply, another_interface_name_is_another_port_not_a_replacement)
{
	struct nsteer_cur_port ports[2] = {
		host_port("eth1", "red", 0, "02:00:00:00:00:aa", NSTEER_PORT_APPLIED),
		host_port("eth1", "blue", 0, "02:00:00:00:00:bb", 0),
	};
	struct nsteer_cur_uplink u = host_uplink("eth1", ports, 2);

	/* red's eth0 (apply's) becomes net1; blue's eth0 (by hand) gains a net1 beside it. */
	cr_assert_eq(parse("attach eth1\n"
			   "port add eth1 red --ifname net1 --mac 02:00:00:00:00:aa\n"
			   "port add eth1 blue --ifname net1\n",
			   &cf),
		     0, "%s", logged);
	plan = plan_of(&cf, &u, 1);
	cr_assert_eq(plan.n, 3);
	cr_expect_eq(plan.changes[0].kind, NSTEER_CHANGE_PORT_DEL);
	cr_expect_str_eq(plan.changes[0].netns, "red");
	cr_expect_str_eq(plan.changes[0].ifname, "eth0");
	cr_expect_eq(plan.changes[1].kind, NSTEER_CHANGE_PORT_ADD);
	cr_expect_str_eq(plan.changes[1].ifname, "net1");
	cr_expect_str_eq(plan.changes[1].netns, "red");
	cr_expect_eq(plan.changes[2].kind, NSTEER_CHANGE_PORT_ADD,
		     "not a conflict with blue's eth0");
	cr_expect_str_eq(plan.changes[2].netns, "blue");
	cr_expect_str_eq(plan.changes[2].ifname, "net1");
	cr_expect(!strstr(logged, "ifname"), "%s", logged);
}

Test(apply, save_writes_each_interface_of_a_namespace_and_reads_them_back)
{
	struct nsteer_cur_port ports[3];
	struct nsteer_cur_uplink u;
	struct nsteer_current have = { .uplinks = &u, .n_uplinks = 1 };
	char *text = NULL, eth0[NSTEER_MAC_STR_LEN], net1[NSTEER_MAC_STR_LEN], want[256];
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	host_of_conf_two(ports, &u);
	cr_assert_not_null(out);
	cr_assert_eq(save_write(out, &have), 0);
	fclose(out);
	snprintf(want, sizeof(want),
		 "\nattach eth1\n"
		 "port add eth1 red --mac %s --addr 192.0.2.11/24\n"
		 "port add eth1 red --mac %s --vlan 10 --ifname net1 --addr 192.0.3.11/24\n",
		 nsteer_mac_format(ports[0].port.mac, eth0),
		 nsteer_mac_format(ports[1].port.mac, net1));
	cr_expect(strstr(text, want), "wanted:%s\ngot:\n%s", want, text);
	cr_assert_eq(parse(text, &cf), 0, "%s\n%s", logged, text);
	cr_assert_eq(cf.conf.n_ports, 2);
	cr_expect_null(cf.conf.ports[0].opts.ifname);
	cr_expect_str_eq(cf.conf.ports[1].opts.ifname, "net1");
	cr_expect_eq(nsteer_conf_check(&cf.conf, false), 0, "%s", logged);
	plan = plan_of(&cf, &u, 1);
	cr_expect_eq(plan.n, 0, "save's output changes %s %s", plan.n ? plan.changes[0].netns : "",
		     plan.n ? plan.changes[0].ifname : "");
	nsteer_plan_free(&plan);
	conf_file_free(&cf);
	free(text);
}
