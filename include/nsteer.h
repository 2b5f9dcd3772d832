/* SPDX-License-Identifier: GPL-2.0 */
/* nsteer's C API, the whole of libnsteer: what the `nsteer` command does, callable from a program
 * (the CLI in src/cli uses nothing else of the library's state).
 *
 * Every call returns 0 on success or a negative errno, after reporting what went wrong through the
 * log function (stderr by default, see nsteer_set_log). Mutating calls take the lock on
 * /sys/fs/bpf/nsteer themselves; nsteer_lock() lets a caller hold it across several calls. Callers
 * need CAP_NET_ADMIN and CAP_BPF (in practice: root).
 *
 * Reentrancy: calls keep no state between them (each opens the pins it needs and closes them),
 * and a callback of nsteer_for_each_* may call back into the library. The library is not
 * thread-safe: the lock and the log function are per process, so one thread at a time. */
#ifndef NSTEER_H
#define NSTEER_H

#include <stdarg.h>
#include <stdbool.h>
#include <sys/types.h>
#include <time.h>

#include "nsteer_shared.h"

enum nsteer_netns_kind {
	NSTEER_NETNS_NAME, /* iproute2 name under /var/run/netns, created when missing */
	NSTEER_NETNS_PATH, /* any path to a net namespace (a bind mount, /proc/PID/ns/net) */
	NSTEER_NETNS_PID,  /* the namespace of a running process, e.g. a container */
};

struct nsteer_netns_ref {
	enum nsteer_netns_kind kind;
	const char *name; /* NAME, or PATH */
	pid_t pid;        /* PID */
	/* NULL, or what the port is known by instead of the name, path or "pid:N" (at most
	 * NSTEER_NETNS_LEN - 1 bytes), e.g. a CNI attachment: port del finds the port by it when the
	 * namespace is gone. */
	const char *label;
};

struct nsteer_attach_opts {
	enum nsteer_mode mode;
	enum nsteer_xdp_mode xdp_mode;
	enum nsteer_tc_hook tc_hook; /* 0 (auto): TCX where the kernel has it, else clsact */
	enum nsteer_unknown unknown;
	bool host_access; /* an interface, nsh-DEV, through which this namespace reaches every port */
	/* Marks the uplink as nsteer apply's (NSTEER_CFG_APPLIED); once set, a later attach keeps
	 * the mark until detach. */
	bool applied;
};

#define NSTEER_ADDRS_MAX 16
#define NSTEER_ROUTES_MAX 16

struct nsteer_route {
	const char *dst; /* a cidr: "0.0.0.0/0", "2001:db8::/32" */
	const char *gw;  /* an address, or NULL for a route on the link */
};

struct nsteer_port_opts {
	struct nsteer_netns_ref netns;
	bool has_mac;
	unsigned char mac[6];
	unsigned int vlan;  /* 0: untagged */
	const char *ifname; /* NULL: "eth0" */
	const char *addrs[NSTEER_ADDRS_MAX];
	int n_addrs;
	struct nsteer_route routes[NSTEER_ROUTES_MAX]; /* added after the addresses */
	int n_routes;
	unsigned int mtu; /* 0: the uplink's, so that its largest frames fit */
	bool applied;     /* made by nsteer apply (NSTEER_PORT_APPLIED) */
};

int nsteer_attach(const char *dev, const struct nsteer_attach_opts *opts);
int nsteer_detach(const char *dev, bool with_ports);
int nsteer_port_add(const char *dev, const struct nsteer_port_opts *opts);
/* ifname NULL: every port of the namespace on dev (the namespace leaves the uplink). */
int nsteer_port_del(const char *dev, const struct nsteer_netns_ref *netns, const char *ifname);
/* 1 when ifname in ref's namespace has cidr (address and prefix), 0 when not. */
int nsteer_netns_addr_present(const struct nsteer_netns_ref *ref, const char *ifname,
			      const char *cidr);

/* Iteration stops at the first non-zero return of cb, which is then returned. */
typedef int (*nsteer_uplink_cb)(const char *dev, void *ctx);
typedef int (*nsteer_port_cb)(const char *dev, const struct nsteer_port *port, void *ctx);
int nsteer_for_each_uplink(nsteer_uplink_cb cb, void *ctx);
int nsteer_for_each_port(const char *dev, nsteer_port_cb cb, void *ctx);
/* What nsteer knows of a port's IPv6 multicast listening, from its MLD reports. */
struct nsteer_port_mld {
	bool snooped;        /* false: floods give the port every IPv6 multicast frame */
	unsigned int groups; /* the groups it listens to, when snooped */
};
/* A port's counters, its configuration and its MLD listening are read in one look at the host
 * by nsteer_status_gather and nsteer_counters_gather, below. */

/* What `nsteer status` shows of one uplink, gathered in one pass over its pins. */
struct nsteer_port_status {
	struct nsteer_port port;
	struct nsteer_counters counters;
	struct nsteer_port_mld mld;
};

struct nsteer_nic_hold_status {
	struct nsteer_nic_hold hold;
	bool wanted;       /* a port (or, for allmulticast, the attachment) needs it */
	bool present;      /* on the NIC now, whoever put it there */
	bool ours;         /* nsteer made this change, and undoes it */
	char vlan_dev[16]; /* NSTEER_NIC_VLAN: the 802.1Q device through which nsteer holds it */
};

/* An inconsistency, and the command that repairs it. */
struct nsteer_problem {
	char what[512];
	char repair[512];
};

struct nsteer_uplink_status {
	char dev[16];
	char attached_as[16]; /* the device's name when it was attached (the folder's label) */
	/* The uplink's folder of pins, as bpftool names it: NSTEER_PIN_ROOT/netns-COOKIE/
	 * IFINDEX-NAME, COOKIE being its network namespace's (SO_NETNS_COOKIE). */
	char pin_dir[256];
	bool complete; /* false: pins without a complete attach; only problems are filled in */
	struct nsteer_config cfg;
	bool dev_present; /* cfg.uplink_ifindex names a device of this namespace (dev) */
	bool has_xdp, xdp_dispatcher, has_tc;
	enum nsteer_tc_hook tc_hook; /* the hook the uplink's tc program is on: tcx or clsact */
	/* The programs attached are this nsteer's build; false after an upgrade of nsteer until
	 * nsteer attach replaces them (the state they use is the same). */
	bool programs_current;
	__u32 xdp_prog_id, tc_prog_id;
	char xdp_mode_reason[160];
	struct nsteer_counters counters; /* the uplink's own: to its stack, to the wire */
	struct nsteer_port_status *ports;
	unsigned int n_ports;
	struct nsteer_nic_hold_status *nic_holds; /* empty when the device is gone */
	unsigned int n_nic_holds;
	struct nsteer_problem *problems;
	unsigned int n_problems;
};

/* Fills st for dev (-ENOENT when dev has no pins at all); free with nsteer_status_free. */
int nsteer_status_get(const char *dev, struct nsteer_uplink_status *st);
void nsteer_status_free(struct nsteer_uplink_status *st);

/* The status of dev's uplink, or (dev NULL) of every uplink of this network namespace, gathered
 * in one look at the host: each uplink's pins opened once, its port table read once, the host's
 * devices listed once. An uplink that cannot be read is said on stderr and left out, and the
 * first such error returned, after the others are gathered (-ENOENT: dev has no pins at all).
 * Free with nsteer_status_set_free, also after an error. */
struct nsteer_status_set {
	struct nsteer_uplink_status *v;
	unsigned int n;
};
int nsteer_status_gather(const char *dev, struct nsteer_status_set *set);
/* The same, for what `nsteer stats` counts: only dev, complete, cfg, counters and ports are
 * filled in, and an uplink whose pins are not whole is an error, as for any command. */
int nsteer_counters_gather(const char *dev, struct nsteer_status_set *set);
void nsteer_status_set_free(struct nsteer_status_set *set);

/* Names of enum values as the CLI, JSON and status spell them, from the lists in
 * nsteer_shared.h; each table ends with a NULL name. */
struct nsteer_name {
	int value;
	const char *name;
	const char *doc; /* drop reasons: what the reason means */
};
extern const struct nsteer_name nsteer_mode_names[], nsteer_unknown_names[],
	nsteer_xdp_mode_names[], nsteer_tc_hook_names[], nsteer_nic_hold_names[],
	nsteer_drop_names[];
const char *nsteer_name_of(const struct nsteer_name *names, int value); /* "?" when unknown */
int nsteer_value_of(const struct nsteer_name *names, const char *name); /* -1 when unknown */

/* Text forms a front end reads from users and prints. */
#define NSTEER_MAC_STR_LEN 18
int nsteer_mac_parse(const char *s, unsigned char mac[6]); /* 0 or -EINVAL */
char *nsteer_mac_format(const unsigned char mac[6], char buf[NSTEER_MAC_STR_LEN]);
bool nsteer_mac_port_valid(const unsigned char mac[6]); /* unicast, not all zeros */
bool nsteer_dev_name_valid(const char *dev);
/* An iproute2 name: 1 to NSTEER_NETNS_LEN - 1 bytes, no '/' or control characters, not . or .. */
bool nsteer_netns_name_valid(const char *name);
bool nsteer_cidr_valid(const char *cidr); /* ADDR[/PREFIX], IPv4 or IPv6, as --addr takes */
/* A valid cidr whose address can be a host's own: not multicast, broadcast or unspecified. */
bool nsteer_cidr_host(const char *cidr);

/* A frame the datapath dropped, as `nsteer monitor` shows it. */
struct nsteer_drop {
	struct timespec time; /* wall clock (CLOCK_REALTIME) */
	const char *dev;      /* the uplink */
	unsigned int
		slot; /* NSTEER_SLOT_UPLINK: it came from the wire; else the port that sent it */
	const struct nsteer_port *port; /* slot's port; NULL from the wire, or when removed since */
	enum nsteer_drop_reason reason;
	unsigned int len; /* the frame's length, as on the wire */
	const unsigned char
		*frame; /* its first bytes as on the wire, a tag the NIC took out put back */
	unsigned int frame_len; /* bytes in frame: at most NSTEER_MONITOR_SNAPLEN + 4 */
	bool has_macs;          /* frame holds dst and src */
	unsigned char dst[6], src[6];
	int vlan;      /* the outer tag's VID; -1 untagged (or cut before its tag) */
	int ethertype; /* the protocol after the tags; -1 when the frame ends before it */
};

struct nsteer_monitor;
/* A non-zero return stops nsteer_monitor_poll, which returns it. */
typedef int (*nsteer_drop_cb)(const struct nsteer_drop *drop, void *ctx);
/* Starts describing the drops of dev (NULL: every attached uplink) and returns a reader for them.
 * One reader per uplink at a time: -EBUSY names the one that runs. The datapath only pays for
 * descriptions while a reader is open; nsteer_monitor_close ends it, and so does the death of the
 * process, which a later reader or `nsteer status` notices. */
int nsteer_monitor_open(const char *dev, struct nsteer_monitor **m);
/* Waits up to timeout_ms for drops and hands each to cb: the number handled, or a negative errno
 * (-EINTR on a signal; -ENODEV once an uplink was detached, said through the log). */
int nsteer_monitor_poll(struct nsteer_monitor *m, int timeout_ms, nsteer_drop_cb cb, void *ctx);
void nsteer_monitor_close(struct nsteer_monitor *m);
/* ---- nsteer apply and save: a declared configuration, what the host has, the changes between ----
 * A configuration (what `nsteer apply FILE` reads) declares uplinks and ports, a port being
 * (uplink, namespace, interface name): a namespace may have several on one uplink. Applying it
 * makes the host match: what is missing is added, what differs is replaced, and what apply made
 * (NSTEER_CFG_APPLIED, NSTEER_PORT_APPLIED) and the configuration no longer has is removed.
 * What others made (by hand, the CNI plugin) is left alone. */

struct nsteer_conf_uplink {
	const char *dev;
	struct nsteer_attach_opts opts;
	unsigned int line; /* where the file declares it, for messages */
};

struct nsteer_conf_port {
	const char *dev;
	/* The namespace by name (NSTEER_NETNS_NAME); with opts.ifname (NULL: "eth0") and dev, what
	 * the port is known by. */
	struct nsteer_port_opts opts;
	unsigned int line;
};

struct nsteer_conf {
	const char *file; /* what messages call it: a path, or "stdin" */
	struct nsteer_conf_uplink *uplinks;
	unsigned int n_uplinks;
	struct nsteer_conf_port *ports;
	unsigned int n_ports;
};

/* Whether conf can be applied at all: each uplink once, each port (uplink, namespace, interface)
 * once, each port's uplink attached by conf, namespaces by name, no MAC twice on an uplink and
 * VLAN, and (with devices) every uplink's device present. Says what is wrong, as FILE:LINE, and
 * returns -EINVAL; touches nothing. */
int nsteer_conf_check(const struct nsteer_conf *conf, bool devices);

#define NSTEER_CIDR_LEN 48 /* "ffff:...:ffff/128" and a NUL */

/* What the host has, as apply compares it and save writes it. */
struct nsteer_cur_port {
	struct nsteer_port port;
	bool netns_found; /* its namespace is there, its end in it: mtu and addrs are read */
	bool interrupted; /* a port add of it was killed before it finished */
	unsigned int mtu; /* of the namespace end */
	char addrs[NSTEER_ADDRS_MAX][NSTEER_CIDR_LEN]; /* configured ones, "ADDR/PREFIX" */
	int n_addrs;
};

struct nsteer_cur_uplink {
	char dev[16];
	/* The device's name when it was attached, what its ports' derived MACs come from ("": dev) */
	char attached_as[16];
	bool complete; /* a finished attach on the device that has dev's name now */
	struct nsteer_config cfg;
	unsigned int mtu;              /* the device's */
	struct nsteer_cur_port *ports; /* by namespace, then interface (nsteer_current_get) */
	unsigned int n_ports;
};

struct nsteer_current {
	struct nsteer_cur_uplink *uplinks;
	unsigned int n_uplinks;
};

int nsteer_current_get(struct nsteer_current *cur);
void nsteer_current_free(struct nsteer_current *cur);

/* One change of a plan, in the order a plan runs them: removals first (they free MACs), then
 * the uplinks, then the ports. */
enum nsteer_change_kind {
	NSTEER_CHANGE_PORT_DEL,     /* apply's port, no longer in the configuration */
	NSTEER_CHANGE_DETACH,       /* apply's uplink, no longer in it */
	NSTEER_CHANGE_KEEP_UPLINK,  /* ... that cannot go: other ports are on it (an error) */
	NSTEER_CHANGE_ATTACH,       /* missing, incomplete, or attached with other options */
	NSTEER_CHANGE_PORT_REPLACE, /* apply's port with other MAC, VLAN or MTU, or its end gone */
	NSTEER_CHANGE_PORT_ADD,
	NSTEER_CHANGE_PORT_ADDRS, /* addresses missing from a port */
};

struct nsteer_change {
	enum nsteer_change_kind kind;
	char dev[16];
	char netns[NSTEER_NETNS_LEN];            /* the port's */
	char ifname[16];                         /* the port's; "": every port of netns */
	const struct nsteer_conf_uplink *uplink; /* ATTACH */
	const struct nsteer_conf_port *port;     /* REPLACE, ADD, ADDRS */
	bool fresh; /* ATTACH: not (completely) attached, so apply's from now on */
	char why[320];
};

struct nsteer_plan {
	struct nsteer_change *changes;
	unsigned int n;
};

/* The changes that make have match want (checked by nsteer_conf_check), computed from the two
 * alone: a declared port is the host's port of the same uplink, namespace and interface name.
 * -EEXIST when want declares a port that others made with other settings (apply does not replace
 * what it did not make): said as FILE:LINE. Free with nsteer_plan_free. */
int nsteer_plan_make(const struct nsteer_conf *want, const struct nsteer_current *have,
		     struct nsteer_plan *plan);
void nsteer_plan_free(struct nsteer_plan *plan);
/* One line for a change, naming a port by namespace and interface: "nsu1: port ns1 net1 added". */
void nsteer_change_format(const struct nsteer_change *c, char *buf, size_t size);
/* Runs plan's changes, printing each; goes on after a failure, returns the first error. */
int nsteer_plan_run(const struct nsteer_plan *plan);
/* All of `nsteer apply`: under the lock, with a note (nsteer_batch_begin) that names note as the
 * command that completes it, reads what the host has, plans and runs the plan; says "nothing to
 * change" when there is nothing. */
int nsteer_apply(const struct nsteer_conf *conf, const char *note);

int nsteer_lock(void);
void nsteer_unlock(void);
/* Under the lock, around a sequence of commands (`nsteer batch`): until nsteer_batch_end, a
 * note names the sequence (what, e.g. its file), so that if the process is killed in between,
 * `nsteer status` says it was interrupted and what to re-run. */
int nsteer_batch_begin(const char *what);
void nsteer_batch_end(void);

enum nsteer_log_level { NSTEER_LOG_WARN, NSTEER_LOG_INFO, NSTEER_LOG_DEBUG };
typedef void (*nsteer_log_fn)(enum nsteer_log_level level, const char *fmt, va_list ap);
nsteer_log_fn nsteer_set_log(nsteer_log_fn fn);
/* Front ends print through the same function, so that nsteer_set_log redirects all of it. */
void nsteer_log(enum nsteer_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void nsteer_set_verbose(bool verbose); /* also lets libbpf and libxdp speak */

#endif
