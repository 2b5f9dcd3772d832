// SPDX-License-Identifier: GPL-2.0
/* Attach and detach: loading the datapath for one uplink, pinning its state, and taking it away
 * again. Re-attaching replaces programs in an order that keeps every frame steered: tc programs
 * are swapped atomically first, and since tc implements the whole datapath, the moment between
 * removing the old XDP program and adding the new one costs speed, never correctness. Moving
 * between TCX and clsact adds the new hook before removing the old: TCX runs first, and both
 * programs give final verdicts, so the one that runs steers each frame once. */
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

#include "fault.h"
#include "hooks.h"
#include "host.h"
#include "host_access.h"
#include "log.h"
#include "nic.h"
#include "object.h"
#include "pins.h"
#include "port.h"
#include "uplink_check.h"
#include "xdp_mode.h"

/* Validates a device name and resolves it in the current namespace; reports unknown devices. */
static int dev_ifindex(const char *dev)
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

/* The id of the tc program on dev's uplink, on the hook its configuration names. */
static int tc_prog_of(const char *dev, int ifindex, const struct nsteer_config *cfg, __u32 *id)
{
	char pin[PATH_MAX];
	int err = pin_path(pin, sizeof(pin), dev, NSTEER_PIN_LINK_TCX_UPLINK);

	return err ? err : tc_uplink_prog_id(ifindex, cfg->flags & NSTEER_CFG_TCX ? pin : NULL, id);
}

/* Everything is where this exact nsteer would have put it: attach has nothing to redo. */
static bool programs_current(const struct uplink *u, int ifindex,
			     const struct nsteer_attach_opts *o)
{
	bool tcx = u->cfg.flags & NSTEER_CFG_TCX;
	struct xdp_found xdp;
	__u32 tc_id;
	bool has_xdp = xdp_find_ours(ifindex, &xdp) == 0;

	if (u->cfg.uplink_ifindex != (__u32)ifindex || u->cfg.build_id != object_build_id() ||
	    u->cfg.xdp_mode != o->xdp_mode || tcx != (o->tc_hook == NSTEER_TC_HOOK_TCX) ||
	    tc_prog_of(u->dev, ifindex, &u->cfg, &tc_id))
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
	err = bpf_program__pin(prog, path);
	if (!err)
		fault_point("attach:program-pinned");
	return err;
}

/* The ports of u, or NULL after saying why not. */
static const struct port_table *ports_of(const struct uplink *u)
{
	const struct port_table *t = uplink_table(u);

	if (!t)
		pr_warn("Couldn't read the ports of %s: %s\n", u->dev, strerror(errno));
	return t;
}

/* Moves u's ports onto newly loaded programs and maps: their tc filters, their port_devs entries.
 * A port that fails does not keep the others on the old programs. */
static int ports_retarget(const struct uplink *u)
{
	const struct port_table *t = ports_of(u);
	int err = t ? 0 : -errno;

	for (__u32 i = 0; t && i < t->n; i++) {
		const struct nsteer_port *port = &t->ports[i];
		__u32 ifindex = port->ifindex;
		int e = tc_ingress_attach(ifindex, u->fd_prog_tc_port, NULL);

		if (!e)
			e = bpf_map_update_elem(u->fd_port_devs, &port->slot, &ifindex, BPF_ANY);
		if (!e)
			fault_point("attach:port-retargeted");
		if (e)
			pr_warn("Couldn't update the program of port %s (%s): %s\n", port->netns,
				port->host_ifname, strerror(-e));
		if (e && !err)
			err = e;
	}
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
			"attach again\n",
			path, dev);
		err = -EINVAL;
	}
	if (!err)
		err = bpf_map__reuse_fd(map, fd);
	close(fd);
	return err;
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
							 : skel->progs.nsteer_xdp_skb,
				  false);
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
		pr_warn("Couldn't attach XDP to %s in %s mode: %s%s\n", dev,
			nsteer_name_of(nsteer_xdp_mode_names, mode), strerror(-err),
			mode == NSTEER_XDP_NATIVE ? " (try --xdp-mode skb or off)" : "");
	xdp_program__close(prog); /* the kernel holds the attached program */
	return err;
}

/* Puts skel's tc program on dev through the TCX link at pin. An earlier attach's clsact filter
 * goes once the link steers, and the clsact with it if nsteer made it (cfg says so). While both
 * are attached the link holds the program of final verdicts: TCX's next-program verdict would
 * hand what the link leaves to the stack on to the clsact filter, to be flooded once more. */
static int tc_attach_tcx(const char *dev, int ifindex, struct nsteer_bpf *skel, const char *pin,
			 struct nsteer_config *cfg)
{
	__u32 id;
	bool from_clsact = tc_ingress_prog_id(ifindex, &id) == 0;
	int err = tcx_attach(
		ifindex,
		bpf_program__fd(from_clsact ? skel->progs.nsteer_tc_up : skel->progs.nsteer_tcx_up),
		pin);

	if (err) {
		pr_warn("Couldn't attach the tc program to %s through TCX: %s\n", dev,
			strerror(-err));
		return err;
	}
	err = from_clsact ? tc_ingress_detach(ifindex) : 0;
	/* Also without the filter: a move killed after removing it left the qdisc. */
	if (!err && (cfg->flags & NSTEER_CFG_OWN_CLSACT))
		err = tc_clsact_destroy(ifindex);
	if (err) {
		pr_warn("Couldn't remove the clsact filter of %s: %s\n", dev, strerror(-err));
		return err;
	}
	cfg->flags &= ~NSTEER_CFG_OWN_CLSACT;
	if (!from_clsact)
		return 0;
	err = tcx_attach(ifindex, bpf_program__fd(skel->progs.nsteer_tcx_up), pin);
	if (err)
		pr_warn("Couldn't replace the TCX program of %s: %s\n", dev, strerror(-err));
	return err;
}

/* Puts skel's tc program on dev as a clsact filter, creating the clsact if missing (cfg records
 * that it is nsteer's), then removes an earlier attach's TCX link at pin: first made final, so
 * that the filter, once added, sees no frame the link saw. */
static int tc_attach_clsact(const char *dev, int ifindex, struct nsteer_bpf *skel, const char *pin,
			    const struct nsteer_config *old, struct nsteer_config *cfg,
			    bool *created_qdisc)
{
	int final_fd = bpf_program__fd(skel->progs.nsteer_tc_up);
	__u32 id;
	int err = 0;

	if (tc_uplink_prog_id(ifindex, pin, &id) == 0)
		err = tcx_attach(ifindex, final_fd, pin);
	if (err) {
		pr_warn("Couldn't replace the TCX program of %s: %s\n", dev, strerror(-err));
		return err;
	}
	/* The clsact nsteer creates is detach's to remove, which the configuration records. Written
	 * down before creating it, so that a kill in between cannot lose it: the attach that re-runs
	 * reads it back (uplink_config_peek). */
	if (!(cfg->flags & NSTEER_CFG_OWN_CLSACT) && !tc_clsact_present(ifindex)) {
		struct nsteer_config intent = old ? *old : (struct nsteer_config){ 0 };
		__u32 zero = 0;

		intent.flags |= NSTEER_CFG_OWN_CLSACT;
		err = bpf_map_update_elem(bpf_map__fd(skel->maps.uplink_config), &zero, &intent,
					  BPF_ANY);
		if (err) {
			pr_warn("Couldn't write the configuration: %s\n", strerror(-err));
			return err;
		}
		cfg->flags |= NSTEER_CFG_OWN_CLSACT;
		fault_point("attach:clsact-intent-recorded");
	}
	err = tc_ingress_attach(ifindex, final_fd, created_qdisc);
	if (err) {
		pr_warn("Couldn't attach the tc program to %s: %s\n", dev, strerror(-err));
		return err;
	}
	if (*created_qdisc)
		cfg->flags |= NSTEER_CFG_OWN_CLSACT;
	err = tcx_detach(pin);
	if (err)
		pr_warn("Couldn't detach the TCX link of %s: %s\n", dev, strerror(-err));
	return err;
}

static int load_and_attach(const char *dev, int ifindex, const struct nsteer_attach_opts *o,
			   __u32 choice_flags, const struct nsteer_config *old)
{
	bool fresh = !old, created_qdisc = false;
	struct nsteer_config cfg = {
		.uplink_ifindex = ifindex,
		.mode = o->mode,
		.unknown = o->unknown,
		.xdp_mode = o->xdp_mode,
		.build_id = object_build_id(),
		.slots_used = old && old->slots_used ? old->slots_used : 1,
		.flags = old ? old->flags & (NSTEER_CFG_OWN_CLSACT | NSTEER_CFG_APPLIED) : 0,
	};
	char path[PATH_MAX], tcx_pin[PATH_MAX] = "";
	struct uplink u;
	struct bpf_map *map;
	struct nsteer_bpf *skel;
	int err;

	uplink_init(&u, dev);
	skel = object_open();
	if (!skel) {
		pr_warn("Couldn't open the BPF object: %s\n", strerror(errno));
		return -errno;
	}

	/* port_devs is made anew on every load: the kernel binds a devmap to the frags flavour of
	 * the first XDP program that uses it, and native (frags) and generic (not) programs differ.
	 * It only mirrors port_by_ifindex, and is filled again below. */
	if (!pin_path(path, sizeof(path), dev, "port_devs") && unlink(path) == 0)
		fault_point("attach:old-port-devs-unpinned");
	bpf_object__for_each_map(map, skel->obj) {
		err = reuse_or_pin(map, dev);
		if (err)
			goto out;
	}
	err = pin_dir_create(dev);
	if (err)
		goto out;
	fault_point("attach:pin-dir-created");

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
	fault_point("attach:loaded"); /* maps pinned, XDP attached unless off */
	err = pin_path(tcx_pin, sizeof(tcx_pin), dev, NSTEER_PIN_LINK_TCX_UPLINK);
	if (!err)
		err = o->tc_hook == NSTEER_TC_HOOK_TCX
			      ? tc_attach_tcx(dev, ifindex, skel, tcx_pin, &cfg)
			      : tc_attach_clsact(dev, ifindex, skel, tcx_pin, old, &cfg,
						 &created_qdisc);
	if (err)
		goto out;
	err = pin_prog(skel->progs.nsteer_tc_up, dev, NSTEER_PIN_PROG_TC_UPLINK);
	if (!err)
		err = pin_prog(skel->progs.nsteer_tc_port, dev, NSTEER_PIN_PROG_TC_PORT);
	if (err) {
		pr_warn("Couldn't pin programs under %s: %s\n", NSTEER_PIN_ROOT, strerror(-err));
		goto out;
	}
	err = uplink_from_object(dev, skel->obj, &u);
	if (err)
		pr_warn("Couldn't open the maps just loaded: %s\n", strerror(-err));
	if (!err && !fresh)
		err = ports_retarget(&u);
	if (err)
		goto out;
	cfg.flags = (cfg.flags & (NSTEER_CFG_OWN_CLSACT | NSTEER_CFG_APPLIED)) |
		    (o->applied ? NSTEER_CFG_APPLIED : 0) |
		    (o->tc_hook == NSTEER_TC_HOOK_TCX ? NSTEER_CFG_TCX : 0) |
		    (o->host_access ? NSTEER_CFG_HOST_ACCESS : 0) | choice_flags |
		    xdp_rx_vlan_flag(dev, o->xdp_mode);
	err = uplink_config_write(&u, &cfg);
	if (err)
		pr_warn("Couldn't write the configuration: %s\n", strerror(-err));
	else
		fault_point("attach:config-written");
out:
	uplink_close(&u);
	nsteer_bpf__destroy(skel);
	if (err && fresh) {
		xdp_detach_ours(ifindex);
		tcx_detach(tcx_pin);
		tc_ingress_detach(ifindex);
		if (created_qdisc)
			tc_clsact_destroy(ifindex);
		pin_dir_remove(dev);
	}
	return err;
}

/* attach's last step, also when nothing else changed: the NIC's filters hold what the ports
 * need (repairing any drift), and what no port needs any more is given back. */
static int nic_filters_sync(const struct uplink *u)
{
	const struct port_table *t = uplink_table(u);
	int err = t ? nic_sync(u, t) : -errno;

	if (err)
		pr_warn("Couldn't set up the address filters of %s: %s\n", u->dev, strerror(-err));
	return err;
}

/* The hook o asks for, made concrete: auto takes TCX where the kernel has it. */
static int tc_hook_resolve(const char *dev, int ifindex, struct nsteer_attach_opts *o,
			   __u32 *choice)
{
	bool tcx = tcx_available(ifindex);

	if (o->tc_hook == NSTEER_TC_HOOK_AUTO) {
		o->tc_hook = tcx ? NSTEER_TC_HOOK_TCX : NSTEER_TC_HOOK_CLSACT;
		return 0;
	}
	*choice |= NSTEER_CFG_TC_HOOK_ASKED;
	if (o->tc_hook == NSTEER_TC_HOOK_TCX && !tcx) {
		pr_warn("Couldn't attach to %s through TCX: this kernel has no TCX (Linux 6.6 and "
			"later have); --tc-hook clsact or auto works here\n",
			dev);
		return -EOPNOTSUPP;
	}
	return 0;
}

int nsteer_attach(const char *dev, const struct nsteer_attach_opts *opts)
{
	struct nsteer_attach_opts resolved = *opts, *o = &resolved;
	const __u32 choice_mask = NSTEER_CFG_XDP_AUTO | NSTEER_CFG_XDP_NO_NATIVE |
				  NSTEER_CFG_RX_VLAN_STRIPPED | NSTEER_CFG_TC_HOOK_ASKED;
	__u32 choice = 0;
	char why[160];
	struct uplink_place place;
	struct nsteer_config cfg;
	struct uplink u, *loaded;
	struct host h;
	bool attached;
	int ifindex, err;

	ifindex = dev_ifindex(dev);
	if (ifindex < 0)
		return ifindex;
	err = nsteer_lock();
	if (err)
		return err;
	/* The device dev names now: a vanished device's state under the same name is not its. */
	err = uplink_place_find(dev, true, &place);
	if (!err) {
		host_init(&h);
		err = uplink_dev_check(&h, dev, ifindex);
		host_close(&h);
	}
	if (!err)
		err = tc_hook_resolve(dev, ifindex, o, &choice);
	if (err)
		goto out;
	err = uplink_open(dev, &u, true);
	if (err == -EUCLEAN && u.only_port_devs_missing) {
		/* An attach over this one killed half-way: this one finishes it. */
		err = uplink_open_damaged(dev, &u);
		if (err == -EUCLEAN)
			err = 0;
	} else if (err == -EUCLEAN) {
		uplink_damage_warn(&u); /* re-attaching over it would keep what is wrong */
		goto out;
	}
	attached = !err;
	err = 0;
	if (opts->xdp_mode == NSTEER_XDP_AUTO) {
		o->xdp_mode = xdp_mode_auto(dev);
		choice |= NSTEER_CFG_XDP_AUTO;
		/* A driver found without native XDP before is not tried again on every attach. */
		if (attached && o->xdp_mode == NSTEER_XDP_NATIVE &&
		    (u.cfg.flags & NSTEER_CFG_XDP_NO_NATIVE) &&
		    u.cfg.uplink_ifindex == (__u32)ifindex) {
			o->xdp_mode = NSTEER_XDP_OFF;
			choice |= NSTEER_CFG_XDP_NO_NATIVE;
		}
	}
	if (attached && programs_current(&u, ifindex, o)) {
		cfg = u.cfg;
		cfg.mode = o->mode;
		cfg.unknown = o->unknown;
		cfg.flags = (cfg.flags & ~(NSTEER_CFG_HOST_ACCESS | NSTEER_CFG_DETACHING |
					   NSTEER_CFG_DETACHING_PORTS | choice_mask)) |
			    (o->host_access ? NSTEER_CFG_HOST_ACCESS : 0) | choice |
			    (o->applied ? NSTEER_CFG_APPLIED : 0) |
			    xdp_rx_vlan_flag(dev, o->xdp_mode);
		/* Also when the configuration is as asked: an attach killed after writing it had
		 * not made the host-access port yet. */
		err = host_access_set(&u, o->host_access);
		if (!err && !memcmp(&cfg, &u.cfg, sizeof(cfg))) {
			pr_info("%s: already attached as asked, nothing changed\n", dev);
		} else if (!err) {
			err = uplink_config_write(&u, &cfg);
			if (!err)
				fault_point("attach:config-written");
			if (!err)
				pr_info("%s: now mode %s, unknown %s%s%s\n", dev,
					nsteer_name_of(nsteer_mode_names, o->mode),
					nsteer_name_of(nsteer_unknown_names, o->unknown),
					o->host_access ? ", host access" : "",
					cfg.flags & NSTEER_CFG_RX_VLAN_STRIPPED
						? ", XDP defers to tc (VLAN tags stripped)"
						: "");
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
		/* An attach that was interrupted: finish it with what is pinned, and what it
		 * recorded (the clsact it created) if it got that far. */
		memset(&cfg, 0, sizeof(cfg));
		uplink_config_peek(dev, &cfg);
		attached = true;
	}
	if (!(choice & NSTEER_CFG_XDP_AUTO))
		xdp_mode_warn(dev, ifindex, o->xdp_mode);
	err = load_and_attach(dev, ifindex, o, choice, attached ? &cfg : NULL);
	if (err && (choice & NSTEER_CFG_XDP_AUTO) && o->xdp_mode == NSTEER_XDP_NATIVE) {
		o->xdp_mode = NSTEER_XDP_OFF;
		choice |= NSTEER_CFG_XDP_NO_NATIVE;
		err = load_and_attach(dev, ifindex, o, choice, attached ? &cfg : NULL);
	}
	/* A view of the host taken after the load, which may have replaced pins. */
	host_init(&h);
	if (!err && !(err = host_uplink(&h, dev, false, &loaded))) {
		err = host_access_set(loaded, o->host_access);
		if (!err)
			err = nic_filters_sync(loaded);
		xdp_mode_reason(dev, &loaded->cfg, why, sizeof(why));
		cfg = loaded->cfg;
	}
	host_close(&h);
	if (!err)
		pr_info("%s: %s (xdp %s [%s], tc %s, mode %s, unknown %s)%s\n", dev,
			attached ? "re-attached" : "attached",
			nsteer_name_of(nsteer_xdp_mode_names, o->xdp_mode), why,
			nsteer_name_of(nsteer_tc_hook_names, o->tc_hook),
			nsteer_name_of(nsteer_mode_names, o->mode),
			nsteer_name_of(nsteer_unknown_names, o->unknown),
			cfg.flags & NSTEER_CFG_RX_VLAN_STRIPPED
				? "; VLAN tags are stripped before XDP, so XDP defers to tc"
				: "");
out:
	nsteer_unlock();
	return err;
}

static int tcx_detach_of(const char *dev)
{
	char pin[PATH_MAX];
	int err = pin_path(pin, sizeof(pin), dev, NSTEER_PIN_LINK_TCX_UPLINK);

	return err ? err : tcx_detach(pin);
}

/* Without with_ports the veths stay but are no longer steered: their host ends must not keep a
 * program whose maps are about to be unpinned. The host-access port is part of the attachment
 * itself: it always goes. */
static int detach_ports(const struct uplink *u, bool with_ports)
{
	const struct port_table *t = ports_of(u);
	__u32 *ifindexes = t ? calloc(t->n + 1, sizeof(*ifindexes)) : NULL;
	__u32 n = t ? t->n : 0;
	int err = !t ? -errno : !ifindexes ? -ENOMEM : 0;

	/* By host end, in the table as it is now: removing a port shifts the others, and may hand
	 * the namespace's deletion on to a sibling (its record in the table says so). */
	for (__u32 i = 0; ifindexes && i < n; i++)
		ifindexes[i] = t->ports[i].ifindex;
	for (__u32 i = 0; ifindexes && i < n; i++) {
		const struct nsteer_port *port = port_table_find(t, ifindexes[i]);
		int e = !port ? 0
			: with_ports || (port->flags & NSTEER_PORT_HOST)
				? port_remove(u, port)
				: tc_ingress_detach(port->ifindex);

		if (e && !err)
			err = e;
	}
	free(ifindexes);
	return err;
}

int nsteer_detach(const char *dev, bool with_ports)
{
	struct uplink_place place;
	struct nsteer_config cfg;
	unsigned int ifindex;
	struct uplink *u;
	struct host h;
	int err;

	if (!dev_name_valid(dev)) {
		pr_warn("Invalid device name '%s'\n", dev);
		return -EINVAL;
	}
	err = nsteer_lock();
	if (err)
		return err;
	host_init(&h);
	err = uplink_place_find(dev, false, &place);
	if (err)
		goto out;
	/* 0: the device is gone (deleted, or moved to another namespace), its pins may not be. */
	ifindex = place.dev_here ? place.ifindex : 0;
	if (!place.exists && (!ifindex || xdp_find_ours(ifindex, NULL) == -ENOENT)) {
		if (!ifindex)
			err = dev_ifindex(dev);
		else
			pr_info("%s: not attached, nothing to do\n", dev);
		pin_netns_dir_tidy(); /* a detach killed after removing the uplink's folder */
		goto out;
	}
	if (!place.dev_here)
		pr_info("%s: the device (ifindex %u) is gone; removing what nsteer left of it\n",
			dev, place.ifindex);
	err = host_uplink_damaged(&h, dev, &u);
	if (!err || err == -EUCLEAN) {
		/* Damaged state is taken apart with the pins that are right; without the config,
		 * the device of the pins' name is taken for the uplink. */
		if (u->fd_config < 0) {
			u->cfg.uplink_ifindex = ifindex;
		} else {
			/* Until the pins go, status can tell a detach killed half-way from an
			 * uplink that merely has fewer ports. */
			cfg = u->cfg;
			cfg.flags |= NSTEER_CFG_DETACHING |
				     (with_ports ? NSTEER_CFG_DETACHING_PORTS : 0);
			err = uplink_config_write(u, &cfg);
			if (err) {
				pr_warn("Couldn't write the configuration: %s\n", strerror(-err));
				goto out;
			}
			fault_point("detach:noted");
		}
		if (u->fd_port_by_ifindex < 0)
			pr_warn("%s: the port table is unreadable; its ports stay\n", dev);
		err = u->fd_port_by_ifindex >= 0 ? detach_ports(u, with_ports) : 0;
		if (err) {
			goto out;
		}
		/* The NIC gets back exactly what it had: only what nsteer added goes. */
		err = u->fd_nic_holds >= 0 && ifindex ? nic_release_all(u) : 0;
		if (err) {
			pr_warn("Couldn't give %s's address filters back: %s\n", dev,
				strerror(-err));
			goto out;
		}
		if (ifindex && (u->cfg.flags & NSTEER_CFG_OWN_CLSACT)) {
			tc_ingress_detach(ifindex);
			tc_clsact_destroy(ifindex);
		}
	} else if (ifindex && uplink_config_peek(dev, &cfg) == 0 &&
		   (cfg.flags & NSTEER_CFG_OWN_CLSACT)) {
		/* An attach killed half-way had recorded the clsact it created. */
		tc_ingress_detach(ifindex);
		tc_clsact_destroy(ifindex);
	}
	if (ifindex) {
		err = xdp_detach_ours(ifindex);
		if (!err)
			err = tc_ingress_detach(ifindex);
		if (!err)
			err = tcx_detach_of(dev);
		if (err) {
			pr_warn("Couldn't detach from %s: %s\n", dev, strerror(-err));
			goto out;
		}
	}
	err = pin_dir_remove(dev);
	if (!err)
		pr_info("%s: detached%s\n", dev, with_ports ? " (ports removed)" : "");
out:
	host_close(&h);
	nsteer_unlock();
	return err;
}
