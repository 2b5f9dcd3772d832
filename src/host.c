// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"
#include "pins.h"

struct host_uplink {
	char dir[PATH_MAX]; /* its folder: two names (a rename, a label) may find one uplink */
	struct uplink u;
	int err; /* 0 or -EUCLEAN */
};

void host_init(struct host *h)
{
	memset(h, 0, sizeof(*h));
}

void host_close(struct host *h)
{
	for (unsigned int i = 0; i < h->n; i++) {
		uplink_close(&h->uplinks[i]->u);
		free(h->uplinks[i]);
	}
	free(h->uplinks);
	host_init(h);
}

static struct host_uplink *known(const struct host *h, const char *dir)
{
	for (unsigned int i = 0; i < h->n; i++)
		if (!strcmp(h->uplinks[i]->dir, dir))
			return h->uplinks[i];
	return NULL;
}

/* Only what opened (whole or damaged) is kept: an attach in this command may make the rest. */
static int uplink_take(struct host *h, const char *dev, struct host_uplink **out)
{
	struct host_uplink **grown, *e = calloc(1, sizeof(*e));
	int err = e ? pin_path(e->dir, sizeof(e->dir), dev, NULL) : -ENOMEM;

	*out = err ? NULL : known(h, e->dir);
	if (err || *out) {
		free(e);
		return err;
	}
	e->err = uplink_open_damaged(dev, &e->u);
	grown = e->err && e->err != -EUCLEAN ? NULL
					     : realloc(h->uplinks, (h->n + 1) * sizeof(*grown));
	if (!grown) {
		err = e->err && e->err != -EUCLEAN ? e->err : -ENOMEM;
		uplink_close(&e->u);
		free(e);
		return err;
	}
	e->u.host = h;
	h->uplinks = grown;
	h->uplinks[h->n++] = e;
	*out = e;
	return 0;
}

int host_uplink_damaged(struct host *h, const char *dev, struct uplink **u)
{
	struct host_uplink *e;
	int err = uplink_take(h, dev, &e);

	*u = err ? NULL : &e->u;
	return err ? err : e->err;
}

int host_uplink(struct host *h, const char *dev, bool quiet, struct uplink **u)
{
	int err = host_uplink_damaged(h, dev, u);

	if (err && !quiet)
		uplink_open_warn(dev, *u, err);
	if (err)
		*u = NULL;
	return err;
}

struct walk {
	struct host *h;
	host_uplink_cb cb;
	void *ctx;
};

static int visit(const char *dev, const struct uplink_place *p, void *arg)
{
	struct walk *w = arg;
	struct uplink *u;
	int err = host_uplink_damaged(w->h, dev, &u);

	(void)p;
	return w->cb(dev, u, err, w->ctx);
}

int host_uplinks_each(struct host *h, host_uplink_cb cb, void *ctx)
{
	struct walk w = { h, cb, ctx };
	int err = bpffs_ensure_mounted();

	return err ? err : uplink_dirs_each(visit, &w);
}
