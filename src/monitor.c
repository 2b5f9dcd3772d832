// SPDX-License-Identifier: GPL-2.0
/* The reader of the datapath's drop events (`nsteer monitor`). Each uplink has one ring buffer
 * and one switch, the "monitor" map, that the datapath reads before it describes a drop; a reader
 * owns an uplink's ring by an flock on its pin directory, which the kernel releases when the
 * reader dies, so a killed monitor never blocks the next one. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "log.h"
#include "monitor.h"
#include "pin_spec.h"
#include "pins.h"
#include "state.h"

struct monitor_uplink {
	struct nsteer_monitor *m;
	struct uplink u;
	int fd_dir; /* flocked while this reader owns the ring */
	int fd_switch;
	int fd_events;
	bool reading; /* the switch is ours */
};

struct nsteer_monitor {
	struct ring_buffer *rb;
	struct monitor_uplink *ups;
	unsigned int n_ups;
	struct timespec boot_to_real; /* CLOCK_REALTIME - CLOCK_BOOTTIME when opened */
	bool draining;                /* events a killed reader left: not for this one */
	nsteer_drop_cb cb;
	void *ctx;
	int handled, stop;
};

/* A pin opened and checked against what the datapath declares. */
static int pin_open(const char *dev, const char *name)
{
	char path[PATH_MAX], why[200];
	int fd, err = pin_path(path, sizeof(path), dev, name);

	fd = err ? err : bpf_obj_get(path);
	if (fd == -ENOENT) {
		pr_warn("%s was attached by an nsteer without drop events; run 'nsteer attach %s' "
			"again (in place: its ports stay) to add them\n",
			dev, dev);
		return fd;
	}
	if (fd < 0) {
		pr_warn("Couldn't open %s: %s\n", path, strerror(-fd));
		return fd;
	}
	err = pin_spec_check(name, fd, why, sizeof(why));
	if (err) {
		if (err == -EUCLEAN)
			pr_warn("%s %s; run 'nsteer attach %s' again\n", path, why, dev);
		close(fd);
		return err;
	}
	return fd;
}

int monitor_reader_pid(int fd_switch, __u32 *pid)
{
	__u32 zero = 0;

	*pid = 0;
	return bpf_map_lookup_elem(fd_switch, &zero, pid) ? -errno : 0;
}

int monitor_reader_gone(const char *dev, __u32 *pid)
{
	char path[PATH_MAX];
	int fd_switch, fd_dir, err;

	if (pin_path(path, sizeof(path), dev, "monitor") || (fd_switch = bpf_obj_get(path)) < 0)
		return 0; /* no switch: no reader either */
	err = monitor_reader_pid(fd_switch, pid);
	close(fd_switch);
	if (err || !*pid)
		return 0;
	if (pin_path(path, sizeof(path), dev, NULL) ||
	    (fd_dir = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return 0;
	/* The lock free means its holder is gone; it is let go at once, for the next reader. */
	err = flock(fd_dir, LOCK_EX | LOCK_NB) == 0;
	close(fd_dir);
	return err;
}

static int switch_set(const struct monitor_uplink *up, __u32 pid)
{
	__u32 zero = 0;

	return bpf_map_update_elem(up->fd_switch, &zero, &pid, BPF_ANY) ? -errno : 0;
}

/* The frame as it was on the wire: the tag the NIC moved beside it goes back after the MACs. */
static unsigned int frame_rebuild(const struct nsteer_drop_event *ev, unsigned char *frame)
{
	unsigned int cap =
		ev->cap_len < NSTEER_MONITOR_SNAPLEN ? ev->cap_len : NSTEER_MONITOR_SNAPLEN;
	__u16 tpid, tci;

	if (!ev->vlan_proto || cap < 12) {
		memcpy(frame, ev->data, cap);
		return cap;
	}
	tpid = ntohs(ev->vlan_proto);
	tci = ev->vlan_tci;
	memcpy(frame, ev->data, 12);
	frame[12] = tpid >> 8;
	frame[13] = tpid & 0xff;
	frame[14] = tci >> 8;
	frame[15] = tci & 0xff;
	memcpy(frame + 16, ev->data + 12, cap - 12);
	return cap + 4;
}

void monitor_frame_parse(struct nsteer_drop *d)
{
	const unsigned char *f = d->frame;
	unsigned int off = 12;
	__u16 type;

	d->has_macs = d->frame_len >= 12;
	d->vlan = -1;
	d->ethertype = -1;
	if (!d->has_macs)
		return;
	memcpy(d->dst, f, 6);
	memcpy(d->src, f + 6, 6);
	while (off + 2 <= d->frame_len) {
		type = f[off] << 8 | f[off + 1];
		if (type != 0x8100 && type != 0x88a8) {
			d->ethertype = type;
			return;
		}
		if (off + 4 > d->frame_len)
			return;
		if (d->vlan < 0)
			d->vlan = (f[off + 2] << 8 | f[off + 3]) & 0xfff;
		off += 4;
	}
}

static int on_event(void *ctx, void *data, size_t size)
{
	struct monitor_uplink *up = ctx;
	struct nsteer_monitor *m = up->m;
	const struct nsteer_drop_event *ev = data;
	unsigned char frame[NSTEER_MONITOR_SNAPLEN + 4];
	struct nsteer_port port;
	struct nsteer_slot slot;
	struct nsteer_drop d = { 0 };
	__u64 ns;

	if (m->draining || size < sizeof(*ev))
		return 0;
	d.dev = up->u.dev;
	d.slot = ev->slot;
	d.reason = ev->reason;
	d.len = ev->len + (ev->vlan_proto ? 4 : 0);
	d.frame = frame;
	d.frame_len = frame_rebuild(ev, frame);
	monitor_frame_parse(&d);
	ns = ev->boot_ns + m->boot_to_real.tv_nsec;
	d.time.tv_sec = m->boot_to_real.tv_sec + (time_t)(ns / 1000000000ULL);
	d.time.tv_nsec = (long)(ns % 1000000000ULL);
	/* The port as it is now: one removed since the drop shows as gone (NULL). */
	if (ev->slot != NSTEER_SLOT_UPLINK &&
	    !bpf_map_lookup_elem(up->u.fd_port_slots, &ev->slot, &slot) && slot.ifindex &&
	    !bpf_map_lookup_elem(up->u.fd_port_by_ifindex, &slot.ifindex, &port))
		d.port = &port;
	m->handled++;
	m->stop = m->cb(&d, m->ctx);
	return m->stop;
}

static struct timespec clock_offset(void)
{
	struct timespec real, boot, off;

	clock_gettime(CLOCK_REALTIME, &real);
	clock_gettime(CLOCK_BOOTTIME, &boot);
	off.tv_sec = real.tv_sec - boot.tv_sec;
	off.tv_nsec = real.tv_nsec - boot.tv_nsec;
	if (off.tv_nsec < 0) {
		off.tv_sec--;
		off.tv_nsec += 1000000000L;
	}
	return off;
}

static int uplink_take(struct nsteer_monitor *m, struct monitor_uplink *up, const char *dev)
{
	char path[PATH_MAX];
	__u32 pid;
	int err;

	up->m = m;
	up->fd_dir = up->fd_switch = up->fd_events = -1;
	err = uplink_open(dev, &up->u, false);
	if (err)
		return err;
	up->fd_switch = pin_open(dev, "monitor");
	if (up->fd_switch < 0)
		return up->fd_switch;
	up->fd_events = pin_open(dev, "drop_events");
	if (up->fd_events < 0)
		return up->fd_events;
	err = pin_path(path, sizeof(path), dev, NULL);
	up->fd_dir = err ? err : open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (up->fd_dir < 0)
		return err ?: -errno;
	if (flock(up->fd_dir, LOCK_EX | LOCK_NB) < 0) {
		err = -errno;
		if (err == -EWOULDBLOCK) {
			monitor_reader_pid(up->fd_switch, &pid);
			pr_warn("Another nsteer monitor reads the drops of %s (pid %u); a ring buffer has "
				"one reader\n",
				dev, pid);
			return -EBUSY;
		}
		pr_warn("Couldn't lock %s: %s\n", path, strerror(-err));
		return err;
	}
	if (!m->rb)
		m->rb = ring_buffer__new(up->fd_events, on_event, up, NULL);
	else if (ring_buffer__add(m->rb, up->fd_events, on_event, up))
		return -errno;
	return m->rb ? 0 : -errno;
}

static void uplink_release(struct monitor_uplink *up)
{
	if (up->reading)
		switch_set(up, 0);
	up->reading = false;
	if (up->fd_events >= 0)
		close(up->fd_events);
	if (up->fd_switch >= 0)
		close(up->fd_switch);
	if (up->fd_dir >= 0)
		close(up->fd_dir); /* and with it the lock */
	uplink_close(&up->u);
}

struct dev_list {
	char (*devs)[IF_NAMESIZE];
	unsigned int n;
};

static int dev_note(const char *dev, void *ctx)
{
	struct dev_list *l = ctx;
	char(*grown)[IF_NAMESIZE] = realloc(l->devs, (l->n + 1) * sizeof(*l->devs));

	if (!grown)
		return -ENOMEM;
	l->devs = grown;
	snprintf(l->devs[l->n++], IF_NAMESIZE, "%s", dev);
	return 0;
}

int nsteer_monitor_open(const char *dev, struct nsteer_monitor **out)
{
	struct dev_list l = { 0 };
	struct nsteer_monitor *m;
	int err;

	*out = NULL;
	err = dev ? dev_note(dev, &l) : nsteer_for_each_uplink(dev_note, &l);
	if (!err && !l.n) {
		pr_warn("No uplink is attached; nothing to monitor\n");
		err = -ENOENT;
	}
	m = err ? NULL : calloc(1, sizeof(*m));
	if (m)
		m->ups = calloc(l.n, sizeof(*m->ups));
	if (!err && (!m || !m->ups))
		err = -ENOMEM;
	if (!err)
		m->boot_to_real = clock_offset();
	for (unsigned int i = 0; !err && i < l.n; i++) {
		err = uplink_take(m, &m->ups[i], l.devs[i]);
		m->n_ups++;
	}
	free(l.devs);
	/* What a killed reader left in the rings is stale; then the switches are ours. */
	if (!err) {
		m->draining = true;
		ring_buffer__consume(m->rb);
		m->draining = false;
	}
	for (unsigned int i = 0; !err && i < m->n_ups; i++) {
		err = switch_set(&m->ups[i], (__u32)getpid());
		m->ups[i].reading = !err;
	}
	if (err) {
		nsteer_monitor_close(m);
		return err;
	}
	*out = m;
	return 0;
}

int nsteer_monitor_poll(struct nsteer_monitor *m, int timeout_ms, nsteer_drop_cb cb, void *ctx)
{
	int err;

	m->cb = cb;
	m->ctx = ctx;
	m->handled = 0;
	m->stop = 0;
	err = ring_buffer__poll(m->rb, timeout_ms);
	if (m->stop)
		return m->stop;
	if (err < 0)
		return err;
	/* A detach unpins the ring: the programs that fed it are gone. */
	for (unsigned int i = 0; i < m->n_ups; i++) {
		if (!pin_dir_exists(m->ups[i].u.dev)) {
			pr_warn("%s was detached; its drops are no longer monitored\n",
				m->ups[i].u.dev);
			return -ENODEV;
		}
	}
	return m->handled;
}

void nsteer_monitor_close(struct nsteer_monitor *m)
{
	if (!m)
		return;
	for (unsigned int i = 0; m->ups && i < m->n_ups; i++)
		uplink_release(&m->ups[i]);
	ring_buffer__free(m->rb);
	free(m->ups);
	free(m);
}
