/* SPDX-License-Identifier: GPL-2.0 */
/* nsteer as a CNI plugin (https://www.cni.dev/docs/spec/): one port per container attachment. */
#ifndef NSTEER_CNI_H
#define NSTEER_CNI_H

#include <json-c/json.h>
#include <stdbool.h>

#include "nsteer.h"

/* The spec's well-known error codes, and nsteer's own from 100 up. */
enum cni_code {
	CNI_ERR_VERSION = 1,      /* incompatible CNI version */
	CNI_ERR_FIELD = 2,        /* unsupported field in the network config */
	CNI_ERR_CONTAINER = 3,    /* container unknown or does not exist */
	CNI_ERR_ENV = 4,          /* invalid necessary environment variables */
	CNI_ERR_IO = 5,           /* I/O failure */
	CNI_ERR_DECODE = 6,       /* failed to decode content */
	CNI_ERR_CONFIG = 7,       /* invalid network config */
	CNI_ERR_TRY_AGAIN = 11,   /* try again later */
	CNI_ERR_UNAVAILABLE = 50, /* STATUS: the plugin cannot serve ADDs now */
	CNI_ERR_NSTEER = 100,     /* an nsteer operation failed; details say which */
};

struct cni_error {
	enum cni_code code;
	char msg[256];
	char details[1024];
};

/* What the runtime passes in the environment. */
struct cni_env {
	const char *command, *container_id, *netns, *ifname, *args, *path;
};

/* The network config, parsed and checked. */
struct cni_conf {
	json_object *root;
	const char *raw; /* stdin as read: what a delegated IPAM plugin gets */
	size_t raw_len;
	const char *version, *name, *master;
	struct nsteer_attach_opts attach;
	unsigned int vlan, mtu;
	bool has_mac;
	unsigned char mac[6];
	json_object *ipam, *prev_result, *valid_attachments;
};

/* Sets err and returns -1, for `return cni_fail(...)`. */
int cni_fail(struct cni_error *err, enum cni_code code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

int cni_conf_parse(struct cni_conf *conf, const struct cni_env *env, const char *raw,
		   size_t raw_len, struct cni_error *err);
bool cni_version_supported(const char *version);
extern const char *const cni_versions[];

/* Runs the IPAM plugin named by ipam.type from CNI_PATH with command and the same stdin; for ADD,
 * *result is its result (free with json_object_put). */
int cni_ipam(const struct cni_conf *conf, const struct cni_env *env, const char *command,
	     json_object **result, struct cni_error *err);

#endif
