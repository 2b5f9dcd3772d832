/* SPDX-License-Identifier: GPL-2.0 */
/* The bottom of the loader: an attached uplink's state, the maps and programs pinned under
 * the uplink's folder (pins.h), opened once per command, and the map operations every module above
 * builds on (reading the port table in one batch, registering and publishing a port in the maps
 * the datapath reads, counters). It knows nothing of veths, namespaces or the NIC, but for one
 * count the kernel keeps on a port's host end for nsteer (NSTEER_DROP_PORT_REJECTED). */
#ifndef NSTEER_STATE_H
#define NSTEER_STATE_H

#include <net/if.h>

#include "nsteer.h"

struct bpf_object;
struct host;

/* A snapshot of every port of an uplink, by namespace, then interface (as listings show them). */
struct port_table {
	bool loaded; /* read from port_by_ifindex (uplink_table) */
	__u32 n;
	struct nsteer_port ports[NSTEER_PORTS_MAX];
};

struct uplink {
	char dev[IF_NAMESIZE];
	/* The device's name when it was attached (see pins.h): what derived MACs come from, so
	 * that a rename changes none. */
	char label[IF_NAMESIZE];
	int fd_config;
	int fd_ports;
	int fd_port_by_ifindex;
	int fd_port_devs;
	int fd_counters;
	int fd_port_slots;
	int fd_mac_index;
	int fd_mld_listeners;
	int fd_mld_snooped;
	int fd_prog_tc_port;
	int fd_nic_holds;
	struct nsteer_config cfg;
	/* Pins that are missing or not what nsteer's programs declare, by name ("" when none). */
	char damage[400];
	/* The only damage is a missing port_devs: what an attach over an attachment leaves when it is
	 * killed between unpinning the old devmap and pinning the new one. The programs still steer
	 * through the old one, and re-running attach makes it anew from port_by_ifindex. */
	bool only_port_devs_missing;
	/* Its ports as this command sees them: read once, on first use (uplink_table), then kept in
	 * step with each change the command makes through the functions below, so that no part of a
	 * command works from an older view than another. Under the lock nobody else changes them. */
	struct port_table *table;
	/* The command's view of the host this uplink was opened through (host.h); NULL outside one. */
	struct host *host;
};

/* No fds open: what uplink_close may be called on before anything was opened. */
void uplink_init(struct uplink *u, const char *dev);
/* Opens dev's pinned state. -ENOENT (and a message unless quiet) when dev is not attached;
 * -EUCLEAN when a pin of a completed attach is missing or of another type or size than nsteer's
 * programs declare (u->damage names them, and stays readable after the close). */
int uplink_open(const char *dev, struct uplink *u, bool quiet);
/* The same, but -EUCLEAN leaves u open with the pins that are right (the others' fds -1): what
 * detach and status need to take apart or describe damaged state. */
int uplink_open_damaged(const char *dev, struct uplink *u);
/* Says why uplink_open failed with err, and what to run. */
void uplink_open_warn(const char *dev, const struct uplink *u, int err);
/* Says what u->damage names, and how to repair it. */
void uplink_damage_warn(const struct uplink *u);
/* The same state from a loaded object's own maps (copies of their fds), before or without
 * pinning: attach fills them, and the BPF tests publish ports with the loader's own functions.
 * cfg is read too, but not required to be complete. */
int uplink_from_object(const char *dev, struct bpf_object *obj, struct uplink *u);
void uplink_close(struct uplink *u);
int uplink_config_write(const struct uplink *u, const struct nsteer_config *cfg);
/* dev's pinned configuration, complete or not: what an interrupted attach recorded. */
int uplink_config_peek(const char *dev, struct nsteer_config *cfg);

/* u's ports, read in one batch on the first call; NULL (with errno) when they cannot be read. */
const struct port_table *uplink_table(const struct uplink *u);
/* The port of t whose host end is ifindex, NULL if none. */
const struct nsteer_port *port_table_find(const struct port_table *t, __u32 ifindex);
/* t's host-access port, NULL if it has none. */
const struct nsteer_port *host_port_of(const struct port_table *t);
/* The lowest slot no port of t uses, 0 when there is none; slot 0 is the uplink's. */
__u32 slot_free(const struct port_table *t);
/* A port's slot is taken: its counters start from zero, port_by_ifindex records it (the truth
 * about ports, -EEXIST if its host end is registered already), port_devs and port_slots name its
 * host end, and floods reach its slot. The datapath does not steer to it yet. */
int slot_register(const struct uplink *u, const struct nsteer_port *port);
/* Frees the slot of a port already unpublished (its port_by_ifindex entry). port may point into
 * u's table, which no longer holds it afterwards. */
int slot_release(const struct uplink *u, const struct nsteer_port *port);
/* Writes a registered port's record anew (its flags). */
int port_record_update(const struct uplink *u, const struct nsteer_port *port);
/* Steering on: the "ports" hash (the truth, what overflow points to), then the index. */
int port_publish(const struct uplink *u, const struct nsteer_port *port);
/* Steering off: index, "ports", port_slots and port_devs lose the port; the slot stays taken. */
void port_unpublish(const struct uplink *u, const struct nsteer_port *port);
/* A published port: its "ports" entry names its host end. */
bool port_is_published(const struct uplink *u, const struct nsteer_port *port);
/* XDP's redirect map (port_devs) holds the port: a load makes the map anew, and fills it last. */
bool port_in_devmap(const struct uplink *u, const struct nsteer_port *port);

int counters_reset(const struct uplink *u, __u32 slot);
int counters_sum(const struct uplink *u, __u32 slot, struct nsteer_counters *sum);

#endif
