// SPDX-License-Identifier: GPL-2.0
/* The network config: named as the macvlan plugin's keys where the meaning is the same (master,
 * mode, mtu, mac, ipam), plus nsteer's own (vlan, xdpMode, unknown, hostAccess). */
#include <errno.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cni.h"

const char *const cni_versions[] = { "0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0", NULL };

bool cni_version_supported(const char *version)
{
	for (const char *const *v = cni_versions; *v; v++)
		if (!strcmp(*v, version))
			return true;
	return false;
}

int cni_fail(struct cni_error *err, enum cni_code code, const char *fmt, ...)
{
	va_list ap;

	err->code = code;
	err->details[0] = '\0';
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

/* key's value when present and of type, NULL when absent; -1 (err set) when of another type. */
static int member(json_object *obj, const char *key, json_type type, json_object **out,
		  struct cni_error *err)
{
	*out = NULL;
	if (!json_object_object_get_ex(obj, key, out) ||
	    json_object_is_type(*out, json_type_null)) {
		*out = NULL;
		return 0;
	}
	if (!json_object_is_type(*out, type))
		return cni_fail(err, CNI_ERR_CONFIG, "\"%s\" must be a %s", key,
				json_type_to_name(type));
	return 0;
}

static int string_member(json_object *obj, const char *key, const char **out, struct cni_error *err)
{
	json_object *v;
	int ret = member(obj, key, json_type_string, &v, err);

	*out = v ? json_object_get_string(v) : NULL;
	return ret;
}

static int enum_member(json_object *obj, const char *key, const struct nsteer_name *names, int *out,
		       struct cni_error *err)
{
	const char *s;
	int v;

	if (string_member(obj, key, &s, err))
		return -1;
	if (!s)
		return 0;
	v = nsteer_value_of(names, s);
	if (v < 0)
		return cni_fail(err, CNI_ERR_CONFIG, "invalid \"%s\": \"%s\"", key, s);
	*out = v;
	return 0;
}

static int uint_member(json_object *obj, const char *key, unsigned int min, unsigned int max,
		       unsigned int *out, struct cni_error *err)
{
	json_object *v;
	int64_t n;

	if (member(obj, key, json_type_int, &v, err))
		return -1;
	if (!v)
		return 0;
	n = json_object_get_int64(v);
	if (n < min || n > max)
		return cni_fail(err, CNI_ERR_CONFIG, "invalid \"%s\": %lld (%u-%u)", key,
				(long long)n, min, max);
	*out = (unsigned int)n;
	return 0;
}

static int mac_value(const char *s, const char *from, struct cni_conf *conf, struct cni_error *err)
{
	if (nsteer_mac_parse(s, conf->mac) || !nsteer_mac_port_valid(conf->mac))
		return cni_fail(err, CNI_ERR_CONFIG,
				"invalid MAC \"%s\" in %s: a unicast MAC, not zero", s, from);
	conf->has_mac = true;
	return 0;
}

/* CNI_ARGS: "K=V;K=V". Only MAC matters here; the others are the runtime's (IgnoreUnknown, ...). */
static int args_mac(const char *args, struct cni_conf *conf, struct cni_error *err)
{
	char buf[1024], *save = NULL;

	if (!args || !*args)
		return 0;
	snprintf(buf, sizeof(buf), "%s", args);
	for (char *kv = strtok_r(buf, ";", &save); kv; kv = strtok_r(NULL, ";", &save))
		if (!strncmp(kv, "MAC=", 4) && mac_value(kv + 4, "CNI_ARGS", conf, err))
			return -1;
	return 0;
}

int cni_conf_parse(struct cni_conf *conf, const struct cni_env *env, const char *raw,
		   size_t raw_len, struct cni_error *err)
{
	enum json_tokener_error jerr;
	json_object *runtime, *v;
	const char *mac;

	memset(conf, 0, sizeof(*conf));
	conf->raw = raw;
	conf->raw_len = raw_len;
	conf->version = "1.1.0";
	conf->attach.xdp_mode = NSTEER_XDP_AUTO;
	conf->root = json_tokener_parse_verbose(raw, &jerr);
	if (!conf->root)
		return cni_fail(err, CNI_ERR_DECODE, "the network config is not JSON: %s",
				json_tokener_error_desc(jerr));
	if (!json_object_is_type(conf->root, json_type_object))
		return cni_fail(err, CNI_ERR_DECODE, "the network config is not a JSON object");
	if (string_member(conf->root, "cniVersion", &conf->version, err))
		return -1;
	if (!conf->version) {
		conf->version = "1.1.0";
		return cni_fail(err, CNI_ERR_CONFIG, "\"cniVersion\" is missing");
	}
	if (!cni_version_supported(conf->version))
		return cni_fail(err, CNI_ERR_VERSION, "CNI version %s is not supported",
				conf->version);
	if (string_member(conf->root, "name", &conf->name, err) ||
	    string_member(conf->root, "master", &conf->master, err))
		return -1;
	if (!conf->name || !*conf->name)
		return cni_fail(err, CNI_ERR_CONFIG, "\"name\" is missing");
	if (!conf->master || !nsteer_dev_name_valid(conf->master))
		return cni_fail(err, CNI_ERR_CONFIG, "\"master\" must name the uplink device");
	if (enum_member(conf->root, "mode", nsteer_mode_names, (int *)&conf->attach.mode, err) ||
	    enum_member(conf->root, "xdpMode", nsteer_xdp_mode_names, (int *)&conf->attach.xdp_mode,
			err) ||
	    enum_member(conf->root, "unknown", nsteer_unknown_names, (int *)&conf->attach.unknown,
			err) ||
	    uint_member(conf->root, "vlan", 1, 4094, &conf->vlan, err) ||
	    uint_member(conf->root, "mtu", 68, 65535, &conf->mtu, err) ||
	    member(conf->root, "hostAccess", json_type_boolean, &v, err))
		return -1;
	conf->attach.host_access = v && json_object_get_boolean(v);
	if (member(conf->root, "ipam", json_type_object, &conf->ipam, err) ||
	    member(conf->root, "prevResult", json_type_object, &conf->prev_result, err) ||
	    member(conf->root, "cni.dev/valid-attachments", json_type_array,
		   &conf->valid_attachments, err))
		return -1;
	/* The MAC, in rising precedence: the config, CNI_ARGS, runtimeConfig (the mac capability). */
	if (string_member(conf->root, "mac", &mac, err) ||
	    (mac && mac_value(mac, "\"mac\"", conf, err)) || args_mac(env->args, conf, err) ||
	    member(conf->root, "runtimeConfig", json_type_object, &runtime, err) ||
	    (runtime && string_member(runtime, "mac", &mac, err)) ||
	    (runtime && mac && mac_value(mac, "runtimeConfig", conf, err)))
		return -1;
	return 0;
}
