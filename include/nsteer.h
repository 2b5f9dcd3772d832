/* SPDX-License-Identifier: GPL-2.0 */
/* nsteer's C API: what the `nsteer` command does, callable from a program.
 *
 * Every call returns 0 on success or a negative errno, after reporting what went wrong through the
 * log function (stderr by default, see nsteer_set_log). Mutating calls take the lock on
 * /sys/fs/bpf/nsteer themselves; nsteer_lock() lets a caller hold it across several calls. Callers
 * need CAP_NET_ADMIN and CAP_BPF (in practice: root). */
#ifndef NSTEER_H
#define NSTEER_H

#include <stdarg.h>
#include <stdbool.h>
#include <sys/types.h>

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
};

struct nsteer_attach_opts {
	enum nsteer_mode mode;
	enum nsteer_xdp_mode xdp_mode;
	enum nsteer_unknown unknown;
	bool host_access; /* an interface, nsh-DEV, through which this namespace reaches every port */
};

#define NSTEER_ADDRS_MAX 16

struct nsteer_port_opts {
	struct nsteer_netns_ref netns;
	bool has_mac;
	unsigned char mac[6];
	unsigned int vlan;  /* 0: untagged */
	const char *ifname; /* NULL: "eth0" */
	const char *addrs[NSTEER_ADDRS_MAX];
	int n_addrs;
};

int nsteer_attach(const char *dev, const struct nsteer_attach_opts *opts);
int nsteer_detach(const char *dev, bool with_ports);
int nsteer_port_add(const char *dev, const struct nsteer_port_opts *opts);
int nsteer_port_del(const char *dev, const struct nsteer_netns_ref *netns);

/* Iteration stops at the first non-zero return of cb, which is then returned. */
typedef int (*nsteer_uplink_cb)(const char *dev, void *ctx);
typedef int (*nsteer_port_cb)(const char *dev, const struct nsteer_port *port, void *ctx);
int nsteer_for_each_uplink(nsteer_uplink_cb cb, void *ctx);
int nsteer_for_each_port(const char *dev, nsteer_port_cb cb, void *ctx);
/* Sums the per-CPU counters of a slot on dev: a port's (nsteer_port.slot) or NSTEER_SLOT_UPLINK. */
int nsteer_counters_get(const char *dev, unsigned int slot, struct nsteer_counters *sum);
int nsteer_config_get(const char *dev, struct nsteer_config *cfg);
/* What nsteer knows of a port's IPv6 multicast listening, from its MLD reports. */
struct nsteer_port_mld {
	bool snooped;        /* false: floods give the port every IPv6 multicast frame */
	unsigned int groups; /* the groups it listens to, when snooped */
};
/* Fills by_slot[slot] for every slot of dev (NSTEER_SLOTS entries): one read of the listeners. */
int nsteer_mld_get(const char *dev, struct nsteer_port_mld *by_slot);

int nsteer_lock(void);
void nsteer_unlock(void);

enum nsteer_log_level { NSTEER_LOG_WARN, NSTEER_LOG_INFO, NSTEER_LOG_DEBUG };
typedef void (*nsteer_log_fn)(enum nsteer_log_level level, const char *fmt, va_list ap);
nsteer_log_fn nsteer_set_log(nsteer_log_fn fn);
void nsteer_set_verbose(bool verbose); /* also lets libbpf and libxdp speak */

#endif
