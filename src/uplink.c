// SPDX-License-Identifier: GPL-2.0
/* Attach and detach: loading the datapath for one uplink, pinning its state, and taking it away
 * again. Re-attaching replaces programs in an order that keeps every frame steered: tc filters
 * are swapped atomically first, and since tc implements the whole datapath, the moment between
 * removing the old XDP program and adding the new one costs speed, never correctness. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <xdp/libxdp.h>

#include "attach.h"
#include "nic.h"
#include "hash.h"
#include "log.h"
#include "netlink.h"
#include "nsteer.skel.h"
#include "pins.h"
#include "port.h"
#include "uplink.h"

const char *mode_name(enum nsteer_mode mode)
{
	switch (mode) {
	case NSTEER_MODE_BRIDGE: return "bridge";
	case NSTEER_MODE_PRIVATE: return "private";
	case NSTEER_MODE_VEPA: return "vepa";
	}
	return "?";
}

const char *unknown_name(enum nsteer_unknown unknown)
{
	return unknown == NSTEER_UNKNOWN_DROP ? "drop" : "pass";
}

int dev_ifindex(const char *dev)
{
	unsigned int ifindex = 0;

	if (dev_name_valid(dev))
		ifindex = if_nametoindex(dev);
	if (!ifindex) {
		pr_warn("Unknown device '%s'\n", dev);
		return -ENODEV;
	}
	return ifindex;
}

static uint64_t build_id(void)
{
	size_t size;
	const void *elf = nsteer_bpf__elf_bytes(&size);

	return fnv1a64(FNV64_OFFSET, elf, size);
}

static int open_pinned(const char *dev, const char *name)
{
	char path[PATH_MAX];
	int err = pin_path(path, sizeof(path), dev, name);

	return err ? err : bpf_obj_get(path);
}

void uplink_close(struct uplink *u)
{
	int *fds[] = { &u->fd_config, &u->fd_ports, &u->fd_port_by_ifindex, &u->fd_port_devs,
		       &u->fd_counters, &u->fd_port_slots, &u->fd_mac_index, &u->fd_mld_listeners,
		       &u->fd_mld_snooped, &u->fd_prog_tc_port, &u->fd_nic_holds };

	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++) {
		if (*fds[i] >= 0)
			close(*fds[i]);
		*fds[i] = -1;
	}
}

int uplink_open(const char *dev, struct uplink *u, bool quiet)
{
	struct {
		int *fd;
		const char *name;
	} pins[] = {
		{ &u->fd_config, "uplink_config" },     { &u->fd_ports, "ports" },
		{ &u->fd_port_by_ifindex, "port_by_ifindex" }, { &u->fd_port_devs, "port_devs" },
		{ &u->fd_counters, "counters" },        { &u->fd_port_slots, "port_slots" },
		{ &u->fd_mac_index, "mac_index" },     { &u->fd_mld_listeners, "mld_listeners" },
		{ &u->fd_mld_snooped, "mld_snooped" },
		{ &u->fd_prog_tc_port, NSTEER_PIN_PROG_TC_PORT }, { &u->fd_nic_holds, "nic_holds" },
	};
	__u32 zero = 0;
	int err;

	memset(u, 0, sizeof(*u));
	snprintf(u->dev, sizeof(u->dev), "%s", dev);
	for (size_t i = 0; i < sizeof(pins) / sizeof(pins[0]); i++)
		*pins[i].fd = -1;
	err = bpffs_ensure_mounted();
	if (err)
		return err;
	for (size_t i = 0; i < sizeof(pins) / sizeof(pins[0]); i++) {
		*pins[i].fd = open_pinned(dev, pins[i].name);
		if (*pins[i].fd < 0) {
			err = *pins[i].fd;
			goto fail;
		}
	}
	err = bpf_map_lookup_elem(u->fd_config, &zero, &u->cfg);
	if (err)
		goto fail;
	if (!u->cfg.uplink_ifindex) {
		err = -ENOENT; /* an attach that never finished */
		goto fail;
	}
	return 0;
fail:
	if (!quiet)
		pr_warn("%s is not attached (%s); run 'nsteer attach %s' first\n", dev,
			err == -ENOENT ? "no complete state in " NSTEER_PIN_ROOT : strerror(-err), dev);
	uplink_close(u);
	return err == -ENOENT ? -ENOENT : err;
}

int uplink_config_write(const struct uplink *u, const struct nsteer_config *cfg)
{
	__u32 zero = 0;

	return bpf_map_update_elem(u->fd_config, &zero, cfg, BPF_ANY);
}

int uplink_slots_cover(const struct uplink *u, __u32 slot)
{
	struct nsteer_config cfg;
	__u32 zero = 0;
	int err = bpf_map_lookup_elem(u->fd_config, &zero, &cfg);

	if (err || cfg.slots_used > slot)
		return err;
	cfg.slots_used = slot + 1;
	return uplink_config_write(u, &cfg);
}

/* Everything is where this exact nsteer would have put it: attach has nothing to redo. */
static bool programs_current(const struct uplink *u, int ifindex,
			     const struct nsteer_attach_opts *o)
{
	struct xdp_found xdp;
	__u32 tc_id;
	bool has_xdp = xdp_find_ours(ifindex, &xdp) == 0;

	if (u->cfg.uplink_ifindex != (__u32)ifindex || u->cfg.build_id != build_id() ||
	    u->cfg.xdp_mode != o->xdp_mode || tc_ingress_prog_id(ifindex, &tc_id))
		return false;
	if (o->xdp_mode == NSTEER_XDP_OFF)
		return !has_xdp;
	return has_xdp && xdp.mode == o->xdp_mode;
}

static int pin_prog(struct bpf_program *prog, const char *dev, const char *name)
{
	char path[PATH_MAX];
	int err = pin_path(path, sizeof(path), dev, name);

	if (err)
		return err;
	unlink(path); /* a previous build's program */
	return bpf_program__pin(prog, path);
}

struct port_retarget {
	int prog_fd;
	int fd_port_devs;
	int err;
};

/* Moves a port onto newly loaded programs and maps: its tc filter, and its port_devs entry. */
static int retarget_port(const char *dev, const struct nsteer_port *port, void *ctx)
{
	struct port_retarget *r = ctx;
	__u32 ifindex = port->ifindex;
	int err = tc_ingress_attach(port->ifindex, r->prog_fd, NULL);

	if (!err)
		err = bpf_map_update_elem(r->fd_port_devs, &port->slot, &ifindex, BPF_ANY);
	(void)dev;
	if (err && !r->err) {
		pr_warn("Couldn't update the program of port %s (%s): %s\n", port->netns,
			port->host_ifname, strerror(-err));
		r->err = err;
	}
	return 0;
}

int counters_reset(int fd_counters, __u32 slot)
{
	int ncpus = libbpf_num_possible_cpus(), err;
	void *zeros;

	if (ncpus < 0)
		return ncpus;
	zeros = calloc(ncpus, sizeof(struct nsteer_counters));
	if (!zeros)
		return -ENOMEM;
	err = bpf_map_update_elem(fd_counters, &slot, zeros, BPF_ANY);
	free(zeros);
	return err;
}

/* Pinned maps of an earlier attach are reused, so ports survive a program upgrade. libbpf's own
 * reuse (pin_path) refuses devmaps, whose flags the kernel amends (BPF_F_RDONLY_PROG), so the
 * check of what matters is done here and the fd handed over; new maps get pinned on load. */
static int reuse_or_pin(struct bpf_map *map, const char *dev)
{
	struct bpf_map_info info = { 0 };
	__u32 len = sizeof(info);
	char path[PATH_MAX];
	int fd, err = pin_path(path, sizeof(path), dev, bpf_map__name(map));

	if (err)
		return err;
	fd = bpf_obj_get(path);
	if (fd < 0)
		return fd == -ENOENT ? bpf_map__set_pin_path(map, path) : fd;
	err = bpf_obj_get_info_by_fd(fd, &info, &len);
	if (!err && (info.type != bpf_map__type(map) || info.key_size != bpf_map__key_size(map) ||
		     info.value_size != bpf_map__value_size(map) ||
		     info.max_entries != bpf_map__max_entries(map))) {
		pr_warn("%s was pinned by an incompatible nsteer; run 'nsteer detach %s --ports' and "
			"attach again\n", path, dev);
		err = -EINVAL;
	}
	if (!err)
		err = bpf_map__reuse_fd(map, fd);
	close(fd);
	return err;
}

/* The driver behind dev's parent device ("" for a device without one: veth, tun, bridge...). */
static void driver_of(const char *dev, char *buf, size_t size)
{
	char path[PATH_MAX], target[PATH_MAX];
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/class/net/%s/device/driver", dev);
	n = readlink(path, target, sizeof(target) - 1);
	target[n > 0 ? n : 0] = '\0';
	snprintf(buf, size, "%s", n > 0 ? strrchr(target, '/') + 1 : "");
}

/* XDP that must not decide because the NIC strips VLAN tags out of its sight. Only a NIC (a
 * device with a driver behind it) strips: a veth reports rxvlan on, but hands XDP each frame as
 * its peer sent it, where the peer's tx offloads are the hazard (see warn_explicit_mode). */
int rx_vlan_stripped(const char *dev)
{
	char driver[64];

	driver_of(dev, driver, sizeof(driver));
	return driver[0] && nl_rx_vlan_strip(dev) == 1;
}

static __u32 rx_vlan_flag(const char *dev, enum nsteer_xdp_mode mode)
{
	return mode != NSTEER_XDP_OFF && rx_vlan_stripped(dev) ? NSTEER_CFG_RX_VLAN_STRIPPED : 0;
}

static int xdp_attach_new(struct nsteer_bpf *skel, const char *dev, int ifindex,
			  enum nsteer_xdp_mode mode, bool quiet)
{
	DECLARE_LIBXDP_OPTS(xdp_program_opts, opts, .obj = skel->obj,
			    .prog_name = mode == NSTEER_XDP_SKB ? NSTEER_XDP_SKB_PROG_NAME
								: NSTEER_XDP_PROG_NAME);
	struct xdp_program *prog;
	int err;

	/* Only the chosen XDP program is loaded; libxdp loads the rest of the object with it. */
	bpf_program__set_autoload(mode == NSTEER_XDP_SKB ? skel->progs.nsteer_xdp
							 : skel->progs.nsteer_xdp_skb, false);
	prog = xdp_program__create(&opts);
	err = libxdp_get_error(prog);
	if (err) {
		pr_warn("Couldn't prepare the XDP program: %s\n", strerror(-err));
		return err;
	}
	/* libxdp builds its dispatcher without frags unless told (it ignores the section name), and
	 * a non-frags program caps a veth peer's MTU: jumbo uplinks would refuse the attach. */
	if (mode == NSTEER_XDP_NATIVE)
		xdp_program__set_xdp_frags_support(prog, true);
	/* libxdp loads the whole object here, tc programs included. */
	err = xdp_program__attach(prog, ifindex,
				  mode == NSTEER_XDP_SKB ? XDP_MODE_SKB : XDP_MODE_NATIVE, 0);
	if (err && !quiet)
		pr_warn("Couldn't attach XDP to %s in %s mode: %s%s\n", dev, xdp_mode_name(mode),
			strerror(-err), mode == NSTEER_XDP_NATIVE ? " (try --xdp-mode skb or off)" : "");
	xdp_program__close(prog); /* the kernel holds the attached program */
	return err;
}

static int load_and_attach(const char *dev, int ifindex, const struct nsteer_attach_opts *o,
			   __u32 choice_flags, const struct nsteer_config *old)
{
	bool fresh = !old, created_qdisc = false;
	struct nsteer_config cfg = {
		.uplink_ifindex = ifindex, .mode = o->mode, .unknown = o->unknown,
		.xdp_mode = o->xdp_mode, .build_id = build_id(),
		.slots_used = old && old->slots_used ? old->slots_used : 1,
	};
	struct port_retarget retarget = { 0 };
	char path[PATH_MAX];
	struct uplink u;
	struct bpf_map *map;
	struct nsteer_bpf *skel;
	int err;

	skel = nsteer_bpf__open();
	if (!skel) {
		pr_warn("Couldn't open the BPF object: %s\n", strerror(errno));
		return -errno;
	}

	/* port_devs is made anew on every load: the kernel binds a devmap to the frags flavour of
	 * the first XDP program that uses it, and native (frags) and generic (not) programs differ.
	 * It only mirrors port_by_ifindex, and is filled again below. */
	if (!pin_path(path, sizeof(path), dev, "port_devs"))
		unlink(path);
	bpf_object__for_each_map(map, skel->obj) {
		err = reuse_or_pin(map, dev);
		if (err)
			goto out;
	}
	err = pin_path(path, sizeof(path), dev, NULL);
	if (!err && mkdir(path, 0700) < 0 && errno != EEXIST)
		err = -errno;
	if (err) {
		pr_warn("Couldn't create %s: %s\n", path, strerror(-err));
		goto out;
	}

	err = xdp_detach_ours(ifindex);
	if (!err && o->xdp_mode == NSTEER_XDP_OFF) {
		bpf_program__set_autoload(skel->progs.nsteer_xdp, false);
		bpf_program__set_autoload(skel->progs.nsteer_xdp_skb, false);
	}
	if (!err)
		err = o->xdp_mode == NSTEER_XDP_OFF
			      ? nsteer_bpf__load(skel)
			      : xdp_attach_new(skel, dev, ifindex, o->xdp_mode,
					       choice_flags & NSTEER_CFG_XDP_AUTO);
	if (err) {
		if (o->xdp_mode == NSTEER_XDP_OFF)
			pr_warn("Couldn't load the BPF programs: %s\n", strerror(-err));
		goto out;
	}
	err = tc_ingress_attach(ifindex, bpf_program__fd(skel->progs.nsteer_tc_up), &created_qdisc);
	if (err) {
		pr_warn("Couldn't attach the tc program to %s: %s\n", dev, strerror(-err));
		goto out;
	}
	err = pin_prog(skel->progs.nsteer_tc_up, dev, NSTEER_PIN_PROG_TC_UPLINK);
	if (!err)
		err = pin_prog(skel->progs.nsteer_tc_port, dev, NSTEER_PIN_PROG_TC_PORT);
	if (err) {
		pr_warn("Couldn't pin programs under %s: %s\n", NSTEER_PIN_ROOT, strerror(-err));
		goto out;
	}
	if (!fresh) {
		retarget.prog_fd = bpf_program__fd(skel->progs.nsteer_tc_port);
		retarget.fd_port_devs = bpf_map__fd(skel->maps.port_devs);
		nsteer_for_each_port(dev, retarget_port, &retarget);
		err = retarget.err;
		if (err)
			goto out;
	}
	cfg.flags = (old ? old->flags & NSTEER_CFG_OWN_CLSACT : 0) |
		    (created_qdisc ? NSTEER_CFG_OWN_CLSACT : 0) |
		    (o->host_access ? NSTEER_CFG_HOST_ACCESS : 0) | choice_flags |
		    rx_vlan_flag(dev, o->xdp_mode);
	u.fd_config = bpf_map__fd(skel->maps.uplink_config);
	err = uplink_config_write(&u, &cfg);
	if (err)
		pr_warn("Couldn't write the configuration: %s\n", strerror(-err));
out:
	nsteer_bpf__destroy(skel);
	if (err && fresh) {
		xdp_detach_ours(ifindex);
		tc_ingress_detach(ifindex);
		if (created_qdisc)
			tc_clsact_destroy(ifindex);
		pin_dir_remove(dev);
	}
	return err;
}

int xdp_mode_reason(const char *dev, const struct nsteer_config *cfg, char *buf, size_t size)
{
	char driver[64];

	if (!(cfg->flags & NSTEER_CFG_XDP_AUTO))
		return snprintf(buf, size, "as asked");
	driver_of(dev, driver, sizeof(driver));
	if (cfg->flags & NSTEER_CFG_XDP_NO_NATIVE)
		return snprintf(buf, size, "auto: driver %s has no native XDP", driver);
	if (cfg->xdp_mode == NSTEER_XDP_NATIVE)
		return snprintf(buf, size, "auto: driver %s hands XDP whole frames", driver);
	if (!driver[0])
		return snprintf(buf, size, "auto: a virtual device, whose XDP cannot see the offloads "
				"(partial checksums, GSO, VLAN tags) of the frames it is handed");
	return snprintf(buf, size, "auto: %s strips VLAN tags before XDP could see them", dev);
}

/* What --xdp-mode auto means on dev: native on a NIC (a device with a driver behind it, virtio_net
 * included), whose XDP sees each frame whole as it came off the wire; off (tc) on everything
 * else. A veth, tun or tap is handed skbs whose checksums, segmentation and VLAN tags are
 * offloaded state beside the data: XDP sees only the data, so redirected frames arrive corrupt
 * or oversized (TCP stalls), where tc handles the real skb. A NIC that strips VLAN tags hides
 * them from XDP too; there XDP would only hand every frame to tc anyway. */
static enum nsteer_xdp_mode auto_mode(const char *dev)
{
	char driver[64];

	driver_of(dev, driver, sizeof(driver));
	if (!driver[0] || rx_vlan_stripped(dev))
		return NSTEER_XDP_OFF;
	return NSTEER_XDP_NATIVE;
}

/* Notes for a mode asked for explicitly where it cannot do its job. */
static void warn_explicit_mode(const char *dev, int ifindex, enum nsteer_xdp_mode mode)
{
	struct nl_sock *sk = nl_sock_open();
	struct nl_link link;
	bool veth = sk && nl_link_get_by_index(sk, ifindex, &link) == 0 && !strcmp(link.kind, "veth");

	nl_sock_close(sk);
	if (mode == NSTEER_XDP_OFF)
		return;
	if (veth)
		pr_warn("note: %s is a veth: TCP through its ports needs its peer's transmit offloads "
			"off (ethtool -K PEER tx off tso off gso off txvlan off); XDP cannot see "
			"offloaded checksums, segments or VLAN tags. --xdp-mode auto picks tc here\n",
			dev);
	if (rx_vlan_stripped(dev))
		pr_warn("note: %s strips VLAN tags on receive, out of XDP's sight: XDP hands every "
			"frame to tc, which sees the tags (ethtool -K %s rxvlan off lets XDP steer)\n",
			dev, dev);
}

/* attach's last step, also when nothing else changed: the NIC's filters hold what the ports
 * need (repairing any drift), and what no port needs any more is given back. */
static int nic_filters_sync(const struct uplink *u)
{
	struct port_table *t = malloc(sizeof(*t));
	int err = t ? uplink_ports(u, t) : -ENOMEM;

	if (!err)
		err = nic_sync(u, t);
	if (err)
		pr_warn("Couldn't set up the address filters of %s: %s\n", u->dev, strerror(-err));
	free(t);
	return err;
}

int nsteer_attach(const char *dev, const struct nsteer_attach_opts *opts)
{
	struct nsteer_attach_opts resolved = *opts, *o = &resolved;
	const __u32 choice_mask = NSTEER_CFG_XDP_AUTO | NSTEER_CFG_XDP_NO_NATIVE |
				  NSTEER_CFG_RX_VLAN_STRIPPED;
	__u32 choice = 0;
	char why[160];
	struct nsteer_config cfg;
	struct uplink u;
	bool attached;
	int ifindex, err;

	ifindex = dev_ifindex(dev);
	if (ifindex < 0)
		return ifindex;
	err = nsteer_lock();
	if (err)
		return err;
	attached = uplink_open(dev, &u, true) == 0;
	if (opts->xdp_mode == NSTEER_XDP_AUTO) {
		o->xdp_mode = auto_mode(dev);
		choice = NSTEER_CFG_XDP_AUTO;
		/* A driver found without native XDP before is not tried again on every attach. */
		if (attached && o->xdp_mode == NSTEER_XDP_NATIVE &&
		    (u.cfg.flags & NSTEER_CFG_XDP_NO_NATIVE) && u.cfg.uplink_ifindex == (__u32)ifindex) {
			o->xdp_mode = NSTEER_XDP_OFF;
			choice |= NSTEER_CFG_XDP_NO_NATIVE;
		}
	}
	if (attached && programs_current(&u, ifindex, o)) {
		cfg = u.cfg;
		cfg.mode = o->mode;
		cfg.unknown = o->unknown;
		cfg.flags = (cfg.flags & ~(NSTEER_CFG_HOST_ACCESS | choice_mask)) |
			    (o->host_access ? NSTEER_CFG_HOST_ACCESS : 0) | choice |
			    rx_vlan_flag(dev, o->xdp_mode);
		if (!memcmp(&cfg, &u.cfg, sizeof(cfg))) {
			pr_info("%s: already attached as asked, nothing changed\n", dev);
		} else {
			err = host_access_set(&u, o->host_access);
			if (!err)
				err = uplink_config_write(&u, &cfg);
			if (!err)
				pr_info("%s: now mode %s, unknown %s%s%s\n", dev, mode_name(o->mode),
					unknown_name(o->unknown),
					o->host_access ? ", host access" : "",
					cfg.flags & NSTEER_CFG_RX_VLAN_STRIPPED
						? ", XDP defers to tc (VLAN tags stripped)" : "");
		}
		if (!err)
			err = nic_filters_sync(&u);
		uplink_close(&u);
		goto out;
	}
	if (attached) {
		cfg = u.cfg;
		uplink_close(&u);
	} else if (pin_dir_exists(dev)) {
		/* An attach that was interrupted: finish it with what is pinned. */
		memset(&cfg, 0, sizeof(cfg));
		attached = true;
	}
	if (!(choice & NSTEER_CFG_XDP_AUTO))
		warn_explicit_mode(dev, ifindex, o->xdp_mode);
	err = load_and_attach(dev, ifindex, o, choice, attached ? &cfg : NULL);
	if (err && (choice & NSTEER_CFG_XDP_AUTO) && o->xdp_mode == NSTEER_XDP_NATIVE) {
		o->xdp_mode = NSTEER_XDP_OFF;
		choice |= NSTEER_CFG_XDP_NO_NATIVE;
		err = load_and_attach(dev, ifindex, o, choice, attached ? &cfg : NULL);
	}
	if (!err && !(err = uplink_open(dev, &u, false))) {
		err = host_access_set(&u, o->host_access);
		if (!err)
			err = nic_filters_sync(&u);
		xdp_mode_reason(dev, &u.cfg, why, sizeof(why));
		cfg = u.cfg;
		uplink_close(&u);
	}
	if (!err)
		pr_info("%s: %s (xdp %s [%s], mode %s, unknown %s)%s\n", dev,
			attached ? "re-attached" : "attached", xdp_mode_name(o->xdp_mode), why,
			mode_name(o->mode), unknown_name(o->unknown),
			cfg.flags & NSTEER_CFG_RX_VLAN_STRIPPED
				? "; VLAN tags are stripped before XDP, so XDP defers to tc" : "");
out:
	nsteer_unlock();
	return err;
}

struct detach_ports {
	const struct uplink *u;
	bool remove;
	int err;
};

static int detach_port(const char *dev, const struct nsteer_port *port, void *ctx)
{
	struct detach_ports *d = ctx;
	int err;

	(void)dev;
	/* Without --ports the veths stay but are no longer steered: their host ends must not keep
	 * a program whose maps are about to be unpinned. */
	/* The host-access port is part of the attachment itself: it always goes. */
	err = d->remove || (port->flags & NSTEER_PORT_HOST) ? port_remove(d->u, port)
							   : tc_ingress_detach(port->ifindex);
	if (err && !d->err)
		d->err = err;
	return 0;
}

int nsteer_detach(const char *dev, bool with_ports)
{
	struct detach_ports d = { .remove = with_ports };
	unsigned int ifindex;
	struct uplink u;
	int err;

	if (!dev_name_valid(dev)) {
		pr_warn("Invalid device name '%s'\n", dev);
		return -EINVAL;
	}
	err = nsteer_lock();
	if (err)
		return err;
	ifindex = if_nametoindex(dev); /* 0: the device is gone, its pins may not be */
	if (!pin_dir_exists(dev) && (!ifindex || xdp_find_ours(ifindex, NULL) == -ENOENT)) {
		if (!ifindex)
			err = dev_ifindex(dev);
		else
			pr_info("%s: not attached, nothing to do\n", dev);
		goto out;
	}
	if (uplink_open(dev, &u, true) == 0) {
		d.u = &u;
		nsteer_for_each_port(dev, detach_port, &d);
		err = d.err;
		if (err) {
			uplink_close(&u);
			goto out;
		}
		/* The NIC gets back exactly what it had: only what nsteer added goes. */
		err = nic_release_all(&u);
		if (err) {
			pr_warn("Couldn't give %s's address filters back: %s\n", dev, strerror(-err));
			uplink_close(&u);
			goto out;
		}
		if (ifindex && (u.cfg.flags & NSTEER_CFG_OWN_CLSACT)) {
			tc_ingress_detach(ifindex);
			tc_clsact_destroy(ifindex);
		}
		uplink_close(&u);
	}
	if (ifindex) {
		err = xdp_detach_ours(ifindex);
		if (!err)
			err = tc_ingress_detach(ifindex);
		if (err) {
			pr_warn("Couldn't detach from %s: %s\n", dev, strerror(-err));
			goto out;
		}
	}
	err = pin_dir_remove(dev);
	if (!err)
		pr_info("%s: detached%s\n", dev, with_ports ? " (ports removed)" : "");
out:
	nsteer_unlock();
	return err;
}

int nsteer_for_each_uplink(nsteer_uplink_cb cb, void *ctx)
{
	struct dirent **names;
	int n, err = bpffs_ensure_mounted();

	if (err)
		return err;
	n = scandir(NSTEER_PIN_ROOT, &names, NULL, alphasort);
	if (n < 0)
		return errno == ENOENT ? 0 : -errno;
	for (int i = 0; i < n; i++) {
		if (!err && names[i]->d_name[0] != '.' && names[i]->d_type == DT_DIR)
			err = cb(names[i]->d_name, ctx);
		free(names[i]);
	}
	free(names);
	return err;
}

int nsteer_config_get(const char *dev, struct nsteer_config *cfg)
{
	struct uplink u;
	int err = uplink_open(dev, &u, false);

	if (!err) {
		*cfg = u.cfg;
		uplink_close(&u);
	}
	return err;
}

int nsteer_counters_get(const char *dev, unsigned int slot, struct nsteer_counters *sum)
{
	int ncpus = libbpf_num_possible_cpus();
	struct nsteer_counters *per_cpu;
	struct uplink u;
	int err;

	if (ncpus < 0)
		return ncpus;
	err = uplink_open(dev, &u, false);
	if (err)
		return err;
	per_cpu = calloc(ncpus, sizeof(*per_cpu));
	err = per_cpu ? bpf_map_lookup_elem(u.fd_counters, &slot, per_cpu) : -ENOMEM;
	memset(sum, 0, sizeof(*sum));
	for (int cpu = 0; !err && cpu < ncpus; cpu++) {
		__u64 *dst = (__u64 *)sum;
		const __u64 *src = (const __u64 *)&per_cpu[cpu];

		for (size_t i = 0; i < sizeof(*sum) / sizeof(__u64); i++)
			dst[i] += src[i];
	}
	free(per_cpu);
	uplink_close(&u);
	return err;
}
