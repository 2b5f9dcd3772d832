// SPDX-License-Identifier: GPL-2.0
/* nsteer-cni: the commands of the CNI spec on top of libnsteer. Each container attachment is a
 * port whose label, "cni:<network>:<container id>:<ifname>", is how DEL, CHECK and GC find it
 * again, also after the namespace is gone, and what `nsteer status` shows. */
#include <errno.h>
#include <net/if.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cni.h"

#define LABEL_NAME_MAX 40

/* The library's last warning: the details of an error that its call returned. */
static char last_warning[1024];

static void log_to_details(enum nsteer_log_level level, const char *fmt, va_list ap)
{
	va_list copy;

	va_copy(copy, ap);
	if (level == NSTEER_LOG_WARN) {
		vsnprintf(last_warning, sizeof(last_warning), fmt, ap);
		last_warning[strcspn(last_warning, "\n")] = '\0';
	}
	/* stdout is the runtime's; stderr goes to its log. */
	if (level != NSTEER_LOG_DEBUG)
		vfprintf(stderr, fmt, copy);
	va_end(copy);
}

static int nsteer_failed(struct cni_error *err, int ret, const char *what)
{
	cni_fail(err, ret == -EBUSY ? CNI_ERR_TRY_AGAIN : CNI_ERR_NSTEER, "%s: %s", what,
		 strerror(-ret));
	snprintf(err->details, sizeof(err->details), "%s", last_warning);
	return -1;
}

static void label_of(const struct cni_conf *conf, const char *container_id, const char *ifname,
		     char buf[NSTEER_NETNS_LEN])
{
	snprintf(buf, NSTEER_NETNS_LEN, "cni:%.*s:%.64s:%s", LABEL_NAME_MAX, conf->name,
		 container_id, ifname);
}

static int is_dev(const char *dev, void *ctx)
{
	return !strcmp(dev, ctx);
}

static bool attached(const char *master)
{
	return nsteer_for_each_uplink(is_dev, (void *)master) == 1;
}

struct port_find {
	const char *label;
	struct nsteer_port port;
	bool found;
};

static int match_label(const char *dev, const struct nsteer_port *p, void *ctx)
{
	struct port_find *f = ctx;

	(void)dev;
	if (strcmp(p->netns, f->label))
		return 0;
	f->port = *p;
	f->found = true;
	return 1;
}

static bool find_port(const char *master, const char *label, struct nsteer_port *out)
{
	struct port_find f = { .label = label };

	if (attached(master))
		nsteer_for_each_port(master, match_label, &f);
	if (f.found)
		*out = f.port;
	return f.found;
}

static int require(const char *value, const char *name, struct cni_error *err)
{
	if (value && *value)
		return 0;
	return cni_fail(err, CNI_ERR_ENV, "%s is missing", name);
}

/* ---- the result ---- */

static bool ip_version_field(const char *version)
{
	return !strncmp(version, "0.", 2); /* 0.3.x and 0.4.0 name each address's family */
}

/* The gateway of the first address of dst's family: where a route without "gw" goes, as the
 * reference plugins read it. */
static const char *gateway_for(json_object *ips, const char *dst)
{
	json_object *v;

	for (size_t i = 0; ips && i < json_object_array_length(ips); i++) {
		json_object *ip = json_object_array_get_idx(ips, i);
		const char *addr = json_object_object_get_ex(ip, "address", &v)
					   ? json_object_get_string(v)
					   : "";

		if (!strchr(addr, ':') == !strchr(dst, ':') &&
		    json_object_object_get_ex(ip, "gateway", &v))
			return json_object_get_string(v);
	}
	return NULL;
}

/* The IPAM result's ips and routes, as port add takes them. The strings point into ipam. */
static int ipam_to_port(json_object *ipam, struct nsteer_port_opts *o, struct cni_error *err)
{
	json_object *ips = NULL, *routes = NULL, *v;

	json_object_object_get_ex(ipam, "ips", &ips);
	json_object_object_get_ex(ipam, "routes", &routes);
	for (size_t i = 0; ips && i < json_object_array_length(ips); i++) {
		if (o->n_addrs == NSTEER_ADDRS_MAX)
			return cni_fail(err, CNI_ERR_NSTEER, "more than %d addresses",
					NSTEER_ADDRS_MAX);
		if (!json_object_object_get_ex(json_object_array_get_idx(ips, i), "address", &v))
			return cni_fail(err, CNI_ERR_DECODE, "an IPAM address without \"address\"");
		o->addrs[o->n_addrs++] = json_object_get_string(v);
	}
	for (size_t i = 0; routes && i < json_object_array_length(routes); i++) {
		json_object *r = json_object_array_get_idx(routes, i), *gw;

		if (o->n_routes == NSTEER_ROUTES_MAX)
			return cni_fail(err, CNI_ERR_NSTEER, "more than %d routes",
					NSTEER_ROUTES_MAX);
		if (!json_object_object_get_ex(r, "dst", &v))
			return cni_fail(err, CNI_ERR_DECODE, "an IPAM route without \"dst\"");
		o->routes[o->n_routes].dst = json_object_get_string(v);
		o->routes[o->n_routes].gw = json_object_object_get_ex(r, "gw", &gw)
						    ? json_object_get_string(gw)
						    : gateway_for(ips, o->routes[o->n_routes].dst);
		o->n_routes++;
	}
	return 0;
}

static json_object *result_of(const struct cni_conf *conf, const struct cni_env *env,
			      const struct nsteer_port *port, json_object *ipam)
{
	json_object *res = json_object_new_object(), *ifs = json_object_new_array(),
		    *iface = json_object_new_object(), *ips = NULL, *v;
	char mac[NSTEER_MAC_STR_LEN];

	json_object_object_add(res, "cniVersion", json_object_new_string(conf->version));
	json_object_object_add(iface, "name", json_object_new_string(env->ifname));
	json_object_object_add(iface, "mac",
			       json_object_new_string(nsteer_mac_format(port->mac, mac)));
	json_object_object_add(iface, "sandbox", json_object_new_string(env->netns));
	json_object_array_add(ifs, iface);
	json_object_object_add(res, "interfaces", ifs);
	if (ipam && json_object_object_get_ex(ipam, "ips", &ips)) {
		json_object *out = json_object_new_array();

		for (size_t i = 0; i < json_object_array_length(ips); i++) {
			json_object *in = json_object_array_get_idx(ips, i),
				    *ip = json_object_new_object();
			const char *addr = json_object_object_get_ex(in, "address", &v)
						   ? json_object_get_string(v)
						   : "";

			if (ip_version_field(conf->version))
				json_object_object_add(
					ip, "version",
					json_object_new_string(strchr(addr, ':') ? "6" : "4"));
			json_object_object_add(ip, "address", json_object_new_string(addr));
			if (json_object_object_get_ex(in, "gateway", &v))
				json_object_object_add(ip, "gateway", json_object_get(v));
			json_object_object_add(ip, "interface", json_object_new_int(0));
			json_object_array_add(out, ip);
		}
		json_object_object_add(res, "ips", out);
	}
	if (ipam && json_object_object_get_ex(ipam, "routes", &v))
		json_object_object_add(res, "routes", json_object_get(v));
	json_object_object_add(res, "dns",
			       ipam && json_object_object_get_ex(ipam, "dns", &v)
				       ? json_object_get(v)
				       : json_object_new_object());
	return res;
}

/* ---- the commands ---- */

static int cmd_add(const struct cni_conf *conf, const struct cni_env *env, struct cni_error *err)
{
	struct nsteer_port_opts o = { .vlan = conf->vlan, .mtu = conf->mtu, .ifname = env->ifname };
	char label[NSTEER_NETNS_LEN];
	json_object *ipam = NULL, *res;
	struct nsteer_port port;
	int ret;

	if (require(env->container_id, "CNI_CONTAINERID", err) ||
	    require(env->netns, "CNI_NETNS", err) || require(env->ifname, "CNI_IFNAME", err))
		return -1;
	if (access(env->netns, F_OK))
		return cni_fail(err, CNI_ERR_CONTAINER, "no network namespace at %s", env->netns);
	if (!if_nametoindex(conf->master))
		return cni_fail(err, CNI_ERR_CONFIG, "master %s does not exist", conf->master);
	if (!attached(conf->master)) {
		ret = nsteer_attach(conf->master, &conf->attach);
		if (ret)
			return nsteer_failed(err, ret, "attaching to the master");
	}
	if (conf->ipam && cni_ipam(conf, env, "ADD", &ipam, err))
		return -1;
	label_of(conf, env->container_id, env->ifname, label);
	o.netns = (struct nsteer_netns_ref){ .kind = NSTEER_NETNS_PATH,
					     .name = env->netns,
					     .label = label };
	o.has_mac = conf->has_mac;
	memcpy(o.mac, conf->mac, 6);
	ret = ipam ? ipam_to_port(ipam, &o, err) : 0;
	if (!ret && (ret = nsteer_port_add(conf->master, &o)))
		nsteer_failed(err, ret, "adding the port");
	if (!ret && !find_port(conf->master, label, &port))
		ret = cni_fail(err, CNI_ERR_NSTEER, "the port vanished after it was added");
	if (ret) {
		struct cni_error ignored;

		/* Nothing of a failed ADD stays: no lease either. */
		if (conf->ipam)
			cni_ipam(conf, env, "DEL", NULL, &ignored);
		json_object_put(ipam);
		return -1;
	}
	res = result_of(conf, env, &port, ipam);
	puts(json_object_to_json_string_ext(res, JSON_C_TO_STRING_PLAIN |
							 JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(res);
	json_object_put(ipam);
	return 0;
}

static int port_del(const struct cni_conf *conf, const char *netns, const char *ifname,
		    const char *label, struct cni_error *err)
{
	struct nsteer_netns_ref ref = { .kind = NSTEER_NETNS_PATH,
					.name = netns ? netns : "",
					.label = label };
	int ret;

	/* Nothing to do where the uplink or the port is gone already. */
	if (!find_port(conf->master, label, &(struct nsteer_port){ 0 }))
		return 0;
	ret = nsteer_port_del(conf->master, &ref, ifname); /* its own interface only */
	return ret ? nsteer_failed(err, ret, "deleting the port") : 0;
}

static int cmd_del(const struct cni_conf *conf, const struct cni_env *env, struct cni_error *err)
{
	char label[NSTEER_NETNS_LEN];
	struct cni_error ipam_err;
	int ret;

	if (require(env->container_id, "CNI_CONTAINERID", err) ||
	    require(env->ifname, "CNI_IFNAME", err))
		return -1;
	label_of(conf, env->container_id, env->ifname, label);
	ret = port_del(conf, env->netns, env->ifname, label, err);
	/* The lease goes whatever happened to the port. */
	if (conf->ipam && cni_ipam(conf, env, "DEL", NULL, &ipam_err) && !ret) {
		*err = ipam_err;
		ret = -1;
	}
	return ret;
}

/* What `nsteer status` finds wrong with the port labelled label: its veth, its program, its
 * steering entry. */
static int port_problem(const char *master, const char *label, struct cni_error *err)
{
	struct nsteer_uplink_status st;
	char prefix[NSTEER_NETNS_LEN + 8];
	int ret = nsteer_status_get(master, &st);

	if (ret)
		return nsteer_failed(err, ret, "reading the state of the master");
	snprintf(prefix, sizeof(prefix), "port %s ", label); /* then its interface */
	for (unsigned int i = 0; i < st.n_problems && !ret; i++)
		if (!strncmp(st.problems[i].what, prefix, strlen(prefix)))
			ret = cni_fail(err, CNI_ERR_NSTEER, "%s", st.problems[i].what);
	nsteer_status_free(&st);
	return ret;
}

static int cmd_check(const struct cni_conf *conf, const struct cni_env *env, struct cni_error *err)
{
	struct nsteer_netns_ref ref = { .kind = NSTEER_NETNS_PATH, .name = env->netns };
	json_object *ifs = NULL, *ips = NULL, *v;
	char label[NSTEER_NETNS_LEN], mac[NSTEER_MAC_STR_LEN];
	const char *want_mac = NULL;
	struct nsteer_port port;

	if (require(env->container_id, "CNI_CONTAINERID", err) ||
	    require(env->netns, "CNI_NETNS", err) || require(env->ifname, "CNI_IFNAME", err))
		return -1;
	if (!conf->prev_result)
		return cni_fail(err, CNI_ERR_CONFIG, "CHECK needs \"prevResult\"");
	label_of(conf, env->container_id, env->ifname, label);
	if (!find_port(conf->master, label, &port))
		return cni_fail(err, CNI_ERR_NSTEER, "no port %s on %s", label, conf->master);
	json_object_object_get_ex(conf->prev_result, "interfaces", &ifs);
	for (size_t i = 0; ifs && i < json_object_array_length(ifs); i++) {
		json_object *iface = json_object_array_get_idx(ifs, i);

		if (json_object_object_get_ex(iface, "name", &v) &&
		    !strcmp(json_object_get_string(v), env->ifname) &&
		    json_object_object_get_ex(iface, "mac", &v))
			want_mac = json_object_get_string(v);
	}
	if (port_problem(conf->master, label, err))
		return -1;
	nsteer_mac_format(port.mac, mac);
	if (want_mac && strcasecmp(want_mac, mac))
		return cni_fail(err, CNI_ERR_NSTEER, "port %s has MAC %s, not %s", label, mac,
				want_mac);
	if (port.vlan != conf->vlan)
		return cni_fail(err, CNI_ERR_NSTEER, "port %s is on VLAN %u, not %u", label,
				port.vlan, conf->vlan);
	json_object_object_get_ex(conf->prev_result, "ips", &ips);
	for (size_t i = 0; ips && i < json_object_array_length(ips); i++) {
		const char *addr;
		int ret;

		if (!json_object_object_get_ex(json_object_array_get_idx(ips, i), "address", &v))
			continue;
		addr = json_object_get_string(v);
		ret = nsteer_netns_addr_present(&ref, env->ifname, addr);
		if (ret != 1)
			return cni_fail(err, CNI_ERR_NSTEER, "%s has no address %s%s%s",
					env->ifname, addr, ret < 0 ? ": " : "",
					ret < 0 ? strerror(-ret) : "");
	}
	return conf->ipam ? cni_ipam(conf, env, "CHECK", NULL, err) : 0;
}

static int cmd_status(const struct cni_conf *conf, struct cni_error *err)
{
	struct nsteer_uplink_status st;
	int ret;

	if (!attached(conf->master)) {
		/* ADD attaches a master that exists; only a missing one keeps ADDs from working. */
		if (if_nametoindex(conf->master))
			return 0;
		return cni_fail(err, CNI_ERR_UNAVAILABLE, "master %s does not exist", conf->master);
	}
	ret = nsteer_status_get(conf->master, &st);
	if (ret)
		return cni_fail(err, CNI_ERR_UNAVAILABLE, "cannot read %s: %s", conf->master,
				strerror(-ret));
	if (!st.complete || !st.dev_present || !st.has_tc ||
	    (st.cfg.xdp_mode != NSTEER_XDP_OFF && !st.has_xdp))
		ret = cni_fail(err, CNI_ERR_UNAVAILABLE,
			       "%s: nsteer's programs are not all in place "
			       "(see nsteer status %s)",
			       conf->master, conf->master);
	nsteer_status_free(&st);
	return ret;
}

struct gc_ctx {
	const struct cni_conf *conf;
	char prefix[NSTEER_NETNS_LEN];
	char (*stale)[NSTEER_NETNS_LEN];
	size_t n_stale;
};

static bool still_valid(const struct cni_conf *conf, const char *label)
{
	json_object *list = conf->valid_attachments, *v;
	char want[NSTEER_NETNS_LEN];

	for (size_t i = 0; list && i < json_object_array_length(list); i++) {
		json_object *a = json_object_array_get_idx(list, i);
		const char *cid = json_object_object_get_ex(a, "containerID", &v)
					  ? json_object_get_string(v)
					  : "";
		const char *ifname =
			json_object_object_get_ex(a, "ifname", &v) ? json_object_get_string(v) : "";

		label_of(conf, cid, ifname, want);
		if (!strcmp(want, label))
			return true;
	}
	return false;
}

static int note_stale(const char *dev, const struct nsteer_port *p, void *arg)
{
	struct gc_ctx *g = arg;
	void *v;

	(void)dev;
	if (strncmp(p->netns, g->prefix, strlen(g->prefix)) || still_valid(g->conf, p->netns))
		return 0;
	v = realloc(g->stale, (g->n_stale + 1) * sizeof(*g->stale));
	if (!v)
		return -ENOMEM;
	g->stale = v;
	snprintf(g->stale[g->n_stale++], NSTEER_NETNS_LEN, "%s", p->netns);
	return 0;
}

static int cmd_gc(const struct cni_conf *conf, const struct cni_env *env, struct cni_error *err)
{
	struct gc_ctx g = { .conf = conf };
	int ret = 0;

	snprintf(g.prefix, sizeof(g.prefix), "cni:%.*s:", LABEL_NAME_MAX, conf->name);
	if (attached(conf->master))
		ret = nsteer_for_each_port(conf->master, note_stale, &g);
	if (ret)
		ret = nsteer_failed(err, ret, "reading the ports");
	for (size_t i = 0; !ret && i < g.n_stale; i++)
		ret = port_del(conf, NULL, NULL, g.stale[i], err);
	free(g.stale);
	if (!ret && conf->ipam)
		ret = cni_ipam(conf, env, "GC", NULL, err);
	return ret;
}

/* ---- main ---- */

static char *read_stdin(size_t *len)
{
	size_t cap = 8192;
	char *buf = malloc(cap);
	size_t n;

	*len = 0;
	while (buf && (n = fread(buf + *len, 1, cap - *len - 1, stdin)) > 0) {
		*len += n;
		if (cap - *len < 2) {
			char *b = realloc(buf, cap *= 2);

			if (!b)
				free(buf);
			buf = b;
		}
	}
	if (buf)
		buf[*len] = '\0';
	return buf;
}

static void print_version(const char *version)
{
	json_object *res = json_object_new_object(), *list = json_object_new_array();

	json_object_object_add(res, "cniVersion", json_object_new_string(version));
	for (const char *const *v = cni_versions; *v; v++)
		json_object_array_add(list, json_object_new_string(*v));
	json_object_object_add(res, "supportedVersions", list);
	puts(json_object_to_json_string_ext(res, JSON_C_TO_STRING_PLAIN |
							 JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(res);
}

static void print_error(const char *version, const struct cni_error *err)
{
	json_object *res = json_object_new_object();

	json_object_object_add(res, "cniVersion", json_object_new_string(version));
	json_object_object_add(res, "code", json_object_new_int(err->code));
	json_object_object_add(res, "msg", json_object_new_string(err->msg));
	if (err->details[0])
		json_object_object_add(res, "details", json_object_new_string(err->details));
	puts(json_object_to_json_string_ext(res, JSON_C_TO_STRING_PLAIN |
							 JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(res);
}

int main(void)
{
	struct cni_env env = {
		getenv("CNI_COMMAND"), getenv("CNI_CONTAINERID"), getenv("CNI_NETNS"),
		getenv("CNI_IFNAME"),  getenv("CNI_ARGS"),        getenv("CNI_PATH"),
	};
	struct cni_error err = { 0 };
	struct cni_conf conf = { .version = "1.1.0" };
	json_object *version_cfg, *v;
	size_t len;
	char *raw;
	int ret;

	signal(SIGPIPE, SIG_IGN); /* a delegate that exits early must not kill us */
	nsteer_set_log(log_to_details);
	raw = read_stdin(&len);
	/* Errors answer in the config's version even before the config is checked. */
	version_cfg = raw && len ? json_tokener_parse(raw) : NULL;
	if (version_cfg && json_object_object_get_ex(version_cfg, "cniVersion", &v) &&
	    json_object_is_type(v, json_type_string) &&
	    cni_version_supported(json_object_get_string(v)))
		conf.version = json_object_get_string(v);
	if (!raw) {
		cni_fail(&err, CNI_ERR_IO, "reading the network config: %s", strerror(errno));
		ret = -1;
	} else if (require(env.command, "CNI_COMMAND", &err)) {
		ret = -1;
	} else if (!strcmp(env.command, "VERSION")) {
		print_version(conf.version);
		ret = 0;
	} else if ((ret = cni_conf_parse(&conf, &env, raw, len, &err)) == 0) {
		if (!strcmp(env.command, "ADD"))
			ret = cmd_add(&conf, &env, &err);
		else if (!strcmp(env.command, "DEL"))
			ret = cmd_del(&conf, &env, &err);
		else if (!strcmp(env.command, "CHECK"))
			ret = cmd_check(&conf, &env, &err);
		else if (!strcmp(env.command, "STATUS"))
			ret = cmd_status(&conf, &err);
		else if (!strcmp(env.command, "GC"))
			ret = cmd_gc(&conf, &env, &err);
		else
			ret = cni_fail(&err, CNI_ERR_ENV, "unknown CNI_COMMAND %s", env.command);
	}
	if (ret)
		print_error(conf.version, &err);
	json_object_put(conf.root);
	json_object_put(version_cfg);
	free(raw);
	return ret ? 1 : 0;
}
