// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <errno.h>
#include <net/if.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "ethtool.h"
#include "fault.h"
#include "log.h"
#include "pin_spec.h"
#include "pins.h"
#include "state.h"

/* Where each of struct uplink's fds comes from: the map (or program) of that name. */
#define UPLINK_OBJECTS(X)                           \
	X(fd_config, "uplink_config")               \
	X(fd_ports, "ports")                        \
	X(fd_port_by_ifindex, "port_by_ifindex")    \
	X(fd_port_devs, "port_devs")                \
	X(fd_counters, "counters")                  \
	X(fd_port_slots, "port_slots")              \
	X(fd_mac_index, "mac_index")                \
	X(fd_mld_listeners, "mld_listeners")        \
	X(fd_mld_snooped, "mld_snooped")            \
	X(fd_prog_tc_port, NSTEER_PIN_PROG_TC_PORT) \
	X(fd_nic_holds, "nic_holds")

struct uplink_object {
	size_t offset;
	const char *name;
};

#define UPLINK_OBJECT(field, pin) { offsetof(struct uplink, field), pin },
static const struct uplink_object uplink_objects[] = { UPLINK_OBJECTS(UPLINK_OBJECT) };
#define N_OBJECTS (sizeof(uplink_objects) / sizeof(uplink_objects[0]))

static int *fd_of(struct uplink *u, size_t i)
{
	return (int *)((char *)u + uplink_objects[i].offset);
}

void uplink_init(struct uplink *u, const char *dev)
{
	memset(u, 0, sizeof(*u));
	snprintf(u->dev, sizeof(u->dev), "%s", dev);
	for (size_t i = 0; i < N_OBJECTS; i++)
		*fd_of(u, i) = -1;
}

void uplink_close(struct uplink *u)
{
	for (size_t i = 0; i < N_OBJECTS; i++) {
		if (*fd_of(u, i) >= 0)
			close(*fd_of(u, i));
		*fd_of(u, i) = -1;
	}
	free(u->table);
	u->table = NULL;
}

/* Room for the port table, read only when a command needs it: most open an uplink for less. */
static int table_make(struct uplink *u)
{
	u->table = calloc(1, sizeof(*u->table));
	return u->table ? 0 : -ENOMEM;
}

static int config_read(struct uplink *u)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(u->fd_config, &zero, &u->cfg);
}

static void damage_note(struct uplink *u, const char *name, const char *why)
{
	size_t len = strlen(u->damage);

	snprintf(u->damage + len, sizeof(u->damage) - len, "%spin %s %s", len ? "; " : "", name,
		 why);
}

/* The pin directory last found whole and right in this process. A pin cannot be replaced
 * without creating or removing a file in the directory, which moves its mtime: while inode and
 * mtime stay, its pins need no second check (a batch opens the uplink once a line, and the
 * check reads each pin's fdinfo, 5 syscalls a pin). */
static struct {
	char dev[IF_NAMESIZE];
	struct stat dir;
} checked;

static bool pins_checked(const char *dev, const struct stat *dir)
{
	return !strcmp(checked.dev, dev) && checked.dir.st_ino == dir->st_ino &&
	       checked.dir.st_mtim.tv_sec == dir->st_mtim.tv_sec &&
	       checked.dir.st_mtim.tv_nsec == dir->st_mtim.tv_nsec;
}

/* Opens every pin that is there and right; the rest are named in u->damage. A wrong pin is
 * damage at once; a missing one only once the attach completed (its config written last). */
static int pins_open(const char *dev, struct uplink *u)
{
	char path[PATH_MAX], dir_path[PATH_MAX], why[200];
	bool wrong = false, missing = false, port_devs_missing = false, dir_known, trusted;
	struct uplink_place place;
	struct stat dir;
	int err, fd;

	if (uplink_place_get(dev, &place) == 0)
		snprintf(u->label, sizeof(u->label), "%s", place.label);
	dir_known =
		pin_path(dir_path, sizeof(dir_path), dev, NULL) == 0 && stat(dir_path, &dir) == 0;
	trusted = dir_known && pins_checked(dev, &dir);
	checked.dev[0] = '\0';
	for (size_t i = 0; i < N_OBJECTS; i++) {
		err = pin_path(path, sizeof(path), dev, uplink_objects[i].name);
		fd = err ? err : bpf_obj_get(path);
		if (fd == -ENOENT) {
			damage_note(u, uplink_objects[i].name, "is missing");
			if (uplink_objects[i].offset == offsetof(struct uplink, fd_port_devs))
				port_devs_missing = true;
			else
				missing = true;
			continue;
		}
		if (fd < 0)
			return fd;
		err = trusted ? 0 : pin_spec_check(uplink_objects[i].name, fd, why, sizeof(why));
		if (err == -EUCLEAN) {
			damage_note(u, uplink_objects[i].name, why);
			wrong = true;
			close(fd);
			continue;
		}
		*fd_of(u, i) = fd;
		if (err)
			return err;
	}
	if (u->fd_config >= 0) {
		err = config_read(u);
		if (err)
			return err;
	}
	if (wrong)
		return -EUCLEAN;
	if (!u->cfg.uplink_ifindex)
		return -ENOENT; /* an attach that never finished */
	u->only_port_devs_missing = port_devs_missing && !missing;
	if (missing || port_devs_missing)
		return -EUCLEAN;
	/* The directory as it was before the pins were opened: a change since shows next time. */
	if (dir_known) {
		snprintf(checked.dev, sizeof(checked.dev), "%s", dev);
		checked.dir = dir;
	}
	return 0;
}

void uplink_damage_warn(const struct uplink *u)
{
	if (u->only_port_devs_missing) {
		pr_warn("%s: an attach was interrupted (pin port_devs is missing; the datapath still "
			"steers): run 'nsteer attach %s' with its options again\n",
			u->dev, u->dev);
		return;
	}
	pr_warn("%s's pinned state is damaged: %s. Run 'nsteer detach %s --ports' and 'nsteer "
		"attach %s', then add its ports again\n",
		u->dev, u->damage, u->dev, u->dev);
}

int uplink_open_damaged(const char *dev, struct uplink *u)
{
	int err;

	uplink_init(u, dev);
	err = table_make(u);
	if (!err)
		err = bpffs_ensure_mounted();
	if (!err)
		err = pins_open(dev, u);
	if (err && err != -EUCLEAN)
		uplink_close(u);
	return err;
}

int uplink_open(const char *dev, struct uplink *u, bool quiet)
{
	int err = uplink_open_damaged(dev, u);

	if (!err)
		return 0;
	if (err == -EUCLEAN)
		uplink_close(u);
	if (!quiet)
		uplink_open_warn(dev, u, err);
	return err;
}

void uplink_open_warn(const char *dev, const struct uplink *u, int err)
{
	if (err == -EUCLEAN)
		uplink_damage_warn(u);
	else
		pr_warn("%s is not attached (%s); run 'nsteer attach %s' first\n", dev,
			err == -ENOENT ? "no complete state in " NSTEER_PIN_ROOT : strerror(-err),
			dev);
}

int uplink_from_object(const char *dev, struct bpf_object *obj, struct uplink *u)
{
	struct bpf_program *prog;
	struct bpf_map *map;
	int fd, err = 0;

	uplink_init(u, dev);
	snprintf(u->label, sizeof(u->label), "%s", dev);
	err = table_make(u);
	for (size_t i = 0; i < N_OBJECTS && !err; i++) {
		bool is_prog = !strcmp(uplink_objects[i].name, NSTEER_PIN_PROG_TC_PORT);

		/* The program is pinned under another name than the object gives it. */
		map = is_prog ? NULL : bpf_object__find_map_by_name(obj, uplink_objects[i].name);
		prog = is_prog ? bpf_object__find_program_by_name(obj, "nsteer_tc_port") : NULL;
		fd = map ? bpf_map__fd(map) : prog ? bpf_program__fd(prog) : -ENOENT;
		*fd_of(u, i) = fd < 0 ? fd : dup(fd);
		if (*fd_of(u, i) < 0)
			err = fd < 0 ? fd : -errno;
	}
	if (!err)
		config_read(u);
	if (err)
		uplink_close(u);
	return err;
}

int uplink_config_write(const struct uplink *u, const struct nsteer_config *cfg)
{
	__u32 zero = 0;

	return bpf_map_update_elem(u->fd_config, &zero, cfg, BPF_ANY);
}

int uplink_config_peek(const char *dev, struct nsteer_config *cfg)
{
	char path[PATH_MAX];
	__u32 zero = 0;
	int fd, err = pin_path(path, sizeof(path), dev, "uplink_config");

	if (err)
		return err;
	fd = bpf_obj_get(path);
	if (fd < 0)
		return fd;
	err = bpf_map_lookup_elem(fd, &zero, cfg);
	close(fd);
	return err;
}

static int port_order(const void *a, const void *b)
{
	const struct nsteer_port *p = a, *q = b;
	int c = strcmp(p->netns, q->netns);

	return c ? c : strcmp(p->ifname, q->ifname);
}

static int table_read(const struct uplink *u, struct port_table *t)
{
	__u32 keys[NSTEER_PORTS_MAX], batch, count;
	void *in = NULL;
	int err;

	t->n = 0;
	/* One syscall for the whole table: `batch` adds thousands of ports. */
	do {
		count = NSTEER_PORTS_MAX - t->n;
		err = bpf_map_lookup_batch(u->fd_port_by_ifindex, in, &batch, keys + t->n,
					   t->ports + t->n, &count, NULL);
		if (err && err != -ENOENT)
			return err;
		t->n += count;
		in = &batch;
	} while (!err && t->n < NSTEER_PORTS_MAX);
	qsort(t->ports, t->n, sizeof(t->ports[0]), port_order);
	t->loaded = true;
	return 0;
}

const struct port_table *uplink_table(const struct uplink *u)
{
	int err = !u->table ? -ENOMEM : u->fd_port_by_ifindex < 0 ? -EBADF : 0;

	if (!err && !u->table->loaded)
		err = table_read(u, u->table);
	if (err) {
		errno = -err;
		return NULL;
	}
	return u->table;
}

const struct nsteer_port *port_table_find(const struct port_table *t, __u32 ifindex)
{
	for (__u32 i = 0; i < t->n; i++)
		if (t->ports[i].ifindex == ifindex)
			return &t->ports[i];
	return NULL;
}

/* The snapshot follows each change made to the map; one not read yet reads it when first used. */
static void table_insert(struct port_table *t, const struct nsteer_port *port)
{
	__u32 at = 0;

	if (!t || !t->loaded || t->n == NSTEER_PORTS_MAX)
		return;
	while (at < t->n && port_order(&t->ports[at], port) <= 0)
		at++;
	memmove(&t->ports[at + 1], &t->ports[at], (t->n - at) * sizeof(t->ports[0]));
	t->ports[at] = *port;
	t->n++;
}

static void table_remove(struct port_table *t, __u32 ifindex)
{
	const struct nsteer_port *p = t && t->loaded ? port_table_find(t, ifindex) : NULL;
	__u32 at = p ? p - t->ports : 0;

	if (!p)
		return;
	memmove(&t->ports[at], &t->ports[at + 1], (t->n - at - 1) * sizeof(t->ports[0]));
	t->n--;
}

const struct nsteer_port *host_port_of(const struct port_table *t)
{
	for (__u32 i = 0; i < t->n; i++)
		if (t->ports[i].flags & NSTEER_PORT_HOST)
			return &t->ports[i];
	return NULL;
}

__u32 slot_free(const struct port_table *t)
{
	bool used[NSTEER_SLOTS] = { false };
	__u32 slot;

	for (__u32 i = 0; i < t->n; i++)
		if (t->ports[i].slot < NSTEER_SLOTS)
			used[t->ports[i].slot] = true;
	for (slot = 1; slot < NSTEER_SLOTS && used[slot]; slot++)
		;
	return slot < NSTEER_SLOTS ? slot : 0;
}

/* Raises slots_used in the pinned config so that floods reach slot. */
static int slots_cover(const struct uplink *u, __u32 slot)
{
	struct nsteer_config cfg;
	__u32 zero = 0;
	int err = bpf_map_lookup_elem(u->fd_config, &zero, &cfg);

	if (err || cfg.slots_used > slot)
		return err;
	cfg.slots_used = slot + 1;
	err = uplink_config_write(u, &cfg);
	if (!err)
		fault_point("slot:slots-used-raised");
	return err;
}

int slot_register(const struct uplink *u, const struct nsteer_port *port)
{
	struct nsteer_slot entry = {
		.vlan = port->vlan,
		.ifindex = port->ifindex,
		.flags = port->flags & NSTEER_PORT_HOST,
	};
	__u32 ifindex = port->ifindex;
	int err = counters_reset(u, port->slot);

	memcpy(entry.mac, port->mac, 6);
	if (!err) {
		fault_point("slot:counters-reset");
		err = bpf_map_update_elem(u->fd_port_by_ifindex, &ifindex, port, BPF_NOEXIST);
	}
	if (!err) {
		fault_point("slot:registered");
		table_insert(u->table, port);
		err = bpf_map_update_elem(u->fd_port_devs, &port->slot, &ifindex, BPF_ANY);
	}
	if (!err) {
		fault_point("slot:port-devs-set");
		err = bpf_map_update_elem(u->fd_port_slots, &port->slot, &entry, BPF_ANY);
	}
	if (!err) {
		fault_point("slot:port-slots-set");
		err = slots_cover(u, port->slot);
	}
	return err;
}

int slot_release(const struct uplink *u, const struct nsteer_port *port)
{
	__u32 ifindex = port->ifindex;
	int err = bpf_map_delete_elem(u->fd_port_by_ifindex, &ifindex);

	if (!err || err == -ENOENT)
		table_remove(u->table, ifindex);
	return err;
}

int port_record_update(const struct uplink *u, const struct nsteer_port *port)
{
	__u32 ifindex = port->ifindex;
	int err = bpf_map_update_elem(u->fd_port_by_ifindex, &ifindex, port, BPF_EXIST);
	const struct nsteer_port *p =
		err || !u->table || !u->table->loaded ? NULL : port_table_find(u->table, ifindex);

	if (p)
		u->table->ports[p - u->table->ports] = *port;
	return err;
}

static struct nsteer_port_key key_of(const struct nsteer_port *port)
{
	struct nsteer_port_key key = { .vlan = port->vlan };

	memcpy(key.mac, port->mac, 6);
	return key;
}

/* Puts a port into mac_index: into its entry if free, else counted as overflow (it is found
 * through the "ports" hash then). */
static int index_insert(const struct uplink *u, const struct nsteer_port *port)
{
	__u32 idx = nsteer_index_of(port->mac, port->vlan);
	struct nsteer_index_entry e;
	int err = bpf_map_lookup_elem(u->fd_mac_index, &idx, &e);

	if (err)
		return err;
	if (e.slot)
		e.overflow++;
	else
		e.slot = port->slot;
	return bpf_map_update_elem(u->fd_mac_index, &idx, &e, BPF_ANY);
}

/* Takes a port out of mac_index; when it held the entry, a port that overflowed from the same
 * entry takes its place. */
static int index_remove(const struct uplink *u, const struct nsteer_port *port)
{
	__u32 idx = nsteer_index_of(port->mac, port->vlan);
	struct nsteer_index_entry e;
	const struct port_table *t;
	int err = bpf_map_lookup_elem(u->fd_mac_index, &idx, &e);

	if (err)
		return err;
	if (e.slot != port->slot) {
		if (e.overflow)
			e.overflow--;
		return bpf_map_update_elem(u->fd_mac_index, &idx, &e, BPF_ANY);
	}
	e.slot = 0;
	t = e.overflow ? uplink_table(u) : NULL;
	for (__u32 i = 0; t && i < t->n; i++) {
		const struct nsteer_port *q = &t->ports[i];

		if (q->slot != port->slot && nsteer_index_of(q->mac, q->vlan) == idx) {
			e.slot = q->slot;
			e.overflow--;
			break;
		}
	}
	return bpf_map_update_elem(u->fd_mac_index, &idx, &e, BPF_ANY);
}

int port_publish(const struct uplink *u, const struct nsteer_port *port)
{
	struct nsteer_port_key key = key_of(port);
	struct nsteer_port_dest dest = {
		.ifindex = port->ifindex,
		.slot = port->slot,
		.flags = port->flags & NSTEER_PORT_HOST,
	};
	/* The index first: a kill between the two leaves a port the index steers to but that is not
	 * published, which re-running port add takes down (port_unpublish gives the entry back) and
	 * builds again. The other order left a published port that the index did not know. */
	int err = index_insert(u, port);

	if (err)
		return err;
	fault_point("publish:index-entry-set");
	err = bpf_map_update_elem(u->fd_ports, &key, &dest, BPF_NOEXIST);
	if (!err)
		fault_point("publish:ports-entry-added");
	return err;
}

/* The index entry of port names its slot. */
static bool index_names(const struct uplink *u, const struct nsteer_port *port)
{
	__u32 idx = nsteer_index_of(port->mac, port->vlan);
	struct nsteer_index_entry e;

	return bpf_map_lookup_elem(u->fd_mac_index, &idx, &e) == 0 && e.slot == port->slot;
}

void port_unpublish(const struct uplink *u, const struct nsteer_port *port)
{
	struct nsteer_port_key key = key_of(port);
	struct nsteer_slot no_port = { 0 };
	__u32 slot = port->slot;
	bool published = bpf_map_delete_elem(u->fd_ports, &key) == 0;

	if (published)
		fault_point("unpublish:ports-entry-deleted");
	/* Only a port that was published has a place in the index to give back, also when a
	 * publishing (index first) or an unpublishing (ports first) killed between the two left
	 * the index entry without the "ports" one. */
	if ((published || index_names(u, port)) && index_remove(u, port) == 0)
		fault_point("unpublish:index-entry-cleared");
	if (bpf_map_update_elem(u->fd_port_slots, &slot, &no_port, BPF_ANY) == 0)
		fault_point("unpublish:port-slots-cleared");
	if (bpf_map_delete_elem(u->fd_port_devs, &slot) == 0)
		fault_point("unpublish:port-devs-deleted");
}

bool port_in_devmap(const struct uplink *u, const struct nsteer_port *port)
{
	__u32 ifindex = 0;

	return bpf_map_lookup_elem(u->fd_port_devs, &port->slot, &ifindex) == 0 &&
	       ifindex == port->ifindex;
}

bool port_is_published(const struct uplink *u, const struct nsteer_port *port)
{
	struct nsteer_port_key key = key_of(port);
	struct nsteer_port_dest dest;

	__u32 idx = nsteer_index_of(port->mac, port->vlan);
	struct nsteer_index_entry e;

	/* Both entries: a publishing killed between the index and the "ports" entry left a port
	 * that frames reach only while it holds its index entry (not as an overflow). */
	return bpf_map_lookup_elem(u->fd_ports, &key, &dest) == 0 &&
	       dest.ifindex == port->ifindex &&
	       bpf_map_lookup_elem(u->fd_mac_index, &idx, &e) == 0 &&
	       (e.slot == port->slot || e.overflow);
}

int counters_reset(const struct uplink *u, __u32 slot)
{
	int ncpus = libbpf_num_possible_cpus(), err;
	void *zeros;

	if (ncpus < 0)
		return ncpus;
	zeros = calloc(ncpus, sizeof(struct nsteer_counters));
	if (!zeros)
		return -ENOMEM;
	err = bpf_map_update_elem(u->fd_counters, &slot, zeros, BPF_ANY);
	free(zeros);
	return err;
}

/* The frames XDP redirected to a port and its veth refused (see NSTEER_DROP_PORT_REJECTED). A
 * port's veth is new with the port, as its counters are, so the two counts start together. Not
 * knowable (the host end gone): status reports that, the count just stays the datapath's. */
static void port_rejects_add(const struct uplink *u, __u32 slot, struct nsteer_counters *sum)
{
	struct nsteer_slot entry;
	__u64 refused;

	if (bpf_map_lookup_elem(u->fd_port_slots, &slot, &entry) == 0 && entry.ifindex &&
	    ethtool_stats_sum(entry.ifindex, "_xdp_xmit_errors", &refused) == 0)
		sum->drops[NSTEER_DROP_PORT_REJECTED] += refused;
}

int counters_sum(const struct uplink *u, __u32 slot, struct nsteer_counters *sum)
{
	int ncpus = libbpf_num_possible_cpus();
	struct nsteer_counters *per_cpu;
	int err;

	if (ncpus < 0)
		return ncpus;
	per_cpu = calloc(ncpus, sizeof(*per_cpu));
	err = per_cpu ? bpf_map_lookup_elem(u->fd_counters, &slot, per_cpu) : -ENOMEM;
	memset(sum, 0, sizeof(*sum));
	for (int cpu = 0; !err && cpu < ncpus; cpu++) {
		__u64 *dst = (__u64 *)sum;
		const __u64 *src = (const __u64 *)&per_cpu[cpu];

		for (size_t i = 0; i < sizeof(*sum) / sizeof(__u64); i++)
			dst[i] += src[i];
	}
	free(per_cpu);
	if (!err && slot != NSTEER_SLOT_UPLINK)
		port_rejects_add(u, slot, sum);
	return err;
}

/* ---- the public listing API: one open per call ---- */

struct uplink_cb_ctx {
	nsteer_uplink_cb cb;
	void *ctx;
};

static int uplink_dir_visit(const char *dev, const struct uplink_place *p, void *arg)
{
	struct uplink_cb_ctx *c = arg;

	(void)p;
	return c->cb(dev, c->ctx);
}

int nsteer_for_each_uplink(nsteer_uplink_cb cb, void *ctx)
{
	struct uplink_cb_ctx c = { cb, ctx };
	int err = bpffs_ensure_mounted();

	return err ? err : uplink_dirs_each(uplink_dir_visit, &c);
}

int nsteer_for_each_port(const char *dev, nsteer_port_cb cb, void *ctx)
{
	struct port_table *t = NULL;
	struct uplink u;
	int err = uplink_open(dev, &u, false);

	/* The table is the callbacks' own, and the uplink closed: they may call the library. */
	if (!err && !uplink_table(&u))
		err = -errno;
	if (!err) {
		t = u.table;
		u.table = NULL;
	}
	uplink_close(&u);
	for (__u32 i = 0; !err && i < t->n; i++)
		err = cb(dev, &t->ports[i], ctx);
	free(t);
	return err;
}
